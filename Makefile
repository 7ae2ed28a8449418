# The two commands of the README: `make demo` (the main job) and `make test` (every check).
# Each installs what it needs first, and may be run as the very first command on a fresh machine.

CARGO ?= cargo

JS := bindings/js

.PHONY: demo mock test dist natives test-rust test-js test-bindings test-swift types toolchain bench bench-batch bench-readers bench-mock bench-workflows bench-bindings fuzz doc

# Starts the local &Open simulator, runs the gifting flow in Rust, JavaScript, Python, Kotlin and Swift
# against it, and stops it.
demo: toolchain
	scripts/demo.sh

# The simulator the end-to-end tests and the demo run against (tests/mock).
mock: toolchain
	$(CARGO) build --release --locked -p andopen-mock --bin andopen-mock

test: test-rust test-js test-bindings

test-rust: toolchain
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	$(CARGO) test --workspace --locked
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps --locked

# The npm package: build (wasm + TypeScript), replay the vectors, client tests, the real-browser test,
# type tests, and the size of what ships.
test-js: mock
	$(CARGO) test --locked -p andopen-core --features typescript --test typescript
	$(JS)/scripts/build.sh
	$(JS)/scripts/ensure-chromium.sh
	cd $(JS) && npm test && npm run typecheck && npm run size

# The UniFFI layer: the Python wheel (pytest), the Kotlin package (JUnit 5), the Swift package (XCTest, with
# Swift 6; on a Debian host without Swift, in a Debian 13 root set up once under target/swift-root).
test-bindings: mock
	scripts/test-bindings-native.sh

# The Swift package alone (also part of test-bindings).
test-swift: mock
	scripts/test-swift.sh

# Every artifact of the Python, Kotlin and Swift packages, for every platform, into target/dist: the native
# libraries (cross-built once per platform and inspected), the wheels and the sdist, the jar, the AAR when
# ANDROID_NDK_HOME is set, the XCFramework on macOS; then what was built and what was skipped, and why.
dist: toolchain
	scripts/dist.sh

# The native library of every desktop platform into target/natives, inspected (part of test-bindings).
natives: toolchain
	scripts/natives.sh

# Writes the JavaScript package's types of what the core returns from the Rust types.
types: toolchain
	UPDATE_TYPES=1 $(CARGO) test --locked -p andopen-core --features typescript --test typescript

toolchain:
	@scripts/ensure-toolchain.sh

bench: toolchain
	$(CARGO) bench --locked -p andopen-core --bench core

# Planning 100,000 batch rows: time and peak memory.
bench-batch: toolchain
	$(CARGO) bench --locked -p andopen-core --bench batch

# Objects of 10,000 to 1,000,000 unknown keys, as JSON, tokens and typed parameters: time and growth.
bench-readers: toolchain
	$(CARGO) bench --locked -p andopen-core --bench readers

# The simulator's capacity: requests per second and latency percentiles under concurrent clients.
bench-mock: toolchain
	$(CARGO) bench --locked -p andopen-mock --bench capacity

# The gifting workflows against the simulator: a faulty 1,000-row batch killed and resumed, and 10,000
# bad and repeated webhook deliveries.
bench-workflows: toolchain
	$(CARGO) bench --locked -p andopen-mock --bench workflows

bench-bindings: test-bindings
	target/bindings-venv/bin/python bindings/python/bench.py

fuzz: toolchain
	scripts/fuzz.sh

doc: toolchain
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps --locked --open
