// Static serving (serveHttp / serveFile) from a temporary directory through host-sim/http-fs,
// and from a MemoryFileSystem, driven by curl and raw sockets.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { createNodeFileSystem } from "../../host-sim/http-fs";
import type { Connection } from "../../modules/core/connection";
import type { McEvent } from "../../modules/core/events";
import { md5 } from "../../modules/util/md5";
import { modifyPasswordsFile } from "../../modules/http/auth-file";
import { MemoryFileSystem } from "../../modules/http/fs";
import * as http from "../../modules/http/reply";
import { serveFile, serveHttp, type ServeOptions } from "../../modules/http/static";
import { curl, rawExchange, sleep, startServer, statuses, type TestServer } from "./server-helpers";

const WEIRD = `<script>&"x'.txt`;
let root: string;
let big: Buffer;

function writeTree(): void {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "mcnet-www-"));
  const w = (p: string, data: string | Buffer) => {
    fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    fs.writeFileSync(path.join(root, p), data);
  };
  w("index.html", "<h1>home</h1>\n");
  w("style.css", "body{}\n");
  const js = "console.log('hello');\n".repeat(50);
  w("app.js", js);
  w("app.js.gz", zlib.gzipSync(js));
  big = crypto.randomBytes(3 * 1024 * 1024 + 123);
  w("big.bin", big);
  // Larger than the kernel's socket buffers on loopback, so a stalled reader backs up into mcnet.
  w("huge.bin", Buffer.alloc(12 * 1024 * 1024, 0x61));
  w("notes.txt", "plain notes\n");
  w("notes.bak", "backup\n");
  w(".secret", "hidden\n");
  w(`sub/${WEIRD}`, "weird\n");
  w("sub/x.txt", "sub x\n");
  w("sub/deeper/y.txt", "y\n");
  w("page.shtml", 'A<!--#include virtual="/inc/header.html" -->B<!--#include "inc/nested.shtml" -->C<!--#call greet world -->D<!--#exec "ls" -->E<!--#include virtual="/../etc/passwd" -->F\n');
  w("inc/header.html", "[header]");
  w("inc/nested.shtml", '[nested:<!--#include file="leaf.txt" -->]');
  w("inc/leaf.txt", "leaf");
  w("priv/index.html", "private page\n");
}

function handlerFor(opts: ServeOptions) {
  return (c: Connection, ev: McEvent) => {
    if (ev.type === "http-ssi-call") http.printf(c, "<hello %s>", ev.arg);
    else if (ev.type === "http-request") {
      if (ev.request.path === "/file-endpoint") serveFile(c, ev.request, opts.fs, "/notes.txt", "text/x-notes", "X-Served-By: serveFile");
      else serveHttp(c, ev.request, opts);
    }
  };
}

