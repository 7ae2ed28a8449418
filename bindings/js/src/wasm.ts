/**
 * Loads the core (WebAssembly) once, and turns what the core throws (error reports as JSON text) into
 * `AndOpenError`s. Nothing is loaded when the package is imported: `init()` / `initSync()` load it, or the
 * first call that needs it does (synchronously where the platform's entry can: Node, Bun, Deno, workerd).
 * The entries (`node.ts`, `web.ts`, `workerd.ts`, `node-cjs.ts`) say where the module is; this file does not.
 */
import wbgInit, { initSync as wbgInitSync, inputArea as reserveInput, limits as coreLimits, tagArea as reserveTags, validateInput, validateTokens, type InitInput, type InitOutput, type SyncInitInput } from "../wasm/andopen.js";
import { AndOpenError, ConfigError, type ErrorReport } from "./errors.js";
import { errorFromReport, report } from "./reports.js";
import { MOST_PER_TAG, Token, keyTag } from "./generated.js";
import { sources } from "./sources.js";
import { checkSyncInput } from "./check.js";

export type { InitInput, SyncInitInput };

/** The instance of the main module, once loaded. */
let instance: InitOutput | undefined;
let memory: WebAssembly.Memory;

/** The message of the error thrown by a synchronous call made before the module could be loaded. */
export const NOT_LOADED = "the &Open SDK's WebAssembly module is not loaded yet: call `await init()` once first (in a worker without fetch, `initSync({ module })`)";

/** Whether the main module is loaded, or can be loaded synchronously on first use. */
export function loadable(): boolean {
  return instance !== undefined || sources.main?.sync !== undefined;
}

/**
 * Makes sure the main module is loaded: loads it synchronously when the platform can (Node, Bun, Deno,
 * workerd), else throws a `ConfigError` (`module_not_loaded`) saying to call `init()`. Every synchronous entry point calls it first.
 */
export function ensure(): void {
  if (instance !== undefined) return;
  const sync = sources.main?.sync;
  if (sync === undefined) throw new ConfigError(report("config", "module_not_loaded", "init", NOT_LOADED));
  loaded(wbgInitSync({ module: sync() }));
}

/** What `init` accepts: a URL or path to fetch, a `Response`, the module's bytes, or a compiled module. */
export type InitSource = InitInput | Promise<InitInput>;

/**
 * Loads the main module: from `source` when given, else from where the platform's entry says (Node reads
 * the file; browsers and web workers fetch it next to the script, compiling as it streams). Call it once,
 * before the first synchronous call (`validateGiftRequest`, `buildRequest`, `new SansIo`) in a browser;
 * `Client` calls it itself. A second call is free. Rejects when the module cannot be fetched or compiled.
 */
export async function init(source?: InitSource): Promise<void> {
  if (instance !== undefined) return;
  if (source === undefined) {
    const where = sources.main;
    if (where?.sync !== undefined) return ensure();
    if (where?.async === undefined) throw new ConfigError(report("config", "module_not_loaded", "init", "no default place to load the &Open SDK's WebAssembly module from here: pass it to init() or initSync({ module })"));
    source = where.async();
  }
  loaded(await wbgInit({ module_or_path: source }));
}

/**
 * Loads the main module synchronously from a compiled `WebAssembly.Module` (a Cloudflare Worker's
 * `import wasm from "@andopen/sdk/andopen.wasm"`) or its bytes. For runtimes that forbid compiling from
 * bytes at run time, pass the module. A second call is free. Throws a `TypeError` for anything else.
 */
export function initSync(options: { module: SyncInitInput }): void {
  if (instance !== undefined) return;
  checkSyncInput(options, "initSync");
  loaded(wbgInitSync({ module: options.module }));
}

/** Where the package keeps the loaded module, and the limits it reads from it. */
function loaded(output: InitOutput): void {
  if (instance !== undefined) return;
  memory = output.memory;
  LIMITS = Object.freeze(JSON.parse(coreLimits()) as Limits);
  MAX_BODY = LIMITS.maxBodyBytes;
  MAX_TAGS = 2 * MAX_BODY + 2;
  instance = output;
}

