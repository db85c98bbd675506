// Differential property tests: mcnet's HttpParser against Node's own llhttp (behind a real
// node:http server on 127.0.0.1). Generated valid requests -- single or pipelined, with
// Content-Length or chunked bodies, extensions and trailers -- must come out the same from both
// (method, URL, header fields, body). Mutated ones -- random byte edits and injected smuggling
// fields -- must be refused by mcnet whenever llhttp refuses them.

import * as http from "node:http";
import * as net from "node:net";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { HttpParser } from "../../modules/http/parser";
import { drive, latin1, split } from "./parser-driver";

interface NodeSeen {
  method: string;
  url: string;
  headers: string[];
  body: string;
}

interface NodeVerdict {
  messages: NodeSeen[];
  error?: string;
}

let server: http.Server;
let port = 0;
const byPort = new Map<number, NodeVerdict>();

function verdictFor(sock: net.Socket): NodeVerdict {
  const key = sock.remotePort ?? -1;
  let v = byPort.get(key);
  if (!v) byPort.set(key, (v = { messages: [] }));
  return v;
}

beforeAll(async () => {
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (d: Buffer) => chunks.push(d));
    req.on("end", () => {
      verdictFor(req.socket).messages.push({ method: req.method ?? "", url: req.url ?? "", headers: req.rawHeaders, body: Buffer.concat(chunks).toString("latin1") });
      res.writeHead(200, { "Content-Length": "0" });
      res.end();
    });
  };
  server = http.createServer(onRequest);
  // an unknown Expect value is node:http's policy (417), not llhttp's parsing: see the request
  server.on("checkExpectation", onRequest);
  server.on("clientError", (err: NodeJS.ErrnoException, sock: net.Socket) => {
    verdictFor(sock).error = (err as { code?: string }).code ?? String(err);
    sock.destroy();
  });
  const refuse = (_req: http.IncomingMessage, sock: net.Socket) => {
    verdictFor(sock).error = "upgrade";
    sock.destroy();
  };
  server.on("upgrade", refuse);
  server.on("connect", refuse);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Send `bytes` on a fresh connection, half-close, wait for the server to finish with it. */
function nodeParse(bytes: Uint8Array): Promise<NodeVerdict> {
  return new Promise((resolve) => {
    const sock = net.connect(port, "127.0.0.1");
    let localPort = -1;
    const done = () => {
      clearTimeout(timer);
      const v = byPort.get(localPort) ?? { messages: [] };
      byPort.delete(localPort);
      resolve(v);
    };
    const timer = setTimeout(() => sock.destroy(), 3000);
    sock.on("connect", () => {
      localPort = sock.localPort ?? -1;
      sock.end(Buffer.from(bytes));
    });
    sock.on("data", () => {});
    sock.on("error", () => {});
    sock.on("close", done);
  });
}

function mcnetParse(bytes: Uint8Array, pieces: number) {
  return drive(HttpParser.request(), split(bytes, pieces), { finish: true });
}

function trimOws(s: string): string {
  return s.replace(/^[ \t]+|[ \t]+$/g, "");
}

function latin1Bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
}

// ---- generators ----

const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const tchar = fc.constantFrom(...(ALNUM + "!#$%&'*+-.^_`|~").split(""));
const pathChar = fc.constantFrom(...(ALNUM + "-._~!$&'()*+,;=:@%").split(""));
const valueChar = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0x21, max: 0x7e }) },
  { weight: 2, arbitrary: fc.constantFrom(0x20, 0x09) },
  { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
).map((c) => String.fromCharCode(c));
const SPECIAL = new Set(["content-length", "transfer-encoding", "connection", "upgrade", "expect", "host", "proxy-connection", "keep-alive", "te", "trailer"]);

const fieldName = fc.string({ unit: tchar, minLength: 1, maxLength: 20 }).filter((n) => !SPECIAL.has(n.toLowerCase()));
const fieldValue = fc
  .string({ unit: valueChar, minLength: 0, maxLength: 40 })
  .map(trimOws);
const field = fc.tuple(fieldName, fieldValue);

