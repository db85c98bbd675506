// The HTTP client running inside the real XS engine on the device Platform (bridged sockets),
// against node:http on 127.0.0.1: buffered and streamed bodies, a redirect, Digest with the
// device's MD5, keep-alive, and a refused connection.
import * as crypto from "node:crypto";
import * as http from "node:http";
import * as path from "node:path";
import type { AddressInfo } from "node:net";
import { REPO_ROOT, XsRunner } from "../../host-sim/xs/runner";
import type { Result } from "./xs/client-scenario";

const ENTRY = path.join(REPO_ROOT, "test/http/xs/client-scenario.ts");

function checksum(b: Buffer): number {
  let s = 0;
  for (const x of b) s = (s * 31 + x) >>> 0;
  return s;
}

describe("HTTP client on XS", () => {
  let runner: XsRunner;
  let server: http.Server;
  let base = "";
  const big = crypto.randomBytes(100_000);
  const ports = new Set<number>();

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      ports.add(req.socket.remotePort ?? 0);
      const H = (s: string) => crypto.createHash("md5").update(s).digest("hex");
      if (req.url === "/hello") res.end("hello from node");
      else if (req.url === "/big") {
        res.writeHead(200, { "Content-Length": String(big.length) });
        res.end(big);
      } else if (req.url === "/moved") {
        res.writeHead(302, { Location: "/hello" });
        res.end();
      } else if (req.url === "/digest") {
        const a = req.headers.authorization ?? "";
        const p: Record<string, string> = {};
        for (const m of a.matchAll(/(\w+)="?([^",]*)"?/g)) p[m[1]] = m[2];
        const ok = p.response === H(`${H("dev:realm:pw")}:n0nce:${p.nc}:${p.cnonce}:auth:${H(`GET:${p.uri}`)}`);
        if (!ok) {
          res.writeHead(401, { "WWW-Authenticate": 'Digest realm="realm", nonce="n0nce", qop="auth"' });
          res.end();
        } else res.end("digest ok");
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    runner = await XsRunner.start({ entry: ENTRY });
  }, 60000);

  afterAll(async () => {
    await runner?.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  afterEach(() => {
    expect(runner.errors).toEqual([]);
  });

  async function fetchOnXs(url: string, options: object = {}): Promise<Result> {
    const index = await runner.call<number>("main", { op: "fetch", url, options });
    let r: Result | undefined;
    const t0 = Date.now();
    while (!(r = await runner.call<Result>("main", { op: "result", index }))?.done) {
      if (Date.now() - t0 > 10000) throw new Error(`XS fetch of ${url} did not finish`);
      await new Promise((res) => setTimeout(res, 10));
    }
    return r;
  }

  test("buffered reply, then the same connection again (keep-alive)", async () => {
    const a = await fetchOnXs(`${base}/hello`);
    const b = await fetchOnXs(`${base}/hello`);
    expect([a.status, a.body, b.body]).toEqual([200, "hello from node", "hello from node"]);
    expect(ports.size).toBe(1);
  }, 30000);

  test("100 KB streamed intact; a redirect followed", async () => {
    const r = await fetchOnXs(`${base}/big`, { stream: true });
    expect([r.status, r.bytes, r.sum]).toEqual([200, big.length, checksum(big)]);
    expect(r.chunks).toBeGreaterThan(1);
    const m = await fetchOnXs(`${base}/moved`);
    expect([m.status, m.body, m.redirects]).toEqual([200, "hello from node", 1]);
  }, 30000);

  test("Digest auth with the device's MD5; refused connection is ECONNREFUSED", async () => {
    const d = await fetchOnXs(`${base}/digest`, { auth: { user: "dev", password: "pw" } });
    expect([d.status, d.body]).toEqual([200, "digest ok"]);
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const closedPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const refused = await fetchOnXs(`http://127.0.0.1:${closedPort}/`);
    expect(refused.error).toBe("ECONNREFUSED");
  }, 30000);

  test("XS did the work", () => {
    expect(runner.meters.compute).toBeGreaterThan(0);
  });
});
