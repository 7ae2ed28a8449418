/**
 * `@andopen/sdk/validate` in browsers and web workers (and other ES module hosts): call `await init()` once
 * before the first `validateGiftRequest`; it fetches the validation-only module next to this script
 * (bundlers that follow `new URL(…, import.meta.url)`, such as Vite and webpack, copy the file).
 */
import { sources } from "./sources.js";

sources.main = { async: () => new URL("../wasm/andopen_bg.wasm", import.meta.url) };

export * from "./validate-exports.js";
