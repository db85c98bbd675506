// Incremental HTTP/1.1 message parser (RFC 9110, RFC 9112), for requests or responses.
//
// Pull-style: `next(input)` returns one event and how many input bytes it consumed; the caller
// drops those bytes and calls again with what is left plus whatever arrived since. Chosen over
// llhttp-style callbacks because the caller decides between events -- buffer or stream the body
// once it has seen the head, answer 100-continue, stop at an upgrade and hand the remaining bytes
// to WebSocket, hold a pipelined request until the previous reply is out -- with no pause/resume
// protocol and no closures per connection. Body data is a view of the input, never a copy.
//
// The head (and a chunked body's trailer section) is validated byte by byte as it arrives, so a
// bad request is refused as soon as the offending byte is seen, but its bytes are not consumed
// until the whole head is in: they stay in the caller's buffer (bounded by maxHeadBytes) and are
// presented again, the parser resuming where it stopped. Offsets into the head go to a fixed
// Int32Array; strings are made once, when the head is complete.
//
// Strict by design, with no request-smuggling path: bare CR or LF, obs-fold, whitespace before a
// colon, CTLs in values, Content-Length together with Transfer-Encoding, duplicate or malformed
// Content-Length, a chunked coding that is not last, unknown codings, chunk-size overflow and
// bad chunk framing are all errors carrying the status a server should answer before closing.

import { asciiDecode } from "../util/utf8";
import {
  CHAR_CLASS, C_ALPHA, C_AUTHORITY, C_DIGIT, C_FIELD, C_HEX, C_QDTEXT, C_TARGET, C_TOKEN,
  CR, HTAB, LF, SP,
} from "./chars";
import {
  defaultHttpParserLimits,
  HttpHeaders,
  type BodyFraming,
  type HeaderPair,
  type HttpErrorCode,
  type HttpParseError,
  type HttpParseEvent,
  type HttpParserLimits,
  type MessageHead,
  type RequestHead,
  type ResponseHead,
} from "./message";
import { FramingFields, MAX_LENGTH } from "./framing-fields";
import { lookupMethod, MAX_METHOD_LENGTH } from "./methods";

export interface HttpParserOptions extends Partial<HttpParserLimits> {
  /**
   * Requests only: refuse (400) an HTTP/1.1 request without exactly one Host field, and any
   * request with several (RFC 9112 §3.2). Default true.
   */
  requireHost?: boolean;
}

// parser states
const ST_IDLE = 0; // between messages: CR/LF may precede the next start line
const ST_HEAD = 1;
const ST_BODY_LENGTH = 2;
const ST_BODY_CHUNKED = 3;
const ST_BODY_EOF = 4;
const ST_TRAILERS = 5;
const ST_END = 6; // message complete, not yet reported
const ST_CLOSED = 7; // after a message that ends the connection
const ST_UPGRADED = 8;
const ST_ERROR = 9;

// head scanning sub-states
const RQ_METHOD = 0;
const RQ_TARGET_FIRST = 1;
const RQ_TARGET = 2;
const RQ_PROTO = 3;
const RQ_MAJOR = 4;
const RQ_DOT = 5;
const RQ_MINOR = 6;
const RQ_CR = 7;
const RQ_LF = 8;
const RS_PROTO = 10;
const RS_MAJOR = 11;
const RS_DOT = 12;
const RS_MINOR = 13;
const RS_SP = 14;
const RS_CODE = 15;
const RS_AFTER_CODE = 16;
const RS_REASON = 17;
const RS_LF = 18;
const F_LINE = 20; // start of a field line, or the empty line ending the section
const F_NAME = 21;
const F_OWS = 22;
const F_VALUE = 23;
const F_VALUE_LF = 24;
const F_END_LF = 25;

// chunked framing sub-states
const CH_SIZE_FIRST = 0;
const CH_SIZE = 1;
const CH_EXT_NAME_FIRST = 2;
const CH_EXT_NAME = 3;
const CH_EXT_VALUE_FIRST = 4;
const CH_EXT_VALUE = 5;
const CH_EXT_QUOTED = 6;
const CH_EXT_QPAIR = 7;
const CH_EXT_AFTER_QUOTED = 8;
const CH_SIZE_LF = 9;
const CH_DATA = 10;
const CH_DATA_CR = 11;
const CH_DATA_LF = 12;

