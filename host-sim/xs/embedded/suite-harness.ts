// Runs a shared suite (test/shared/suite.ts) inside XS: the host loads it once ("suite.load"
// answers the case names) and then runs each case in its own delivery ("suite.run"), so every case
// gets its own compute budget and a failure names the case. Files come over the bridge.

import type { Suite, SuiteFactory, SuiteHost } from "../../../test/shared/suite";
import { call, expose } from "./host";

const decoder = new TextDecoder();

const host: SuiteHost = {
  readText: (path) => decoder.decode(call({ op: "file.read", path }).payload),
  listDir: (path) => call({ op: "file.list", path }).header.names as string[],
};

export function installSuite(factory: SuiteFactory): void {
  let suite: Suite | undefined;
  expose("suite.load", () => {
    suite = factory(host);
    return { name: suite.name, cases: suite.cases.map((c) => c.name) };
  });
  expose("suite.run", (index) => {
    if (!suite) throw new Error("suite not loaded");
    const c = suite.cases[index as number];
    if (!c) throw new Error(`no case ${String(index)}`);
    try {
      c.run();
      return { ok: true };
    } catch (e) {
      return { ok: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
    }
  });
}
