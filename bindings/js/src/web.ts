/**
 * `@andopen/sdk` in browsers and web workers (and the default for other ES module hosts): call
 * `await init()` once before the first synchronous call; it fetches the module next to this script,
 * compiling it as it streams (bundlers that follow `new URL(…, import.meta.url)`, such as Vite and webpack,
 * copy the file). A `Client` loads it on its first call. The API key is never read from anywhere here.
 */
import { sources } from "./sources.js";

sources.main = { async: () => new URL("../wasm/andopen_bg.wasm", import.meta.url) };
sources.workflows = { async: () => new URL("../wasm/andopen_workflows_bg.wasm", import.meta.url) };

export * from "./index.js";
