// Prints what the package weighs on the wire: each shipped file raw and gzipped (level 9), and the total
// against the budget of 80 KB gzipped for the wasm module plus its JavaScript.
import { readFileSync, readdirSync } from "node:fs";
import { gzipSync } from "node:zlib";

const BUDGET = 80 * 1024;
const root = new URL("../", import.meta.url);
const files = [
  "wasm/andopen_bg.wasm",
  "wasm/andopen.js",
  ...readdirSync(new URL("dist/", root)).filter((f) => f.endsWith(".js")).map((f) => `dist/${f}`),
];
let raw = 0;
let gz = 0;
for (const f of files) {
  const bytes = readFileSync(new URL(f, root));
  const zipped = gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gz += zipped;
  console.log(`${f.padEnd(24)} ${String(bytes.length).padStart(8)} B  ${String(zipped).padStart(7)} B gzipped`);
}
const kb = (n) => (n / 1024).toFixed(1);
console.log(`${"total".padEnd(24)} ${String(raw).padStart(8)} B  ${String(gz).padStart(7)} B gzipped = ${kb(gz)} KB (budget ${kb(BUDGET)} KB: ${gz <= BUDGET ? "within" : "OVER"})`);
