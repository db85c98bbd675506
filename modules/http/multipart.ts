// Streaming multipart/form-data reader (RFC 7578 over RFC 2046). Body bytes go in as they
// arrive, in any split; parts come out as begin (name, filename, content type), data views and
// end. Memory is fixed: the part-header buffer and nothing else. Data views point into the
// caller's input (or at the delimiter prefix the reader had held back when a near-match crossed
// two inputs), so no body byte is ever copied.

import { headerParam } from "./header-params";
import { asciiDecode, utf8Decode } from "../util/utf8";

export interface PartInfo {
  /** the form field name ("" when the part had none) */
  name: string;
  /** the client's file name, exactly as sent (sanitize before using it as a path!) */
  filename?: string;
  contentType?: string;
}

export interface MultipartSink {
  partBegin(part: PartInfo): void;
  partData(data: Uint8Array): void;
  partEnd(): void;
}

export type MultipartErrorCode =
  | "bad-boundary" // Content-Type lacks a usable boundary
  | "part-headers-too-large"
  | "bad-part-headers"
  | "too-many-parts"
  | "bad-delimiter" // a delimiter line followed by something other than CRLF or "--"
  | "truncated"; // the body ended before the closing delimiter

export interface MultipartLimits {
  /** bytes of one part's header block; default 1024 */
  maxPartHeaders: number;
  /** parts per body; default 64 */
  maxParts: number;
}

export const defaultMultipartLimits: Readonly<MultipartLimits> = { maxPartHeaders: 1024, maxParts: 64 };

const enum State {
  Preamble,
  AfterDelimiter,
  AfterDelimiterDash,
  AfterDelimiterCR,
  Headers,
  Data,
  Epilogue,
  Failed,
}

const CR = 13;
const LF = 10;
const DASH = 0x2d;
// Transport padding allowed between the boundary and its CRLF (RFC 2046 5.1.1).
const MAX_PADDING = 32;

/** The boundary parameter of a multipart Content-Type, or undefined when missing or invalid. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const semi = contentType.indexOf(";");
  if (semi < 0 || contentType.slice(0, semi).trim().toLowerCase().indexOf("multipart/") !== 0) return undefined;
  const b = headerParam(contentType.slice(semi + 1), "boundary", { ignoreCase: true });
  if (b === undefined || b.length === 0 || b.length > 70) return undefined;
  for (let i = 0; i < b.length; i++) {
    const c = b.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return undefined;
  }
  return b;
}

export class MultipartReader {
  /** "\r\n--" + boundary */
  private readonly delimiter: Uint8Array;
  private readonly limits: MultipartLimits;
  private readonly head: Uint8Array;
  private headLen = 0;
  private state = State.Preamble;
  /** delimiter bytes matched so far and not yet known to be data */
  private matched = 2; // the body starts as if after a CRLF, so a first "--boundary" matches
  private padding = 0;
  private parts = 0;
  private inPart = false;
  private err: MultipartErrorCode | undefined;

  constructor(boundary: string, limits: Partial<MultipartLimits> = {}) {
    this.limits = { ...defaultMultipartLimits, ...limits };
    this.delimiter = new Uint8Array(4 + boundary.length);
    this.delimiter[0] = CR;
    this.delimiter[1] = LF;
    this.delimiter[2] = DASH;
    this.delimiter[3] = DASH;
    for (let i = 0; i < boundary.length; i++) this.delimiter[4 + i] = boundary.charCodeAt(i) & 0xff;
    this.head = new Uint8Array(this.limits.maxPartHeaders);
    if (boundary.length === 0 || boundary.length > 70 || boundary.indexOf("\r") >= 0 || boundary.indexOf("\n") >= 0) this.fail("bad-boundary");
  }

  get error(): MultipartErrorCode | undefined {
    return this.err;
  }

  /** The closing delimiter was seen; later bytes are epilogue. */
  get done(): boolean {
    return this.state === State.Epilogue;
  }

  /** True while a part has begun and not ended (the upload helper uses it to clean up). */
  get partOpen(): boolean {
    return this.inPart;
  }

  private fail(code: MultipartErrorCode): void {
    this.err = code;
    this.state = State.Failed;
  }

  /**
   * Feed body bytes; returns false once the body is known to be malformed (see `error`).
   * Every byte is consumed: nothing needs to be kept by the caller.
   */
  push(input: Uint8Array, sink: MultipartSink): boolean {
    let i = 0;
    const n = input.length;
    const d = this.delimiter;
    while (i < n) {
      switch (this.state) {
        case State.Failed:
          return false;
        case State.Epilogue:
          return true;
        case State.Preamble:
        case State.Data: {
          const emit = this.state === State.Data;
          let runStart = i;
          // Resume a near-match that crossed the previous input's end.
          if (this.matched > 0) {
            while (i < n && this.matched < d.length && input[i] === d[this.matched]) {
              this.matched++;
              i++;
            }
            if (this.matched === d.length) {
              this.matched = 0;
              this.delimiterFound(sink);
              continue;
            }
            if (i === n) return true;
            // Mismatch: the held bytes were data after all.
            if (emit) sink.partData(d.subarray(0, this.matched));
            this.matched = 0;
            runStart = i;
          }
          while (i < n) {
            const cr = input.indexOf(CR, i);
            if (cr < 0) {
              i = n;
              break;
            }
            let k = 0;
            let j = cr;
            while (j < n && k < d.length && input[j] === d[k]) {
              j++;
              k++;
            }
            if (k === d.length) {
              if (emit && cr > runStart) sink.partData(input.subarray(runStart, cr));
              i = j;
              runStart = -1;
              this.delimiterFound(sink);
              break;
            }
            if (j === n) {
              // The input ends inside a possible delimiter: hold those bytes back.
              if (emit && cr > runStart) sink.partData(input.subarray(runStart, cr));
              this.matched = k;
              return true;
            }
            i = cr + 1;
          }
          if (runStart >= 0 && i === n && emit && n > runStart) sink.partData(input.subarray(runStart, n));
          break;
        }
        case State.AfterDelimiter: {
          const c = input[i++];
          if (c === DASH) this.state = State.AfterDelimiterDash;
          else if (c === CR) this.state = State.AfterDelimiterCR;
          else if ((c === 0x20 || c === 0x09) && this.padding++ < MAX_PADDING) this.state = State.AfterDelimiter;
          else this.fail("bad-delimiter");
          break;
        }
        case State.AfterDelimiterDash: {
          if (input[i++] !== DASH) this.fail("bad-delimiter");
          else this.state = State.Epilogue;
          break;
        }
        case State.AfterDelimiterCR: {
          if (input[i++] !== LF) this.fail("bad-delimiter");
          else {
            this.state = State.Headers;
            this.headLen = 0;
          }
          break;
        }
        case State.Headers: {
          // Copy up to the blank line into the fixed header buffer.
          while (i < n) {
            if (this.headLen >= this.head.length) {
              this.fail("part-headers-too-large");
              return false;
            }
            this.head[this.headLen++] = input[i++];
            const h = this.head;
            const L = this.headLen;
            if (L === 2 && h[0] === CR && h[1] === LF) {
              this.beginPart(sink, 0);
              break;
            }
            if (L >= 4 && h[L - 1] === LF && h[L - 2] === CR && h[L - 3] === LF && h[L - 4] === CR) {
              this.beginPart(sink, L - 4);
              break;
            }
          }
          break;
        }
      }
    }
    return this.state !== State.Failed;
  }

  /** The body is complete: anything but a seen closing delimiter is an error (part-end follows if needed). */
  finish(sink: MultipartSink): boolean {
    if (this.state === State.Epilogue) return true;
    if (this.state !== State.Failed) this.fail("truncated");
    if (this.inPart) {
      this.inPart = false;
      sink.partEnd();
    }
    return false;
  }

  private delimiterFound(sink: MultipartSink): void {
    if (this.inPart) {
      this.inPart = false;
      sink.partEnd();
    }
    this.padding = 0;
    if (this.state !== State.Failed) this.state = State.AfterDelimiter;
  }

  private beginPart(sink: MultipartSink, headEnd: number): void {
    if (++this.parts > this.limits.maxParts) {
      this.fail("too-many-parts");
      return;
    }
    const info = parsePartHeaders(this.head, headEnd);
    if (info === undefined) {
      this.fail("bad-part-headers");
      return;
    }
    this.state = State.Data;
    // The part's data starts right after the blank line: it can already hold a delimiter.
    this.matched = 0;
    this.inPart = true;
    sink.partBegin(info);
  }
}

