/**
 * `@andopen/sdk/workflows` in browsers and web workers: call `await init()` from this entry once before
 * making a `WebhookReceiver` or a `GiftHistory`; it fetches the module next to this script.
 */
import { sources } from "./sources.js";

sources.workflows = { async: () => new URL("../wasm/andopen_workflows_bg.wasm", import.meta.url) };

export * from "./workflows.js";
