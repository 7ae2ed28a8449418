// The SDK's limits in JavaScript: the largest inputs tried, each in a fresh Node.js process, with the time
// the package took and the process's peak memory (resident set, sampled every millisecond by a worker
// thread while the package runs) over what the process held before the call (the input included).
//   node bench/limits.mjs              (after scripts/build.sh): every case
//   node bench/limits.mjs <case>       one case
// Each line: the case, milliseconds, the peak RSS during the call over the RSS before it (MB), the RSS
// before it (MB), and what the package answered.
import { execFileSync } from "node:child_process";
import { Worker } from "node:worker_threads";
import { fileURLToPath } from "node:url";

const CAMPAIGN = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";
const GIFT = "4fb4cb3f-9666-43b5-8884-7f5194483d1a";
const KEY = "ao-v1-production-b3nchk3y";
const base = { campaign_id: CAMPAIGN, recipient: { first_name: "Alice", last_name: "Smith" } };
const address = { address1: "1 Main St", city: "Springfield", region: "IL", postal_code: "62701", country_code: "US", phone: "+12175550100" };

/** `text`, made flat now (V8 builds long strings as ropes and flattens them on first read): the input's cost, not the package's. */
function flat(text) {
  text.charCodeAt(0);
  return text;
}

/** A fetch answering `status` with a body streamed in 64 KiB chunks, `total` bytes in all (made as read). */
function streaming(status, total, headers = {}, first = "") {
  return async () => {
    const head = new TextEncoder().encode(first);
    const chunk = new Uint8Array(65536).fill(0x61);
    let sent = 0;
    const body = new ReadableStream({
      pull(controller) {
        if (sent === 0 && head.length > 0) {
          controller.enqueue(head);
          sent += head.length;
        } else if (sent >= total) {
          controller.close();
        } else {
          const n = Math.min(chunk.length, total - sent);
          controller.enqueue(n === chunk.length ? chunk : chunk.subarray(0, n));
          sent += n;
        }
      },
    });
    return new Response(body, { status, headers: { "Content-Type": "application/json", "Request-Id": GIFT, ...headers } });
  };
}

/** Each case: `setup()` builds the input (not timed), `run(sdk, input)` calls the package and describes what it answered. */
const cases = {
  "10M bad line items (object)": {
    setup: () => ({ ...base, shipping_address: address, line_items: new Array(10_000_000).fill({ sku: "MUG", quantity: 0 }) }),
    run: (sdk, payload) => describe(() => sdk.validateGiftRequest(payload)),
  },
  "10M bad line items (JSON text)": {
    setup: () => flat(JSON.stringify({ ...base, shipping_address: address, line_items: new Array(10_000_000).fill({ sku: "MUG", quantity: 0 }) })),
    run: (sdk, text) => describe(() => sdk.validateGiftRequest(text)),
  },
  "1M unknown keys (object)": {
    setup: () => {
      const payload = { ...base };
      for (let i = 0; i < 1_000_000; i++) payload[`k${i}`] = 1;
      return payload;
    },
    run: (sdk, payload) => describe(() => sdk.validateGiftRequest(payload)),
  },
  "1M unknown keys (JSON text)": {
    setup: () => {
      const parts = [];
      for (let i = 0; i < 1_000_000; i++) parts.push(`"k${i}":1`);
      return flat(`{"campaign_id":"${CAMPAIGN}","recipient":{"first_name":"Alice","last_name":"Smith"},${parts.join(",")}}`);
    },
    run: (sdk, text) => describe(() => sdk.validateGiftRequest(text)),
  },
  "a 200 MB response to a read": {
    setup: () => null,
    run: async (sdk) => {
      const client = new sdk.Client({ apiKey: KEY, fetch: streaming(200, 200 << 20), sleep: async () => {} });
      return describeAsync(() => client.getGiftRequest(GIFT));
    },
  },
  "a 200 MB response to a create": {
    setup: () => null,
    run: async (sdk) => {
      const client = new sdk.Client({ apiKey: KEY, fetch: streaming(201, 200 << 20), sleep: async () => {} });
      return describeAsync(() => client.createGiftRequest(base));
    },
  },
  "a 422 with 1M errors (through the client)": {
    setup: () => {
      const item = `{"type":"validation_error","code":"invalid","message":"is not valid","param":"line_items[0].sku"}`;
      return new TextEncoder().encode(`{"errors":[${new Array(1_000_000).fill(item).join(",")}]}`);
    },
    run: async (sdk, bytes) => {
      const fetch = async () => {
        let at = 0;
        const body = new ReadableStream({
          pull(controller) {
            if (at >= bytes.length) return controller.close();
            controller.enqueue(bytes.subarray(at, at + 65536));
            at += 65536;
          },
        });
        return new Response(body, { status: 422, headers: { "Request-Id": GIFT } });
      };
      const client = new sdk.Client({ apiKey: KEY, fetch, sleep: async () => {} });
      return describeAsync(() => client.getGiftRequest(GIFT));
    },
  },
  "a 422 with 40,000 errors (3.9 MB, under the limit)": {
    setup: () => {
      const item = `{"type":"validation_error","code":"invalid","message":"is not valid","param":"line_items[0].sku"}`;
      return new TextEncoder().encode(`{"errors":[${new Array(40_000).fill(item).join(",")}]}`);
    },
    run: (sdk, body) => {
      const call = new sdk.SansIo({ apiKey: KEY }).getGiftRequest(GIFT);
      return describe(() => {
        const step = call.handleResponse(422, [["Request-Id", GIFT]], body, Date.now());
        if (step.step === "failed") throw step.error;
        return step;
      });
    },
  },
  "a 422 with 1M errors (sans-IO handleResponse)": {
    setup: () => {
      const item = `{"type":"validation_error","code":"invalid","message":"is not valid","param":"line_items[0].sku"}`;
      return new TextEncoder().encode(`{"errors":[${new Array(1_000_000).fill(item).join(",")}]}`);
    },
    run: (sdk, body) => {
      const call = new sdk.SansIo({ apiKey: KEY }).getGiftRequest(GIFT);
      return describe(() => {
        const step = call.handleResponse(422, [["Request-Id", GIFT]], body, Date.now());
        if (step.step === "failed") throw step.error;
        return step;
      });
    },
  },
};