const HTTP_SLASH = [0x48, 0x54, 0x54, 0x50, 0x2f]; // "HTTP/"
const MORE = -1;
const FAILED = -2;

/** bytes as Latin-1; short strings (most field names and values) by concatenation, which beats apply() */
function latin1(b: Uint8Array, s: number, e: number): string {
  if (e - s > 24) return asciiDecode(b, s, e);
  let out = "";
  for (let i = s; i < e; i++) out += String.fromCharCode(b[i]);
  return out;
}

function isWs(c: number): boolean {
  return c === SP || c === HTAB;
}

export class HttpParser<H extends MessageHead = MessageHead> {
  readonly kind: H["kind"];
  readonly limits: Readonly<HttpParserLimits>;
  private readonly requireHost: boolean;
  private readonly offs: Uint16Array | Int32Array;
  private readonly ff = new FramingFields();

  private state = ST_IDLE;
  private err: HttpParseError | undefined;

  // head / trailer scanning, offsets relative to the section's first byte
  private hs = 0;
  private scanned = 0;
  private lineStart = 0;
  private protoIdx = 0;
  private major = 0;
  private minor = 0;
  private status = 0;
  private codeDigits = 0;
  private method = "";
  private targetStart = 0;
  private targetEnd = 0;
  private reasonStart = 0;
  private reasonEnd = 0;
  private nameStart = 0;
  private nameEnd = 0;
  private valueStart = 0;
  private valueEnd = 0;
  private nHeaders = 0;

  // current message
  private framing: BodyFraming = "none";
  private remaining = 0;
  private bodyTotal = 0;
  private keepAlive = true;
  private fieldsKeepAlive = true;
  private upgrade = false;
  private trailers: HttpHeaders | undefined;
  private headReported = false;

  // chunked framing
  private cs = CH_SIZE_FIRST;
  private chunkLine = 0;

  static request(options?: HttpParserOptions): HttpParser<RequestHead> {
    return new HttpParser<RequestHead>("request", options);
  }

  static response(options?: HttpParserOptions): HttpParser<ResponseHead> {
    return new HttpParser<ResponseHead>("response", options);
  }

  constructor(kind: H["kind"], options: HttpParserOptions = {}) {
    this.kind = kind;
    const l: HttpParserLimits = { ...defaultHttpParserLimits };
    let custom = false;
    for (const k of Object.keys(defaultHttpParserLimits) as (keyof HttpParserLimits)[]) {
      const v = options[k];
      if (typeof v === "number" && v > 0 && v !== l[k]) {
        l[k] = v;
        custom = true;
      }
    }
    // Parsers with the default limits share them: a parser lives as long as its connection, and
    // a copy costs each connection seven heap slots.
    this.limits = custom ? l : defaultHttpParserLimits;
    this.requireHost = options.requireHost !== false;
    // Field offsets stay below maxHeadBytes (checked at every byte), so 16 bits hold them for any
    // head up to 64 KiB: half the per-connection table.
    this.offs = l.maxHeadBytes <= 0xffff ? new Uint16Array(4 * l.maxHeaders) : new Int32Array(4 * l.maxHeaders);
  }

  /** Forget everything, ready for a fresh connection. */
  reset(): void {
    this.state = ST_IDLE;
    this.err = undefined;
    this.headReported = false;
  }

  /** Nothing of a message has been seen since the last one ended (keep-alive idle). */
  get idle(): boolean {
    return this.state === ST_IDLE || this.state === ST_CLOSED;
  }

  /** The error that stopped the parser, if any. */
  get error(): HttpParseError | undefined {
    return this.err;
  }

  /**
   * After a head event: the message has no body whatever its headers say -- the reply to a HEAD
   * request, or a 2xx reply to CONNECT (which also switches the connection to a tunnel).
   */
  skipBody(tunnel = false): void {
    if (this.state !== ST_BODY_LENGTH && this.state !== ST_BODY_CHUNKED && this.state !== ST_BODY_EOF && this.state !== ST_END) return;
    if (!this.headReported) return;
    this.framing = "none";
    // a body delimited by the close made keepAlive false; without a body the fields decide
    this.keepAlive = this.fieldsKeepAlive;
    if (tunnel) this.upgrade = true;
    this.state = ST_END;
  }

