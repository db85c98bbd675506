// reverseProxy (mg_http_reverse_proxy) in front of a node:http upstream: paths rewritten under
// the mount, bodies both ways (buffered, streamed, chunked), HEAD, a dead upstream, and a large
// reply to a slow client.
import * as crypto from "node:crypto";
import * as http from "node:http";
import * as net from "node:net";
import type { AddressInfo } from "node:net";
import * as reply from "../../modules/http/reply";
import { reverseProxy } from "../../modules/http/proxy";
import { curl, sleep, startServer, statuses, type TestServer } from "./server-helpers";

const big = crypto.randomBytes(6 * 1024 * 1024);

describe("reverse proxy", () => {
  let upstream: http.Server;
  let upPort: number;
  let s: TestServer;
  beforeAll(async () => {
    upstream = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (d) => chunks.push(d));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        if (req.url === "/foo/big") {
          res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": big.length });
          res.end(big);
        } else if (req.url?.startsWith("/foo/chunked")) {
          res.writeHead(200, { "Content-Type": "text/plain", Connection: "close" });
          res.write("part1,");
          setTimeout(() => res.end("part2"), 20);
        } else {
          res.writeHead(201, { "Content-Type": "text/plain", "X-Upstream": "yes", "Keep-Alive": "timeout=5" });
          res.end(`${req.method} ${req.url} host=${req.headers.host} xff=${req.headers["x-forwarded-for"]} body=${body.length}:${crypto.createHash("md5").update(body).digest("hex")}`);
        }
      });
    });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", () => r()));
    upPort = (upstream.address() as AddressInfo).port;
    s = startServer((c, ev) => {
      if (ev.type === "http-request") reply.reply(c, 200, "local\n");
    });
    s.server.endpoint("/api", (c, ev) => {
      if (ev.type === "http-request") reverseProxy(c, ev.request, "/api", `http://127.0.0.1:${upPort}/foo`);
    });
    s.server.endpoint("/dead", (c, ev) => {
      if (ev.type === "http-request") reverseProxy(c, ev.request, "/dead", "http://127.0.0.1:1/");
    });
  });
  afterAll(() => {
    s.close();
    upstream.close();
  });

  test("GET: the mount is replaced, hop-by-hop fields dropped, X-Forwarded-For added", async () => {
    const r = await curl(["-i", `${s.url}/api/bar?x=1`]);
    expect(statuses(r.stdout)).toEqual([201]);
    expect(r.stdout).toContain("X-Upstream: yes\r\n");
    expect(r.stdout).not.toMatch(/Keep-Alive: timeout/i);
    expect(r.stdout).toContain(`GET /foo/bar?x=1 host=127.0.0.1:${upPort} xff=127.0.0.1 body=0:`);
  });

  test("request bodies: buffered and streamed (chunked) both arrive whole", async () => {
    const small = "a=1&b=2";
    const r1 = await curl(["--data-binary", small, `${s.url}/api/post`]);
    expect(r1.stdout).toContain(`POST /foo/post`);
    expect(r1.stdout).toContain(`body=${small.length}:${crypto.createHash("md5").update(small).digest("hex")}`);
    const large = crypto.randomBytes(300_000);
    const r2 = await curl(["--data-binary", "@-", `${s.url}/api/upload`], { input: large });
    expect(r2.stdout).toContain(`body=300000:${crypto.createHash("md5").update(large).digest("hex")}`);
  });

  test("chunked and close-delimited upstream replies; HEAD; keep-alive continues after", async () => {
    const r = await curl(["-v", `${s.url}/api/chunked`, `${s.url}/local`]);
    expect(r.stdout).toBe("part1,part2local\n");
    expect(r.stderr).toMatch(/Re-using existing connection/);
    const h = await curl(["-I", `${s.url}/api/bar`]);
    expect(statuses(h.stdout)).toEqual([201]);
  });

  test("a dead upstream is 502", async () => {
    const r = await curl(["-i", `${s.url}/dead/x`]);
    expect(statuses(r.stdout)).toEqual([502]);
  });

  test("a large reply to a slow client streams intact with bounded buffering", async () => {
    const sock = net.connect(s.port, "127.0.0.1");
    await new Promise((r) => sock.once("connect", r));
    sock.pause();
    sock.write("GET /api/big HTTP/1.1\r\nHost: x\r\n\r\n");
    let maxQueued = 0;
    for (let i = 0; i < 30; i++) {
      await sleep(20);
      for (const c of s.mgr.connections()) maxQueued = Math.max(maxQueued, c.send.length, c.recv.length);
    }
    const got: Buffer[] = [];
    let n = 0;
    sock.on("data", (d) => {
      got.push(d);
      n += d.length;
    });
    sock.resume();
    const deadline = Date.now() + 15000;
    while (n < big.length && Date.now() < deadline) await sleep(20);
    sock.destroy();
    const all = Buffer.concat(got);
    const body = all.subarray(all.indexOf("\r\n\r\n") + 4);
    expect(body.length).toBe(big.length);
    expect(body.equals(big)).toBe(true);
    // client send high-water (16 KiB) plus one upstream read, and the upstream's receive cap
    expect(maxQueued).toBeLessThanOrEqual(16384 + 16384);
  }, 30000);
});
