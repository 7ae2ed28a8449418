// Minifies the JavaScript the package ships, in place: every `.js` file under the folders given (whitespace,
// syntax and local names; each file keeps its module format, its imports and exports, and the names of its
// classes and functions, which errors report). The declarations (`.d.ts`) keep every doc comment.
//
// Usage: node scripts/minify.mjs FOLDER…
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { transformSync } from "esbuild";

function* scripts(folder) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* scripts(path);
    else if (entry.name.endsWith(".js")) yield path;
  }
}

for (const folder of process.argv.slice(2)) {
  for (const path of scripts(folder)) {
    const { code } = transformSync(readFileSync(path, "utf8"), { minify: true, keepNames: true, target: "es2022", charset: "utf8", legalComments: "none" });
    writeFileSync(path, code);
  }
}
