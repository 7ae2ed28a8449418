/**
 * `@andopen/sdk/validate`: the validation of the full package (`validateGiftRequest`, `limits`, `init`,
 * `initSync`, the error classes and the payload types), with a module that holds nothing else.
 */
export { limits, unchecked, validateGiftRequest } from "./validate.js";
export { init, initSync, type InitSource, type Limits, type SyncInitInput } from "./wasm.js";
export * from "./errors.js";
export type * from "./payload.js";
