/**
 * `@andopen/sdk/validate` in Node.js, Bun and Deno: the validation-only module is read from the package's
 * file on first use, synchronously, so nothing needs `init()`.
 */
import { readFileSync } from "node:fs";
import { sources } from "./sources.js";

sources.main = { sync: () => readFileSync(new URL("../wasm/andopen_bg.wasm", import.meta.url)) };

export * from "./validate-exports.js";
