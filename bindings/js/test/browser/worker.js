// A module web worker validating what it is sent, with `@andopen/sdk/validate`: the handler is in place as
// soon as the module is evaluated (nothing is awaited at its top level), and each answer waits for `init`.
import { init, validateGiftRequest } from "../../validate/dist/validate-web.js";

const ready = init();
self.onmessage = async (event) => {
  await ready;
  self.postMessage(validateGiftRequest(event.data).map((e) => e.param));
};
