/** `@andopen/sdk/workflows` for `require` (CommonJS, Node.js 18 and later): the module is read on first use. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sources } from "./sources.js";

sources.workflows = { sync: () => readFileSync(join(__dirname, "..", "..", "wasm", "andopen_workflows_bg.wasm")) };

export * from "./workflows.js";
