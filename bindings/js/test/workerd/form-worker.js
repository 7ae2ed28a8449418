// A Cloudflare Worker that only validates (a form's backend), with `@andopen/sdk/validate`: it carries the
// validation-only module.
import { validateGiftRequest } from "@andopen/sdk/validate";

export default {
  async fetch(request) {
    const errors = validateGiftRequest(await request.text());
    return Response.json({ errors }, { status: errors.length > 0 ? 422 : 200 });
  },
};
