// The HTTP client on host-sim against real servers on 127.0.0.1: a node:http server (files,
// chunked and length-delimited replies, redirects, Basic and Digest auth, keep-alive), raw
// node:net servers for replies node:http will not produce (read-until-close, malformed, stale
// keep-alive, silence), and python3's http.server as a second, independent implementation.

import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import type { AddressInfo } from "node:net";
import { createHostPlatform } from "../../host-sim/platform";
import { Manager } from "../../modules/core/manager";
import type { Connection } from "../../modules/core/connection";
import type { McEvent } from "../../modules/core/events";
import { connect, type HttpClientOptions, type HttpClientRequest } from "../../modules/http/client";
import { poolOf } from "../../modules/http/client-pool";
import type { HttpReply } from "../../modules/http/message";
import type { HttpErrorInfo } from "../../modules/http/events";

interface Outcome {
  reply?: HttpReply;
  body: Buffer;
  chunks: number;
  trailers?: [string, string][];
  error?: HttpErrorInfo;
  events: string[];
  req: HttpClientRequest;
}

let mgr: Manager;

function fetch(url: string, options: HttpClientOptions = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    const out: Partial<Outcome> = { chunks: 0, events: [] };
    const finish = () => resolve({ ...(out as Outcome), body: out.reply?.body ? Buffer.from(out.reply.body) : Buffer.concat(parts) });
    const req = connect(mgr, url, { timeout: 5000, ...options }, (_c: Connection, ev: McEvent) => {
      out.events!.push(ev.type);
      if (ev.type === "http-reply") out.reply = ev.reply;
      else if (ev.type === "http-chunk") {
        out.chunks!++;
        parts.push(Buffer.from(ev.data)); // a view of the receive buffer: copy it now
      } else if (ev.type === "http-body-end") {
        out.trailers = ev.trailers?.list;
        finish();
      } else if (ev.type === "http-error") {
        out.error = ev.error;
        finish();
      }
    });
    out.req = req;
    if (req.error) {
      out.error = req.error;
      finish();
    }
  });
}

// ---- node:http server ----

let server: http.Server;
let base = "";
const serverConnections: net.Socket[] = [];
const docroot = fs.mkdtempSync(path.join(os.tmpdir(), "mcnet-client-"));
const bigFile = crypto.randomBytes(200_000);
fs.writeFileSync(path.join(docroot, "big.bin"), bigFile);
fs.writeFileSync(path.join(docroot, "small.txt"), "small file\n");
fs.mkdirSync(path.join(docroot, "dir"));
fs.writeFileSync(path.join(docroot, "dir", "index.html"), "<p>index</p>\n");

function md5(s: string): string {
  return crypto.createHash("md5").update(s).digest("hex");
}
function sha256(s: string): string {
  return crypto.createHash("sha256").update(s).digest("hex");
}

/** RFC 7616 verification, written independently of the client's code. */
function digestOk(header: string | undefined, method: string, user: string, realm: string, password: string, nonce: string, algo: "MD5" | "SHA-256"): boolean {
  if (!header?.startsWith("Digest ")) return false;
  const p: Record<string, string> = {};
  for (const m of header.slice(7).matchAll(/(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))/g)) p[m[1]] = m[2] ?? m[3];
  const H = algo === "MD5" ? md5 : sha256;
  if (p.username !== user || p.realm !== realm || p.nonce !== nonce || p.qop !== "auth" || !p.cnonce || !/^[0-9a-f]{8}$/.test(p.nc)) return false;
  const ha1 = H(`${user}:${realm}:${password}`);
  const ha2 = H(`${method}:${p.uri}`);
  return p.response === H(`${ha1}:${nonce}:${p.nc}:${p.cnonce}:auth:${ha2}`) && p.opaque === "op4que";
}

