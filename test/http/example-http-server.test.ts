// examples/http-server run as a user would (`npm run example -- http-server ...` is
// `tsx host-sim/example.ts http-server ...`): static serving, listing, access log lines, the
// --add-user password tool, digest auth and the ACL.
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { run } from "../helpers/run";
import { curl, statuses } from "./server-helpers";

const repo = path.resolve(__dirname, "..", "..");
const tsx = require.resolve("tsx/cli");

function start(args: string[]): Promise<{ child: ChildProcess; port: number; out: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsx, path.join(repo, "host-sim/example.ts"), "http-server", ...args], { stdio: ["ignore", "pipe", "pipe"], cwd: repo });
    let out = "";
    const timer = setTimeout(() => reject(new Error(`example did not start:\n${out}`)), 20000);
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /on port (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]), out: () => out });
      }
    });
    child.stderr!.on("data", (d) => (out += d));
    child.on("exit", (code) => reject(new Error(`example exited ${code}:\n${out}`)));
  });
}

describe("examples/http-server", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "mcnet-ex-"));
    fs.mkdirSync(path.join(dir, "www", "docs"), { recursive: true });
    fs.writeFileSync(path.join(dir, "www", "index.html"), "<h1>example</h1>\n");
    fs.writeFileSync(path.join(dir, "www", "docs", "a.txt"), "A\n");
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("serves a directory with listing, one access log line per request", async () => {
    const ex = await start(["--root", path.join(dir, "www"), "--port", "0", "--listing"]);
    try {
      const url = `http://127.0.0.1:${ex.port}`;
      expect((await curl([`${url}/`])).stdout).toBe("<h1>example</h1>\n");
      expect((await curl([`${url}/docs/`])).stdout).toContain('<a href="a.txt">a.txt</a>');
      expect(statuses((await curl(["-i", `${url}/nope`])).stdout)).toEqual([404]);
      await new Promise((r) => setTimeout(r, 100));
      const lines = ex.out().split("\n").filter((l) => l.startsWith("127.0.0.1 - "));
      expect(lines.length).toBe(3);
      expect(lines[0]).toMatch(/^127\.0\.0\.1 - - \[[^\]]+\] "GET \/ HTTP\/1\.1" 200 17$/);
      expect(lines[1]).toMatch(/"GET \/docs\/ HTTP\/1\.1" 200 \d+$/);
      expect(lines[2]).toMatch(/"GET \/nope HTTP\/1\.1" 404 \d+$/);
    } finally {
      ex.child.kill();
    }
  }, 30000);

  test("--add-user writes an htdigest file that --auth-file then enforces; --acl filters", async () => {
    const file = path.join(dir, "auth", "passwords");
    const add = await run(process.execPath, [tsx, path.join(repo, "host-sim/example.ts"), "http-server", "--add-user", file, "example.com", "joe", "secret"], { timeout: 20000 });
    expect(add.stdout).toContain("set joe");
    expect(fs.readFileSync(file, "utf8")).toMatch(/^joe:example\.com:[0-9a-f]{32}\n$/);
    const ex = await start(["--root", path.join(dir, "www"), "--port", "0", "--auth-file", file, "--auth-domain", "example.com", "--acl", "-0.0.0.0/0,+127.0.0.2"]);
    try {
      const url = `http://127.0.0.1:${ex.port}`;
      const from2 = ["--interface", "127.0.0.2"];
      expect(statuses((await curl([...from2, "-i", `${url}/`])).stdout)).toEqual([401]);
      expect((await curl([...from2, "--digest", "-u", "joe:secret", `${url}/`])).stdout).toBe("<h1>example</h1>\n");
      const denied = await curl(["-i", "--digest", "-u", "joe:secret", `${url}/`]);
      expect(denied.stdout).toBe("");
      expect(denied.code).not.toBe(0);
    } finally {
      ex.child.kill();
    }
  }, 40000);
});
