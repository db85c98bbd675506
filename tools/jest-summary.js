#!/usr/bin/env node
// Runs jest (arguments passed through) with --json, then prints one closing line that CI reads:
//   tests: N passed, M failed
// Suites that fail to load (a syntax error, a missing module) count as failures too.
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const os = require("node:os");

const out = path.join(os.tmpdir(), `mcnet-jest-${process.pid}.json`);
const jest = require.resolve("jest/bin/jest");
const r = spawnSync(process.execPath, [jest, "--json", `--outputFile=${out}`, ...process.argv.slice(2)], { stdio: "inherit" });
let passed = 0;
let failed = 0;
try {
  const res = JSON.parse(fs.readFileSync(out, "utf8"));
  passed = res.numPassedTests;
  failed = res.numFailedTests + res.numRuntimeErrorTestSuites;
  fs.unlinkSync(out);
} catch (e) {
  console.error(`could not read jest's results: ${e.message}`);
  failed = Math.max(failed, 1);
}
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(r.status === 0 && failed === 0 ? 0 : 1);