const encoder = new TextEncoder();

/** The SDK's limits, each the core's named constant (`core/src/limits.rs`), read from the core once. */
export interface Limits {
  /** The largest create body validated or sent, in bytes of JSON text; a larger one is `body_too_large`. */
  readonly maxBodyBytes: number;
  /** How deep objects and arrays may nest in a body. */
  readonly maxDepth: number;
  /** Problems listed (of a body or an error response) before the rest are only counted. */
  readonly maxProblems: number;
  /** The largest response body read, in bytes; the transport reads one byte more at most. */
  readonly maxResponseBytes: number;
  /** The longest header value or server text quoted in a message, in characters. */
  readonly maxQuotedChars: number;
  /** The largest webhook body verified, in bytes. */
  readonly maxWebhookBodyBytes: number;
  /** The largest `remember` of an in-memory de-duplication store. */
  readonly maxRememberedEvents: number;
  /** What such a store remembers when not told. */
  readonly defaultRememberedEvents: number;
  /** The longest timeout (of an exchange or a whole wait) and poll interval, in milliseconds (24 days). */
  readonly maxTimeoutMs: number;
  /** The shortest interval between two polls, in milliseconds. */
  readonly minPollIntervalMs: number;
  /** The longest API key accepted, in characters. */
  readonly maxApiKeyChars: number;
}