  /** Parse from the start of `input`; see the module comment for the calling protocol. */
  next(input: Uint8Array): HttpParseEvent<H> {
    const len = input.length;
    let i = 0;
    switch (this.state) {
      case ST_ERROR:
        return { type: "error", consumed: 0, error: this.err! };
      case ST_UPGRADED:
        return { type: "upgraded", consumed: 0 };
      case ST_END:
        return this.end(0);
      case ST_CLOSED:
        while (i < len && (input[i] === CR || input[i] === LF)) i++;
        if (i < len) return this.failEvent("data-after-close", 400, "data after the last message of the connection", i, i);
        return { type: "more", consumed: i };
      case ST_IDLE:
        // RFC 9112 §2.2: empty lines before a start line are ignored (clients send a CRLF after a POST body)
        while (i < len && (input[i] === CR || input[i] === LF)) i++;
        if (i === len) return { type: "more", consumed: i };
        this.beginHead();
        return this.head(input, i);
      case ST_HEAD:
        return this.head(input, 0);
      case ST_BODY_LENGTH: {
        if (this.remaining === 0) return this.end(0);
        const n = len < this.remaining ? len : this.remaining;
        if (n === 0) return { type: "more", consumed: 0 };
        this.remaining -= n;
        if (this.remaining === 0) this.state = ST_END;
        return { type: "body", consumed: n, data: input.subarray(0, n) };
      }
      case ST_BODY_EOF:
        if (len === 0) return { type: "more", consumed: 0 };
        this.bodyTotal += len;
        if (this.bodyTotal > this.limits.maxBodySize) return this.failEvent("body-too-large", 413, "body larger than allowed", 0, 0);
        return { type: "body", consumed: len, data: input };
      case ST_BODY_CHUNKED:
        return this.chunked(input);
      case ST_TRAILERS:
        return this.trailerSection(input, 0);
    }
    return { type: "more", consumed: 0 };
  }

  /**
   * The peer closed its sending side. Returns the end of a body delimited by the close, an
   * "incomplete" error when a message was cut short, or undefined when the stream ended cleanly
   * between messages.
   */
  finish(): HttpParseEvent<H> | undefined {
    switch (this.state) {
      case ST_BODY_EOF:
        this.state = ST_END;
        this.keepAlive = false;
        return this.end(0);
      case ST_END:
        return this.end(0);
      case ST_IDLE:
      case ST_CLOSED:
      case ST_UPGRADED:
      case ST_ERROR:
        return undefined;
    }
    return this.failEvent("incomplete", 400, "connection closed in the middle of a message", 0, 0);
  }

  // ---- head ----

  private beginHead(): void {
    this.state = ST_HEAD;
    this.hs = this.kind === "request" ? RQ_METHOD : RS_PROTO;
    this.scanned = 0;
    this.lineStart = 0;
    this.protoIdx = 0;
    this.nHeaders = 0;
    this.status = 0;
    this.codeDigits = 0;
    this.headReported = false;
    this.trailers = undefined;
    this.ff.reset();
  }

  private head(input: Uint8Array, base: number): HttpParseEvent<H> {
    const r = this.scan(input, base);
    if (r === MORE) return { type: "more", consumed: base };
    if (r === FAILED) return { type: "error", consumed: base, error: this.err! };
    const head = this.kind === "request" ? this.buildRequest(input, base) : this.buildResponse(input, base);
    if (head === undefined) return { type: "error", consumed: base, error: this.err! };
    this.headReported = true;
    return { type: "head", consumed: base + r, head: head as H };
  }

  private fail(code: HttpErrorCode, status: number, reason: string, offset: number): number {
    this.state = ST_ERROR;
    this.err = { code, status, reason, offset };
    return FAILED;
  }

  private failEvent(code: HttpErrorCode, status: number, reason: string, offset: number, consumed: number): HttpParseEvent<H> {
    this.fail(code, status, reason, offset);
    return { type: "error", consumed, error: this.err! };
  }

