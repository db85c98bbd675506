// Runs shared suites (test/**/*.suite.ts) inside the real XS engine: each suite is bundled on its
// own and loaded into a fresh xsnap worker; its cases run one delivery each, so every case has its
// own compute budget and a failure names the case.
//
//   npx tsx host-sim/xs/run-suites.ts [--json] [suite files...]
//
// With --json it prints one JSON array of outcomes (what test/xs/suites.test.ts reads); otherwise
// a table. Exit status 1 if any case failed.

import * as fs from "node:fs";
import * as path from "node:path";
import { bundleForXs } from "./bundle";
import { REPO_ROOT, XsRunner } from "./runner";

export interface SuiteOutcome {
  file: string;
  name: string;
  cases: number;
  passed: number;
  failures: string[];
  compute: number;
  peakHeapCount: number;
}

export function findSuites(dir = path.join(REPO_ROOT, "test"), out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) findSuites(full, out);
    else if (entry.name.endsWith(".suite.ts")) out.push(full);
  }
  return out.sort();
}

export async function runSuiteOnXs(file: string): Promise<SuiteOutcome> {
  const rel = path.relative(REPO_ROOT, file);
  let source: string;
  try {
    source = await bundleForXs({ entry: file, kind: "suite" });
  } catch (e) {
    return { file: rel, name: rel, cases: 0, passed: 0, failures: [`bundle: ${(e as Error).message}`], compute: 0, peakHeapCount: 0 };
  }
  let runner: XsRunner | undefined;
  try {
    runner = await XsRunner.start({ entry: file, kind: "suite", source });
    const loaded = await runner.call<{ name: string; cases: string[] }>("suite.load");
    const failures: string[] = [];
    let passed = 0;
    for (let i = 0; i < loaded.cases.length; i++) {
      const r = await runner.call<{ ok: boolean; error?: string }>("suite.run", i);
      if (r.ok) passed++;
      else failures.push(`${loaded.cases[i]}: ${r.error}`);
    }
    if (loaded.cases.length === 0) failures.push("suite has no cases");
    failures.push(...runner.errors);
    return { file: rel, name: loaded.name, cases: loaded.cases.length, passed, failures, compute: runner.meters.compute, peakHeapCount: runner.meters.peakHeapCount };
  } catch (e) {
    return { file: rel, name: rel, cases: 0, passed: 0, failures: [(e as Error).message], compute: runner?.meters.compute ?? 0, peakHeapCount: 0 };
  } finally {
    await runner?.close();
  }
}

export async function runSuitesOnXs(files: string[], concurrency = 2): Promise<SuiteOutcome[]> {
  const results: SuiteOutcome[] = new Array(files.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, concurrency) }, async () => {
      while (next < files.length) {
        const i = next++;
        results[i] = await runSuiteOnXs(files[i]);
      }
    }),
  );
  return results;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const json = args.includes("--json");
  const named = args.filter((a) => !a.startsWith("--")).map((a) => path.resolve(a));
  void runSuitesOnXs(named.length ? named : findSuites()).then((outcomes) => {
    if (json) process.stdout.write(JSON.stringify(outcomes));
    else {
      for (const o of outcomes) {
        process.stdout.write(`${o.failures.length ? "FAIL" : "ok  "} ${o.file}: ${o.passed}/${o.cases} on XS (compute ${o.compute})\n`);
        for (const f of o.failures) process.stdout.write(`       ${f.split("\n")[0]}\n`);
      }
    }
    process.exitCode = outcomes.some((o) => o.failures.length) ? 1 : 0;
  });
}
