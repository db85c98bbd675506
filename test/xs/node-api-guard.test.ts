// A Node-only API inside modules/ must fail both guards: the lint rule for device code, and the XS
// run (the bundle refuses node:* imports; a Node global is a ReferenceError inside XS). The probe
// files are written under modules/ for the duration of the test and always removed.

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { bundleForXs } from "../../host-sim/xs/bundle";
import { REPO_ROOT, runXsScenario } from "../../host-sim/xs/runner";

const PREFIX = "__xs_probe_";
const probeDir = path.join(REPO_ROOT, "modules", `${PREFIX}${process.pid}_${Date.now().toString(36)}__`);

function eslint(file: string): { ok: boolean; output: string } {
  try {
    const output = execFileSync(path.join(REPO_ROOT, "node_modules/.bin/eslint"), ["--no-warn-ignored", file], { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return { ok: true, output };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, output: `${err.stdout ?? ""}${err.stderr ?? ""}` };
  }
}

function write(name: string, text: string): string {
  const file = path.join(probeDir, name);
  fs.writeFileSync(file, text);
  return file;
}

beforeAll(() => {
  // a probe left by a killed run would break lint and typecheck for everyone
  for (const entry of fs.readdirSync(path.join(REPO_ROOT, "modules"))) {
    if (entry.startsWith(PREFIX)) fs.rmSync(path.join(REPO_ROOT, "modules", entry), { recursive: true, force: true });
  }
  fs.mkdirSync(probeDir, { recursive: true });
});

afterAll(() => {
  fs.rmSync(probeDir, { recursive: true, force: true });
});

describe("Node-only code in modules/ is caught", () => {
  test("control: a clean module passes lint and runs on XS", async () => {
    const file = write("clean.ts", `export function answer(): number {\n  return 6 * 7;\n}\n`);
    const entry = write("clean-entry.ts", `import { answer } from "./clean";\nexport default function main(): number {\n  return answer();\n}\n`);
    expect(eslint(file).ok).toBe(true);
    const r = await runXsScenario<number>({ entry });
    expect(r.value).toBe(42);
  }, 30000);

  test("a node:* import: lint fails and the XS bundle refuses it", async () => {
    const file = write("bad-import.ts", `import { readFileSync } from "node:fs";\nexport function bad(): number {\n  return String(readFileSync).length;\n}\n`);
    const entry = write("bad-import-entry.ts", `import { bad } from "./bad-import";\nexport default function main(): number {\n  return bad();\n}\n`);
    const lint = eslint(file);
    expect(lint.ok).toBe(false);
    expect(lint.output).toMatch(/node:\* modules do not exist on XS/);
    await expect(bundleForXs({ entry, kind: "scenario" })).rejects.toThrow(/node:fs.*does not exist on XS/);
  }, 30000);

  test("require(): lint fails and the XS bundle refuses it", async () => {
    const file = write("bad-require.ts", `export function bad(): number {\n  // eslint-disable-next-line @typescript-eslint/no-require-imports\n  const fs = require("fs");\n  return Object.keys(fs).length;\n}\n`);
    const entry = write("bad-require-entry.ts", `import { bad } from "./bad-require";\nexport default function main(): number {\n  return bad();\n}\n`);
    const lint = eslint(file);
    expect(lint.ok).toBe(false);
    expect(lint.output).toMatch(/require\(\) does not exist on XS/);
    await expect(bundleForXs({ entry, kind: "scenario" })).rejects.toThrow(/"fs" is a Node built-in/);
  }, 30000);

  test("a Node global (Buffer): lint fails and the XS run throws ReferenceError", async () => {
    const file = write("bad-global.ts", `export function bad(): number {\n  return Buffer.byteLength("device code");\n}\n`);
    const entry = write("bad-global-entry.ts", `import { bad } from "./bad-global";\nexport default function main(): number {\n  return bad();\n}\n`);
    const lint = eslint(file);
    expect(lint.ok).toBe(false);
    expect(lint.output).toMatch(/Buffer is not available on XS/);
    await expect(runXsScenario({ entry })).rejects.toThrow(/ReferenceError.*Buffer/);
  }, 30000);
});
