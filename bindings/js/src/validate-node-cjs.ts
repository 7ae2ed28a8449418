/**
 * `@andopen/sdk/validate` for `require` (CommonJS, Node.js 18 and later): the same as the ES module entry,
 * the validation-only module read from the package's file on first use.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sources } from "./sources.js";

sources.main = { sync: () => readFileSync(join(__dirname, "..", "..", "..", "validate", "wasm", "andopen_bg.wasm")) };

export * from "./validate-exports.js";
