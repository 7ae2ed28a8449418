/** `@andopen/sdk/workflows` in Node.js, Bun and Deno (ES modules): the module is read on first use. */
import { readFileSync } from "node:fs";
import { sources } from "./sources.js";

sources.workflows = { sync: () => readFileSync(new URL("../wasm/andopen_workflows_bg.wasm", import.meta.url)) };

export * from "./workflows.js";
