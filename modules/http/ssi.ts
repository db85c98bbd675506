// Server Side Includes, streamed: `<!--#include virtual="/x" -->` (from the document root),
// `<!--#include file="x" -->` / `<!--#include "x" -->` (next to the current page),
// `<!--#call arg -->` (an http-ssi-call event; what the handler writes is inserted). `#exec` is
// not supported (no processes on a microcontroller) and, like unknown directives, is dropped.
//
// Pages are read a block at a time and never held whole. A directive must fit in
// MAX_DIRECTIVE bytes; files are seekable, so a block cut inside a directive is simply re-read
// from the directive's start next time instead of being carried in a second buffer. Includes
// nest up to MAX_DEPTH and go through the same path checks as requests.

import type { Connection } from "../core/connection";
import { asciiDecode } from "../util/utf8";
import { fillTarget } from "./body-pump";
import { currentExchange, type BodyProducer, type Exchange } from "./exchange";
import type { FileHandle } from "./fs";
import { isPathError, safePath } from "./path";
import { sendChunk } from "./reply";

const BLOCK = 512;
const MAX_DIRECTIVE = 256;
const MAX_DEPTH = 4;
const OPEN = [0x3c, 0x21, 0x2d, 0x2d, 0x23]; // "<!--#"

/** Opens a page or include by its document path ("/a/b.shtml"); the static server supplies it. */
export interface SsiResolver {
  /** undefined when missing, hidden or not allowed */
  open(docPath: string): { handle: FileHandle; size: number; ssi: boolean } | undefined;
}

interface Frame {
  handle: FileHandle;
  size: number;
  pos: number;
  docPath: string;
  ssi: boolean;
}

function dirOf(docPath: string): string {
  const slash = docPath.lastIndexOf("/");
  return slash <= 0 ? "/" : docPath.slice(0, slash);
}

/** The path argument of an include directive, or undefined. */
function includeTarget(args: string, fromDoc: string): string | undefined {
  let a = args.trim();
  let relative = true;
  const eq = a.indexOf("=");
  if (eq > 0 && a[0] !== '"') {
    const kind = a.slice(0, eq).trim();
    if (kind === "virtual") relative = false;
    else if (kind !== "file" && kind !== "abspath") return undefined;
    // abspath would reach outside the document root: taken relative to the root instead.
    if (kind === "abspath") relative = false;
    a = a.slice(eq + 1).trim();
  }
  if (a.length < 2 || a[0] !== '"' || a[a.length - 1] !== '"') return undefined;
  const p = a.slice(1, -1);
  const joined = relative && !p.startsWith("/") ? (dirOf(fromDoc) === "/" ? "/" : dirOf(fromDoc) + "/") + p : p;
  const safe = safePath(joined);
  return isPathError(safe) ? undefined : safe.path;
}

export class SsiProducer implements BodyProducer {
  private readonly stack: Frame[] = [];
  private readonly block = new Uint8Array(BLOCK);
  private finished = false;

  constructor(
    private readonly resolver: SsiResolver,
    page: { handle: FileHandle; size: number; docPath: string },
    private readonly log: (message: string) => void,
  ) {
    this.stack.push({ handle: page.handle, size: page.size, pos: 0, docPath: page.docPath, ssi: true });
  }

  fill(c: Connection): void {
    const ex = currentExchange(c);
    if (this.finished || c.isClosed || !ex || ex.complete || ex.producer !== this) return;
    const target = fillTarget(c, BLOCK);
    while (!this.finished && !c.isClosed && c.send.length < target) this.step(c, ex);
  }

  private pop(): void {
    const f = this.stack.pop();
    try {
      f?.handle.close();
    } catch {
      // ignore
    }
  }

