// Builds the form page (form-app.js) as an application would, importing `@andopen/sdk` by name, with each
// bundler the package is tried with: Vite and webpack (which copy the module that `new URL(…,
// import.meta.url)` names) and esbuild (which copies it as the file that `@andopen/sdk/andopen.wasm`
// imports, handed to `init`). Each build is a page under test-results/bundlers/<bundler>/.
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = new URL("../../", import.meta.url);
const out = new URL("test-results/bundlers/", root);
const app = new URL("app/", out);

/** The application: the form page, its script, and the package installed under node_modules (a link). */
function writeApp() {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(new URL("node_modules/@andopen/", app), { recursive: true });
  symlinkSync(fileURLToPath(root), fileURLToPath(new URL("node_modules/@andopen/sdk", app)), "dir");
  cpSync(new URL("test/browser/form-app.js", root), new URL("form-app.js", app));
  writeFileSync(new URL("main.js", app), 'import * as sdk from "@andopen/sdk";\nimport { start } from "./form-app.js";\n\nstart(sdk);\n');
  writeFileSync(
    new URL("main-esbuild.js", app),
    'import * as sdk from "@andopen/sdk";\nimport wasm from "@andopen/sdk/andopen.wasm";\nimport { start } from "./form-app.js";\n\nstart(sdk, wasm);\n',
  );
  writeFileSync(new URL("index.html", app), page('<script type="module" src="./main.js"></script>'));
}

/** The form page, loading its script with `script`. */
function page(script) {
  const html = readFileSync(new URL("test/browser/form.html", root), "utf8");
  const tag = '<script type="module" src="./form.js"></script>';
  if (!html.includes(tag)) throw new Error("form.html no longer loads form.js as expected");
  return html.replace(tag, script);
}

async function vite() {
  const { build } = await import("vite");
  await build({ root: fileURLToPath(app), base: "./", logLevel: "error", configFile: false, build: { outDir: fileURLToPath(new URL("vite/", out)), emptyOutDir: true } });
}

async function esbuild() {
  const { build } = await import("esbuild");
  const dir = new URL("esbuild/", out);
  await build({
    entryPoints: [fileURLToPath(new URL("main-esbuild.js", app))],
    bundle: true,
    format: "esm",
    platform: "browser",
    minify: true,
    outdir: fileURLToPath(dir),
    loader: { ".wasm": "file" },
    logLevel: "error",
  });
  writeFileSync(new URL("index.html", dir), page('<script type="module" src="./main-esbuild.js"></script>'));
}

async function webpack() {
  const { default: webpack } = await import("webpack");
  const dir = new URL("webpack/", out);
  const stats = await new Promise((resolve, reject) =>
    webpack(
      { mode: "production", target: "web", context: fileURLToPath(app), entry: "./main.js", output: { path: fileURLToPath(dir), filename: "main.js", publicPath: "auto" } },
      (error, result) => (error ? reject(error) : resolve(result)),
    ),
  );
  if (stats.hasErrors()) throw new Error(stats.toString("errors-only"));
  writeFileSync(new URL("index.html", dir), page('<script src="./main.js"></script>'));
}

/** Builds the three pages; returns their paths under the package, by bundler. */
export async function buildPages() {
  writeApp();
  await vite();
  await esbuild();
  await webpack();
  return { vite: "test-results/bundlers/vite/index.html", esbuild: "test-results/bundlers/esbuild/index.html", webpack: "test-results/bundlers/webpack/index.html" };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await buildPages());
