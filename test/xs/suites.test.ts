// Every shared suite (test/**/*.suite.ts) again, inside the real XS engine (xsnap), with the same
// vectors as on V8. The suites run in a child process before the tests are defined, so each jest
// test carries its XS pass count in its name; a failing case fails its suite's test with the case's
// message.

import { execFileSync } from "node:child_process";
import * as path from "node:path";
import type { SuiteOutcome } from "../../host-sim/xs/run-suites";

const ROOT = path.resolve(__dirname, "..", "..");

function runAll(): SuiteOutcome[] {
  const out = execFileSync(path.join(ROOT, "node_modules/.bin/tsx"), [path.join(ROOT, "host-sim/xs/run-suites.ts"), "--json"], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 600000,
    maxBuffer: 64 * 1024 * 1024,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return JSON.parse(out) as SuiteOutcome[];
}

let outcomes: SuiteOutcome[];
let launchError: Error | undefined;
try {
  outcomes = runAll();
} catch (e) {
  // run-suites exits 1 when a case fails; its JSON is still on stdout
  const err = e as { stdout?: string; message: string };
  try {
    outcomes = JSON.parse(err.stdout ?? "") as SuiteOutcome[];
  } catch {
    outcomes = [];
    launchError = new Error(`could not run the suites on XS: ${err.message}`);
  }
}

describe("shared suites on XS", () => {
  test(`${outcomes.length} suites ran on XS`, () => {
    if (launchError) throw launchError;
    expect(outcomes.length).toBeGreaterThan(0);
  });

  for (const o of outcomes) {
    const label = o.failures.length ? `${o.passed}/${o.cases} passed, ${o.failures.length} failed` : `${o.passed}/${o.cases} passed`;
    test(`XS ${o.file}: ${label} (compute ${o.compute})`, () => {
      if (o.failures.length) throw new Error(`${o.name} on XS:\n${o.failures.join("\n")}`);
      expect(o.cases).toBeGreaterThan(0);
      expect(o.passed).toBe(o.cases);
    });
  }
});
