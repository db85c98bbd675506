// The HTTP server on host-sim against curl and raw sockets: methods, buffered and streamed
// bodies, chunked uploads, multipart, 100-continue, keep-alive and pipelining order, endpoints,
// senders, form variables and cookies.
import * as crypto from "node:crypto";
import type { Connection } from "../../modules/core/connection";
import type { McEvent } from "../../modules/core/events";
import { cookie } from "../../modules/http/header-params";
import { formVar } from "../../modules/http/form";
import * as http from "../../modules/http/reply";
import { streamBody } from "../../modules/http/body-pump";
import { curl, rawExchange, sleep, startServer, statuses, type TestServer } from "./server-helpers";

interface Upload {
  chunks: number;
  bytes: number;
  hash: crypto.Hash;
}

const uploads = new Map<Connection, Upload>();
const parts = new Map<Connection, string[]>();
let lastBufferedBody = -1;

function handler(c: Connection, ev: McEvent): void {
  switch (ev.type) {
    case "http-request": {
      const r = ev.request;
      const p = r.path;
      if (p === "/hello") http.reply(c, 200, "hello\n");
      else if (p === "/echo") {
        if (r.body) {
          lastBufferedBody = r.body.length;
          http.reply(c, 200, `buffered ${r.body.length} ${crypto.createHash("md5").update(r.body).digest("hex")}\n`);
        } else uploads.set(c, { chunks: 0, bytes: 0, hash: crypto.createHash("md5") });
      } else if (p === "/reject") http.sendError(c, 413, "too big for us");
      else if (p === "/form") {
        const a = formVar(r.query, "a");
        const b = formVar(r.body, "b");
        http.reply(c, 200, `a=${JSON.stringify(a)} b=${JSON.stringify(b)}\n`);
      } else if (p === "/cookie") http.reply(c, 200, `session=${cookie(r.headers.get("cookie"), "session")}\n`);
      else if (p === "/chunked") {
        http.sendHead(c, 200, -1, { "Content-Type": "text/plain" });
        http.printfChunk(c, "%s-%03d|", "chunk", 7);
        http.sendChunk(c, "second|");
        http.printfHtmlEscape(c, "<b>%s</b>", "a&b");
        http.sendChunk(c, "");
      } else if (p === "/raw") {
        c.write("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n[I am raw]");
        c.closeAfterSend();
      } else if (p === "/line") {
        http.sendResponseLine(c, 200, "Access-Control-Allow-Origin: *");
        http.printf(c, "Content-Length: %d\r\n\r\n%s", 4, "line");
      } else if (p === "/async") {
        const delay = Number(r.query.replace("ms=", "")) || 50;
        setTimeout(() => http.reply(c, 200, `async ${delay}\n`), delay);
      } else if (p.startsWith("/redirect/")) {
        const code = Number(p.slice(10)) as 301 | 302 | 307 | 308;
        http.redirect(c, code, "/hello?x=<y>");
      } else if (p === "/head-twice") {
        http.sendHead(c, 200, 2);
        http.sendHead(c, 500, 0);
        http.sendBody(c, "ok");
      } else if (p === "/generated") {
        // 4 MiB produced on demand: byte i is i mod 251
        const size = 4 * 1024 * 1024;
        http.sendHead(c, 200, size, { "Content-Type": "application/octet-stream" });
        streamBody(c, {
          read(into, position) {
            const n = Math.min(into.length, size - position);
            for (let i = 0; i < n; i++) into[i] = (position + i) % 251;
            return n;
          },
          close() {},
        }, size);
      } else if (p === "/overflow") {
        http.sendHead(c, 200, 3);
        http.sendBody(c, "abcdef");
      } else http.sendError(c, 404);
      break;
    }
    case "http-chunk": {
      const u = uploads.get(c);
      if (u) {
        u.chunks++;
        u.bytes += ev.data.length;
        u.hash.update(ev.data);
      }
      break;
    }
    case "http-body-end": {
      const u = uploads.get(c);
      if (u) {
        uploads.delete(c);
        http.reply(c, 200, `streamed ${u.bytes} ${u.hash.digest("hex")} chunks>1:${u.chunks > 1}\n`);
      }
      break;
    }
    case "http-multipart-request":
      parts.set(c, []);
      break;
    case "http-part-begin":
      parts.get(c)!.push(`begin ${ev.part.name} ${ev.part.filename ?? "-"} ${ev.part.contentType ?? "-"}`);
      break;
    case "http-part-data":
      parts.get(c)!.push(`data ${Buffer.from(ev.data).toString()}`);
      break;
    case "http-part-end":
      parts.get(c)!.push(`end ${ev.error ?? "ok"}`);
      break;
    case "http-multipart-end": {
      const got = parts.get(c)!;
      parts.delete(c);
      http.reply(c, 200, got.join("\n") + `\nmultipart-end ${ev.error ?? "ok"}\n`);
      break;
    }
    default:
      break;
  }
}

