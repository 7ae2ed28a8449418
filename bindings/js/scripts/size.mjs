// Prints what the package weighs on the wire, raw and gzipped (level 9), as two figures:
// - the package (budgeted, at most 80 KB gzipped): the wasm module and JavaScript every importer of
//   `@andopen/sdk` loads (validation, requests, the client);
// - the workflows (not budgeted): the second module and its JavaScript, loaded only by
//   `@andopen/sdk/workflows` and the first `Client.sendBatch`.
// Then what one module holding everything would weigh, the alternative the split avoids.
import { readFileSync, readdirSync } from "node:fs";
import { gzipSync } from "node:zlib";

const BUDGET = 80 * 1024;
const root = new URL("../", import.meta.url);
const WORKFLOWS_JS = ["dist/workflows.js"];
const dist = readdirSync(new URL("dist/", root)).filter((f) => f.endsWith(".js")).map((f) => `dist/${f}`);
const kb = (n) => (n / 1024).toFixed(1);

function measure(title, files) {
  console.log(title);
  let raw = 0;
  let gz = 0;
  for (const f of files) {
    const bytes = readFileSync(new URL(f, root));
    const zipped = gzipSync(bytes, { level: 9 }).length;
    raw += bytes.length;
    gz += zipped;
    console.log(`  ${f.padEnd(32)} ${String(bytes.length).padStart(8)} B  ${String(zipped).padStart(7)} B gzipped`);
  }
  return { raw, gz };
}

const main = measure("@andopen/sdk (budgeted):", ["wasm/andopen_bg.wasm", "wasm/andopen.js", ...dist.filter((f) => !WORKFLOWS_JS.includes(f))]);
console.log(`  ${"total".padEnd(32)} ${String(main.raw).padStart(8)} B  ${String(main.gz).padStart(7)} B gzipped = ${kb(main.gz)} KB (budget ${kb(BUDGET)} KB: ${main.gz <= BUDGET ? "within" : "OVER"})`);
const flows = measure("@andopen/sdk/workflows (loaded on demand, not budgeted):", ["wasm/andopen_workflows_bg.wasm", "wasm/andopen_workflows.js", ...WORKFLOWS_JS]);
console.log(`  ${"total".padEnd(32)} ${String(flows.raw).padStart(8)} B  ${String(flows.gz).padStart(7)} B gzipped = ${kb(flows.gz)} KB`);
const one = ["wasm/andopen_workflows_bg.wasm", "wasm/andopen_workflows.js", ...dist].map((f) => gzipSync(readFileSync(new URL(f, root)), { level: 9 }).length);
console.log(`one module for everything instead: ${kb(one.reduce((a, b) => a + b, 0))} KB gzipped (over the budget: hence two modules)`);
process.exitCode = main.gz <= BUDGET ? 0 : 1;
