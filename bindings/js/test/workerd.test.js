// Cloudflare's runtime (workerd, from npm) running four workers built as wrangler builds them: esbuild with
// the `workerd`, `worker` and `browser` conditions, `.wasm` imports kept as compiled modules. One verifies
// webhook deliveries (the workflows module), one validates payloads (the main module), one validates with
// `@andopen/sdk/validate` (the validation-only module), one sends a batch with `Client.sendBatch` (the main
// entry, `@andopen/sdk/workflows` imported beside it); none calls init().
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../", import.meta.url));
const SECRET = "whsec_workerd";
let dir;
let workerd;
const ports = {};

/** A free port on the loopback interface. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Bundles a worker as wrangler does; returns the `.wasm` files it imports (kept as separate modules, each
 * named by its path in the package with `-` for `/`, as two entries hold an `andopen_bg.wasm`).
 */
async function bundle(name) {
  const wasm = [];
  await build({
    entryPoints: [join(root, "test", "workerd", `${name}.js`)],
    outfile: join(dir, `${name}.js`),
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    absWorkingDir: root,
    logLevel: "silent",
    plugins: [
      {
        name: "compiled-wasm",
        setup(b) {
          b.onResolve({ filter: /\.wasm$/ }, (args) => {
            const file = join(args.resolveDir, args.path);
            wasm.push(file);
            return { path: moduleName(file), external: true };
          });
        },
      },
    ],
  });
  for (const file of wasm) copyFileSync(file, join(dir, moduleName(file)));
  return wasm.map(moduleName);
}

/** The name a `.wasm` file of the package has among a worker's modules: `validate-wasm-andopen_bg.wasm`. */
function moduleName(file) {
  return relative(root, file).split(sep).join("-");
}

function worker(name, wasm, bindings) {
  const modules = [`(name = "${name}.js", esModule = embed "${name}.js")`, ...wasm.map((w) => `(name = "${w}", wasm = embed "${w}")`)];
  return `(modules = [${modules.join(", ")}], compatibilityDate = "2025-01-01", bindings = [${bindings}])`;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "andopen-workerd-"));
  const webhookWasm = await bundle("webhook-worker");
  const validateWasm = await bundle("validate-worker");
  const formWasm = await bundle("form-worker");
  const batchWasm = await bundle("batch-worker");
  assert.deepEqual(webhookWasm, ["wasm-andopen_workflows_bg.wasm"], "the webhook worker carries the workflows module only");
  assert.deepEqual(validateWasm, ["wasm-andopen_bg.wasm"], "the validating worker carries the main module only");
  assert.deepEqual(formWasm, ["validate-wasm-andopen_bg.wasm"], "the form's worker carries the validation-only module only");
  ports.webhook = await freePort();
  ports.validate = await freePort();
  ports.form = await freePort();
  ports.batch = await freePort();
  writeFileSync(
    join(dir, "config.capnp"),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "webhook", worker = ${worker("webhook-worker", webhookWasm, `(name = "WEBHOOK_SECRET", text = "${SECRET}")`)}),
    (name = "validate", worker = ${worker("validate-worker", validateWasm, "")}),
    (name = "form", worker = ${worker("form-worker", formWasm, "")}),
    (name = "batch", worker = ${worker("batch-worker", batchWasm, "")}),
  ],
  sockets = [
    (name = "webhook", address = "127.0.0.1:${ports.webhook}", http = (), service = "webhook"),
    (name = "validate", address = "127.0.0.1:${ports.validate}", http = (), service = "validate"),
    (name = "form", address = "127.0.0.1:${ports.form}", http = (), service = "form"),
    (name = "batch", address = "127.0.0.1:${ports.batch}", http = (), service = "batch"),
  ],
);
`,
  );
  workerd = spawn(join(root, "node_modules", ".bin", "workerd"), ["serve", join(dir, "config.capnp"), "--verbose"], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  workerd.stdout.on("data", (d) => (log += d));
  workerd.stderr.on("data", (d) => (log += d));
  // Ready when both sockets answer.
  const deadline = Date.now() + 20_000;
  for (const port of [ports.webhook, ports.validate, ports.form, ports.batch]) {
    for (;;) {
      try {
        await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: "{}" });
        break;
      } catch {
        if (Date.now() > deadline || workerd.exitCode !== null) throw new Error(`workerd did not start:\n${log}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
});

