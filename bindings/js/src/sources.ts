/**
 * Where the WebAssembly modules are: registered by the platform's entry when it is imported (`node.ts`,
 * `web.ts`, `workerd.ts`, `node-cjs.ts` and their `workflows-*` twins), read when a module is loaded.
 */
import type { InitInput, SyncInitInput } from "../wasm/andopen.js";

/** Where one WebAssembly module comes from: what the platform's entry registers (see `sources`). */
export interface ModuleSource {
  /** The module's bytes or compiled module, at once (Node reads the file; workerd imports the module). */
  sync?: () => SyncInitInput;
  /** Where to fetch it from (a URL next to the script: browsers, web workers). */
  async?: () => InitInput;
}

/**
 * What the platform's entry registers when it is imported: where each module is, and how to read the API
 * key from the environment (Node, Bun and Deno only).
 * @internal
 */
export const sources: { main?: ModuleSource; workflows?: ModuleSource; envKey?: () => string | undefined } = {};

