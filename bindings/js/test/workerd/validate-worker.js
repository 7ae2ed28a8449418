// A Cloudflare Worker that validates gift-request payloads and builds the request a client would send.
import { validateGiftRequest, buildRequest } from "@andopen/sdk";

export default {
  async fetch(request) {
    const text = await request.text();
    const errors = validateGiftRequest(text);
    if (errors.length > 0) return Response.json({ errors }, { status: 422 });
    const built = buildRequest.createGiftRequest(text);
    return Response.json({ method: built.method, url: built.url, authorization: built.headers.Authorization ?? null });
  },
};
