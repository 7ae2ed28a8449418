// TypeScript projects that install the package (a folder whose node_modules holds it), compiled with the
// settings users have: `module` CommonJS with `node10` resolution (NestJS's default), Node16 as CommonJS
// and as ES modules, and a browser project with `bundler` resolution and no esnext library. The Node ones
// are then run: type-checking is not enough, the compiled program must start.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const run = promisify(execFile);
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
let dir;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "andopen-ts-"));
});

after(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** A project folder of type `type` holding the package and Node's types, with the fixtures of test/ts. */
function project(name, type) {
  const at = join(dir, name);
  mkdirSync(join(at, "node_modules", "@andopen"), { recursive: true });
  symlinkSync(root, join(at, "node_modules", "@andopen", "sdk"), "dir");
  symlinkSync(join(root, "node_modules", "@types"), join(at, "node_modules", "@types"), "dir");
  writeFileSync(join(at, "package.json"), JSON.stringify({ name, private: true, type }));
  for (const f of ["app.ts", "browser.ts", "tsconfig.commonjs.json", "tsconfig.node16.json", "tsconfig.bundler.json"]) copyFileSync(join(root, "test", "ts", f), join(at, f));
  return at;
}

async function compile(at, config) {
  try {
    await run(process.execPath, [tsc, "-p", config], { cwd: at });
  } catch (e) {
    assert.fail(`${config} does not compile:\n${e.stdout}${e.stderr}`);
  }
}

async function start(at, file) {
  const { stdout } = await run(process.execPath, ["--no-experimental-require-module", file], { cwd: at });
  return JSON.parse(stdout);
}

const EXPECTED = { params: ["recipient.last_name"], threw: "required", signature: 64 };

test("module CommonJS with node10 resolution: both entries type-check, and the program starts and runs", async () => {
  const at = project("commonjs", "commonjs");
  await compile(at, "tsconfig.commonjs.json");
  assert.deepEqual(await start(at, "out-commonjs/app.js"), EXPECTED);
});

test("module Node16 in a CommonJS package: the require types, and the program runs", async () => {
  const at = project("node16-cjs", "commonjs");
  await compile(at, "tsconfig.node16.json");
  assert.deepEqual(await start(at, "out-node16/app.js"), EXPECTED);
});

test("module Node16 in an ES module package: the import types, and the program runs", async () => {
  const at = project("node16-esm", "module");
  await compile(at, "tsconfig.node16.json");
  assert.deepEqual(await start(at, "out-node16/app.js"), EXPECTED);
});

test("a browser project (bundler resolution, DOM and ES2022 only, every declaration checked)", async () => {
  const at = project("browser", "module");
  await compile(at, "tsconfig.bundler.json");
});
