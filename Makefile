# The two commands of the README: `make demo` (the main job) and `make test` (every check).
# Each installs what it needs first, and may be run as the very first command on a fresh machine.

CARGO ?= cargo

JS := bindings/js

.PHONY: demo test test-rust test-js toolchain bench fuzz doc

demo: toolchain
	$(CARGO) run --quiet --locked -p andopen-core --example demo

test: test-rust test-js

test-rust: toolchain
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	$(CARGO) test --workspace --locked
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps --locked

# The npm package: build (wasm + TypeScript), replay the vectors, client tests, the real-browser test,
# type tests, and the size of what ships.
test-js: toolchain
	$(JS)/scripts/build.sh
	$(JS)/scripts/ensure-chromium.sh
	cd $(JS) && npm test && npm run typecheck && npm run size

toolchain:
	@scripts/ensure-toolchain.sh

bench: toolchain
	$(CARGO) bench --locked -p andopen-core --bench core

fuzz: toolchain
	scripts/fuzz.sh

doc: toolchain
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps --locked --open