const target = fc
  .tuple(fc.array(fc.string({ unit: pathChar, minLength: 0, maxLength: 12 }), { minLength: 1, maxLength: 4 }), fc.option(fc.string({ unit: fc.oneof(pathChar, fc.constant("?"), fc.constant("/")), maxLength: 20 })))
  .map(([segs, q]) => "/" + segs.join("/") + (q === null ? "" : "?" + q));

const method = fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND", "MKCOL", "SEARCH", "QUERY");
const bodyBytes = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 200 });
const chunkExt = fc.option(fc.tuple(fc.string({ unit: tchar, minLength: 1, maxLength: 6 }), fc.option(fc.string({ unit: tchar, minLength: 1, maxLength: 6 }))));

interface GenRequest {
  text: string;
  method: string;
  target: string;
  fields: [string, string][];
  body: string;
}

const oneRequest = fc
  .record({
    method,
    target,
    fields: fc.array(field, { maxLength: 8 }),
    framing: fc.constantFrom("none", "length", "chunked"),
    body: bodyBytes,
    cuts: fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 6 }),
    ext: chunkExt,
    trailers: fc.array(field, { maxLength: 2 }),
    hostFirst: fc.boolean(),
  })
  .map((g): GenRequest => {
    const fields: [string, string][] = g.hostFirst ? [["Host", "example.test"], ...g.fields] : [...g.fields, ["host", "example.test:8080"]];
    let body = "";
    let payload = "";
    if (g.framing === "length") {
      body = g.body;
      fields.push(["Content-Length", String(body.length)]);
      payload = body;
    } else if (g.framing === "chunked") {
      body = g.body;
      fields.push(["Transfer-Encoding", "chunked"]);
      let i = 0;
      let k = 0;
      const ext = g.ext ? `;${g.ext[0]}${g.ext[1] ? "=" + g.ext[1] : ""}` : "";
      while (i < body.length) {
        const n = Math.min(g.cuts[k++ % g.cuts.length], body.length - i);
        payload += n.toString(16) + ext + "\r\n" + body.slice(i, i + n) + "\r\n";
        i += n;
      }
      payload += "0\r\n" + g.trailers.map(([n, v]) => `${n}: ${v}\r\n`).join("") + "\r\n";
    }
    const text = `${g.method} ${g.target} HTTP/1.1\r\n` + fields.map(([n, v]) => `${n}: ${v}\r\n`).join("") + "\r\n" + payload;
    return { text, method: g.method, target: g.target, fields, body };
  });

const pipeline = fc.array(oneRequest, { minLength: 1, maxLength: 3 });

const SMUGGLE = [
  "Content-Length: 5", "Content-Length: 0\r\nContent-Length: 0", "Transfer-Encoding: chunked", "Transfer-Encoding: chunked, identity",
  "Transfer-Encoding: identity", "Transfer-Encoding: xchunked", " X: folded", "\tX: folded", "X : y", "Content-Length: +5", "Content-Length: -1",
  "Content-Length: 1 2", "Transfer-Encoding:\tchunked\t", "X\x00: y", "X: a\rb", "X: a\nb", "Content-Length: 99999999999999999999",
  "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked", "Host: second", "Connection: close", "Expect: 100-continue",
  "Transfer-Encoding: chunked\t", "Content-Length: 0\t",
];
const DANGEROUS = [0x0d, 0x0a, 0x20, 0x09, 0x00, 0x7f, 0x3a, 0x2c, 0x3b, 0x22, 0x80, 0xff, 0x5c, 0x30, 0x61, 0x2d, 0x2b, 0x3f, 0x23, 0x25];

const mutated = fc
  .tuple(
    pipeline,
    fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant("replace" as const), at: fc.nat(), byte: fc.constantFrom(...DANGEROUS) }),
        fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), byte: fc.constantFrom(...DANGEROUS) }),
        fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), byte: fc.constant(0) }),
        fc.record({ kind: fc.constant("smuggle" as const), at: fc.nat(), byte: fc.nat({ max: SMUGGLE.length - 1 }) }),
      ),
      { minLength: 1, maxLength: 3 },
    ),
  )
  .map(([reqs, edits]) => {
    let text = reqs.map((r) => r.text).join("");
    for (const e of edits) {
      const at = text.length ? e.at % text.length : 0;
      if (e.kind === "replace") text = text.slice(0, at) + String.fromCharCode(e.byte) + text.slice(at + 1);
      else if (e.kind === "insert") text = text.slice(0, at) + String.fromCharCode(e.byte) + text.slice(at);
      else if (e.kind === "delete") text = text.slice(0, at) + text.slice(at + 1);
      else {
        // put the field right after the first request line
        const eol = text.indexOf("\r\n");
        if (eol >= 0) text = text.slice(0, eol + 2) + SMUGGLE[e.byte] + "\r\n" + text.slice(eol + 2);
      }
    }
    return text;
  });

