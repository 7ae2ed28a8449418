// worker.js with the whole package (`@andopen/sdk`) rather than its validation-only entry.
import { init, validateGiftRequest } from "../../dist/web.js";

const ready = init();
self.onmessage = async (event) => {
  await ready;
  self.postMessage(validateGiftRequest(event.data).map((e) => e.param));
};
