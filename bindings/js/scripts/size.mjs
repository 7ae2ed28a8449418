// Prints what each entry of the package weighs on the wire, raw and gzipped (level 9): the JavaScript an
// importer loads (the entry's static imports, followed file by file) and the WebAssembly module it loads.
// Dynamic imports (`Client.sendBatch` loading the workflows) are counted with the entry they load, not here.
// Exits non-zero when a budgeted entry is over its budget.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const root = new URL("../", import.meta.url);
const kb = (n) => (n / 1024).toFixed(1);

/**
 * An entry: its title, its JavaScript file, its module, and its budget in bytes gzipped (or none). A budget
 * is about what the entry weighs today, rounded up, so that growth is a decision; the full browser entry's
 * is also the 64 KB it aims at. Each file is counted gzipped on its own, as a browser loading the package's
 * modules fetches them (a browser entry is one file and the two files it shares with the workflows, see
 * scripts/bundle.mjs); the last line of each entry joins the JavaScript files and gzips them as one, near
 * what a bundler's single chunk holds (not a real bundle).
 */
const ENTRIES = [
  { title: "@andopen/sdk/validate (browser; validation only)", js: "validate/dist/validate-web.js", wasm: "validate/wasm/andopen_bg.wasm", budget: 27 * 1024 },
  { title: "@andopen/sdk (browser; the client and validation)", js: "dist/web.js", wasm: "wasm/andopen_bg.wasm", budget: 64 * 1024 },
  { title: "@andopen/sdk (Node, Bun, Deno)", js: "dist/node.js", wasm: "wasm/andopen_bg.wasm" },
  { title: "@andopen/sdk (require)", js: "cjs/dist/node-cjs.js", wasm: "wasm/andopen_bg.wasm" },
  { title: "@andopen/sdk/workflows (browser; loaded on demand)", js: "dist/workflows-web.js", wasm: "wasm/andopen_workflows_bg.wasm", budget: 133 * 1024 },
];

/** Every file `file` loads statically, itself included (relative imports and requires of JavaScript). */
function closure(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(new URL(file, root), "utf8");
  // The files are minified: a statement may start anywhere on a line.
  const clause = String.raw`(?:\*\s*as\s+[\w$]+|\*|\{[^}]*\}|[\w$]+(?:\s*,\s*(?:\{[^}]*\}|\*\s*as\s+[\w$]+))?)`;
  const specifiers = [
    ...text.matchAll(new RegExp(String.raw`\b(?:import|export)\s*${clause}\s*from\s*["'](\.[^"']+)["']`, "g")),
    ...text.matchAll(/\bimport\s*["'](\.[^"']+)["']/g),
    ...text.matchAll(/(?<!=>\s*(?:[\w$]+\()?)\brequire\(["'](\.[^"']+)["']\)/g), // not a dynamic import's
  ].map((m) => m[1]);
  for (const specifier of specifiers) {
    if (!specifier.endsWith(".js")) continue; // the module itself is counted apart
    closure(new URL(specifier, new URL(file, root)).href.slice(root.href.length), seen);
  }
  return seen;
}

let over = false;
for (const entry of ENTRIES) {
  console.log(`${entry.title}:`);
  let raw = 0;
  let gz = 0;
  for (const f of [entry.wasm, ...[...closure(entry.js)].sort()]) {
    const bytes = readFileSync(new URL(f, root));
    const zipped = gzipSync(bytes, { level: 9 }).length;
    raw += bytes.length;
    gz += zipped;
    console.log(`  ${f.padEnd(36)} ${String(bytes.length).padStart(8)} B  ${String(zipped).padStart(7)} B gzipped`);
  }
  const verdict = entry.budget === undefined ? "not budgeted" : `budget ${kb(entry.budget)} KB: ${gz <= entry.budget ? "within" : "OVER"}`;
  if (entry.budget !== undefined && gz > entry.budget) over = true;
  console.log(`  ${"total".padEnd(36)} ${String(raw).padStart(8)} B  ${String(gz).padStart(7)} B gzipped = ${kb(gz)} KB (${verdict})`);
  const js = Buffer.concat([...closure(entry.js)].sort().map((f) => readFileSync(new URL(f, root))));
  const bundled = gzipSync(readFileSync(new URL(entry.wasm, root)), { level: 9 }).length + gzipSync(js, { level: 9 }).length;
  console.log(`  ${"total, the JavaScript joined as one".padEnd(36)} ${" ".repeat(8)}    ${String(bundled).padStart(7)} B gzipped = ${kb(bundled)} KB`);
}
process.exitCode = over ? 1 : 0;
