// HTTP/1.x message types shared by the parser, the server and the client.
//
// Header names and values, the request-target and the reason phrase are decoded byte-for-char
// (Latin-1), as Node does: a byte above 0x7F in a field value (obs-text) survives a round trip
// unchanged, and no UTF-8 decoding cost is paid for the common all-ASCII case.

export type HeaderPair = [name: string, value: string];

function sameLetters(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x >= 0x41 && x <= 0x5a) x += 0x20;
    if (y >= 0x41 && y <= 0x5a) y += 0x20;
    if (x !== y) return false;
  }
  return true;
}

/** Header fields in wire order, names as sent; lookups ignore ASCII case. */
export class HttpHeaders {
  readonly list: HeaderPair[];

  constructor(list: HeaderPair[] = []) {
    this.list = list;
  }

  get length(): number {
    return this.list.length;
  }

  /** first value of `name`, or undefined */
  get(name: string): string | undefined {
    for (const [n, v] of this.list) if (sameLetters(n, name)) return v;
    return undefined;
  }

  getAll(name: string): string[] {
    const out: string[] = [];
    for (const [n, v] of this.list) if (sameLetters(n, name)) out.push(v);
    return out;
  }

  /** every value of `name` joined with ", " (RFC 9110 §5.3 list semantics), or undefined */
  combined(name: string): string | undefined {
    let out: string | undefined;
    for (const [n, v] of this.list) if (sameLetters(n, name)) out = out === undefined ? v : out + ", " + v;
    return out;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** true when some comma-separated element of `name`'s values equals `token`, ignoring case */
  hasToken(name: string, token: string): boolean {
    for (const [n, v] of this.list) {
      if (!sameLetters(n, name)) continue;
      let start = 0;
      for (let i = 0; i <= v.length; i++) {
        if (i === v.length || v.charCodeAt(i) === 0x2c) {
          let a = start;
          let b = i;
          while (a < b && (v.charCodeAt(a) === 0x20 || v.charCodeAt(a) === 0x09)) a++;
          while (b > a && (v.charCodeAt(b - 1) === 0x20 || v.charCodeAt(b - 1) === 0x09)) b--;
          if (b - a === token.length && sameLetters(v.slice(a, b), token)) return true;
          start = i + 1;
        }
      }
    }
    return false;
  }
}

/** How the body of a message is delimited (RFC 9112 §6.3). */
export type BodyFraming = "none" | "length" | "chunked" | "until-close";

interface MessageHeadBase {
  versionMajor: number;
  versionMinor: number;
  headers: HttpHeaders;
  framing: BodyFraming;
  /** declared Content-Length, or -1 when the message has none */
  contentLength: number;
  chunked: boolean;
  /** the connection may carry another message after this one */
  keepAlive: boolean;
  /**
   * The connection switches protocol after this message: a request with `Connection: upgrade`
   * and an `Upgrade` header, or a CONNECT; a 101 response. The bytes after the message belong
   * to the new protocol, not to HTTP.
   */
  upgrade: boolean;
}

export interface RequestHead extends MessageHeadBase {
  kind: "request";
  method: string;
  /** request-target exactly as sent */
  target: string;
  /** the target up to "?" (still percent-encoded) */
  path: string;
  /** the target after "?" without it, "" when absent */
  query: string;
  /** `Expect: 100-continue` was sent: reply 100 (or a final status) before reading the body */
  expectContinue: boolean;
}

export interface ResponseHead extends MessageHeadBase {
  kind: "response";
  status: number;
  reason: string;
}

export type MessageHead = RequestHead | ResponseHead;

/**
 * A request as the server hands it to the application. `body` is set when the server buffered
 * the whole (small) body before the event; otherwise the body streams as http-chunk events.
 */
export interface HttpRequest extends RequestHead {
  body?: Uint8Array;
}

/** A reply as the client hands it to the application; `body` as for HttpRequest. */
export interface HttpReply extends ResponseHead {
  body?: Uint8Array;
}

/** Why a message was refused, with the status a server should answer before closing. */
export type HttpErrorCode =
  | "bad-method"
  | "bad-target"
  | "target-too-long"
  | "bad-version"
  | "unsupported-version"
  | "bad-status"
  | "bad-header-name"
  | "bad-header-value"
  | "bad-line-ending"
  | "obs-fold"
  | "header-too-long"
  | "too-many-headers"
  | "head-too-large"
  | "bad-content-length"
  | "content-length-and-chunked"
  | "bad-transfer-encoding"
  | "unsupported-transfer-coding"
  | "bad-chunk-size"
  | "chunk-size-overflow"
  | "bad-chunk"
  | "body-too-large"
  | "data-after-close"
  | "incomplete";

export interface HttpParseError {
  code: HttpErrorCode;
  /** 400, 413, 414, 431, 501 or 505; a client treats any of them as a malformed reply */
  status: number;
  reason: string;
  /** offset into the current message (head bytes) or the call's input where the problem is */
  offset: number;
}

/** Bounds on everything the peer controls; defaults suit a device with a 32 KB heap. */
export interface HttpParserLimits {
  /** request-line / status-line bytes (414 URI Too Long / 400 past it); default 2048 */
  maxStartLine: number;
  /** one header line, name and value; default 2048 */
  maxHeaderLine: number;
  /** header fields per message (and per trailer section); default 40 */
  maxHeaders: number;
  /** whole head, start line to the empty line; default 8192 (431 past it) */
  maxHeadBytes: number;
  /** body bytes, declared or chunked (413 past it); default 16 MiB, large enough for firmware uploads that stream */
  maxBodySize: number;
  /** one chunk-size line with its extensions; default 256 */
  maxChunkLine: number;
}

export const defaultHttpParserLimits: Readonly<HttpParserLimits> = {
  maxStartLine: 2048,
  maxHeaderLine: 2048,
  maxHeaders: 40,
  maxHeadBytes: 8192,
  maxBodySize: 16 * 1024 * 1024,
  maxChunkLine: 256,
};

/**
 * What one HttpParser.next() call produced. `consumed` input bytes are done with: the caller
 * drops them and presents the rest (plus anything new) on the next call. Body `data` is a view
 * of the input, valid until the caller modifies that buffer.
 */
export type HttpParseEvent<H extends MessageHead = MessageHead> =
  | { type: "head"; consumed: number; head: H }
  | { type: "body"; consumed: number; data: Uint8Array }
  | { type: "end"; consumed: number; trailers: HttpHeaders | undefined; keepAlive: boolean; upgrade: boolean }
  /** the input ran out mid-element: call again with more bytes */
  | { type: "more"; consumed: number }
  /** an upgrade message ended: the remaining bytes belong to the next protocol */
  | { type: "upgraded"; consumed: number }
  | { type: "error"; consumed: number; error: HttpParseError };
