#!/usr/bin/env bash
# Builds the npm package: the wasm module (wasm-bindgen glue, wasm-opt for size) and the TypeScript.
# Installs what a fresh machine lacks: the wasm32 target, the pinned wasm-bindgen CLI, the npm dependencies
# (binaryen's wasm-opt comes from npm: Debian's release predates the reference-types handling that
# wasm-bindgen's output needs).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$here/../.." && pwd)"
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen version pinned in wasm/Cargo.toml

# The modules are built by a pinned nightly compiler that also builds the standard library for them
# (`-Z build-std`), sized for size, with panics as immediate aborts: no panic machinery, formatting of panic
# messages or unwinding tables in the module (a panic was already an abort: `wasm32-unknown-unknown` has
# nowhere to print its message). About 3 KB gzipped of the full entry. The native libraries stay on stable.
WASM_TOOLCHAIN=nightly-2026-05-20
if ! rustup run "$WASM_TOOLCHAIN" rustc --version >/dev/null 2>&1 \
  || ! rustup component list --toolchain "$WASM_TOOLCHAIN" --installed | grep -q '^rust-src'; then
  echo "installing Rust ${WASM_TOOLCHAIN} with its sources (for the WebAssembly modules; once)"
  rustup toolchain install "$WASM_TOOLCHAIN" --profile minimal --component rust-src
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q " ${WASM_BINDGEN_VERSION}\$"; then
  echo "installing wasm-bindgen-cli ${WASM_BINDGEN_VERSION} (a few minutes, once)"
  cargo install wasm-bindgen-cli --version "${WASM_BINDGEN_VERSION}"
fi
cd "$here"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

cd "$root"
# Paths of the build machine stay out of the bundle.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=cargo --remap-path-prefix=${RUSTUP_HOME:-$HOME/.rustup}=rustup --remap-path-prefix=$root=andopen -Z unstable-options -C panic=immediate-abort -Z location-detail=none --cfg andopen_optimize_attr"
rm -rf "$here/wasm" "$here/cjs" "$here/validate"
mkdir -p "$here/cjs"
echo '{ "type": "commonjs" }' > "$here/cjs/package.json"
# Three modules: `andopen` (validation and the client: what `@andopen/sdk` loads) and `andopen_workflows` (the
# same plus webhooks, the gift history and batch send: loaded only by `@andopen/sdk/workflows` and
# `Client.sendBatch`).
build_module() { # directory, name, cargo feature arguments...
  local out="$1" name="$2"; shift 2
  cargo "+$WASM_TOOLCHAIN" build --locked -p andopen-wasm --target wasm32-unknown-unknown --profile wasm-release \
    -Z build-std=std,panic_abort -Z build-std-features=optimize_for_size "$@"
  # wasm-bindgen needs the target-features section to know which features the module uses.
  wasm-bindgen --target web --out-dir "$out" --out-name "$name" \
    target/wasm32-unknown-unknown/wasm-release/andopen_wasm.wasm
  # --low-memory-unused: the first 1 KB of memory is never addressed (rustc's layout puts the 1 MB stack
  # first, growing down from its top, and the module nests 32 levels at most), which lets wasm-opt fold
  # more pointer arithmetic into loads and stores (0.4 KB gzipped).
  "$here/node_modules/.bin/wasm-opt" -Oz --converge --low-memory-unused --strip-debug --strip-producers \
    --enable-bulk-memory --enable-sign-ext --enable-mutable-globals --enable-nontrapping-float-to-int \
    --enable-multivalue --enable-reference-types \
    "$out/${name}_bg.wasm" -o "$out/${name}_bg.wasm"
  # The package always says where the module is (see src/sources.ts): the glue's own default, a URL made
  # from `import.meta.url`, goes (CommonJS cannot parse it, workerd cannot resolve it).
  sed -i -E "s|new URL\('${name}_bg\.wasm', import\.meta\.url\)|(() => { throw new Error('pass the module to init()'); })()|" "$out/${name}.js"
  if grep -q "import\.meta" "$out/${name}.js"; then echo "the glue still reads import.meta" >&2; exit 1; fi
  # `Symbol.dispose` needs TypeScript's esnext.disposable lib, which a browser project may not have.
  sed -i '/\[Symbol\.dispose\]()/d' "$out/${name}.d.ts"
  # The glue ships without its comments (its declarations keep them).
  "$here/node_modules/.bin/tsc" --allowJs --removeComments --skipLibCheck --target ES2022 --module ES2022 \
    --outDir "$out/plain" "$out/${name}.js"
  mv "$out/plain/${name}.js" "$out/${name}.js"
  rmdir "$out/plain"
}
# The glue of a module as CommonJS as well, for `require`: under cjs/ (a mirror of the package's layout,
# marked `"type": "commonjs"`).
commonjs_glue() { # name
  "$here/node_modules/.bin/tsc" --allowJs --removeComments --skipLibCheck --target ES2022 --module CommonJS \
    --outDir "$here/cjs/wasm" "$here/wasm/$1.js"
  cp "$here/wasm/$1.d.ts" "$here/cjs/wasm/$1.d.ts"
}
build_module "$here/wasm" andopen
commonjs_glue andopen
build_module "$here/wasm" andopen_workflows --features workflows
commonjs_glue andopen_workflows
# The third, for `@andopen/sdk/validate`: the validation path alone (no client), under validate/ (a mirror
# of the package's layout: validate/dist/wasm.js loads ../wasm/andopen.js, its own glue).
build_module "$here/validate/wasm" andopen --no-default-features

cd "$here"
rm -rf dist
# The JavaScript ships without comments (and minified, below); the declarations keep every doc
# comment for editors.
npx tsc -p tsconfig.json --removeComments --declaration false
npx tsc -p tsconfig.json --emitDeclarationOnly
# CommonJS, for `require` (Node.js 18 has no `require` of ES modules): the same sources, under cjs/.
rm -rf cjs/dist
npx tsc -p tsconfig.cjs.json --removeComments --declaration false
npx tsc -p tsconfig.cjs.json --emitDeclarationOnly
# `@andopen/sdk/validate`: the same sources again, under validate/.
rm -rf validate/dist
npx tsc -p tsconfig.validate.json --removeComments --declaration false
npx tsc -p tsconfig.validate.json --emitDeclarationOnly
# `@andopen/sdk/validate` for `require`: its glue and sources as CommonJS, under cjs/validate/ (the layout of
# validate/, so that its dist/wasm.js finds ../wasm/andopen.js, its own glue).
"$here/node_modules/.bin/tsc" --allowJs --removeComments --skipLibCheck --target ES2022 --module CommonJS \
  --outDir "$here/cjs/validate/wasm" "$here/validate/wasm/andopen.js"
cp "$here/validate/wasm/andopen.d.ts" "$here/cjs/validate/wasm/andopen.d.ts"
npx tsc -p tsconfig.validate-cjs.json --removeComments --declaration false
npx tsc -p tsconfig.validate-cjs.json --emitDeclarationOnly
# The browser entries, each one file (see the script).
node scripts/bundle.mjs
# The shipped JavaScript is minified (a tenth of the full entry's gzipped size; names of classes kept).
node scripts/minify.mjs dist cjs validate wasm
