// Load tools against the host-sim server: ab -k (apache2-utils) and h2load --h1 (nghttp2),
// including HTTP/1.1 pipelining from h2load (-m). Counts and failures are checked, never timings.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createNodeFileSystem } from "../../host-sim/http-fs";
import type { Connection } from "../../modules/core/connection";
import type { McEvent } from "../../modules/core/events";
import * as http from "../../modules/http/reply";
import { serveHttp } from "../../modules/http/static";
import { run } from "../helpers/run";
import { startServer, type TestServer } from "./server-helpers";

describe("load tools", () => {
  let s: TestServer;
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "mcnet-load-"));
    fs.writeFileSync(path.join(dir, "page.html"), "<p>" + "x".repeat(20000) + "</p>\n");
    fs.writeFileSync(path.join(dir, "post.txt"), "field=" + "y".repeat(3000));
    const files = createNodeFileSystem(dir);
    s = startServer(
      (c: Connection, ev: McEvent) => {
        if (ev.type === "http-request") {
          if (ev.request.path === "/hello") http.reply(c, 200, "hello\n");
          else if (ev.request.path === "/post") {
            http.reply(c, 200, `got ${ev.request.body?.length}\n`);
          } else serveHttp(c, ev.request, { fs: files });
        }
      },
      { maxConnections: 128, accessLog: false, maxBufferedBody: 4096 },
    );
  });
  afterAll(() => {
    s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function field(out: string, re: RegExp): number {
    const m = re.exec(out);
    if (!m) throw new Error(`not found ${re} in:\n${out}`);
    return Number(m[1]);
  }

  test("ab -k: every request succeeds on kept-alive connections", async () => {
    const r = await run("ab", ["-q", "-k", "-n", "3000", "-c", "20", `${s.url}/hello`], { timeout: 30000 });
    expect(r.code).toBe(0);
    expect(field(r.stdout, /Complete requests:\s+(\d+)/)).toBe(3000);
    expect(field(r.stdout, /Failed requests:\s+(\d+)/)).toBe(0);
    expect(field(r.stdout, /Keep-Alive requests:\s+(\d+)/)).toBe(3000);
    expect(r.stdout).not.toContain("Non-2xx");
  });

  test("ab -k POST and static files", async () => {
    const post = await run("ab", ["-q", "-k", "-n", "1000", "-c", "10", "-p", path.join(dir, "post.txt"), "-T", "application/x-www-form-urlencoded", `${s.url}/post`], { timeout: 30000 });
    expect(field(post.stdout, /Complete requests:\s+(\d+)/)).toBe(1000);
    expect(field(post.stdout, /Failed requests:\s+(\d+)/)).toBe(0);
    const page = await run("ab", ["-q", "-k", "-n", "1000", "-c", "10", `${s.url}/page.html`], { timeout: 30000 });
    expect(field(page.stdout, /Complete requests:\s+(\d+)/)).toBe(1000);
    expect(field(page.stdout, /Failed requests:\s+(\d+)/)).toBe(0);
    expect(field(page.stdout, /Document Length:\s+(\d+) bytes/)).toBe(20008);
  });

  test("h2load --h1, with and without pipelining", async () => {
    for (const m of ["1", "8"]) {
      const r = await run("h2load", ["--h1", "-n", "4000", "-c", "16", "-m", m, `${s.url}/hello`], { timeout: 30000 });
      expect(r.stdout).toMatch(/requests: 4000 total, 4000 started, 4000 done, 4000 succeeded, 0 failed, 0 errored/);
      expect(r.stdout).toMatch(/status codes: 4000 2xx/);
    }
  });
});
