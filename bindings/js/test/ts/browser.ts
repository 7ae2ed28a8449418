// A browser project (DOM and ES2022 libraries, no esnext, no Node types): the package's declarations must
// check without them, those of the validation-only entry included.
import { init, validateGiftRequest, type FieldError } from "@andopen/sdk";
import { init as initWorkflows, GiftHistory } from "@andopen/sdk/workflows";
import { init as initValidation, validateGiftRequest as validateOnly, type PartialGiftRequestPayload } from "@andopen/sdk/validate";
// @ts-expect-error: the validation-only entry has no client
import { Client } from "@andopen/sdk/validate";

export async function start(): Promise<FieldError[]> {
  await init();
  await initWorkflows();
  await initValidation();
  void new GiftHistory();
  void Client;
  const form: PartialGiftRequestPayload = { recipient: { first_name: "A" } };
  // @ts-expect-error: misspelt keys are errors with this entry too
  validateOnly({ campaing_id: "x" });
  return [...validateOnly(form), ...validateGiftRequest({ campaign_id: "x", recipient: { first_name: "A", last_name: "B" } })];
}
