// Hostile clients against the host-sim server over raw node:net sockets: request smuggling
// (CL+TE, duplicate lengths, chunk-size overflow ...), oversized and malformed heads, and a
// slowloris flood of idle connections. Each must get the right status (or a close), never crash
// the server, never run a smuggled request, and never keep other clients from being served.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import type { Connection } from "../../modules/core/connection";
import type { McEvent } from "../../modules/core/events";
import * as http from "../../modules/http/reply";
import { curl, rawExchange, sleep, startServer, statuses, type TestServer } from "./server-helpers";

const seen: string[] = [];
function handler(c: Connection, ev: McEvent): void {
  if (ev.type === "http-request") {
    seen.push(ev.request.path);
    if (!ev.request.body && ev.request.framing !== "none") return; // streamed: answered at body-end
    http.reply(c, 200, `ok ${ev.request.path}\n`);
  } else if (ev.type === "http-body-end" && seen.length) {
    http.reply(c, 200, "ok streamed\n");
  }
}

const H = "Host: x\r\n";
const SMUGGLED = `GET /smuggled HTTP/1.1\r\n${H}\r\n`;

// [name, request bytes, statuses accepted for the first response]
const battery: [string, string, number[]][] = [
  ["CL and TE together", `POST / HTTP/1.1\r\n${H}Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`, [400]],
  ["TE and CL together", `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nContent-Length: 100\r\n\r\n0\r\n\r\n${SMUGGLED}`, [400]],
  ["two different Content-Length", `POST / HTTP/1.1\r\n${H}Content-Length: 5\r\nContent-Length: 40\r\n\r\nhello${SMUGGLED}`, [400]],
  ["Content-Length list", `POST / HTTP/1.1\r\n${H}Content-Length: 5, 40\r\n\r\nhello${SMUGGLED}`, [400]],
  ["negative Content-Length", `POST / HTTP/1.1\r\n${H}Content-Length: -1\r\n\r\n${SMUGGLED}`, [400]],
  ["Content-Length with a sign", `POST / HTTP/1.1\r\n${H}Content-Length: +5\r\n\r\nhello${SMUGGLED}`, [400]],
  ["space before the colon", `POST / HTTP/1.1\r\n${H}Content-Length : 5\r\n\r\nhello${SMUGGLED}`, [400]],
  ["chunk size overflow", `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFFFFF0\r\nx\r\n0\r\n\r\n${SMUGGLED}`, [400]],
  ["chunk size that wraps to zero", `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n10000000000000000\r\n\r\n${SMUGGLED}`, [400]],
  ["chunk data longer than its size", `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n${SMUGGLED}`, [400]],
  ["chunked not last", `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n${SMUGGLED}`, [400]],
  ["unknown transfer coding", `POST / HTTP/1.1\r\n${H}Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n${SMUGGLED}`, [400, 501]],
  ["TE in HTTP/1.0", `POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`, [400]],
  ["obs-fold", `GET / HTTP/1.1\r\n${H}X-A: 1\r\n b\r\n\r\n${SMUGGLED}`, [400]],
  ["bare LF", `GET / HTTP/1.1\n${H}\n${SMUGGLED}`, [400]],
  ["NUL in a header value", `GET / HTTP/1.1\r\n${H}X-A: a\u0000b\r\n\r\n${SMUGGLED}`, [400]],
  ["two Host headers", `GET / HTTP/1.1\r\n${H}${H}\r\n${SMUGGLED}`, [400]],
  ["no Host in HTTP/1.1", `GET / HTTP/1.1\r\n\r\n${SMUGGLED}`, [400]],
  ["HTTP/2.0 in the request line", `GET / HTTP/2.0\r\n${H}\r\n${SMUGGLED}`, [505]],
  ["garbage method", `G(T / HTTP/1.1\r\n${H}\r\n${SMUGGLED}`, [400, 501]],
  ["overlong chunk extension", `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n1;${"e".repeat(4000)}\r\nx\r\n0\r\n\r\n${SMUGGLED}`, [400]],
  ["request line too long", `GET /${"a".repeat(9000)} HTTP/1.1\r\n${H}\r\n${SMUGGLED}`, [414]],
  ["one enormous header", `GET / HTTP/1.1\r\n${H}X-Big: ${"b".repeat(100_000)}\r\n\r\n${SMUGGLED}`, [431]],
  ["too many headers", `GET / HTTP/1.1\r\n${H}${"X-N: 1\r\n".repeat(500)}\r\n${SMUGGLED}`, [431]],
  ["body past the body limit", `POST / HTTP/1.1\r\n${H}Content-Length: 99999999999\r\n\r\n`, [413]],
];