beforeAll(async () => {
  mgr = new Manager(createHostPlatform({ logLevel: "silent" }), { pollInterval: 0 });
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (d: Buffer) => chunks.push(d));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? "/", "http://x");
      const p = url.pathname;
      if (p === "/port") {
        res.writeHead(200, { "Content-Length": String(String(req.socket.remotePort).length) });
        res.end(String(req.socket.remotePort));
      } else if (p === "/hello") {
        res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": "5" });
        res.end("hello");
      } else if (p === "/echo") {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ method: req.method, url: req.url, body: body.toString("latin1"), headers: req.headers }));
      } else if (p === "/chunked") {
        res.writeHead(200, { "Content-Type": "text/plain", Trailer: "X-Checksum" });
        let i = 0;
        const tick = () => {
          if (i < 5) {
            res.write(`part ${i++};`);
            setTimeout(tick, 5);
          } else {
            res.addTrailers({ "X-Checksum": "abc" });
            res.end();
          }
        };
        tick();
      } else if (p.startsWith("/files/")) {
        const file = path.join(docroot, p.slice(7));
        if (!file.startsWith(docroot) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
          res.writeHead(404, { "Content-Length": "9" });
          res.end("not found");
        } else {
          const data = fs.readFileSync(file);
          res.writeHead(200, { "Content-Length": String(data.length) });
          res.end(req.method === "HEAD" ? undefined : data);
        }
      } else if (p.startsWith("/redirect/")) {
        const code = Number(p.slice(10));
        res.writeHead(code, { Location: "/echo?from=" + code, "Content-Length": "8" });
        res.end("moved...");
      } else if (p === "/relative/a/b") {
        res.writeHead(302, { Location: "../../hello" });
        res.end();
      } else if (p === "/loop") {
        res.writeHead(302, { Location: "/loop" });
        res.end();
      } else if (p === "/to-https") {
        res.writeHead(302, { Location: "https://127.0.0.1/" });
        res.end();
      } else if (p === "/basic") {
        const want = "Basic " + Buffer.from("ada:lovelace").toString("base64");
        if (req.headers.authorization !== want) {
          res.writeHead(401, { "WWW-Authenticate": 'Basic realm="mcnet"', "Content-Length": "0" });
          res.end();
        } else {
          res.writeHead(200, { "Content-Length": "6" });
          res.end("secret");
        }
      } else if (p === "/digest" || p === "/digest256") {
        const algo = p === "/digest" ? "MD5" : "SHA-256";
        const realm = "dev@mcnet";
        const nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093";
        if (!digestOk(req.headers.authorization, req.method ?? "", "Mufasa", realm, "Circle of Life", nonce, algo)) {
          res.writeHead(401, {
            "WWW-Authenticate": `Bearer realm="x", Digest realm="${realm}", qop="auth,auth-int", algorithm=${algo}, nonce="${nonce}", opaque="op4que"`,
            "Content-Length": "0",
          });
          res.end();
        } else {
          res.writeHead(200, { "Content-Length": "7" });
          res.end("welcome");
        }
      } else {
        res.writeHead(404, { "Content-Length": "0" });
        res.end();
      }
    });
  });
  server.keepAliveTimeout = 2000;
  server.on("connection", (s) => serverConnections.push(s));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  mgr.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  fs.rmSync(docroot, { recursive: true, force: true });
});

/** A raw TCP server whose connections `onConn` scripts. */
async function rawServer(onConn: (s: net.Socket, n: number) => void): Promise<{ url: string; close: () => Promise<void>; count: () => number }> {
  let n = 0;
  const socks: net.Socket[] = [];
  const srv = net.createServer((s) => {
    socks.push(s);
    s.on("error", () => {});
    onConn(s, n++);
  });
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    count: () => n,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of socks) s.destroy();
        srv.close(() => resolve());
      }),
  };
}

/** Collect one request's head from a raw socket, then call `reply`. */
function onRequest(s: net.Socket, reply: (head: string) => void): void {
  let buf = "";
  const onData = (d: Buffer) => {
    buf += d.toString("latin1");
    const end = buf.indexOf("\r\n\r\n");
    if (end >= 0) {
      s.off("data", onData);
      reply(buf.slice(0, end));
    }
  };
  s.on("data", onData);
}

