// Drives an HttpParser the way a connection does: bytes arrive in pieces, unconsumed bytes stay
// at the front of the buffer, and next() is called until it asks for more. Collects what it saw.

import type { HttpParser } from "../../modules/http/parser";
import type { HttpHeaders, HttpParseError, MessageHead } from "../../modules/http/message";

export interface SeenMessage {
  head: MessageHead;
  body: number[];
  complete: boolean;
  keepAlive?: boolean;
  upgrade?: boolean;
  trailers?: HttpHeaders;
}

export interface DriveResult {
  messages: SeenMessage[];
  error?: HttpParseError;
  upgraded: boolean;
  /** bytes left unconsumed at the end (after an upgrade: the next protocol's) */
  rest: Uint8Array;
  /** what finish() said, when asked */
  finish?: "clean" | "end" | "error";
}

export interface DriveOptions {
  /** call skipBody() after each head (a reply to HEAD) */
  skipBody?: boolean;
  /** call finish() after the last piece */
  finish?: boolean;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

export function drive<H extends MessageHead>(parser: HttpParser<H>, pieces: Uint8Array[], opts: DriveOptions = {}): DriveResult {
  const r: DriveResult = { messages: [], upgraded: false, rest: new Uint8Array(0) };
  let buf: Uint8Array = new Uint8Array(0);
  let cur: SeenMessage | undefined;
  let guard = 0;
  const pump = (): boolean => {
    for (;;) {
      if (++guard > 1_000_000) throw new Error("parser does not make progress");
      const ev = parser.next(buf);
      if (ev.consumed < 0 || ev.consumed > buf.length) throw new Error(`bad consumed ${ev.consumed} of ${buf.length}`);
      switch (ev.type) {
        case "head":
          cur = { head: ev.head, body: [], complete: false };
          r.messages.push(cur);
          if (opts.skipBody) parser.skipBody();
          break;
        case "body":
          if (!cur) throw new Error("body before head");
          if (ev.data.length === 0) throw new Error("empty body event");
          for (let i = 0; i < ev.data.length; i++) cur.body.push(ev.data[i]);
          break;
        case "end":
          if (!cur) throw new Error("end before head");
          cur.complete = true;
          cur.keepAlive = ev.keepAlive;
          cur.upgrade = ev.upgrade;
          cur.trailers = ev.trailers;
          cur = undefined;
          break;
        case "error":
          r.error = ev.error;
          break;
        case "upgraded":
          r.upgraded = true;
          break;
      }
      buf = buf.subarray(ev.consumed);
      if (ev.type === "more") return true;
      if (ev.type === "error" || ev.type === "upgraded") return false;
    }
  };
  let going = true;
  for (const p of pieces) {
    buf = concat(buf, p);
    if (!(going = pump())) break;
  }
  if (going && opts.finish) {
    const ev = parser.finish();
    if (ev === undefined) r.finish = "clean";
    else if (ev.type === "error") {
      r.finish = "error";
      r.error = ev.error;
    } else if (ev.type === "end") {
      r.finish = "end";
      if (cur) {
        cur.complete = true;
        cur.keepAlive = ev.keepAlive;
      }
    }
  }
  r.rest = buf;
  return r;
}

/** Split `bytes` into pieces of `size` (1: byte by byte). */
export function split(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, Math.min(bytes.length, i + size)));
  return out;
}

export function latin1(bytes: ArrayLike<number>): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}