describe("request smuggling and malformed requests", () => {
  let s: TestServer;
  beforeAll(() => {
    s = startServer(handler, { parser: { maxBodySize: 1 << 20 } });
  });
  afterAll(() => s.close());

  test.each(battery)("%s", async (_name, request, expected) => {
    seen.length = 0;
    const r = await rawExchange(s.port, request, { waitMs: 1000 });
    const st = statuses(r.text);
    expect(st.length).toBe(1);
    expect(expected).toContain(st[0]);
    expect(r.text).toContain("Connection: close");
    expect(r.closed).toBe(true);
    expect(seen).not.toContain("/smuggled");
    expect((await curl([`${s.url}/after`])).stdout).toBe("ok /after\n");
  });

  test("the same battery fired at once, interleaved with good clients", async () => {
    seen.length = 0;
    const attacks = battery.map(([, req]) => rawExchange(s.port, req, { waitMs: 1000 }));
    const good = Array.from({ length: 10 }, (_, i) => curl([`${s.url}/good${i}`]));
    const goodOut = await Promise.all(good);
    goodOut.forEach((g, i) => expect(g.stdout).toBe(`ok /good${i}\n`));
    const results = await Promise.all(attacks);
    for (const r of results) expect(r.closed).toBe(true);
    expect(seen).not.toContain("/smuggled");
  });

  test("random bytes and mutated requests get valid statuses or a close; the server keeps serving", async () => {
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const base = Buffer.from(`POST /m HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`);
    const inputs: Buffer[] = [];
    for (let i = 0; i < 60; i++) {
      if (i % 3 === 0) inputs.push(Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 3000) }, () => Math.floor(rnd() * 256))));
      else {
        const m = Buffer.from(base);
        for (let k = 0; k < 1 + Math.floor(rnd() * 4); k++) m[Math.floor(rnd() * m.length)] = Math.floor(rnd() * 256);
        inputs.push(m);
      }
    }
    const results = await Promise.all(inputs.map((b) => rawExchange(s.port, b, { waitMs: 1500 })));
    for (const r of results) for (const st of statuses(r.text)) expect([200, 400, 404, 405, 413, 414, 431, 501, 505]).toContain(st);
    expect((await curl([`${s.url}/still-alive`])).stdout).toBe("ok /still-alive\n");
  });

  test("a request split into single bytes is still read correctly", async () => {
    const req = `POST /bytes HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`;
    const r = await rawExchange(s.port, req.split(""), { gapMs: 1, waitMs: 300 });
    expect(statuses(r.text)).toEqual([200]);
  });
});

/** File descriptors this process holds (the server's sockets, since the flood runs in a child). */
function fdCount(): number {
  return fs.readdirSync("/proc/self/fd").length;
}

// The flooding client runs in its own process so the fds counted here are the server's.
const FLOOD = `
const net = require("net");
const [port, total, window] = process.argv.slice(1).map(Number);
let opened = 0, open = 0, closedByServer = 0, errors = 0;
function one() {
  opened++; open++;
  const s = net.connect(port, "127.0.0.1");
  s.on("connect", () => s.write("GET / HTTP/1.1\\r\\nHost: x\\r\\nX-Slow: "));
  s.on("data", () => {});
  s.on("error", () => { errors++; });
  s.on("close", () => { open--; closedByServer++; pump(); });
}
function pump() {
  while (opened < total && open < window) one();
  if (opened >= total && open === 0) { console.log(JSON.stringify({ opened, closedByServer, errors })); process.exit(0); }
}
pump();
setTimeout(() => { console.log(JSON.stringify({ opened, closedByServer, errors, timedOut: true })); process.exit(0); }, 60000);
`;

describe("slowloris", () => {
  test("10,000 idle half-sent requests: fds stay bounded and real clients are served", async () => {
    const MAX = 64;
    const TOTAL = 10_000;
    const s = startServer(handler, { maxConnections: MAX, headerTimeoutMs: 5000 });
    try {
      const base = fdCount();
      let maxFds = 0;
      let maxConns = 0;
      const sampler = setInterval(() => {
        maxFds = Math.max(maxFds, fdCount() - base);
        maxConns = Math.max(maxConns, s.server.connectionCount);
      }, 10);
      const child = spawn(process.execPath, ["-e", FLOOD, String(s.port), String(TOTAL), "256"], { stdio: ["ignore", "pipe", "inherit"] });
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      const done = new Promise<void>((r) => child.on("close", () => r()));
      // Real clients during the flood.
      await sleep(200);
      const served: string[] = [];
      for (let i = 0; i < 5; i++) {
        served.push((await curl([`${s.url}/during${i}`])).stdout);
        await sleep(50);
      }
      await done;
      clearInterval(sampler);
      const stats = JSON.parse(out.trim().split("\n").pop()!);
      expect(stats.opened).toBe(TOTAL);
      expect(stats.timedOut).toBeUndefined();
      expect(served).toEqual([0, 1, 2, 3, 4].map((i) => `ok /during${i}\n`));
      expect(maxConns).toBeLessThanOrEqual(MAX);
      // The server's sockets: at most MAX live ones plus those being closed in the same tick.
      expect(maxFds).toBeLessThan(MAX + 300);
      expect((await curl([`${s.url}/after`])).stdout).toBe("ok /after\n");
    } finally {
      s.close();
    }
  }, 60000);
});
