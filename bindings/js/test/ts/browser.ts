// A browser project (DOM and ES2022 libraries, no esnext, no Node types): the package's declarations must
// check without them.
import { init, validateGiftRequest, type FieldError } from "@andopen/sdk";
import { init as initWorkflows, GiftHistory } from "@andopen/sdk/workflows";

export async function start(): Promise<FieldError[]> {
  await init();
  await initWorkflows();
  void new GiftHistory();
  return validateGiftRequest({ campaign_id: "x", recipient: { first_name: "A", last_name: "B" } });
}
