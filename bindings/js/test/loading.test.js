// How the package loads: no top-level await, `init()` / `initSync({ module })`, lazy loading, the
// conditional exports (ES modules, CommonJS as Node 18 has it, the browser and workerd entries). Each case
// runs in a fresh Node process, so that nothing is loaded before it starts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const run = promisify(execFile);

/** Runs `code` in a fresh Node process in the package's folder (so `@andopen/sdk` is the package itself); its last line is JSON. */
async function child(code, { type = "module", flags = [], env = {} } = {}) {
  const args = [...flags, ...(type === "module" ? ["--input-type=module"] : []), "-e", code];
  const { stdout } = await run(process.execPath, args, { cwd: root, env: { PATH: process.env.PATH, ...env }, timeout: 30_000 });
  return JSON.parse(stdout.trim().split("\n").at(-1));
}

const PAYLOAD = JSON.stringify({ campaign_id: "a1b2c3d4-e5f6-7890-abcd-ef1234567890", recipient: { first_name: "A", last_name: "" } });

test("Node ES modules: the package loads on first use, no init needed; init() after it is free", async () => {
  const out = await child(`
    import { validateGiftRequest, init, limits } from "@andopen/sdk";
    const errors = validateGiftRequest(${PAYLOAD});
    await init();
    console.log(JSON.stringify({ params: errors.map((e) => e.param), max: limits().maxBodyBytes }));
  `);
  assert.deepEqual(out.params, ["recipient.last_name"]);
  assert.ok(out.max > 0);
});

test("CommonJS as Node 18 has it (no require of ES modules): both entries, with the same errors as ES modules", async () => {
  const out = await child(
    `
    const sdk = require("@andopen/sdk");
    const wf = require("@andopen/sdk/workflows");
    let threw;
    try { sdk.giftRequestBody({ campaign_id: "x" }); } catch (e) { threw = [e.constructor.name, e instanceof sdk.ValidationError, e instanceof sdk.AndOpenError]; }
    const receiver = new wf.WebhookReceiver("whsec");
    let refused;
    try { receiver.receive({}, "{}", Date.now()); } catch (e) { refused = [e.constructor.name, e.code]; }
    console.log(JSON.stringify({
      main: require.resolve("@andopen/sdk").replace(/\\\\/g, "/").split("/js/").at(-1),
      workflows: require.resolve("@andopen/sdk/workflows").replace(/\\\\/g, "/").split("/js/").at(-1),
      params: sdk.validateGiftRequest(${PAYLOAD}).map((e) => e.param),
      threw, refused,
      signature: wf.webhookSignature("secret", "1700000000", "{}"),
    }));
  `,
    { type: "commonjs", flags: ["--no-experimental-require-module"] },
  );
  assert.equal(out.main, "cjs/dist/node-cjs.js");
  assert.equal(out.workflows, "cjs/dist/workflows-node-cjs.js");
  assert.deepEqual(out.params, ["recipient.last_name"]);
  assert.deepEqual(out.threw, ["ValidationError", true, true]);
  assert.deepEqual(out.refused, ["WebhookRefusedError", "missing_header"]);
  const esm = await child(`import { webhookSignature } from "@andopen/sdk/workflows"; console.log(JSON.stringify(webhookSignature("secret", "1700000000", "{}")));`);
  assert.equal(out.signature, esm, "the same signature from both module systems");
});

test("CommonJS as Node 18 has it: @andopen/sdk/validate, with its own validation-only module and the same errors", async () => {
  const out = await child(
    `
    const v = require("@andopen/sdk/validate");
    let threw;
    try { v.validateGiftRequest(42n); } catch (e) { threw = e.constructor.name; }
    console.log(JSON.stringify({
      entry: require.resolve("@andopen/sdk/validate").replace(/\\\\/g, "/").split("/js/").at(-1),
      params: v.validateGiftRequest(${PAYLOAD}).map((e) => e.param),
      max: v.limits().maxBodyBytes,
      threw,
    }));
  `,
    { type: "commonjs", flags: ["--no-experimental-require-module"] },
  );
  assert.equal(out.entry, "cjs/validate/dist/validate-node-cjs.js");
  assert.deepEqual(out.params, ["recipient.last_name"]);
  assert.ok(out.max > 0);
  assert.equal(out.threw, "TypeError");
});

