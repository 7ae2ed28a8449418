# The two commands of the README: `make demo` (the main job) and `make test` (every check).
# Each installs what it needs first, and may be run as the very first command on a fresh machine.

CARGO ?= cargo

.PHONY: demo test toolchain bench fuzz doc

demo: toolchain
	$(CARGO) run --quiet --locked -p andopen-core --example demo

test: toolchain
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	$(CARGO) test --workspace --locked
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps --locked

toolchain:
	@scripts/ensure-toolchain.sh

bench: toolchain
	$(CARGO) bench --locked -p andopen-core --bench core

fuzz: toolchain
	scripts/fuzz.sh

doc: toolchain
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps --locked --open
