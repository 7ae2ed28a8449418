/**
 * `@andopen/sdk` in Node.js, Bun and Deno (ES modules): the module is read from the package's file on first
 * use, synchronously, so nothing needs `init()`; a `Client` without `apiKey` reads `ANDOPEN_API_KEY`.
 */
import { readFileSync } from "node:fs";
import { sources } from "./sources.js";
import { envKey } from "./env.js";

sources.main = { sync: () => readFileSync(new URL("../wasm/andopen_bg.wasm", import.meta.url)) };
sources.workflows = { sync: () => readFileSync(new URL("../wasm/andopen_workflows_bg.wasm", import.meta.url)) };
sources.envKey = envKey;

export * from "./index.js";
