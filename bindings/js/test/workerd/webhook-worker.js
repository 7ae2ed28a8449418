// A Cloudflare Worker that receives &Open webhooks: the workflows module is imported compiled (as wrangler
// imports a `.wasm`), instantiated on the first delivery; no init() anywhere.
import { WebhookReceiver, WebhookRefusedError } from "@andopen/sdk/workflows";

let receiver;

export default {
  async fetch(request, env) {
    receiver ??= new WebhookReceiver(env.WEBHOOK_SECRET);
    const body = new Uint8Array(await request.arrayBuffer());
    try {
      const delivery = receiver.receive(request.headers, body, Date.now());
      return Response.json({ accepted: !delivery.duplicate, status: delivery.giftRequest.status });
    } catch (e) {
      if (e instanceof WebhookRefusedError) return Response.json({ refused: e.code }, { status: e.status ?? 400 });
      throw e;
    }
  },
};