  private step(c: Connection, ex: Exchange): void {
    const f = this.stack[this.stack.length - 1];
    if (!f) {
      this.finished = true;
      sendChunk(c, "");
      return;
    }
    let len = 0;
    try {
      len = f.pos < f.size ? f.handle.read(this.block, f.pos) : 0;
    } catch {
      len = 0;
    }
    if (len <= 0) {
      this.pop();
      return;
    }
    const b = this.block.subarray(0, len);
    const eof = f.pos + len >= f.size;
    if (!f.ssi) {
      sendChunk(c, b);
      f.pos += len;
      return;
    }
    let i = 0;
    while (i < len) {
      const k = findOpen(b, i);
      if (k < 0) {
        sendChunk(c, b.subarray(i, len));
        i = len;
        break;
      }
      if (k + OPEN.length > len) {
        // "<!--" cut by the block's end: re-read from there, unless the file ends here.
        if (eof || k === 0) {
          sendChunk(c, b.subarray(i, len));
          i = len;
        } else {
          if (k > i) sendChunk(c, b.subarray(i, k));
          i = k;
        }
        break;
      }
      if (k > i) sendChunk(c, b.subarray(i, k));
      const close = findClose(b, k + OPEN.length, Math.min(len, k + MAX_DIRECTIVE));
      if (close < 0) {
        if (!eof && len - k < MAX_DIRECTIVE && k > 0) {
          i = k; // the directive continues in the next block
          break;
        }
        // Unterminated or oversized: not a directive, just text.
        sendChunk(c, b.subarray(k, k + OPEN.length));
        i = k + OPEN.length;
        continue;
      }
      const directive = asciiDecode(b, k + OPEN.length, close).trim();
      i = close + 3;
      f.pos += i;
      // Executing may push a frame that reuses the block: the rest of this one is re-read later.
      this.execute(c, ex, f, directive);
      return;
    }
    f.pos += i;
  }

  private execute(c: Connection, ex: Exchange, f: Frame, directive: string): void {
    const sp = directive.search(/\s/);
    const name = sp < 0 ? directive : directive.slice(0, sp);
    const args = sp < 0 ? "" : directive.slice(sp + 1).trim();
    if (name === "include") {
      const target = includeTarget(args, f.docPath);
      if (target === undefined) {
        this.log(`SSI include refused in ${f.docPath}: ${args}`);
        return;
      }
      if (this.stack.length >= MAX_DEPTH) {
        this.log(`SSI include depth limit in ${f.docPath}`);
        return;
      }
      const opened = this.resolver.open(target);
      if (!opened) {
        this.log(`SSI include not found in ${f.docPath}: ${target}`);
        return;
      }
      this.stack.push({ handle: opened.handle, size: opened.size, pos: 0, docPath: target, ssi: opened.ssi });
    } else if (name === "call") {
      this.call(c, ex, f, args);
    } else if (name === "exec") {
      this.log(`SSI exec is not supported (${f.docPath})`);
    }
  }

  /** Emit http-ssi-call; whatever the handler writes becomes one chunk of the page. */
  private call(c: Connection, ex: Exchange, f: Frame, arg: string): void {
    const chunked = ex.framing === "chunked";
    const start = c.send.length;
    // While the handler runs its writes are raw; they are framed as one chunk afterwards.
    const framing = ex.framing;
    ex.framing = "raw";
    try {
      ex.handler(c, { type: "http-ssi-call", request: ex.request, file: f.docPath, arg });
    } finally {
      ex.framing = framing;
    }
    if (c.isClosed || !chunked) return;
    const added = c.send.length - start;
    if (added > 0) {
      c.send.insert(start, added.toString(16) + "\r\n");
      c.write("\r\n");
    }
  }

  close(): void {
    this.finished = true;
    while (this.stack.length > 0) this.pop();
  }
}

function findOpen(b: Uint8Array, from: number): number {
  let k = b.indexOf(0x3c, from);
  while (k >= 0) {
    let m = 1;
    while (m < OPEN.length && k + m < b.length && b[k + m] === OPEN[m]) m++;
    if (m === OPEN.length || k + m === b.length) return k;
    k = b.indexOf(0x3c, k + 1);
  }
  return -1;
}

function findClose(b: Uint8Array, from: number, to: number): number {
  for (let i = from; i + 2 < to; i++) if (b[i] === 0x2d && b[i + 1] === 0x2d && b[i + 2] === 0x3e) return i;
  return -1;
}