  /**
   * Scan the start line and field section (or, with hs = F_LINE, a trailer section) starting
   * at input[base]. Returns its length once the empty line is in, MORE, or FAILED.
   */
  private scan(b: Uint8Array, base: number): number {
    const end = b.length;
    const lim = this.limits;
    let hs = this.hs;
    let p = base + this.scanned;
    for (; p < end; p++) {
      // Runs of ordinary bytes inside a target, name, value or reason skip the per-byte state
      // dispatch; the run stops short of any limit, so the checks below still see that byte.
      if (hs === F_VALUE || hs === F_NAME || hs === RQ_TARGET || hs === RS_REASON) {
        const stop = Math.min(end, base + (hs >= F_LINE ? Math.min(lim.maxHeadBytes, this.lineStart + lim.maxHeaderLine) : Math.min(lim.maxHeadBytes, lim.maxStartLine)));
        if (hs === F_NAME || hs === RQ_TARGET) {
          const want = hs === F_NAME ? C_TOKEN : C_TARGET;
          while (p < stop && CHAR_CLASS[b[p]] & want) p++;
        } else {
          let last = -1;
          for (; p < stop; p++) {
            const x = b[p];
            if (CHAR_CLASS[x] & C_FIELD) last = p;
            else if (x !== SP && x !== HTAB) break;
          }
          if (last >= 0 && hs === F_VALUE) this.valueEnd = last - base + 1;
        }
        if (p === end) break;
      }
      const c = b[p];
      const cls = CHAR_CLASS[c];
      const o = p - base;
      if (o >= lim.maxHeadBytes) {
        return this.fail("head-too-large", 431, "header section too large", o);
      }
      if (hs >= F_LINE) {
        if (o - this.lineStart >= lim.maxHeaderLine) return this.fail("header-too-long", 431, "header line too long", o);
      } else if (o >= lim.maxStartLine) {
        if (hs === RQ_TARGET) return this.fail("target-too-long", 414, "request-target too long", o);
        return this.fail(this.kind === "request" ? "bad-target" : "bad-status", 400, "start line too long", o);
      }
      switch (hs) {
        case RQ_METHOD:
          if (c === SP && o > 0) {
            const m = lookupMethod(b, base, p);
            if (m === undefined) return this.fail("bad-method", 501, "unknown method", 0);
            this.method = m;
            hs = RQ_TARGET_FIRST;
          } else if ((cls & C_TOKEN) === 0) {
            return this.fail("bad-method", 400, "invalid character in method", o);
          } else if (o >= MAX_METHOD_LENGTH) {
            return this.fail("bad-method", 501, "unknown method", 0);
          }
          break;
        case RQ_TARGET_FIRST:
          if ((cls & C_TARGET) === 0) return this.fail("bad-target", 400, "invalid request-target", o);
          this.targetStart = o;
          hs = RQ_TARGET;
          break;
        case RQ_TARGET:
          if (c === SP) {
            this.targetEnd = o;
            if (!this.targetValid(b, base + this.targetStart, p)) {
              return this.fail("bad-target", 400, "invalid request-target", this.targetStart);
            }
            hs = RQ_PROTO;
          } else if ((cls & C_TARGET) === 0) {
            return this.fail("bad-target", 400, c === CR || c === LF ? "HTTP/0.9 requests are not supported" : "invalid character in request-target", o);
          }
          break;
        case RQ_PROTO:
        case RS_PROTO:
          if (c !== HTTP_SLASH[this.protoIdx]) return this.fail("bad-version", 400, "expected HTTP/", o);
          if (++this.protoIdx === 5) hs = hs === RQ_PROTO ? RQ_MAJOR : RS_MAJOR;
          break;
        case RQ_MAJOR:
        case RS_MAJOR:
          if ((cls & C_DIGIT) === 0) return this.fail("bad-version", 400, "invalid HTTP version", o);
          this.major = c - 0x30;
          hs = hs === RQ_MAJOR ? RQ_DOT : RS_DOT;
          break;
        case RQ_DOT:
        case RS_DOT:
          if (c !== 0x2e) return this.fail("bad-version", 400, "invalid HTTP version", o);
          hs = hs === RQ_DOT ? RQ_MINOR : RS_MINOR;
          break;
        case RQ_MINOR:
        case RS_MINOR:
          if ((cls & C_DIGIT) === 0) return this.fail("bad-version", 400, "invalid HTTP version", o);
          this.minor = c - 0x30;
          if (this.major !== 1 || this.minor > 1) return this.fail("unsupported-version", 505, "HTTP version not supported", o);
          hs = hs === RQ_MINOR ? RQ_CR : RS_SP;
          break;
        case RQ_CR:
          if (c !== CR) return this.fail(c === LF ? "bad-line-ending" : "bad-version", 400, "expected CRLF after the HTTP version", o);
          hs = RQ_LF;
          break;
        case RQ_LF:
        case RS_LF:
          if (c !== LF) return this.fail("bad-line-ending", 400, "CR not followed by LF", o);
          hs = F_LINE;
          this.lineStart = o + 1;
          break;
        case RS_SP:
          if (c !== SP) return this.fail("bad-version", 400, "expected a space after the HTTP version", o);
          hs = RS_CODE;
          break;
        case RS_CODE:
          if ((cls & C_DIGIT) === 0) return this.fail("bad-status", 400, "invalid status code", o);
          this.status = this.status * 10 + (c - 0x30);
          if (++this.codeDigits === 3) {
            if (this.status < 100 || this.status > 599) return this.fail("bad-status", 400, "status code out of range", o);
            hs = RS_AFTER_CODE;
          }
          break;
        case RS_AFTER_CODE:
          if (c === SP) {
            this.reasonStart = this.reasonEnd = o + 1;
            hs = RS_REASON;
          } else if (c === CR) {
            this.reasonStart = this.reasonEnd = o;
            hs = RS_LF;
          } else return this.fail(c === LF ? "bad-line-ending" : "bad-status", 400, "invalid status line", o);
          break;
        case RS_REASON:
          if (c === CR) {
            this.reasonEnd = o;
            hs = RS_LF;
          } else if ((cls & C_FIELD) === 0 && !isWs(c)) {
            return this.fail(c === LF ? "bad-line-ending" : "bad-status", 400, "invalid character in reason phrase", o);
          }
          break;
        case F_LINE:
          if (c === CR) hs = F_END_LF;
          else if (cls & C_TOKEN) {
            if (this.nHeaders >= lim.maxHeaders) return this.fail("too-many-headers", 431, "too many header fields", o);
            this.nameStart = o;
            hs = F_NAME;
          } else if (isWs(c)) return this.fail("obs-fold", 400, "line folding or whitespace before a field name", o);
          else if (c === LF) return this.fail("bad-line-ending", 400, "bare LF", o);
          else return this.fail("bad-header-name", 400, "invalid character in field name", o);
          break;
        case F_NAME:
          if (c === 0x3a) {
            this.nameEnd = o;
            hs = F_OWS;
          } else if ((cls & C_TOKEN) === 0) {
            return this.fail("bad-header-name", 400, isWs(c) ? "whitespace before colon" : "invalid character in field name", o);
          }
          break;
        case F_OWS:
          if (isWs(c)) break;
          if (c === CR) {
            this.valueStart = this.valueEnd = o;
            hs = F_VALUE_LF;
          } else if (cls & C_FIELD) {
            this.valueStart = o;
            this.valueEnd = o + 1;
            hs = F_VALUE;
          } else return this.fail(c === LF ? "bad-line-ending" : "bad-header-value", 400, c === LF ? "bare LF" : "invalid character in field value", o);
          break;
        case F_VALUE:
          if (cls & C_FIELD) this.valueEnd = o + 1;
          else if (c === CR) hs = F_VALUE_LF;
          else if (!isWs(c)) {
            return this.fail(c === LF ? "bad-line-ending" : "bad-header-value", 400, c === LF ? "bare LF" : "invalid character in field value", o);
          }
          break;
        case F_VALUE_LF: {
          if (c !== LF) return this.fail("bad-line-ending", 400, "CR not followed by LF", o);
          if (this.state === ST_HEAD) {
            // trailer fields never change framing (RFC 9110 §6.5.1), so only head fields count
            const e = this.ff.add(b, base + this.nameStart, base + this.nameEnd, base + this.valueStart, base + this.valueEnd, base + o - 1, this.kind === "request");
            if (e !== undefined) return this.fail(e.code, e.status, e.reason, this.nameStart);
          }
          const k = 4 * this.nHeaders++;
          this.offs[k] = this.nameStart;
          this.offs[k + 1] = this.nameEnd;
          this.offs[k + 2] = this.valueStart;
          this.offs[k + 3] = this.valueEnd;
          this.lineStart = o + 1;
          hs = F_LINE;
          break;
        }
        case F_END_LF:
          if (c !== LF) return this.fail("bad-line-ending", 400, "CR not followed by LF", o);
          this.hs = hs;
          return o + 1;
      }
    }
    this.hs = hs;
    this.scanned = p - base;
    return MORE;
  }

