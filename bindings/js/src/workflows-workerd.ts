/**
 * `@andopen/sdk/workflows` in Cloudflare Workers: the module is imported compiled (wrangler's `.wasm`
 * import) and instantiated on first use; nothing needs `init()`.
 */
import wasmModule from "../wasm/andopen_workflows_bg.wasm";
import { sources } from "./sources.js";

sources.workflows = { sync: () => wasmModule };

export * from "./workflows.js";