test("every error class is exported by the browser, Node, CommonJS and validation entries, and is the class the workflows throw; no internal helper is", async () => {
  // The browser entry is one file that imports errors.js: a class left out of index.ts's list, or copied
  // into the bundle, would fail here.
  const out = await child(`
    import { createRequire } from "node:module";
    import * as errors from "./dist/errors.js";
    import * as web from "./dist/web.js";
    import * as node from "./dist/node.js";
    import * as workflows from "./dist/workflows-node.js";
    import * as validateWeb from "./validate/dist/validate-web.js";
    const cjs = createRequire(import.meta.url)("./cjs/dist/node-cjs.js");
    const classes = Object.keys(errors).filter((k) => errors[k] === errors.AndOpenError || errors[k].prototype instanceof errors.AndOpenError);
    let refused;
    try { new workflows.WebhookReceiver("s", { remember: 10 ** 9 }); } catch (e) { refused = [e.constructor.name, e instanceof web.AndOpenError, e instanceof web[e.constructor.name]]; }
    console.log(JSON.stringify({
      classes,
      web: classes.filter((k) => web[k] !== errors[k]),
      node: classes.filter((k) => node[k] !== errors[k]),
      cjs: classes.filter((k) => typeof cjs[k] !== "function" || cjs[k].name !== k),
      validate: classes.filter((k) => typeof validateWeb[k] !== "function" || validateWeb[k].name !== k),
      internal: [web, node, cjs, validateWeb, workflows].flatMap((entry) => ["errorFromReport", "report"].filter((k) => k in entry)),
      // Every class an entry exports has its own name (\`Client.name\`), minified and bundled as it is.
      misnamed: [web, node, cjs, validateWeb, workflows].flatMap((entry) =>
        Object.entries(entry).filter(([k, v]) => typeof v === "function" && /^class\\b/.test(Function.prototype.toString.call(v)) && v.name !== k).map(([k, v]) => k + "=" + v.name)),
      exportedClasses: Object.keys(web).filter((k) => typeof web[k] === "function" && /^class\\b/.test(Function.prototype.toString.call(web[k]))).length,
      refused,
    }));
  `);
  assert.ok(out.classes.length >= 14, out.classes.join());
  assert.deepEqual([out.web, out.node, out.cjs, out.validate, out.internal, out.misnamed], [[], [], [], [], [], []]);
  assert.ok(out.exportedClasses >= out.classes.length + 3, String(out.exportedClasses)); // Client, SansIo, Call too
  assert.deepEqual(out.refused, ["ValidationError", true, true]);
});

test("the browser entry: a synchronous call before init() says to call it; initSync({ module }) with a compiled module", async () => {
  const out = await child(`
    import { readFileSync } from "node:fs";
    import { validateGiftRequest, initSync, limits } from "./dist/web.js";
    let before;
    try { validateGiftRequest({}); } catch (e) { before = [e.constructor.name, e.message, e.code]; }
    let wrong;
    try { initSync({ module: "andopen_bg.wasm" }); } catch (e) { wrong = [e.constructor.name, e.message]; }
    initSync({ module: new WebAssembly.Module(readFileSync("wasm/andopen_bg.wasm")) });
    initSync({ module: new Uint8Array(0) }); // a second call is free, whatever it is given
    console.log(JSON.stringify({ before, wrong, params: validateGiftRequest(${PAYLOAD}).map((e) => e.param), max: limits().maxDepth }));
  `);
  assert.equal(out.before[0], "ConfigError");
  assert.match(out.before[1], /await init\(\)/);
  assert.equal(out.before[2], "module_not_loaded");
  assert.deepEqual(out.wrong, ["TypeError", "initSync: options.module must be a WebAssembly.Module or the module's bytes, not string"]);
  assert.deepEqual(out.params, ["recipient.last_name"]);
  assert.ok(out.max > 0);
});

test("the browser entry: init() streams the module from next to the script; a Client loads it on its first call", async () => {
  // Node's fetch has no file: URLs; this one serves the package's files as a web server would, and counts.
  const out = await child(`
    import { readFileSync } from "node:fs";
    const fetched = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = async (url, init) => {
      const href = String(url);
      if (href.startsWith("file:")) {
        fetched.push(href.split("/").at(-1));
        return new Response(readFileSync(new URL(href)), { headers: { "Content-Type": "application/wasm" } });
      }
      return realFetch(url, init);
    };
    const { Client } = await import("./dist/web.js");
    const sent = [];
    const client = new Client({
      apiKey: "ao-v1-staging-t3st",
      fetch: async (url, init) => { sent.push([init.method, url]); return new Response(JSON.stringify({ data: [], has_more: false }), { status: 200, headers: { "Content-Type": "application/json" } }); },
    });
    const campaigns = [];
    for await (const c of client.listCampaigns()) campaigns.push(c);
    console.log(JSON.stringify({ fetched, sent, campaigns: campaigns.length }));
  `);
  assert.deepEqual(out.fetched, ["andopen_bg.wasm"], "the module, once, and not the workflows module");
  assert.deepEqual(out.sent, [["GET", "https://api.staging.andopen.co/campaigns"]]);
  assert.equal(out.campaigns, 0);
});