  /** origin-form, absolute-form, authority-form (CONNECT only) or "*" (RFC 9112 §3.2) */
  private targetValid(b: Uint8Array, s: number, e: number): boolean {
    const first = b[s];
    if (this.method === "CONNECT") {
      let colon = -1;
      for (let i = s; i < e; i++) {
        if ((CHAR_CLASS[b[i]] & C_AUTHORITY) === 0 || b[i] === 0x40) return false;
        if (b[i] === 0x3a) colon = i;
      }
      if (colon <= s || e - colon - 1 < 1 || e - colon - 1 > 5) return false;
      for (let i = colon + 1; i < e; i++) if ((CHAR_CLASS[b[i]] & C_DIGIT) === 0) return false;
      return true;
    }
    if (first === 0x2f) return true;
    if (first === 0x2a) return e - s === 1;
    if ((CHAR_CLASS[first] & C_ALPHA) === 0) return false;
    let i = s + 1;
    while (i < e && (CHAR_CLASS[b[i]] & (C_ALPHA | C_DIGIT) || b[i] === 0x2b || b[i] === 0x2d || b[i] === 0x2e)) i++;
    if (e - i < 4 || b[i] !== 0x3a || b[i + 1] !== 0x2f || b[i + 2] !== 0x2f) return false;
    i += 3;
    const authority = i;
    let ats = 0;
    for (; i < e && b[i] !== 0x2f && b[i] !== 0x3f && b[i] !== 0x23; i++) {
      if ((CHAR_CLASS[b[i]] & C_AUTHORITY) === 0) return false;
      if (b[i] === 0x40 && ++ats > 1) return false;
    }
    return i > authority;
  }