function summary(value) {
  if (Array.isArray(value)) return `${value.length} problems${value.length ? ` (last: ${value.at(-1).code})` : ""}`;
  return typeof value;
}

function describe(f) {
  try {
    return summary(f());
  } catch (e) {
    return `${e?.constructor?.name}: ${String(e?.message).slice(0, 90)} (${e?.errors?.length ?? 0} errors, message ${String(e?.message).length} chars)`;
  }
}

async function describeAsync(f) {
  try {
    return summary(await f());
  } catch (e) {
    return `${e?.constructor?.name}: ${String(e?.message).slice(0, 90)} (${e?.errors?.length ?? 0} errors, message ${String(e?.message).length} chars)`;
  }
}

const mb = (bytes) => (bytes / 1048576).toFixed(0);
const name = process.argv[2];
if (name === undefined) {
  const script = fileURLToPath(import.meta.url);
  console.log(`${"case".padEnd(46)} ${"ms".padStart(8)} ${"peak MB".padStart(8)} ${"before MB".padStart(9)}  answer`);
  for (const each of Object.keys(cases)) {
    let line;
    try {
      line = execFileSync(process.execPath, ["--expose-gc", "--max-old-space-size=8192", script, each], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
    } catch (e) {
      line = `${each.padEnd(46)} crashed: ${String(e.stderr).trim().split("\n").filter(Boolean).slice(-1)[0] ?? e.status}`;
    }
    console.log(line);
  }
} else {
  const c = cases[name];
  if (c === undefined) throw new Error(`no case ${name}: ${Object.keys(cases).join(", ")}`);
  const sdk = await import("@andopen/sdk");
  const input = c.setup();
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  const peak = new Float64Array(new SharedArrayBuffer(16)); // [peak, stop]
  const sampler = new Worker(
    `const { workerData: p } = require("node:worker_threads");
     const tick = () => { p[0] = Math.max(p[0], process.memoryUsage.rss()); if (p[1] === 0) setTimeout(tick, 1); };
     tick();`,
    { eval: true, workerData: peak },
  );
  await new Promise((resolve) => sampler.once("online", resolve));
  peak[0] = before;
  const start = performance.now();
  const answer = await c.run(sdk, input);
  const ms = performance.now() - start;
  peak[0] = Math.max(peak[0], process.memoryUsage().rss);
  peak[1] = 1;
  await sampler.terminate();
  console.log(`${name.padEnd(46)} ${ms.toFixed(0).padStart(8)} ${("+" + mb(peak[0] - before)).padStart(8)} ${mb(before).padStart(9)}  ${answer}`);
}
