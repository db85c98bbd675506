// mcnet's pure-TypeScript HttpParser against Node's llhttp (C, through the internal
// process.binding("http_parser") that node:http itself drives) in the same run, on the same bytes:
// pipelined browser-like GETs parsed in one piece and in 1460-byte TCP segments, and chunked
// uploads (body throughput). The figure to compare across runs is the ratio mcnet/llhttp.

import { HttpParser } from "../modules/http/parser";

const GET =
  "GET /static/app.js?v=1234 HTTP/1.1\r\nHost: 192.168.4.1\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n" +
  "Accept: */*\r\nAccept-Language: en-US,en;q=0.5\r\nAccept-Encoding: gzip, deflate\r\nConnection: keep-alive\r\nReferer: http://192.168.4.1/\r\n" +
  "Cookie: session=0123456789abcdef; theme=dark\r\n\r\n";

function chunkedUpload(bodyBytes: number, chunk: number): string {
  let s = "POST /upload HTTP/1.1\r\nHost: 192.168.4.1\r\nTransfer-Encoding: chunked\r\nContent-Type: application/octet-stream\r\n\r\n";
  const piece = "x".repeat(chunk);
  for (let n = 0; n < bodyBytes; n += chunk) s += chunk.toString(16) + "\r\n" + piece + "\r\n";
  return s + "0\r\n\r\n";
}

const WORKLOADS: [string, Buffer, number][] = [
  ["10k pipelined GETs, one piece", Buffer.from(GET.repeat(10000), "latin1"), 0],
  ["10k pipelined GETs, 1460-byte segments", Buffer.from(GET.repeat(10000), "latin1"), 1460],
  ["40 x 256 KB chunked uploads (1 KB chunks), 1460-byte segments", Buffer.from(chunkedUpload(256 * 1024, 1024).repeat(40), "latin1"), 1460],
];

function segments(buf: Buffer, size: number): Uint8Array[] {
  if (size === 0) return [new Uint8Array(buf.buffer, buf.byteOffset, buf.length)];
  const out: Uint8Array[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(new Uint8Array(buf.buffer, buf.byteOffset + i, Math.min(size, buf.length - i)));
  return out;
}

/** What a connection does: append each segment to a receive buffer, parse, drop what was consumed. */
function runMcnet(pieces: Uint8Array[]): number {
  const p = HttpParser.request();
  const recv = new Uint8Array(64 * 1024 + Math.max(...pieces.map((x) => x.length)));
  let used = 0;
  let messages = 0;
  let bodyBytes = 0;
  for (const piece of pieces) {
    recv.set(piece, used);
    used += piece.length;
    let off = 0;
    for (;;) {
      const ev = p.next(recv.subarray(off, used));
      off += ev.consumed;
      if (ev.type === "end") messages++;
      else if (ev.type === "body") bodyBytes += ev.data.length;
      else if (ev.type === "more") break;
      else if (ev.type === "error") throw new Error(ev.error.reason);
    }
    recv.copyWithin(0, off, used);
    used -= off;
  }
  return messages + bodyBytes * 0;
}

interface NodeParser {
  initialize(type: number, resource: object): void;
  execute(b: Buffer): number | Error;
  [k: number]: unknown;
}

function runLlhttp(pieces: Uint8Array[]): number {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const { HTTPParser } = (process as any).binding("http_parser");
  const p: NodeParser = new HTTPParser();
  p.initialize(HTTPParser.REQUEST, {});
  let messages = 0;
  p[HTTPParser.kOnHeaders] = () => {};
  p[HTTPParser.kOnHeadersComplete] = () => 0;
  p[HTTPParser.kOnBody] = () => {};
  p[HTTPParser.kOnMessageComplete] = () => {
    messages++;
  };
  for (const piece of pieces) {
    const r = p.execute(Buffer.from(piece.buffer, piece.byteOffset, piece.length));
    if (r instanceof Error) throw r;
  }
  return messages;
}

function best(fn: () => number): { seconds: number; result: number } {
  let result = fn(); // warm up
  let seconds = Infinity;
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    result = fn();
    seconds = Math.min(seconds, Number(process.hrtime.bigint() - t) / 1e9);
  }
  return { seconds, result };
}

process.removeAllListeners("warning"); // the deprecation notice for process.binding
console.log("HTTP request parsing: mcnet HttpParser vs Node's llhttp, best of 5");
for (const [name, buf, seg] of WORKLOADS) {
  const pieces = segments(buf, seg);
  const ours = best(() => runMcnet(pieces));
  const theirs = best(() => runLlhttp(pieces));
  if (ours.result !== theirs.result) throw new Error(`${name}: mcnet saw ${ours.result} messages, llhttp ${theirs.result}`);
  const mb = buf.length / 1048576;
  console.log(
    `${name}: ${(mb).toFixed(1)} MB, ${ours.result} messages | mcnet ${(mb / ours.seconds).toFixed(0)} MB/s, llhttp ${(mb / theirs.seconds).toFixed(0)} MB/s | ratio mcnet/llhttp ${(theirs.seconds / ours.seconds).toFixed(2)}`,
  );
}