  private fields(b: Uint8Array, base: number): HeaderPair[] {
    const list: HeaderPair[] = [];
    const offs = this.offs;
    for (let h = 0; h < this.nHeaders; h++) {
      const k = 4 * h;
      list.push([latin1(b, base + offs[k], base + offs[k + 1]), latin1(b, base + offs[k + 2], base + offs[k + 3])]);
    }
    return list;
  }

  private buildRequest(b: Uint8Array, base: number): RequestHead | undefined {
    const f = this.ff;
    const v11 = this.minor === 1;
    if (this.requireHost && (f.hosts > 1 || (v11 && f.hosts === 0))) {
      this.fail("bad-header-value", 400, f.hosts ? "more than one Host field" : "HTTP/1.1 request without Host", 0);
      return undefined;
    }
    let framing = this.framingOf(true);
    if (framing === undefined) return undefined;
    // CONNECT has no content (RFC 9110 §9.3.6): the bytes after the head belong to the tunnel
    if (this.method === "CONNECT") framing = "none";
    const target = latin1(b, base + this.targetStart, base + this.targetEnd);
    let path = target;
    let query = "";
    if (this.method !== "CONNECT" && target !== "*") {
      let start = 0;
      if (target.charCodeAt(0) !== 0x2f) {
        // absolute-form: the path starts after "scheme://authority"
        start = target.indexOf("//") + 2;
        while (start < target.length && "/?#".indexOf(target[start]) < 0) start++;
      }
      let hash = target.indexOf("#", start);
      if (hash < 0) hash = target.length;
      const q = target.indexOf("?", start);
      if (q >= 0 && q < hash) {
        path = target.slice(start, q);
        query = target.slice(q + 1, hash);
      } else path = target.slice(start, hash);
      if (path === "") path = "/";
    }
    const upgrade = this.method === "CONNECT" || (f.upgradeField && f.upgradeToken);
    this.startBody(framing, f.contentLength);
    this.upgrade = upgrade;
    this.keepAlive = this.fieldsKeepAlive = v11 ? !f.close : f.keepAlive && !f.close;
    return {
      kind: "request",
      method: this.method,
      target,
      path,
      query,
      versionMajor: this.major,
      versionMinor: this.minor,
      headers: new HttpHeaders(this.fields(b, base)),
      framing,
      contentLength: f.contentLength,
      chunked: framing === "chunked",
      keepAlive: this.keepAlive,
      upgrade,
      expectContinue: f.expectContinue,
    };
  }