test("the browser entry: a Client whose options the core refuses rejects its first call (the check waits for the module)", async () => {
  const out = await child(`
    import { readFileSync } from "node:fs";
    globalThis.fetch = async (url) => new Response(readFileSync(new URL(String(url))), { headers: { "Content-Type": "application/wasm" } });
    const { Client, ConfigError } = await import("./dist/web.js");
    const client = new Client({ apiKey: "ao-v1-production-t3st", environment: "staging", dangerouslyAllowBrowser: true, fetch: async () => { throw new Error("sent"); } });
    let threw;
    try { await client.getGiftRequest("4fb4cb3f-9666-43b5-8884-7f5194483d1a"); } catch (e) { threw = [e instanceof ConfigError, e.code]; }
    console.log(JSON.stringify({ threw }));
  `);
  assert.equal(out.threw[0], true);
  assert.equal(typeof out.threw[1], "string");
});

/** The JavaScript files an entry loads statically (relative imports, followed), as the size script counts them. */
function closure(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(new URL(file, `file://${root}/`), "utf8");
  for (const m of text.matchAll(/\b(?:from|import)\s*["'](\.[^"']+\.js)["']/g)) closure(new URL(m[1], new URL(file, `file://${root}/`)).href.slice(`file://${root}/`.length).replace(/^\/+/, ""), seen);
  return seen;
}

test("no module of the package awaits at its top level, and no browser or workerd entry imports node:", async () => {
  // Node refuses to `require` an ES module graph that awaits at its top level (ERR_REQUIRE_ASYNC_MODULE).
  const required = await child(
    `const out = {};
     for (const f of ["./dist/web.js", "./dist/node.js", "./dist/workflows-web.js", "./dist/workflows-node.js"]) {
       try { out[f] = Object.keys(require(f)).length; } catch (e) { out[f] = e.code ?? e.message; }
     }
     console.log(JSON.stringify({ out, can: process.features.require_module === true }));`,
    { type: "commonjs" },
  );
  assert.equal(required.can, true, "this Node requires ES modules (20.19 and later)");
  for (const [file, result] of Object.entries(required.out)) assert.equal(typeof result, "number", `${file}: ${result}`);
  const entries = ["dist/web.js", "dist/workerd.js", "dist/workflows-web.js", "dist/workflows-workerd.js"];
  for (const entry of entries) {
    for (const file of closure(entry)) {
      const text = readFileSync(new URL(file, `file://${root}/`), "utf8");
      assert.doesNotMatch(text, /["']node:/, `${file} (loaded by ${entry}) imports node:`);
      if (file.includes("workerd")) assert.doesNotMatch(text, /\bawait\b/, `${file} awaits`);
    }
  }
  const pkg = JSON.parse(readFileSync(new URL("package.json", `file://${root}/`), "utf8"));
  for (const [path, conditions] of Object.entries(pkg.exports)) {
    if (typeof conditions === "string") continue;
    const order = Object.keys(conditions);
    assert.ok(order.indexOf("workerd") < order.indexOf("browser") && order.indexOf("browser") < order.indexOf("node"), `${path}: workerd, then browser, before node`);
    assert.equal(order.at(-1), "default", `${path}: default last`);
  }
});

test("in Node, a client without apiKey reads ANDOPEN_API_KEY; without either it refuses to send, locally", async () => {
  const code = `
    import { Client, ConfigError } from "@andopen/sdk";
    const sent = [];
    const client = new Client({ fetch: async (url, init) => { sent.push(init.headers.Authorization ?? null); return new Response(JSON.stringify({ data: [], has_more: false }), { status: 200 }); } });
    let threw = null;
    try { for await (const _ of client.listCampaigns()) {} } catch (e) { threw = [e instanceof ConfigError, e.code, e.message]; }
    console.log(JSON.stringify({ sent, threw }));
  `;
  const withKey = await child(code, { env: { ANDOPEN_API_KEY: "ao-v1-staging-fr0menv" } });
  assert.deepEqual(withKey, { sent: ["Bearer ao-v1-staging-fr0menv"], threw: null });
  const without = await child(code);
  assert.deepEqual(without.sent, [], "nothing sent");
  assert.equal(without.threw[0], true);
  assert.equal(without.threw[1], "missing_api_key");
  // The browser entry never reads the environment.
  const browser = await child(
    `
    import { readFileSync } from "node:fs";
    import { Client, initSync } from "./dist/web.js";
    initSync({ module: readFileSync("wasm/andopen_bg.wasm") });
    const sent = [];
    const client = new Client({ fetch: async () => { sent.push(1); return new Response("{}"); } });
    let code = null;
    try { await client.getGiftRequest("4fb4cb3f-9666-43b5-8884-7f5194483d1a"); } catch (e) { code = e.code; }
    console.log(JSON.stringify({ sent: sent.length, code }));
  `,
    { env: { ANDOPEN_API_KEY: "ao-v1-staging-fr0menv" } },
  );
  assert.deepEqual(browser, { sent: 0, code: "missing_api_key" });
});
