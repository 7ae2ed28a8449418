// Bundles each browser entry into one file, in place, so that a page loading the package without a bundler
// fetches one script (and its module) rather than a dozen, and gzip sees the code whole: with the minifier,
// the full entry's JavaScript went from 11.9 KB gzipped in twelve files to 8.7 KB in three. Run after
// `tsc`, before the minifier.
//
// A module that holds state or classes another entry of the package also loads stays a file of its own and
// is imported, never copied: `sources.js` (where the modules are), `errors.js` (so that `instanceof` holds
// across `@andopen/sdk` and `@andopen/sdk/workflows`) and `workflows.js` (loaded on demand by
// `Client.sendBatch`, and the workflows entry's own). Everything else the entry loads is copied into it,
// the module's wasm-bindgen glue included; the files stay for the other entries.
//
// A bundler writes a module's top-level `class Client {}` as `var Client = class {}`, whose name the
// minifier then loses with the variable's (`Client.name` would be "ae"): each such class gets its own name
// back here, before the minifier, which keeps class names (a test checks every exported class's name).
//
// Usage: node scripts/bundle.mjs
import { readFileSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const SHARED = new Set(["./sources.js", "./errors.js", "./workflows.js"]);

const keepShared = {
  name: "keep-shared",
  setup(build) {
    build.onResolve({ filter: /^\.\/[\w-]+\.js$/ }, (args) => (SHARED.has(args.path) ? { path: args.path, external: true } : undefined));
  },
};

/** The entries: each only registers where its module is and re-exports the package. */
const ENTRIES = [
  { file: "dist/web.js", shared: true },
  // `@andopen/sdk/validate` has its own tree: nothing in it is loaded by another entry.
  { file: "validate/dist/validate-web.js", shared: false },
];

for (const { file, shared } of ENTRIES) {
  await build({
    entryPoints: [file],
    outfile: file,
    allowOverwrite: true,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    // Minified afterwards, with every other file (scripts/minify.mjs).
    legalComments: "none",
    logLevel: "warning",
    plugins: shared ? [keepShared] : [],
  });
  writeFileSync(file, namedClasses(readFileSync(file, "utf8"), file));
}

/**
 * `var X = class {` (or `class extends Y`) as `var X = class X {`; `var X = class _X {`, which the bundler
 * writes when the class refers to itself (as `_X`, a name it made for that), as `var X = class X {` with
 * those references renamed.
 */
function namedClasses(code, file) {
  let out = code;
  for (const [, name, inner] of code.matchAll(/^var ([\w$]+) = class(?: (_[\w$]+))?(?= extends | \{)/gm)) {
    if (inner !== undefined) {
      if (inner !== `_${name}`) throw new Error(`${file}: class ${name} is named ${inner}`);
      out = out.replace(new RegExp(`(?<![\\w$])${inner.replace(/\$/g, "\\$")}(?![\\w$])`, "g"), name);
    }
  }
  return out.replace(/^var ([\w$]+) = class(?= extends | \{)/gm, "var $1 = class $1");
}
