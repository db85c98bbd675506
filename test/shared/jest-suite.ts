// Runs a shared suite (see suite.ts) under jest, one jest test per case.
import * as fs from "node:fs";
import * as path from "node:path";
import type { SuiteFactory, SuiteHost } from "./suite";

const root = path.resolve(__dirname, "..", "..");

export const nodeSuiteHost: SuiteHost = {
  readText: (p) => fs.readFileSync(path.resolve(root, p), "utf8"),
  listDir: (p) => fs.readdirSync(path.resolve(root, p)).sort(),
};

export function runSuiteInJest(factory: SuiteFactory): void {
  const suite = factory(nodeSuiteHost);
  describe(suite.name, () => {
    if (suite.cases.length === 0) throw new Error(`suite ${suite.name} has no cases`);
    for (const c of suite.cases) test(c.name, () => c.run());
  });
}
