/**
 * `@andopen/sdk` for `require` (CommonJS, Node.js 18 and later): the same as the ES module entry, the module
 * read from the package's file on first use.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sources } from "./sources.js";
import { envKey } from "./env.js";

sources.main = { sync: () => readFileSync(join(__dirname, "..", "..", "wasm", "andopen_bg.wasm")) };
sources.workflows = { sync: () => readFileSync(join(__dirname, "..", "..", "wasm", "andopen_workflows_bg.wasm")) };
sources.envKey = envKey;

export * from "./index.js";