describe("HTTP server on host-sim", () => {
  let s: TestServer;
  beforeAll(() => {
    s = startServer(handler, { maxBufferedBody: 1024 });
  });
  afterAll(() => s.close());

  test("GET with curl; HEAD gets the length without the body", async () => {
    const r = await curl(["-i", `${s.url}/hello`]);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(r.stdout).toContain("Content-Length: 6\r\n");
    expect(r.stdout.endsWith("\r\n\r\nhello\n")).toBe(true);
    const h = await curl(["-I", `${s.url}/hello`]);
    expect(h.stdout).toContain("Content-Length: 6\r\n");
    expect(h.stdout).not.toContain("hello");
  });

  test("small POST bodies arrive buffered with the request", async () => {
    const body = "x".repeat(1000);
    const r = await curl(["--data-binary", body, `${s.url}/echo`]);
    expect(r.stdout).toBe(`buffered 1000 ${crypto.createHash("md5").update(body).digest("hex")}\n`);
    expect(lastBufferedBody).toBe(1000);
  });

  test("large POST bodies stream as http-chunk events", async () => {
    const body = crypto.randomBytes(300_000);
    const r = await curl(["--data-binary", "@-", "-H", "Content-Type: application/octet-stream", `${s.url}/echo`], { input: body });
    expect(r.stdout).toBe(`streamed 300000 ${crypto.createHash("md5").update(body).digest("hex")} chunks>1:true\n`);
  });

  test("chunked uploads: small ones are buffered, large ones stream", async () => {
    const small = "tiny chunked body";
    const r1 = await curl(["-H", "Transfer-Encoding: chunked", "--data-binary", "@-", `${s.url}/echo`], { input: small });
    expect(r1.stdout).toBe(`buffered ${small.length} ${crypto.createHash("md5").update(small).digest("hex")}\n`);
    const big = crypto.randomBytes(200_000);
    const r2 = await curl(["-H", "Transfer-Encoding: chunked", "--data-binary", "@-", `${s.url}/echo`], { input: big });
    expect(r2.stdout).toBe(`streamed 200000 ${crypto.createHash("md5").update(big).digest("hex")} chunks>1:true\n`);
  });

  test("Expect: 100-continue is answered before the body is sent", async () => {
    const body = crypto.randomBytes(50_000);
    const r = await curl(["-v", "-H", "Expect: 100-continue", "--data-binary", "@-", `${s.url}/echo`], { input: body });
    expect(r.stderr).toContain("< HTTP/1.1 100 Continue");
    expect(r.stdout).toContain("streamed 50000");
  });

  test("an early final answer to Expect: 100-continue skips the 100 and closes", async () => {
    const raw = await rawExchange(s.port, "POST /reject HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n");
    expect(raw.text).not.toContain("100 Continue");
    expect(statuses(raw.text)).toEqual([413]);
    expect(raw.text).toContain("Connection: close");
    expect(raw.closed).toBe(true);
  });

  test("multipart forms stream part by part", async () => {
    const r = await curl(["-F", "field=value 1", "-F", "file=@-;filename=notes.txt;type=text/plain", `${s.url}/upload`], { input: "file body\n" });
    expect(r.stdout).toBe(
      ["begin field - -", "data value 1", "end ok", "begin file notes.txt text/plain", "data file body\n", "end ok", "multipart-end ok", ""].join("\n"),
    );
  });

  test("a truncated multipart body ends its part and the request with an error", async () => {
    const body = '--XX\r\nContent-Disposition: form-data; name="a"\r\n\r\nab--XX--';
    const raw = await rawExchange(
      s.port,
      `POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=XX\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      { waitMs: 300 },
    );
    expect(raw.text).toContain("begin a - -\ndata ab--XX--\nend truncated\nmultipart-end truncated\n");
  });

  test("a multipart body that breaks the format ends the request with the reason", async () => {
    const body = "--XX\r\nNo colon in this header line\r\n\r\nab\r\n--XX--";
    const raw = await rawExchange(
      s.port,
      `POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=XX\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      { waitMs: 300 },
    );
    expect(raw.text).toContain("\nmultipart-end bad-part-headers\n");
  });

  test("keep-alive by default: curl reuses the connection", async () => {
    const r = await curl(["-v", `${s.url}/hello`, `${s.url}/hello`]);
    expect(r.stdout).toBe("hello\nhello\n");
    expect(r.stderr).toMatch(/Re-using existing connection/);
  });

  test("HTTP/1.0 closes unless it asks for keep-alive", async () => {
    const plain = await rawExchange(s.port, "GET /hello HTTP/1.0\r\n\r\n");
    expect(plain.text).toContain("Connection: close");
    expect(plain.closed).toBe(true);
    const ka = await rawExchange(s.port, "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", { waitMs: 300 });
    expect(ka.text).toContain("Connection: keep-alive");
    expect(ka.closed).toBe(false);
  });

  test("pipelined requests are answered in order, even when one is answered later", async () => {
    const req = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;
    const raw = await rawExchange(s.port, req("/async?ms=80") + req("/hello") + req("/async?ms=10") + req("/nothing"), { waitMs: 500 });
    const bodies = raw.text.split(/HTTP\/1\.1 /).slice(1).map((x) => x.split("\r\n\r\n")[1]);
    expect(statuses(raw.text)).toEqual([200, 200, 200, 404]);
    expect(bodies[0]).toBe("async 80\n");
    expect(bodies[1]).toBe("hello\n");
    expect(bodies[2]).toBe("async 10\n");
  });

  test("chunked replies and the printf family", async () => {
    const r = await curl(["--raw", "-i", `${s.url}/chunked`]);
    expect(r.stdout).toContain("Transfer-Encoding: chunked\r\n");
    expect(r.stdout).toContain("a\r\nchunk-007|\r\n7\r\nsecond|\r\n");
    expect(r.stdout).toContain("&lt;b&gt;a&amp;b&lt;/b&gt;");
    expect(r.stdout.endsWith("0\r\n\r\n")).toBe(true);
    const decoded = await curl([`${s.url}/chunked`]);
    expect(decoded.stdout).toBe("chunk-007|second|&lt;b&gt;a&amp;b&lt;/b&gt;");
  });

  test("raw Mongoose-style responses and response lines", async () => {
    const r = await curl(["-i", `${s.url}/raw`]);
    expect(r.stdout).toBe("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n[I am raw]");
    const l = await curl(["-i", `${s.url}/line`, `${s.url}/hello`]);
    expect(l.stdout).toContain("Access-Control-Allow-Origin: *\r\nContent-Length: 4\r\n\r\nline");
    expect(l.stdout.endsWith("hello\n")).toBe(true);
  });

  test("redirects carry Location and a small escaped body", async () => {
    for (const code of [301, 302, 307, 308]) {
      const r = await curl(["-i", `${s.url}/redirect/${code}`]);
      expect(statuses(r.stdout)).toEqual([code]);
      expect(r.stdout).toContain("Location: /hello?x=<y>\r\n");
      expect(r.stdout).toContain('href="/hello?x=&lt;y&gt;"');
    }
    const follow = await curl(["-L", `${s.url}/redirect/302`]);
    expect(follow.stdout).toBe("hello\n");
  });

  test("senders guard Content-Length: a second head is ignored, extra body bytes are dropped", async () => {
    const r = await curl(["-i", `${s.url}/head-twice`, `${s.url}/overflow`, `${s.url}/hello`]);
    expect(statuses(r.stdout)).toEqual([200, 200, 200]);
    expect(r.stdout).toContain("\r\n\r\nokHTTP/1.1 200");
    expect(r.stdout).toContain("Content-Length: 3\r\n\r\nabcHTTP/1.1 200");
    expect(s.logs.some((l) => l.includes("sent twice"))).toBe(true);
  });

  test("streamBody sends an application-produced body with backpressure", async () => {
    const { run } = await import("../helpers/run");
    const r = await run("curl", ["-s", `${s.url}/generated`]);
    expect(r.stdoutBytes.length).toBe(4 * 1024 * 1024);
    let ok = true;
    for (let i = 0; i < r.stdoutBytes.length; i += 4093) if (r.stdoutBytes[i] !== i % 251) ok = false;
    expect(ok).toBe(true);
  });

  test("form variables from the query and the body; cookies", async () => {
    const r = await curl(["--data", "b=two+words%21", `${s.url}/form?a=%C3%A9t%C3%A9`]);
    expect(r.stdout).toBe('a="été" b="two words!"\n');
    const k = await curl(["-b", "theme=dark; session=s3cr3t", `${s.url}/cookie`]);
    expect(k.stdout).toBe("session=s3cr3t\n");
  });

  test("unknown paths get the built-in error page", async () => {
    const r = await curl(["-i", `${s.url}/missing`]);
    expect(statuses(r.stdout)).toEqual([404]);
    expect(r.stdout).toContain("<h1>404 Not Found</h1>");
  });

  test("one access log line per request", async () => {
    await curl([`${s.url}/hello?log=1`]);
    await sleep(20);
    expect(s.logs.filter((l) => /"GET \/hello\?log=1 HTTP\/1\.1" 200 6$/.test(l)).length).toBe(1);
    expect(s.logs.find((l) => l.includes("/hello?log=1"))).toMatch(/^info: 127\.0\.0\.1 - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000\] /);
  });
});

describe("endpoints", () => {
  let s: TestServer;
  const seen: string[] = [];
  beforeAll(() => {
    s = startServer((c, ev) => {
      if (ev.type === "http-request") http.reply(c, 200, "catch-all\n");
    });
    const tag = (name: string) => (c: Connection, ev: McEvent) => {
      if (ev.type === "http-request") {
        seen.push(name);
        http.reply(c, 200, `${name}\n`);
      }
    };
    s.server.endpoint("/api", tag("api")).endpoint("/api/v1", tag("v1")).endpoint("/api/v1/", tag("v1-again"));
  });
  afterAll(() => s.close());

  test("longest prefix wins, at segment boundaries; the bind handler catches the rest", async () => {
    const get = async (p: string) => (await curl([`${s.url}${p}`])).stdout.trim();
    expect(await get("/api")).toBe("api");
    expect(await get("/api/x")).toBe("api");
    expect(await get("/api/v1")).toBe("v1-again");
    expect(await get("/api/v1/users?id=1")).toBe("v1-again");
    expect(await get("/api/v10")).toBe("api");
    expect(await get("/apix")).toBe("catch-all");
    expect(await get("/")).toBe("catch-all");
  });
});