describe("against node:http", () => {
  test("length-delimited reply, buffered", async () => {
    const r = await fetch(`${base}/hello`);
    expect(r.error).toBeUndefined();
    expect(r.reply?.status).toBe(200);
    expect(r.reply?.headers.get("content-type")).toBe("text/plain");
    expect(r.body.toString()).toBe("hello");
    expect(r.events).toEqual(["http-reply", "http-body-end"]);
  });

  test("chunked reply with trailers, streamed as http-chunk events", async () => {
    const r = await fetch(`${base}/chunked`, { stream: true });
    expect(r.error).toBeUndefined();
    expect(r.reply?.chunked).toBe(true);
    expect(r.body.toString()).toBe("part 0;part 1;part 2;part 3;part 4;");
    expect(r.chunks).toBeGreaterThanOrEqual(2);
    expect(r.events[0]).toBe("http-reply");
    expect(r.events[r.events.length - 1]).toBe("http-body-end");
    expect(r.trailers).toEqual([["X-Checksum", "abc"]]);
  });

  test("a 200 KB file streams intact; buffered it is refused with EMSGSIZE", async () => {
    const r = await fetch(`${base}/files/big.bin`, { stream: true });
    expect(r.error).toBeUndefined();
    expect(r.body.equals(bigFile)).toBe(true);
    const b = await fetch(`${base}/files/big.bin`);
    expect(b.error?.code).toBe("EMSGSIZE");
    const ok = await fetch(`${base}/files/big.bin`, { maxBuffered: 256 * 1024 });
    expect(ok.body.equals(bigFile)).toBe(true);
  });

  test("POST body, custom fields and HEAD", async () => {
    const r = await fetch(`${base}/echo?q=1`, { body: "a=1&b=\u00e9", headers: { "X-Thing": "yes", "Content-Type": "application/x-www-form-urlencoded" } });
    const echo = JSON.parse(r.body.toString());
    expect(echo.method).toBe("POST");
    expect(echo.url).toBe("/echo?q=1");
    expect(Buffer.from(echo.body, "latin1").toString("utf8")).toBe("a=1&b=\u00e9");
    expect(echo.headers["x-thing"]).toBe("yes");
    expect(echo.headers["content-length"]).toBe(String(Buffer.byteLength("a=1&b=\u00e9")));
    expect(echo.headers.host).toBe(base.slice(7));
    const h = await fetch(`${base}/files/small.txt`, { method: "HEAD" });
    expect(h.reply?.status).toBe(200);
    expect(h.reply?.contentLength).toBe(11);
    expect(h.body.length).toBe(0);
  });

  test("redirects: 301/302 turn POST into GET, 303 always GET, 307/308 replay method and body", async () => {
    for (const code of [301, 302, 303, 307, 308]) {
      const r = await fetch(`${base}/redirect/${code}`, { method: "POST", body: "payload" });
      const echo = JSON.parse(r.body.toString());
      const replay = code === 307 || code === 308;
      expect([code, echo.method, echo.body, echo.url]).toEqual([code, replay ? "POST" : "GET", replay ? "payload" : "", `/echo?from=${code}`]);
      expect(r.req.redirects).toBe(1);
      expect(r.req.target.href).toBe(`${base}/echo?from=${code}`);
    }
    const put = await fetch(`${base}/redirect/302`, { method: "PUT", body: "x" });
    expect(JSON.parse(put.body.toString()).method).toBe("PUT");
  });

  test("relative Location, redirect limit, maxRedirects 0, redirect to https", async () => {
    const rel = await fetch(`${base}/relative/a/b`);
    expect(rel.body.toString()).toBe("hello");
    const loop = await fetch(`${base}/loop`, { maxRedirects: 3 });
    expect(loop.error?.code).toBe("EREDIRECTS");
    expect(loop.req.redirects).toBe(3);
    const none = await fetch(`${base}/redirect/301`, { maxRedirects: 0 });
    expect(none.reply?.status).toBe(301);
    expect(none.reply?.headers.get("location")).toBe("/echo?from=301");
    const tls = await fetch(`${base}/to-https`);
    expect(tls.error?.code).toBe("EUNSUPPORTED");
    expect(tls.error?.message).toContain("TLS not supported yet");
  });

  test("Basic auth: answers the challenge, from options or from the URL; wrong password gives the 401", async () => {
    expect((await fetch(`${base}/basic`, { auth: { user: "ada", password: "lovelace" } })).body.toString()).toBe("secret");
    expect((await fetch(`http://ada:lovelace@${base.slice(7)}/basic`)).body.toString()).toBe("secret");
    const pre = await fetch(`${base}/basic`, { auth: { user: "ada", password: "lovelace", preemptive: true } });
    expect(pre.body.toString()).toBe("secret");
    const bad = await fetch(`${base}/basic`, { auth: { user: "ada", password: "babbage" } });
    expect(bad.reply?.status).toBe(401);
    expect((await fetch(`${base}/basic`)).reply?.status).toBe(401);
  });

  test("Digest auth (RFC 7616, qop=auth, MD5 and SHA-256) skips the Bearer challenge", async () => {
    const creds = { user: "Mufasa", password: "Circle of Life" };
    const a = await fetch(`${base}/digest`, { auth: creds });
    expect([a.reply?.status, a.body.toString()]).toEqual([200, "welcome"]);
    const b = await fetch(`${base}/digest256?x=1`, { auth: creds, method: "POST", body: "data" });
    expect([b.reply?.status, b.body.toString()]).toEqual([200, "welcome"]);
    const wrong = await fetch(`${base}/digest`, { auth: { user: "Mufasa", password: "nope" } });
    expect(wrong.reply?.status).toBe(401);
  });

  test("keep-alive: sequential requests share one pooled connection", async () => {
    const ports = new Set<string>();
    for (let i = 0; i < 4; i++) ports.add((await fetch(`${base}/port`)).body.toString());
    expect(ports.size).toBe(1);
    expect(poolOf(mgr).size).toBeGreaterThanOrEqual(1);
    const before = serverConnections.length;
    const fresh = await fetch(`${base}/port`, { keepAlive: false });
    expect(ports.has(fresh.body.toString())).toBe(false);
    expect(serverConnections.length - before).toBe(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(fresh.req.connection?.isClosed).toBe(true); // keepAlive: false is never pooled
  });

  test("parallel requests each get a connection; the pool keeps at most 2 per origin", async () => {
    const all = await Promise.all(Array.from({ length: 6 }, () => fetch(`${base}/chunked`)));
    expect(all.map((r) => r.body.toString())).toEqual(Array(6).fill("part 0;part 1;part 2;part 3;part 4;"));
    const used = new Set(all.map((r) => r.req.connection));
    expect(used.size).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 20));
    expect(Array.from(used).filter((c) => c && !c.isClosed).length).toBeLessThanOrEqual(2);
  });

  test("cancel() from the handler stops the events and drops the connection", async () => {
    const events: string[] = [];
    const req = connect(mgr, `${base}/chunked`, { stream: true }, (_c, ev) => {
      events.push(ev.type);
      if (ev.type === "http-chunk") req.cancel();
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(events).toEqual(["http-reply", "http-chunk"]);
    expect(req.done).toBe(true);
    expect(req.connection?.isClosed).toBe(true);
  });

  test("a pooled connection the server closed is dropped from the pool", async () => {
    const srv = await rawServer((s) =>
      onRequest(s, () => {
        s.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        setTimeout(() => s.end(), 20); // the server's keep-alive timeout, much shorter than ours
      }),
    );
    expect((await fetch(`${srv.url}/a`)).body.toString()).toBe("ok");
    await new Promise((r) => setTimeout(r, 100));
    expect((await fetch(`${srv.url}/b`)).body.toString()).toBe("ok");
    expect(srv.count()).toBe(2);
    await srv.close();
  });

  test("a reused connection that dies before replying is retried once for idempotent methods", async () => {
    const srv = await rawServer((s, n) => {
      if (n === 0) {
        onRequest(s, () => {
          s.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst");
          onRequest(s, () => s.destroy()); // the second request on this connection: dropped
        });
      } else onRequest(s, () => s.end("HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nsecond"));
    });
    expect((await fetch(`${srv.url}/1`)).body.toString()).toBe("first");
    const second = await fetch(`${srv.url}/2`);
    expect(second.error).toBeUndefined();
    expect(second.body.toString()).toBe("second");
    expect(srv.count()).toBe(2);
    await srv.close();
  });
});

describe("replies node:http will not send", () => {
  test("read-until-close body (HTTP/1.0, no Content-Length)", async () => {
    const srv = await rawServer((s) => onRequest(s, () => s.end("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the very end")));
    const r = await fetch(`${srv.url}/`);
    expect(r.error).toBeUndefined();
    expect(r.reply?.framing).toBe("until-close");
    expect(r.body.toString()).toBe("until the very end");
    await srv.close();
  });

  test("100 Continue before the final reply is skipped", async () => {
    const srv = await rawServer((s) => onRequest(s, () => s.end("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\ndone")));
    const r = await fetch(`${srv.url}/`, { method: "PUT", body: "x" });
    expect([r.reply?.status, r.body.toString()]).toEqual([201, "done"]);
    await srv.close();
  });

  test("malformed replies are clear errors", async () => {
    const replies = [
      ["HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", "bad-content-length"],
      ["HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "content-length-and-chunked"],
      ["HTTP/1.1 200 OK\nContent-Length: 0\n\n", "bad-line-ending"],
      ["HTTP/1.1 2000 OK\r\n\r\n", "bad-status"],
      ["SSH-2.0-OpenSSH_9.2\r\n", "bad-version"],
      ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad-chunk-size"],
    ];
    for (const [text, code] of replies) {
      const srv = await rawServer((s) => onRequest(s, () => s.end(text)));
      const r = await fetch(`${srv.url}/`);
      expect([text, r.error?.code]).toEqual([text, code]);
      expect(r.error?.message).toContain("malformed reply");
      await srv.close();
    }
  });

  test("a reply cut short is ECONNRESET; silence is ETIMEDOUT", async () => {
    const cut = await rawServer((s) => onRequest(s, () => s.end("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this")));
    const r = await fetch(`${cut.url}/`);
    expect(r.error?.code).toBe("ECONNRESET");
    await cut.close();
    const quiet = await rawServer(() => {});
    const t0 = Date.now();
    const q = await fetch(`${quiet.url}/`, { timeout: 300 });
    expect(q.error?.code).toBe("ETIMEDOUT");
    expect(Date.now() - t0).toBeLessThan(3000);
    await quiet.close();
  });
});

describe("errors before any reply", () => {
  test("refused", async () => {
    const srv = net.createServer();
    await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
    const port = (srv.address() as AddressInfo).port;
    await new Promise<void>((resolve) => srv.close(() => resolve()));
    const r = await fetch(`http://127.0.0.1:${port}/`);
    expect(r.error?.code).toBe("ECONNREFUSED");
  });

  test("unresolvable name", async () => {
    const r = await fetch("http://no-such-host.invalid/");
    expect(r.error?.code).toBe("ENOTFOUND");
  });

  test("https:// and malformed input fail at once, without events", async () => {
    const events: string[] = [];
    const tls = connect(mgr, "https://127.0.0.1/", {}, (_c, ev) => events.push(ev.type));
    expect(tls.error).toEqual({ code: "EUNSUPPORTED", message: "TLS not supported yet: https://127.0.0.1/" });
    expect(connect(mgr, "ftp://x/", {}, () => {}).error?.code).toBe("EINVAL");
    expect(connect(mgr, "http://a b/", {}, () => {}).error?.code).toBe("EINVAL");
    expect(connect(mgr, `${base}/`, { headers: { "X-Evil": "a\r\nInjected: 1" } }, () => {}).error?.code).toBe("EINVAL");
    expect(connect(mgr, `${base}/`, { headers: { "Bad Name": "x" } }, () => {}).error?.code).toBe("EINVAL");
    expect(connect(mgr, `${base}/`, { method: "GET /x HTTP/1.1\r\n" }, () => {}).error?.code).toBe("EINVAL");
    expect(connect(mgr, `${base}/`, { headers: { "Transfer-Encoding": "chunked" } }, () => {}).error?.code).toBe("EINVAL");
    await new Promise((r) => setTimeout(r, 20));
    expect(events).toEqual([]);
  });
});

describe("against python3 http.server", () => {
  let child: ChildProcess;
  let pyBase = "";

  beforeAll(async () => {
    child = spawn("/usr/bin/python3", ["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", docroot], { stdio: ["ignore", "pipe", "pipe"] });
    pyBase = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("python http.server did not start")), 10000);
      child.stdout!.on("data", (d: Buffer) => {
        const m = /port (\d+)/.exec(d.toString());
        if (m) {
          clearTimeout(timer);
          resolve(`http://127.0.0.1:${m[1]}`);
        }
      });
      child.on("error", reject);
    });
  });

  afterAll(() => {
    child.kill("SIGKILL");
  });

  test("files come back byte for byte", async () => {
    const small = await fetch(`${pyBase}/small.txt`);
    expect([small.reply?.status, small.reply?.versionMinor, small.body.toString()]).toEqual([200, 0, "small file\n"]);
    const big = await fetch(`${pyBase}/big.bin`, { stream: true });
    expect(big.body.equals(bigFile)).toBe(true);
  });

  test("its directory redirect is followed; 404 is a reply, not an error", async () => {
    const dir = await fetch(`${pyBase}/dir`);
    expect(dir.req.redirects).toBe(1);
    expect(dir.body.toString()).toBe("<p>index</p>\n");
    const missing = await fetch(`${pyBase}/missing`);
    expect(missing.error).toBeUndefined();
    expect(missing.reply?.status).toBe(404);
  });
});