  private buildResponse(b: Uint8Array, base: number): ResponseHead | undefined {
    const f = this.ff;
    const status = this.status;
    let framing = this.framingOf(false);
    if (framing === undefined) return undefined;
    // RFC 9112 §6.3: these never have content, whatever the headers say
    if (status < 200 || status === 204 || status === 304) framing = "none";
    const upgrade = status === 101 && f.upgradeField && f.upgradeToken;
    this.startBody(framing, f.contentLength);
    this.upgrade = upgrade;
    this.fieldsKeepAlive = this.minor === 1 ? !f.close : f.keepAlive && !f.close;
    this.keepAlive = this.fieldsKeepAlive && framing !== "until-close";
    return {
      kind: "response",
      status,
      reason: latin1(b, base + this.reasonStart, base + this.reasonEnd),
      versionMajor: this.major,
      versionMinor: this.minor,
      headers: new HttpHeaders(this.fields(b, base)),
      framing,
      contentLength: f.contentLength,
      chunked: framing === "chunked",
      keepAlive: this.keepAlive,
      upgrade,
    };
  }

  /** RFC 9112 §6.1-6.3 message body length; undefined (with the error set) when it is faulty. */
  private framingOf(request: boolean): BodyFraming | undefined {
    const f = this.ff;
    if (f.transferEncoding) {
      if (this.minor === 0) {
        // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing
        this.fail("bad-transfer-encoding", 400, "Transfer-Encoding in an HTTP/1.0 message", 0);
        return undefined;
      }
      if (!request) return f.chunkedLast && f.chunkedCount === 1 ? "chunked" : "until-close";
      if (!f.chunkedLast || f.chunkedCount > 1) {
        this.fail("bad-transfer-encoding", 400, "request Transfer-Encoding must end with a single chunked", 0);
        return undefined;
      }
      if (f.otherCoding) {
        this.fail("unsupported-transfer-coding", 501, "transfer coding not implemented", 0);
        return undefined;
      }
      return "chunked";
    }
    if (f.contentLength >= 0) {
      if (f.contentLength > this.limits.maxBodySize) {
        this.fail("body-too-large", 413, "body larger than allowed", 0);
        return undefined;
      }
      return f.contentLength === 0 ? "none" : "length";
    }
    return request ? "none" : "until-close";
  }

  private startBody(framing: BodyFraming, contentLength: number): void {
    this.framing = framing;
    this.bodyTotal = 0;
    if (framing === "length") {
      this.state = ST_BODY_LENGTH;
      this.remaining = contentLength;
    } else if (framing === "chunked") {
      this.state = ST_BODY_CHUNKED;
      this.cs = CH_SIZE_FIRST;
      this.chunkLine = 0;
      this.remaining = 0;
    } else if (framing === "until-close") {
      this.state = ST_BODY_EOF;
    } else {
      this.state = ST_END;
    }
  }

  private end(consumed: number): HttpParseEvent<H> {
    const keepAlive = this.keepAlive;
    const upgrade = this.upgrade;
    const trailers = this.trailers;
    this.trailers = undefined;
    this.headReported = false;
    this.state = upgrade ? ST_UPGRADED : keepAlive ? ST_IDLE : ST_CLOSED;
    return { type: "end", consumed, trailers, keepAlive, upgrade };
  }

  // ---- chunked body ----