const stats = { validRuns: 0, mutatedRuns: 0, nodeRejected: 0, bothRejected: 0, onlyMcnetRejected: 0, llhttpTabQuirk: 0 };

/**
 * The one known disagreement, a bug of the llhttp Node 20 bundles (9.3.x) fixed in 9.4: it
 * refuses HTAB after the Content-Length digits, which is OWS (RFC 9110 §5.6.3). mcnet accepts
 * it, as llhttp 9.4.2's own vector "Tabs in `Content-Length` (surrounding)" requires.
 */
function isContentLengthTabQuirk(text: string, nodeError: string): boolean {
  return nodeError === "HPE_INVALID_CONTENT_LENGTH" && /(^|\n)content-length:[ \t]*[0-9]+ *\t[ \t]*\r\n/im.test(text);
}

afterAll(() => {
  // figures for the report: how often each side refused the mutated inputs
  process.stdout.write(`parser-diff: ${JSON.stringify(stats)}\n`);
});

test("valid requests: mcnet and llhttp agree on method, URL, fields and body", async () => {
  await fc.assert(
    fc.asyncProperty(pipeline, fc.integer({ min: 1, max: 40 }), async (reqs, pieceSize) => {
      stats.validRuns++;
      const bytes = latin1Bytes(reqs.map((r) => r.text).join(""));
      const node = await nodeParse(bytes);
      expect(node.error).toBeUndefined();
      const ours = mcnetParse(bytes, pieceSize);
      expect(ours.error).toBeUndefined();
      expect(ours.messages.length).toBe(reqs.length);
      expect(node.messages.length).toBe(reqs.length);
      for (let i = 0; i < reqs.length; i++) {
        const m = ours.messages[i];
        const h = m.head;
        if (h.kind !== "request") throw new Error("not a request");
        const n = node.messages[i];
        expect(h.method).toBe(n.method);
        expect(h.target).toBe(n.url);
        const pairs: string[] = [];
        for (const [k, v] of h.headers.list) pairs.push(k, v);
        expect(pairs).toEqual(n.headers.map((x, j) => (j % 2 ? trimOws(x) : x)));
        expect(latin1(m.body)).toBe(n.body);
        expect(latin1(m.body)).toBe(reqs[i].body);
        expect(m.complete).toBe(true);
      }
    }),
    { numRuns: 150 },
  );
});

test("mutated requests: whenever llhttp refuses, mcnet refuses", async () => {
  await fc.assert(
    fc.asyncProperty(mutated, fc.integer({ min: 1, max: 40 }), async (text, pieceSize) => {
      stats.mutatedRuns++;
      const bytes = latin1Bytes(text);
      const node = await nodeParse(bytes);
      const ours = mcnetParse(bytes, pieceSize);
      if (node.error !== undefined && ours.error === undefined && isContentLengthTabQuirk(text, node.error)) {
        stats.llhttpTabQuirk++;
      } else if (node.error !== undefined) {
        stats.nodeRejected++;
        if (ours.error !== undefined) stats.bothRejected++;
        expect({ input: text, mcnetError: ours.error?.code }).toEqual({ input: text, mcnetError: expect.any(String) });
      } else if (ours.error !== undefined) {
        stats.onlyMcnetRejected++;
      } else {
        // both accepted: they must have seen the same messages
        expect(ours.messages.filter((m) => m.complete).length).toBe(node.messages.length);
        node.messages.forEach((n, i) => {
          const h = ours.messages[i].head;
          if (h.kind !== "request") throw new Error("not a request");
          expect([h.method, h.target, latin1(ours.messages[i].body)]).toEqual([n.method, n.url, n.body]);
        });
      }
    }),
    { numRuns: 400 },
  );
});