/** The SDK's limits (see `Limits`): set when the module is loaded (`ensure` first). */
export let LIMITS: Limits;
let MAX_BODY = 0;

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
      const capacity = Math.max(needed, this.least, this.#capacity);
      const start = this.reserve(capacity); // may grow the memory: read memory.buffer after it
      // The core reserves nothing past its limit; the package never asks for that much (see `writeInput`
      // and `writeTokens`), so this is a defect of the package, never of the input.
      if (start === 0) throw new RangeError(`the package asked the core for an area of ${capacity} items, over its limit`);
      this.#capacity = capacity;
      this.#start = start;
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
 * reaches the core (no allocation per call). The area grows when the text needs more room, up to three
 * bytes for each code unit of a body at the limit: text longer than `MAX_BODY_BYTES` code units is over the
 * limit whatever it holds, and only its first `MAX_BODY_BYTES + 4` bytes or so are written, enough for the
 * core to refuse it as `body_too_large` without reading it.
 */
export function writeInput(text: string): number {
  ensure();
  if (text.length <= MAX_BODY) return encoder.encodeInto(text, inputArea.at(text.length * 3)).written;
  const room = MAX_BODY + 4; // a character is at most 4 bytes: more than MAX_BODY bytes always fit
  return encoder.encodeInto(bounded(text), inputArea.at(room).subarray(0, room)).written;
}

/** `text`, or its first `MAX_BODY_BYTES + 4` code units when it is longer: over the limit either way. */
export function bounded(text: string): string {
  return text.length > MAX_BODY + 4 ? text.slice(0, MAX_BODY + 4) : text;
}

/**
 * Checks a payload against every rule of the contract (in the core): `undefined` when it is valid, else
 * the JSON text of its field errors. A string is taken as JSON text. Anything else is read as
 * `JSON.stringify` would read it: handed over as tokens when it is made of plain objects, arrays, strings,
 * numbers, booleans and `null` (see `writeTokens`), else as the text of `JSON.stringify` (see
 * `payloadJson`). Never more than `MAX_BODY_BYTES` of it is read: a larger payload is `body_too_large`.
 * Throws a `TypeError` naming `name` when the payload is no JSON value (`undefined`, a function, a symbol,
 * a `BigInt`, a cycle) or reading it throws (a getter, a `toJSON`, a proxy's trap).
 */
export function validatePayload(payload: unknown, name: string): string | undefined {
  ensure();
  if (typeof payload === "string") return validateInput(writeInput(payload));
  const textLen = reading(name, () => writeTokens(payload));
  if (textLen >= 0) {
    const errors = validateTokens(tagCount, textLen);
    // Text that is not all ASCII may hold two lone halves of a surrogate pair that met when the strings
    // were joined: the core refuses such tokens as unreadable, and the payload goes again as JSON text.
    if (errors === undefined || textIsAscii || !errors.includes('"malformed_request"')) return errors;
  }
  return validateInput(writeInput(payloadJson(payload, name)));
}

/**
 * The JSON text of a create body: a string as it is (cut just past `MAX_BODY_BYTES` when it is longer),
 * anything else as `payloadJson` writes it. What the core's `createGiftRequest` and `giftRequestBody` read.
 */
export function bodyText(payload: unknown, name: string): string {
  ensure();
  return typeof payload === "string" ? bounded(payload) : payloadJson(payload, name);
}

/** What stops `payloadJson`'s walk: the text is over `MAX_BODY_BYTES`, or nests deeper than `MAX_DEPTH`. */
const OVER: unique symbol = Symbol("over the body limit");
const DEEP: unique symbol = Symbol("nested too deep");

/**
 * `JSON.stringify(payload)`, stopped as soon as the text is sure to be over `MAX_BODY_BYTES` or to nest
 * deeper than `MAX_DEPTH` (it then returns a stand-in the core refuses the same way, unread: a text just
 * over the limit, or arrays just too deep), so that neither the time nor the memory it takes grows with a
 * payload past the limits. Throws a `TypeError` naming `name` (and the field) for what JSON cannot hold.
 */
export function payloadJson(payload: unknown, name: string): string {
  ensure();
  let size = 0; // a lower bound of the text's length so far, in code units
  const seen = new Map<object, { depth: number; path: string }>(); // each object's nesting and field
  function replacer(this: unknown, key: string, value: unknown): unknown {
    const inArray = Array.isArray(this);
    const holder = seen.get(this as object);
    switch (typeof value) {
      case "undefined":
      case "function":
      case "symbol":
        if (inArray) size += 5; // written as null
        return value; // left out of an object
      case "string":
        size += value.length + 2;
        break;
      case "bigint":
        throw new TypeError(`${field(name, holder?.path, key, inArray)} is a BigInt, which JSON cannot hold`);
      case "object":
        if (value !== null) {
          const depth = (holder?.depth ?? 0) + 1;
          if (depth > LIMITS.maxDepth) throw DEEP;
          seen.set(value, { depth, path: holder === undefined ? "" : segment(holder.path, key, inArray) });
        }
        size += 2;
        break;
      default:
        size += 1;
    }
    if (!inArray && holder !== undefined) size += key.length + 3;
    if (size > MAX_BODY) throw OVER;
    return value;
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(payload, replacer);
  } catch (thrown) {
    if (thrown === OVER) return " ".repeat(MAX_BODY + 1);
    if (thrown === DEEP) return "[".repeat(LIMITS.maxDepth + 1) + "]".repeat(LIMITS.maxDepth + 1);
    throw unreadable(name, thrown);
  }
  if (json === undefined) throw new TypeError(`${name} must be a gift-request object or its JSON text, not ${kindOf(payload)}`);
  return bounded(json);
}

/** The path of a field inside the object at `path`. */
function segment(path: string, key: string, inArray: boolean): string {
  if (inArray) return `${path}[${key}]`;
  return path === "" ? key : `${path}.${key}`;
}

/** The field `key` of the object at `path` named for a message (`payload.line_items[0].quantity`); the
 * payload itself when it has no holder (JSON.stringify's wrapper). */
function field(name: string, path: string | undefined, key: string, inArray: boolean): string {
  if (path === undefined) return name;
  const at = segment(path, key, inArray);
  return at.startsWith("[") ? `${name}${at}` : `${name}.${at}`;
}

/** What a value is, for a message (never its content). */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return Array.isArray(value) ? "an array" : "an object";
  const article = /^[aeiou]/.test(typeof value) ? "an" : "a";
  return typeof value === "undefined" ? "undefined" : `${article} ${typeof value}`;
}