after(() => {
  workerd?.kill();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const gift = {
  id: "4fb4cb3f-9666-43b5-8884-7f5194483d1a",
  status: "redeemed",
  campaign_id: "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
  redemption_url: "https://gift.andopen.co/r/abc",
  recipient: { id: null, first_name: "Ann", last_name: "Smith", email: "ann@example.com" },
  shipping_address: null,
  line_items: null,
  created_at: "2026-04-16T10:30:00.000Z",
  updated_at: "2026-04-16T10:31:00.000Z",
};

function deliver(body, { secret = SECRET, event = "0b6f1c1e-2d5a-4c4e-9a57-3f1f3c2a9d10" } = {}) {
  const at = String(Math.floor(Date.now() / 1000));
  const signature = createHmac("sha256", secret).update(`${at}.${body}`).digest("hex");
  return fetch(`http://127.0.0.1:${ports.webhook}/`, {
    method: "POST",
    body,
    headers: {
      "AndOpen-Webhook-Signature": signature,
      "AndOpen-Webhook-Dispatch-Timestamp": at,
      "AndOpen-Webhook-Event-Id": event,
      "AndOpen-Webhook-Event-Type": "gift_request_redeemed",
      "AndOpen-Webhook-API-Version": "2026-05",
      "Content-Type": "application/json",
    },
  });
}

test("workerd: a worker verifies a signed webhook, sees its repeat, and refuses a forged one", async () => {
  const body = JSON.stringify(gift);
  const first = await deliver(body);
  assert.equal(first.status, 200);
  assert.deepEqual(await first.json(), { accepted: true, status: "redeemed" });
  const again = await deliver(body);
  assert.deepEqual(await again.json(), { accepted: false, status: "redeemed" }, "a repeat is seen as one");
  const forged = await deliver(body.replace("redeemed", "delivered"), { secret: "whsec_guess", event: "1b6f1c1e-2d5a-4c4e-9a57-3f1f3c2a9d10" });
  assert.equal(forged.status, 400);
  assert.deepEqual(await forged.json(), { refused: "invalid_signature" });
});

test("workerd: a worker validates payloads in the server's words and builds the request", async () => {
  const post = (body) => fetch(`http://127.0.0.1:${ports.validate}/`, { method: "POST", body });
  const bad = await post(JSON.stringify({ campaign_id: gift.campaign_id, recipient: { first_name: "Ann", last_name: "" }, shipping_address: { country_code: "ie" } }));
  assert.equal(bad.status, 422);
  const { errors } = await bad.json();
  assert.ok(errors.some((e) => e.param === "recipient.last_name" && e.code === "required"), JSON.stringify(errors));
  assert.ok(errors.some((e) => e.param === "shipping_address.country_code"), JSON.stringify(errors));
  const good = await post(JSON.stringify({ campaign_id: gift.campaign_id, recipient: { first_name: "Ann", last_name: "Smith" } }));
  assert.equal(good.status, 200);
  assert.deepEqual(await good.json(), { method: "POST", url: "https://api.andopen.co/gift_requests", authorization: null });
});

test("workerd: a worker with @andopen/sdk/validate answers as the whole package does", async () => {
  for (const payload of [
    { campaign_id: gift.campaign_id, recipient: { first_name: "Ann", last_name: "" }, shipping_address: { country_code: "ie" } },
    { campaign_id: "nope", recipient: { first_name: "Ann", last_name: "Smith" }, line_items: [{ quantity: 0 }] },
    { campaign_id: gift.campaign_id, recipient: { first_name: "Ann", last_name: "Smith" } },
  ]) {
    const body = JSON.stringify(payload);
    const [form, whole] = await Promise.all([ports.form, ports.validate].map((port) => fetch(`http://127.0.0.1:${port}/`, { method: "POST", body })));
    assert.equal(form.status, whole.status, body);
    const answer = await form.json();
    if (whole.status === 422) assert.deepEqual(answer.errors, (await whole.json()).errors, body);
    else assert.deepEqual(answer.errors, [], body);
  }
});

test("workerd: a worker sends a batch through the main entry with @andopen/sdk/workflows imported", async () => {
  const rows = [
    { row_key: "r1", recipient: { first_name: "Ann", last_name: "Smith", email: "ann@example.com" } },
    { row_key: "r2", recipient: { first_name: "", last_name: "Smith", email: "bea@example.com" } },
    { row_key: "r3", recipient: { first_name: "Cy", last_name: "Smith", email: "cy@example.com" } },
  ];
  const answer = await fetch(`http://127.0.0.1:${ports.batch}/`, { method: "POST", body: JSON.stringify(rows) });
  const result = await answer.json();
  assert.equal(answer.status, 200, JSON.stringify(result));
  assert.deepEqual(result.rows.map(([key, outcome]) => [key, outcome]), [["r1", "sent"], ["r2", "failed"], ["r3", "sent"]]);
  assert.match(result.rows[0][2], /^https:\/\/gift\.test\/r\//, "waited for the link");
  assert.equal(result.sent.filter((m) => m === "POST").length, 2, "the invalid row is never sent");
});
