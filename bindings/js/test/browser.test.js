// A real browser (Debian's Chromium, driven by playwright-core): a direct-send form validated live by the
// wasm module. It types a lowercase country and leaves the last name blank, checks that each server-worded
// message appears under its own field, fixes both, and checks the request the SDK builds. The form runs
// with the package's files as they are, then as built by Vite, esbuild and webpack (browser/bundlers.mjs);
// a module web worker answers a message posted right after it was created.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { buildPages } from "./browser/bundlers.mjs";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const root = new URL("../", import.meta.url);
const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };
let server;
let browser;
let base;
let built;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `no browser at ${CHROMIUM}: make test installs Debian's chromium`);
  server = createServer(async (req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    try {
      const body = await readFile(new URL(`.${path}`, root));
      res.writeHead(200, { "Content-Type": types[path.slice(path.lastIndexOf("."))] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  mkdirSync(new URL("test-results/", root), { recursive: true });
  built = await buildPages();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** The form at `path`: each server-worded error under its field, then the request built. */
async function checkForm(path, shot) {
  const page = await browser.newPage();
  const failures = [];
  page.on("pageerror", (e) => failures.push(e.message));
  await page.goto(`${base}/${path}`);
  await page.waitForSelector("body[data-ready=true]");

  const fill = (name, value) => page.fill(`[name="${name}"]`, value);
  const errorUnder = (param) => page.textContent(`[data-error-for="${param}"]`);
  await fill("recipient.first_name", "Alice");
  await fill("recipient.email", "alice@example.com");
  await fill("shipping_address.address1", "12 Merrion Square");
  await fill("shipping_address.city", "Dublin");
  await fill("shipping_address.region", "Leinster");
  await fill("shipping_address.postal_code", "D02 XY45");
  await fill("shipping_address.phone", "+353871234567");
  await page.type('[name="shipping_address.country_code"]', "ie");

  assert.equal(await errorUnder("recipient.last_name"), "is required");
  assert.equal(await errorUnder("shipping_address.country_code"), "must be an ISO 3166-1 alpha-2 country code in uppercase");
  for (const other of ["recipient.first_name", "recipient.email", "shipping_address.city", "line_items[0].quantity"]) {
    assert.equal(await errorUnder(other), "", `no error under ${other}`);
  }
  assert.equal(await page.textContent("#request"), "(fix the form first)");
  await page.screenshot({ path: fileURLToPath(new URL(`test-results/${shot}.png`, root)), fullPage: true });

  await fill("recipient.last_name", "Smith");
  await fill("shipping_address.country_code", "IE");
  assert.equal(await errorUnder("recipient.last_name"), "");
  assert.equal(await errorUnder("shipping_address.country_code"), "");

  const request = JSON.parse(await page.textContent("#request"));
  assert.equal(request.method, "POST");
  assert.equal(request.url, "https://api.andopen.co/gift_requests");
  assert.equal(request.headers.Authorization, undefined, "a page holds no key");
  assert.equal(request.headers["AndOpen-API-Version"], "2026-05");
  assert.deepEqual(JSON.parse(request.body), {
    campaign_id: "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
    recipient: { first_name: "Alice", last_name: "Smith", email: "alice@example.com" },
    shipping_address: { address1: "12 Merrion Square", city: "Dublin", region: "Leinster", postal_code: "D02 XY45", country_code: "IE", phone: "+353871234567" },
    line_items: [{ sku: "HOODIE-L-BLK", quantity: 1 }],
  });
  assert.deepEqual(failures, []);
  await page.close();
}

test("a direct-send form shows each server-worded error under its field, then builds the request", () => checkForm("test/browser/form.html", "form-errors"));
for (const bundler of ["vite", "esbuild", "webpack"]) {
  test(`the form built with ${bundler} works the same`, () => checkForm(built[bundler], `form-errors-${bundler}`));
}

for (const entry of ["validate", "full"]) {
  test(`a module web worker (${entry === "full" ? "@andopen/sdk" : "@andopen/sdk/validate"}) answers a message posted right after new Worker()`, async () => {
    const page = await browser.newPage();
    const failures = [];
    page.on("pageerror", (e) => failures.push(e.message));
    await page.goto(`${base}/test/browser/worker.html?entry=${entry}`);
    await page.waitForSelector("body[data-answer]", { state: "attached", timeout: 10_000 });
    const answer = JSON.parse(await page.getAttribute("body", "data-answer"));
    assert.deepEqual(answer.sort(), ["campaign_id", "recipient.last_name"]);
    assert.deepEqual(failures, []);
    await page.close();
  });
}