function parsePartHeaders(h: Uint8Array, end: number): PartInfo | undefined {
  const info: PartInfo = { name: "" };
  let i = 0;
  while (i < end) {
    let eol = i;
    while (eol < end && !(h[eol] === CR && h[eol + 1] === LF)) eol++;
    const colon = h.indexOf(0x3a, i);
    if (colon < 0 || colon >= eol) return undefined;
    const name = asciiDecode(h, i, colon).trim().toLowerCase();
    // Field names and file names are UTF-8 in every browser's form submission (RFC 7578 4.2).
    const value = utf8Decode(h, colon + 1, eol).trim();
    if (name === "content-disposition") {
      const semi = value.indexOf(";");
      const params = semi < 0 ? "" : value.slice(semi + 1);
      info.name = headerParam(params, "name", { ignoreCase: true }) ?? "";
      const fn = headerParam(params, "filename", { ignoreCase: true });
      if (fn !== undefined) info.filename = fn;
    } else if (name === "content-type") info.contentType = value;
    i = eol + 2;
  }
  return info;
}

/** One part of a fully buffered body (mg_parse_multipart). `data` is a view into the body. */
export interface BufferedPart extends PartInfo {
  data: Uint8Array;
}

/**
 * Split a complete multipart body. Parts whose data arrived in pieces are joined (only happens
 * when a near-delimiter sequence sits inside the data). Returns the error code when malformed.
 */
export function parseMultipart(body: Uint8Array, boundary: string, limits: Partial<MultipartLimits> = {}): BufferedPart[] | { error: MultipartErrorCode } {
  const parts: BufferedPart[] = [];
  let current: BufferedPart | undefined;
  let pieces: Uint8Array[] = [];
  const reader = new MultipartReader(boundary, limits);
  const sink: MultipartSink = {
    partBegin(part) {
      current = { ...part, data: new Uint8Array(0) };
      pieces = [];
    },
    partData(data) {
      pieces.push(data);
    },
    partEnd() {
      if (!current) return;
      if (pieces.length === 1) current.data = pieces[0];
      else if (pieces.length > 1) {
        let len = 0;
        for (const p of pieces) len += p.length;
        const joined = new Uint8Array(len);
        let o = 0;
        for (const p of pieces) {
          joined.set(p, o);
          o += p.length;
        }
        current.data = joined;
      }
      parts.push(current);
      current = undefined;
    },
  };
  reader.push(body, sink);
  if (!reader.finish(sink)) return { error: reader.error ?? "truncated" };
  return parts;
}