describe("static files from a host directory", () => {
  let s: TestServer;
  let listing: TestServer;
  beforeAll(() => {
    writeTree();
    const hostFs = createNodeFileSystem(root, { writable: true });
    expect(modifyPasswordsFile(hostFs, "/priv/.htpasswd", "site", "joe", "pw", md5)).toBe(true);
    const opts: ServeOptions = {
      fs: hostFs,
      hiddenFilePattern: ".*|*.bak$",
      perDirectoryAuthFile: ".htpasswd",
      authDomain: "site",
      customMimeTypes: ".txt=text/plain; charset=x-test",
      urlRewrites: "/alias=/sub",
    };
    s = startServer(handlerFor(opts), {
      hooks: { openFile: (_c, p) => (p === "/virtual.txt" ? new TextEncoder().encode("from memory\n") : undefined) },
    });
    listing = startServer(handlerFor({ ...opts, enableDirectoryListing: true }));
  });
  afterAll(() => {
    s.close();
    listing.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test("index file, MIME types, custom overrides, Last-Modified and ETag", async () => {
    const r = await curl(["-i", `${s.url}/`]);
    expect(r.stdout).toContain("Content-Type: text/html; charset=utf-8\r\n");
    expect(r.stdout).toMatch(/ETag: "[0-9a-f]+\.[0-9a-f]+"\r\n/);
    expect(r.stdout).toMatch(/Last-Modified: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT\r\n/);
    expect(r.stdout.endsWith("<h1>home</h1>\n")).toBe(true);
    expect((await curl(["-sI", `${s.url}/style.css`])).stdout).toContain("Content-Type: text/css; charset=utf-8");
    expect((await curl(["-sI", `${s.url}/notes.txt`])).stdout).toContain("Content-Type: text/plain; charset=x-test");
  });

  test("a directory without its slash is redirected; without an index and listing it is 403", async () => {
    const r = await curl(["-i", `${s.url}/sub?q=1`]);
    expect(statuses(r.stdout)).toEqual([301]);
    expect(r.stdout).toContain("Location: /sub/?q=1\r\n");
    expect(statuses((await curl(["-i", `${s.url}/sub/`])).stdout)).toEqual([403]);
  });

  test("listings escape names, encode links and leave hidden files out", async () => {
    const r = await curl([`${listing.url}/sub/`]);
    expect(r.stdout).toContain(`<a href="${encodeURIComponent(WEIRD).replace(/'/g, "%27")}">&lt;script&gt;&amp;"x'.txt</a>`);
    expect(r.stdout).toContain('<a href="deeper/">deeper/</a>');
    const top = await curl([`${listing.url}/inc/`]);
    expect(top.stdout).toContain("header.html");
    const rootList = await curl([`${listing.url}/priv/`]);
    expect(rootList.stdout).not.toContain(".htpasswd");
    const fetched = await curl([`${listing.url}/sub/${encodeURIComponent(WEIRD)}`]);
    expect(fetched.stdout).toBe("weird\n");
  });

  test("If-None-Match and If-Modified-Since revalidate to 304", async () => {
    const head = (await curl(["-sI", `${s.url}/notes.txt`])).stdout;
    const etag = /ETag: (.*)\r\n/.exec(head)![1];
    const lm = /Last-Modified: (.*)\r\n/.exec(head)![1];
    const r1 = await curl(["-i", "-H", `If-None-Match: "other", ${etag}`, `${s.url}/notes.txt`]);
    expect(statuses(r1.stdout)).toEqual([304]);
    expect(r1.stdout).toContain(`ETag: ${etag}`);
    expect(r1.stdout).not.toContain("plain notes");
    const r2 = await curl(["-i", "-H", `If-Modified-Since: ${lm}`, `${s.url}/notes.txt`]);
    expect(statuses(r2.stdout)).toEqual([304]);
    const r3 = await curl(["-i", "-H", 'If-None-Match: "nope"', "-H", `If-Modified-Since: ${lm}`, `${s.url}/notes.txt`]);
    expect(statuses(r3.stdout)).toEqual([200]);
  });

  test("Range gives 206 with the right bytes; past the end gives 416", async () => {
    const r = await run200([`-r`, "1000-1999", `${s.url}/big.bin`]);
    expect(r.equals(big.subarray(1000, 2000))).toBe(true);
    const head = await curl(["-i", "-r", "1000-1999", `${s.url}/big.bin`, "-o", "/dev/null", "-D", "-"]);
    expect(head.stdout).toContain("206 Partial Content");
    expect(head.stdout).toContain(`Content-Range: bytes 1000-1999/${big.length}\r\n`);
    const suffix = await run200(["-r", "-10", `${s.url}/big.bin`]);
    expect(suffix.equals(big.subarray(big.length - 10))).toBe(true);
    const bad = await curl(["-i", "-r", `${big.length}-`, `${s.url}/big.bin`]);
    expect(statuses(bad.stdout)).toEqual([416]);
    expect(bad.stdout).toContain(`Content-Range: bytes */${big.length}\r\n`);
    const ifRange = await curl(["-i", "-r", "0-9", "-H", 'If-Range: "stale"', `${s.url}/notes.txt`]);
    expect(statuses(ifRange.stdout)).toEqual([200]);
  });

  test("a multi-megabyte file streams intact", async () => {
    const r = await run200([`${s.url}/big.bin`]);
    expect(crypto.createHash("sha256").update(r).digest("hex")).toBe(crypto.createHash("sha256").update(big).digest("hex"));
  });

  test("backpressure: a client that stops reading does not grow the send buffer", async () => {
    const sock = net.connect(s.port, "127.0.0.1");
    await new Promise((r) => sock.once("connect", r));
    sock.pause();
    sock.write("GET /huge.bin HTTP/1.1\r\nHost: x\r\n\r\n");
    let maxQueued = 0;
    for (let i = 0; i < 40; i++) {
      await sleep(25);
      for (const c of s.mgr.connections()) maxQueued = Math.max(maxQueued, c.send.length);
    }
    let got = 0;
    sock.on("data", (d) => (got += d.length));
    sock.resume();
    const deadline = Date.now() + 10000;
    while (got < 12 * 1024 * 1024 && Date.now() < deadline) await sleep(20);
    sock.destroy();
    expect(got).toBeGreaterThan(12 * 1024 * 1024);
    expect(maxQueued).toBeGreaterThan(0);
    // The high-water mark (16 KiB by default) plus one read chunk.
    expect(maxQueued).toBeLessThanOrEqual(16384 + 2048);
  });

  test("precompressed .gz goes to clients that accept gzip; Vary tells caches", async () => {
    const js = fs.readFileSync(path.join(root, "app.js"), "utf8");
    const gz = await curl(["-i", "--compressed", `${s.url}/app.js`]);
    expect(gz.stdout).toContain("Content-Encoding: gzip\r\n");
    expect(gz.stdout).toContain("Content-Type: text/javascript; charset=utf-8\r\n");
    expect(gz.stdout).toContain("Vary: Accept-Encoding\r\n");
    expect(gz.stdout.endsWith(js)).toBe(true);
    const plain = await curl(["-i", "-H", "Accept-Encoding: gzip;q=0, br", `${s.url}/app.js`]);
    expect(plain.stdout).not.toContain("Content-Encoding");
    expect(plain.stdout).toContain("Vary: Accept-Encoding\r\n");
    expect(plain.stdout.endsWith(js)).toBe(true);
  });

  test("hidden files and password files are 404", async () => {
    for (const p of ["/.secret", "/notes.bak", "/priv/.htpasswd"]) expect(statuses((await curl(["-i", `${s.url}${p}`])).stdout)).toEqual([404]);
  });

  test("path traversal in every spelling is refused with 400; other clients are served meanwhile", async () => {
    const attempts = [
      "/../../../../etc/passwd",
      "/%2e%2e/%2e%2e/etc/passwd",
      "/sub/..%2f..%2f..%2fetc%2fpasswd",
      "/.%2E/.%2e/etc/passwd",
      "/sub/%2E%2E/%2E%2E/etc/passwd",
      "/..\\..\\etc\\passwd",
      "/sub%5c..%5c..%5cetc%5cpasswd",
      "/index.html%00.txt",
      "/%zz",
    ];
    const results = await Promise.all(attempts.map((p) => rawExchange(s.port, `GET ${p} HTTP/1.1\r\nHost: x\r\n\r\n`, { waitMs: 300 })));
    results.forEach((r, i) => {
      expect([attempts[i], statuses(r.text)]).toEqual([attempts[i], [400]]);
      expect(r.text).not.toContain("root:");
    });
    const viaCurl = await curl(["-i", "--path-as-is", `${s.url}/../../etc/passwd`]);
    expect(statuses(viaCurl.stdout)).toEqual([400]);
    expect((await curl([`${s.url}/notes.txt`])).stdout).toBe("plain notes\n");
  });

  test("SSI: include (virtual, relative, nested), call; exec and escapes are dropped", async () => {
    const r = await curl(["-i", `${s.url}/page.shtml`]);
    expect(r.stdout).toContain("Transfer-Encoding: chunked");
    expect(r.stdout.split("\r\n\r\n")[1]).toBe("A[header]B[nested:leaf]C<hello greet world>DEF\n");
    expect(s.logs.some((l) => l.includes("SSI exec is not supported"))).toBe(true);
    expect(s.logs.some((l) => l.includes("SSI include refused"))).toBe(true);
  });

  test("per-directory password files protect their directory (digest)", async () => {
    expect(statuses((await curl(["-i", `${s.url}/priv/`])).stdout)).toEqual([401]);
    const ok = await curl(["--digest", "-u", "joe:pw", `${s.url}/priv/`]);
    expect(ok.stdout).toBe("private page\n");
    expect(statuses((await curl(["-i", "--digest", "-u", "joe:bad", `${s.url}/priv/index.html`])).stdout)).toEqual([401, 401]);
  });

  test("a global password file under the document root protects everything and is never served", async () => {
    const hostFs = createNodeFileSystem(root, { writable: true });
    expect(modifyPasswordsFile(hostFs, "/global.htdigest", "site", "ann", "pw2", md5)).toBe(true);
    const g = startServer(handlerFor({ fs: hostFs, globalAuthFile: "/global.htdigest", authDomain: "site" }));
    try {
      expect(statuses((await curl(["-i", `${g.url}/notes.txt`])).stdout)).toEqual([401]);
      expect((await curl(["--digest", "-u", "ann:pw2", `${g.url}/notes.txt`])).stdout).toBe("plain notes\n");
      expect(statuses((await curl(["-i", "--digest", "-u", "ann:pw2", `${g.url}/global.htdigest`])).stdout)).toEqual([404]);
    } finally {
      g.close();
    }
  });

  test("HEAD, OPTIONS and other methods", async () => {
    const head = await curl(["-I", `${s.url}/notes.txt`]);
    expect(head.stdout).toContain("Content-Length: 12");
    const opt = await curl(["-i", "-X", "OPTIONS", `${s.url}/notes.txt`]);
    expect(statuses(opt.stdout)).toEqual([204]);
    expect(opt.stdout).toContain("Allow: GET, HEAD, OPTIONS");
    const post = await curl(["-i", "-d", "x", `${s.url}/notes.txt`]);
    expect(statuses(post.stdout)).toEqual([405]);
  });

  test("the open-file hook serves from memory; url rewrites map prefixes; serveFile sets the type", async () => {
    expect((await curl([`${s.url}/virtual.txt`])).stdout).toBe("from memory\n");
    expect((await curl([`${s.url}/alias/x.txt`])).stdout).toBe("sub x\n");
    const f = await curl(["-i", `${s.url}/file-endpoint`]);
    expect(f.stdout).toContain("Content-Type: text/x-notes\r\n");
    expect(f.stdout).toContain("X-Served-By: serveFile\r\n");
  });

  test("HTTP/1.0 clients get a listing delimited by the close", async () => {
    const r = await rawExchange(listing.port, "GET /sub/ HTTP/1.0\r\n\r\n");
    expect(r.text).not.toContain("Transfer-Encoding");
    expect(r.text).toContain("Connection: close");
    expect(r.text).toContain("</html>");
    expect(r.closed).toBe(true);
  });
});

describe("static files from flash resources (MemoryFileSystem)", () => {
  let s: TestServer;
  const page = new TextEncoder().encode("<p>setup</p>".repeat(100));
  beforeAll(() => {
    const flash = new MemoryFileSystem({ "/www/index.html": page, "/www/app.js": new TextEncoder().encode("x()") }, { mtime: Date.UTC(2024, 0, 1) });
    s = startServer(handlerFor({ fs: flash, documentRoot: "/www" }));
  });
  afterAll(() => s.close());

  test("index, range and revalidation work the same from memory", async () => {
    const r = await curl(["-i", `${s.url}/`]);
    expect(r.stdout).toContain(`Content-Length: ${page.length}`);
    expect(r.stdout).toContain("Last-Modified: Mon, 01 Jan 2024 00:00:00 GMT");
    const part = await curl(["-r", "3-5", `${s.url}/index.html`]);
    expect(part.stdout).toBe("set");
    const etag = /ETag: (.*)\r\n/.exec(r.stdout)![1];
    expect(statuses((await curl(["-i", "-H", `If-None-Match: ${etag}`, `${s.url}/`])).stdout)).toEqual([304]);
    expect(statuses((await curl(["-i", `${s.url}/nope.js`])).stdout)).toEqual([404]);
  });
});

async function run200(args: string[]): Promise<Buffer> {
  const { run } = await import("../helpers/run");
  const r = await run("curl", ["-s", "-S", "--max-time", "20", ...args], { timeout: 25000 });
  return r.stdoutBytes;
}
