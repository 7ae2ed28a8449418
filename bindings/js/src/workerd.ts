/**
 * `@andopen/sdk` in Cloudflare Workers (workerd): the module is imported as a compiled
 * `WebAssembly.Module` (what wrangler does with a `.wasm` import) and instantiated on first use, so nothing
 * needs `init()`. Workers may not compile WebAssembly from bytes at run time: elsewhere than with wrangler,
 * pass the module yourself with `initSync({ module })`.
 */
import wasmModule from "../wasm/andopen_bg.wasm";
import { sources } from "./sources.js";

sources.main = { sync: () => wasmModule };

export * from "./index.js";
