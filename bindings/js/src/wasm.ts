/**
 * Loads the core (WebAssembly) once, in Node.js from the package's file, in browsers by URL, and turns
 * what the core throws (error reports as JSON text) into `AndOpenError`s.
 */
import init, { initSync } from "../wasm/andopen.js";
import { errorFromReport, type ErrorReport } from "./errors.js";

const wasmUrl = new URL("../wasm/andopen_bg.wasm", import.meta.url);

const isNode = typeof process !== "undefined" && typeof process.versions?.node === "string";
if (isNode) {
  const { readFile } = await import("node:fs/promises");
  initSync({ module: await readFile(wasmUrl) });
} else {
  await init({ module_or_path: wasmUrl });
}

export * as core from "../wasm/andopen.js";

/** Runs `f`, rethrowing the core's error reports as `AndOpenError`s. */
export function guarded<T>(f: () => T): T {
  try {
    return f();
  } catch (thrown) {
    if (typeof thrown === "string" && thrown.startsWith("{")) {
      throw errorFromReport(JSON.parse(thrown) as ErrorReport);
    }
    throw thrown;
  }
}
