/**
 * Loads the core (WebAssembly) once, in Node.js from the package's file, in browsers by URL, and turns
 * what the core throws (error reports as JSON text) into `AndOpenError`s.
 */
import init, { initSync, inputArea, type InitOutput } from "../wasm/andopen.js";
import { errorFromReport, type ErrorReport } from "./errors.js";

const wasmUrl = new URL("../wasm/andopen_bg.wasm", import.meta.url);

const isNode = typeof process !== "undefined" && typeof process.versions?.node === "string";
let exports: InitOutput;
if (isNode) {
  const { readFile } = await import("node:fs/promises");
  exports = initSync({ module: await readFile(wasmUrl) });
} else {
  exports = await init({ module_or_path: wasmUrl });
}
const memory = exports.memory;

export * as core from "../wasm/andopen.js";

const encoder = new TextEncoder();
let capacity = 0;
let area = new Uint8Array(0);

/**
 * Writes `text` as UTF-8 into the module's input area and returns its length in bytes: the fast way in for
 * a payload (no allocation per call). The area grows when a payload needs more room.
 */
export function writeInput(text: string): number {
  const needed = text.length * 3;
  if (needed > capacity || area.byteLength === 0 || area.buffer !== memory.buffer) {
    capacity = Math.max(needed, 4096, capacity);
    const start = inputArea(capacity); // may grow the memory: read memory.buffer after it
    area = new Uint8Array(memory.buffer, start, capacity);
  }
  return encoder.encodeInto(text, area).written;
}

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