/** Runs `read`, which reads a caller's value; what it throws becomes a `TypeError` naming `name`. */
export function reading<T>(name: string, read: () => T): T {
  try {
    return read();
  } catch (thrown) {
    throw unreadable(name, thrown);
  }
}

/** The `TypeError` for a value whose reading threw `thrown` (kept as the cause; its text quoted short). */
function unreadable(name: string, thrown: unknown): Error {
  if (thrown instanceof AndOpenError || (thrown instanceof TypeError && thrown.message.startsWith(name))) return thrown as Error; // already ours
  const text = String((thrown as { message?: unknown } | null)?.message ?? "");
  const most = LIMITS === undefined ? 0 : LIMITS.maxQuotedChars; // before loading, nothing is quoted
  const quoted = text.length > most ? `${text.slice(0, most)}…` : text;
  return new TypeError(`${name} could not be read as JSON: ${quoted}`, { cause: thrown });
}

/**
 * The tags of the payload being written, in the package's own memory (copied into the module's tag area
 * once the walk is over, so that a getter that calls the module cannot disturb them). It grows by doubling
 * as the walk needs, up to `MAX_TAGS`; up to 64 Ki tags of it are kept for the next walk.
 */
let tags = new Uint32Array(1024);
/** Whether a walk is under way: a getter that validates another payload meanwhile sends it as JSON text. */
let walking = false;
/** How many tags the last `writeTokens` wrote. */
let tagCount = 0;
/** Whether the text the last `writeTokens` wrote is all ASCII. */
let textIsAscii = true;
/** The strings, numbers and unknown keys of the payload being written, back to back (encoded once, at the end). */
let text = "";

/**
 * The most tags the tag area grows to: with them alone a payload is over `MAX_BODY_BYTES` (the core counts
 * a byte for every two tags), so a longer walk is stopped there.
 */
let MAX_TAGS = 0;

/**
 * Makes `tags` hold at least `needed` tags (what it holds is kept); false when that would be more than
 * `MAX_TAGS`: the payload is over the body limit by its tags alone.
 */
function grow(needed: number): boolean {
  if (needed > MAX_TAGS) return false;
  const larger = new Uint32Array(Math.min(MAX_TAGS, Math.max(needed, tags.length * 2)));
  larger.set(tags);
  tags = larger;
  return true;
}

/** What `token` returns when the tags would be more than `MAX_TAGS`. */
const FULL = -2;
/** What `token` returns when the text went over `MAX_BODY_BYTES` (it is then cut just past it). */
const CUT = -3;

/**
 * Writes `payload` as tokens (the format is `andopen_core::tokens`): its walk into the tag area, the UTF-8
 * of its strings, numbers and keys into the input area, encoded at once (a key of the gift request goes as
 * its tag alone: see `keyTag`). Returns the text's length in
 * bytes (the tag count is left in `tagCount`), or -1 when the payload must go as the text of
 * `JSON.stringify`: `toJSON`, class instances and other objects that are not plain (boxed primitives,
 * `JSON.rawJSON` values), a `BigInt`, nesting as deep as `MAX_DEPTH` (or a cycle), a lone surrogate (two
 * that the joined text makes whole are left to the core: see `validatePayload`), plain objects that
 * inherit enumerable properties, a getter that calls the module, a payload whose JSON text may be over
 * `MAX_BODY_BYTES` (six bytes for each byte of text and `MOST_PER_TAG` for each tag: the core measures
 * tokens only from below, JSON text exactly). What is written reads exactly as that
 * text would; this only moves values, every rule is the core's. The walk stops as soon as the payload is
 * over `MAX_BODY_BYTES` (its text, or its tags): what was written then is enough for the core to refuse it,
 * unread.
 */
