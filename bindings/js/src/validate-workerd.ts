/**
 * `@andopen/sdk/validate` in Cloudflare Workers (workerd): the validation-only module is imported as a
 * compiled `WebAssembly.Module` and instantiated on first use (elsewhere than with wrangler, pass it with
 * `initSync({ module })`).
 */
import wasmModule from "../wasm/andopen_bg.wasm";
import { sources } from "./sources.js";

sources.main = { sync: () => wasmModule };

export * from "./validate-exports.js";