  private chunked(b: Uint8Array): HttpParseEvent<H> {
    const len = b.length;
    let cs = this.cs;
    let i = 0;
    for (; i < len; i++) {
      const c = b[i];
      const cls = CHAR_CLASS[c];
      if (cs < CH_DATA && ++this.chunkLine > this.limits.maxChunkLine) {
        return this.failEvent("bad-chunk", 400, "chunk-size line too long", i, i);
      }
      switch (cs) {
        case CH_SIZE_FIRST:
        case CH_SIZE:
          if (cls & C_HEX) {
            const d = c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10;
            if (this.remaining > (MAX_LENGTH - d) / 16) return this.failEvent("chunk-size-overflow", 400, "chunk size overflow", i, i);
            this.remaining = this.remaining * 16 + d;
            cs = CH_SIZE;
          } else if (cs === CH_SIZE && c === 0x3b) cs = CH_EXT_NAME_FIRST;
          else if (cs === CH_SIZE && c === CR) cs = CH_SIZE_LF;
          else return this.failEvent(c === LF ? "bad-line-ending" : "bad-chunk-size", 400, "invalid character in chunk size", i, i);
          break;
        case CH_EXT_NAME_FIRST:
        case CH_EXT_NAME:
          if (cls & C_TOKEN) cs = CH_EXT_NAME;
          else if (cs === CH_EXT_NAME && c === 0x3d) cs = CH_EXT_VALUE_FIRST;
          else if (cs === CH_EXT_NAME && c === 0x3b) cs = CH_EXT_NAME_FIRST;
          else if (cs === CH_EXT_NAME && c === CR) cs = CH_SIZE_LF;
          else return this.failEvent("bad-chunk", 400, "invalid chunk extension", i, i);
          break;
        case CH_EXT_VALUE_FIRST:
        case CH_EXT_VALUE:
          if (cs === CH_EXT_VALUE_FIRST && c === 0x22) cs = CH_EXT_QUOTED;
          else if (cls & C_TOKEN) cs = CH_EXT_VALUE;
          else if (cs === CH_EXT_VALUE && c === 0x3b) cs = CH_EXT_NAME_FIRST;
          else if (cs === CH_EXT_VALUE && c === CR) cs = CH_SIZE_LF;
          else return this.failEvent("bad-chunk", 400, "invalid chunk extension value", i, i);
          break;
        case CH_EXT_QUOTED:
          if (c === 0x22) cs = CH_EXT_AFTER_QUOTED;
          else if (c === 0x5c) cs = CH_EXT_QPAIR;
          else if ((cls & C_QDTEXT) === 0) return this.failEvent("bad-chunk", 400, "invalid chunk extension quoted value", i, i);
          break;
        case CH_EXT_QPAIR:
          if ((cls & C_FIELD) === 0 && !isWs(c)) return this.failEvent("bad-chunk", 400, "invalid quoted-pair in chunk extension", i, i);
          cs = CH_EXT_QUOTED;
          break;
        case CH_EXT_AFTER_QUOTED:
          if (c === 0x3b) cs = CH_EXT_NAME_FIRST;
          else if (c === CR) cs = CH_SIZE_LF;
          else return this.failEvent("bad-chunk", 400, "invalid character after chunk extension", i, i);
          break;
        case CH_SIZE_LF:
          if (c !== LF) return this.failEvent("bad-line-ending", 400, "CR not followed by LF after chunk size", i, i);
          this.chunkLine = 0;
          if (this.remaining === 0) {
            // last-chunk: the trailer section follows
            this.state = ST_TRAILERS;
            this.hs = F_LINE;
            this.scanned = 0;
            this.lineStart = 0;
            this.nHeaders = 0;
            return this.trailerSection(b, i + 1);
          }
          if (this.bodyTotal + this.remaining > this.limits.maxBodySize) {
            return this.failEvent("body-too-large", 413, "body larger than allowed", i, i);
          }
          this.bodyTotal += this.remaining;
          cs = CH_DATA;
          break;
        case CH_DATA: {
          const n = len - i < this.remaining ? len - i : this.remaining;
          this.remaining -= n;
          if (this.remaining === 0) cs = CH_DATA_CR;
          this.cs = cs;
          return { type: "body", consumed: i + n, data: b.subarray(i, i + n) };
        }
        case CH_DATA_CR:
          if (c !== CR) return this.failEvent("bad-chunk", 400, "chunk data not followed by CRLF", i, i);
          cs = CH_DATA_LF;
          break;
        case CH_DATA_LF:
          if (c !== LF) return this.failEvent("bad-line-ending", 400, "chunk data not followed by CRLF", i, i);
          cs = CH_SIZE_FIRST;
          this.chunkLine = 0;
          break;
      }
    }
    this.cs = cs;
    return { type: "more", consumed: i };
  }

  private trailerSection(b: Uint8Array, base: number): HttpParseEvent<H> {
    this.state = ST_TRAILERS;
    const r = this.scan(b, base);
    if (r === MORE) return { type: "more", consumed: base };
    if (r === FAILED) return { type: "error", consumed: base, error: this.err! };
    if (this.nHeaders > 0) this.trailers = new HttpHeaders(this.fields(b, base));
    this.state = ST_END;
    return this.end(base + r);
  }
}
