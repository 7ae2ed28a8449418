/**
 * Loads the core (WebAssembly) once, in Node.js from the package's file, in browsers by URL, and turns
 * what the core throws (error reports as JSON text) into `AndOpenError`s.
 */
import init, { initSync, inputArea as reserveInput, tagArea as reserveTags, tokensText, validateInput, validateTokens, type InitOutput } from "../wasm/andopen.js";
import { errorFromReport, type ErrorReport } from "./errors.js";
import { Token } from "./generated.js";

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

/**
 * An area of the module's memory that the package writes into, viewed anew after any growth of the memory
 * (growing detaches the old buffer, which leaves its views empty: no need to ask the memory for its buffer).
 * The area stays where it is until it is reserved again, larger.
 */
class Area<T extends Uint8Array | Uint32Array> {
  view: T;
  #capacity = 0;
  #start = 0;

  /** `reserve(capacity)` makes the core hold the area and says where it starts; `least` is the smallest capacity asked for. */
  constructor(
    private readonly reserve: (capacity: number) => number,
    private readonly viewOf: (buffer: ArrayBuffer, start: number, length: number) => T,
    private readonly least: number,
  ) {
    this.view = viewOf(new ArrayBuffer(0), 0, 0);
  }

  /** The area, at least `needed` items long; what it held is kept unless it had to grow. */
  at(needed: number): T {
    if (needed > this.#capacity || this.#capacity === 0) {
      this.#capacity = Math.max(needed, this.least, this.#capacity);
      this.#start = this.reserve(this.#capacity); // may grow the memory: read memory.buffer after it
      this.view = this.viewOf(memory.buffer, this.#start, this.#capacity);
    } else if (this.view.byteLength === 0) {
      this.view = this.viewOf(memory.buffer, this.#start, this.#capacity);
    }
    return this.view;
  }

  /** How many items the area holds now. */
  get capacity(): number {
    return this.#capacity;
  }
}

/** The input area: UTF-8 text (JSON, or the strings of a payload's tokens). */
const inputArea = new Area(reserveInput, (buffer, start, length) => new Uint8Array(buffer, start, length), 4096);
/** The tag area: the walk of a payload's tokens. */
const tagArea = new Area(reserveTags, (buffer, start, length) => new Uint32Array(buffer, start, length), 1024);

/**
 * Writes `text` as UTF-8 into the module's input area and returns its length in bytes: how JSON text
 * reaches the core (no allocation per call). The area grows when the text needs more room.
 */
export function writeInput(text: string): number {
  return encoder.encodeInto(text, inputArea.at(text.length * 3)).written;
}

/**
 * Checks a payload against every rule of the contract (in the core): `undefined` when it is valid, else
 * the JSON text of its field errors. A string is taken as JSON text. Anything else is read as
 * `JSON.stringify` would read it: handed over as tokens when it is made of plain objects, arrays, strings,
 * numbers, booleans and `null` (see `writeTokens`), else as the text of `JSON.stringify`.
 */
export function validatePayload(payload: unknown): string | undefined {
  if (typeof payload !== "string") {
    const textLen = writeTokens(payload);
    if (textLen >= 0) {
      const errors = validateTokens(tagCount, textLen);
      // Text that is not all ASCII may hold two lone halves of a surrogate pair that met when the strings
      // were joined: the core refuses such tokens as unreadable, and the payload goes again as JSON text.
      if (errors === undefined || textIsAscii || !errors.includes('"malformed_request"')) return errors;
    }
  }
  return validateInput(writeInput(typeof payload === "string" ? payload : (JSON.stringify(payload) ?? "")));
}

/**
 * The tag area while a payload is written. A getter the walk runs may call the module and grow its memory,
 * which empties this view: `writeTokens` checks for that after the walk.
 */
let tags = new Uint32Array(0);
/** Whether a walk is under way: a getter that validates another payload meanwhile sends it as JSON text. */
let walking = false;
/** How many tags the last `writeTokens` wrote. */
let tagCount = 0;
/** Whether the text the last `writeTokens` wrote is all ASCII. */
let textIsAscii = true;
/** Every key, string and number of the payload being written, back to back (encoded once, at the end). */
let text = "";

/**
 * Writes `payload` as tokens (the format is `andopen_core::tokens`): its walk into the tag area, the UTF-8
 * of all its keys, strings and numbers into the input area, encoded at once. Returns the text's length in
 * bytes (the tag count is left in `tagCount`), or -1 when the payload must go as the text of
 * `JSON.stringify`: `toJSON`, class instances and other objects that are not plain (boxed primitives,
 * `JSON.rawJSON` values), deep nesting, a lone surrogate (two that the joined text makes whole are left
 * to the core: see `validatePayload`), plain objects that inherit enumerable properties,
 * a walk of more than `MAX_TAGS` tags, a getter that calls the module. What is written reads exactly as
 * that text would; this only moves values, every rule is the core's.
 */
export function writeTokens(payload: unknown): number {
  if (walking || !inheritsNothing()) return -1;
  tags = tagArea.at(0);
  walking = true;
  try {
    for (;;) {
      text = "";
      tagCount = token(payload, 0, 0);
      if (tags.byteLength === 0) tagCount = -1; // the memory grew under the walk: its last tags are lost
      if (tagCount >= 0) break;
      text = "";
      if (tagCount !== FULL || tagArea.capacity >= MAX_TAGS) return -1;
      tags = tagArea.at(tagArea.capacity * 2);
    }
  } finally {
    walking = false;
  }
  const units = text.length;
  const { read, written } = encoder.encodeInto(text, inputArea.at(units * 3));
  // More bytes than code units: not all ASCII. A lone surrogate would be encoded as U+FFFD, which is not
  // what JSON.stringify writes: such text goes as JSON.
  // (A string ending in half a pair and the next starting with the other half join into a whole character
  // here; the core finds its lengths cutting that character and refuses the tokens: see `validatePayload`.)
  textIsAscii = written === read;
  const wellFormed = textIsAscii || (text as { isWellFormed?: () => boolean }).isWellFormed?.() === true;
  text = "";
  return read === units && wellFormed ? written : -1;
}

/** Whether plain objects inherit no enumerable property (`for…in` would list it, `JSON.stringify` not). */
function inheritsNothing(): boolean {
  for (const _ in {}) return false;
  return true;
}

const toStringOf = Object.prototype.toString;
const isRawJsonOf = (JSON as { isRawJSON?: (v: unknown) => boolean }).isRawJSON;

/** Whether `v` is a `JSON.rawJSON` value (JSON.stringify writes its text), where the runtime has them. */
function isRawJson(v: object): boolean {
  return isRawJsonOf !== undefined && isRawJsonOf(v);
}

/** Whether `JSON.stringify` leaves this property out of an object (and writes `null` for it in an array). */
function skipped(v: unknown): boolean {
  return v === undefined || typeof v === "function" || typeof v === "symbol";
}

/**
 * The most tags the tag area grows to (16 MiB): a larger walk (an array of millions of items) goes as
 * JSON text, whose limits are those of `JSON.stringify`, rather than grow the module's memory without end.
 */
const MAX_TAGS = 1 << 22;

/** What `token` returns when the tag area ran out; any other negative answer means "send as JSON text". */
const FULL = -2;

/**
 * Writes one value's tokens from tag `t` on; returns the tag after them, -1 when the value cannot go as
 * tokens (see `writeTokens`), or `FULL` when the tag area ran out. Strings inside objects and arrays are
 * written in place (the common case costs no call).
 */
function token(v: unknown, depth: number, t: number): number {
  const b = tags;
  if (t + 2 > b.length) return FULL;
  switch (typeof v) {
    case "string":
      b[t] = Token.String;
      b[t + 1] = v.length;
      text += v;
      return t + 2;
    case "number":
      if (Number.isFinite(v)) {
        const s = String(v);
        b[t] = Token.Number;
        b[t + 1] = s.length;
        text += s;
        return t + 2;
      }
      b[t] = Token.Null; // as JSON.stringify writes NaN and the infinities
      return t + 1;
    case "boolean":
      b[t] = v ? Token.True : Token.False;
      return t + 1;
    case "object":
      break;
    default:
      return -1;
  }
  if (v === null) {
    b[t] = Token.Null;
    return t + 1;
  }
  if (depth > 32 || typeof (v as { toJSON?: unknown }).toJSON === "function") return -1;
  if (Array.isArray(v)) {
    const n = v.length; // read once, as JSON.stringify does: a getter may change it
    if (n >>> 0 !== n) return -1;
    b[t] = Token.Array;
    b[t + 1] = n;
    t += 2;
    for (let i = 0; i < n; i++) {
      const item: unknown = v[i];
      if (typeof item === "string" && t + 2 <= b.length) {
        b[t] = Token.String;
        b[t + 1] = item.length;
        text += item;
        t += 2;
      } else if (!skipped(item)) {
        t = token(item, depth + 1, t);
        if (t < 0) return t;
      } else if (t < b.length) {
        b[t++] = Token.Null; // as JSON.stringify writes a left-out value in an array
      } else {
        return FULL;
      }
    }
    return t;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return -1;
  if (toStringOf.call(v) !== "[object Object]" || (proto === null && isRawJson(v))) return -1; // boxed primitives, raw JSON
  b[t] = Token.Object;
  const countAt = t + 1;
  t += 2;
  let n = 0;
  for (const key in v) {
    const item: unknown = (v as Record<string, unknown>)[key];
    if (typeof item === "string" && t + 3 <= b.length) {
      b[t] = key.length;
      b[t + 1] = Token.String;
      b[t + 2] = item.length;
      text += key;
      text += item;
      t += 3;
      n++;
      continue;
    }
    if (skipped(item)) continue;
    if (t >= b.length) return FULL;
    b[t++] = key.length;
    text += key;
    n++;
    t = token(item, depth + 1, t);
    if (t < 0) return t;
  }
  b[countAt] = n;
  return t;
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

/** The JSON text the last `writeTokens` stands for, as the core reads it (for tests). */
export function writtenTokens(textLen: number): string {
  return tokensText(tagCount, textLen);
}