export function writeTokens(payload: unknown): number {
  ensure();
  if (walking || !inheritsNothing()) return -1;
  walking = true;
  text = "";
  try {
    tagCount = token(payload, 0, 0);
  } finally {
    walking = false;
  }
  if (tagCount === -1) {
    text = "";
    return -1;
  }
  let over = false;
  if (tagCount === CUT) {
    tagCount = 0; // the text alone is over the limit
    over = true;
  } else if (tagCount === FULL) {
    tagCount = MAX_TAGS; // the tags alone are over the limit (the core does not read them)
    over = true;
  }
  tagArea.at(tagCount).set(over ? tags.subarray(0, 0) : tags.subarray(0, tagCount));
  if (tags.length > 1 << 16) tags = new Uint32Array(1024); // a large walk's room is not kept
  if (over) {
    const written = writeInput(text);
    text = "";
    textIsAscii = true;
    return written;
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
  // Tokens that may stand for more JSON than the limit go as JSON text, which the core measures exactly
  // (it measures tokens only from below).
  const mayBeOver = 6 * written + MOST_PER_TAG * tagCount > MAX_BODY;
  return read === units && wellFormed && !mayBeOver ? written : -1;
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
 * Appends `s` to the text; false when that puts the text over `MAX_BODY_BYTES` code units, and so over the
 * limit in bytes (the text then ends just past the limit: a long string is never copied whole).
 */
function append(s: string): boolean {
  if (text.length + s.length <= MAX_BODY) {
    text += s;
    return true;
  }
  text += s.slice(0, MAX_BODY + 1 - text.length);
  return false;
}

/**
 * Writes one value's tokens from tag `t` on; returns the tag after them, -1 when the value cannot go as
 * tokens (see `writeTokens`), `FULL` when the tag area ran out, or `CUT` when the text went over the limit.
 * Strings inside objects and arrays are written in place (the common case costs no call).
 */
function token(v: unknown, depth: number, t: number): number {
  if (t + 2 > tags.length && !grow(t + 2)) return FULL;
  let b = tags;
  switch (typeof v) {
    case "string":
      b[t] = Token.String;
      b[t + 1] = v.length;
      return append(v) ? t + 2 : CUT;
    case "number":
      if (Number.isFinite(v)) {
        const s = String(v);
        b[t] = Token.Number;
        b[t + 1] = s.length;
        return append(s) ? t + 2 : CUT;
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
  // At `MAX_DEPTH`, the text would be too deep, or the payload holds a cycle: JSON.stringify tells which.
  if (depth >= LIMITS.maxDepth || typeof (v as { toJSON?: unknown }).toJSON === "function") return -1;
  if (Array.isArray(v)) {
    const n = v.length; // read once, as JSON.stringify does: a getter may change it
    if (n >>> 0 !== n) return -1;
    b[t] = Token.Array;
    b[t + 1] = n;
    t += 2;
    for (let i = 0; i < n; i++) {
      const item: unknown = v[i];
      if (t + 3 > b.length) {
        if (!grow(t + 3)) return FULL;
        b = tags;
      }
      if (typeof item === "string") {
        b[t] = Token.String;
        b[t + 1] = item.length;
        if (!append(item)) return CUT;
        t += 2;
      } else if (!skipped(item)) {
        t = token(item, depth + 1, t);
        if (t < 0) return t;
        b = tags; // it may have grown
      } else {
        b[t++] = Token.Null; // as JSON.stringify writes a left-out value in an array
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
    if (t + 3 > b.length) {
      if (!grow(t + 3)) return FULL;
      b = tags;
    }
    // A key of the gift request goes as its tag alone, any other as its text.
    const known = keyTag(key);
    if (typeof item === "string") {
      b[t] = known || key.length;
      b[t + 1] = Token.String;
      b[t + 2] = item.length;
      if ((known === 0 && !append(key)) || !append(item)) return CUT;
      t += 3;
      n++;
      continue;
    }
    if (skipped(item)) continue;
    b[t++] = known || key.length;
    if (known === 0 && !append(key)) return CUT;
    n++;
    t = token(item, depth + 1, t);
    if (t < 0) return t;
    b = tags; // it may have grown
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

/**
 * How many tags the last `writeTokens` wrote (for tests, which read the tokens back with the core's
 * `tokensText`: only the validation-only module has it; the writer is the same in every entry).
 */
export function writtenTagCount(): number {
  return tagCount;
}
