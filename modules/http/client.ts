// HTTP/1.1 client over the core (Mongoose's mg_connect_http, CivetWeb's mg_download): one call
// sends a request and the handler receives http-reply, http-chunk, http-body-end, or a single
// http-error. Redirects (bounded), Basic and Digest authentication, keep-alive reuse through a
// small per-Manager pool, and a deadline for the whole exchange are handled here, so the
// handler sees only the final reply.
//
// Bodies are buffered (up to maxBuffered, handed over with http-reply) or streamed (stream:
// true: http-reply at the head, http-chunk views of the receive buffer, http-body-end).

import { Flags, type Connection, type Protocol } from "../core/connection";
import type { Handler, McEvent } from "../core/events";
import type { Manager } from "../core/manager";
import { utf8Encode } from "../util/utf8";
import { authorization, parseChallenges, pickChallenge, type Challenge, type Credentials } from "./client-auth";
import { IDLE_TIMEOUT_MS, poolOf } from "./client-pool";
import { parseHttpUrl, resolveLocation, type HttpTarget } from "./client-url";
import type { HttpErrorInfo } from "./events";
import "./events";
import { CHAR_CLASS, C_TOKEN } from "./chars";
import type { HeaderPair, HttpHeaders, HttpParseEvent, HttpParserLimits, HttpReply, ResponseHead } from "./message";
import { HttpParser } from "./parser";

export interface HttpClientOptions {
  /** default GET, or POST when a body is given */
  method?: string;
  /** extra request header fields; Host, Content-Length and Authorization are set by the client */
  headers?: Record<string, string> | HeaderPair[];
  body?: Uint8Array | string;
  /** ms for the whole exchange, redirects and retries included; default 30000 */
  timeout?: number;
  /** redirects to follow; 0 hands 3xx replies to the handler; default 5 */
  maxRedirects?: number;
  /** credentials for Basic or Digest challenges (also taken from http://user:pass@host/) */
  auth?: Credentials & { /** send Basic without waiting for a 401 */ preemptive?: boolean };
  /** reuse pooled connections and return this one to the pool; default true */
  keepAlive?: boolean;
  /** hand the body over in http-chunk events instead of buffering it; default false */
  stream?: boolean;
  /** largest body buffered for http-reply; bigger replies fail with EMSGSIZE; default 16384 */
  maxBuffered?: number;
  /** bounds on the reply's head and body */
  limits?: Partial<HttpParserLimits>;
}

const REDIRECTS = [301, 302, 303, 307, 308];
/** RFC 9110 §9.2.2: a request that may be sent twice, so a dead pooled connection can be retried */
const IDEMPOTENT = ["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"];
const RESERVED_FIELDS = ["content-length", "transfer-encoding"];

function noop(): void {}

/** closed, or about to be: not to be reused */
function closing(c: Connection): boolean {
  return c.isClosed || (c.flags & (Flags.CLOSE_IMMEDIATELY | Flags.SEND_AND_CLOSE)) !== 0;
}

/** One request as the application sees it, across redirects, retries and connections. */
export class HttpClientRequest {
  readonly mgr: Manager;
  readonly handler: Handler;
  readonly options: HttpClientOptions;
  method: string;
  target: HttpTarget;
  body: Uint8Array | undefined;
  readonly headers: HeaderPair[];
  readonly deadline: number;
  redirects = 0;
  /** set when the request failed; set at once by connect() when it could not start */
  error: HttpErrorInfo | undefined;
  done = false;
  /** the connection currently carrying the request */
  connection: Connection | undefined;

  /** @internal */ creds: Credentials | undefined;
  /** @internal */ authField: string | undefined;
  /** @internal */ authTried = false;
  /** @internal */ retried = false;

  constructor(mgr: Manager, target: HttpTarget, options: HttpClientOptions, handler: Handler, headers: HeaderPair[], body: Uint8Array | undefined) {
    this.mgr = mgr;
    this.handler = handler;
    this.options = options;
    this.target = target;
    this.headers = headers;
    this.body = body;
    this.method = options.method ?? (body !== undefined ? "POST" : "GET");
    this.deadline = mgr.now() + (options.timeout ?? 30000);
  }

  /** Stop: no further events; the connection is closed. */
  cancel(): void {
    if (this.done) return;
    this.done = true;
    const c = this.connection;
    if (c && !c.isClosed) {
      const st = c.protoData as ClientConn | undefined;
      if (st && st.req === this) st.req = undefined;
      c.handler = noop;
      c.close();
    }
  }
}

/** After the current reply: what the client does instead of handing it to the application. */
type Next =
  | { kind: "redirect"; url: string; status: number }
  | { kind: "auth"; challenge: Challenge }
  | { kind: "fail"; error: HttpErrorInfo };

/** Per-connection client state (conn.protoData). */
interface ClientConn {
  key: string;
  parser: HttpParser<ResponseHead>;
  req: HttpClientRequest | undefined;
  reused: boolean;
  gotBytes: boolean;
  /** the current reply goes to the application, is an interim 1xx, or is skipped for `next` */
  mode: "deliver" | "interim" | "skip";
  next: Next | undefined;
  reply: HttpReply | undefined;
  buf: Uint8Array | undefined;
  bufLen: number;
}

function fail(c: Connection, req: HttpClientRequest, error: HttpErrorInfo): void {
  if (req.done) return;
  req.done = true;
  req.error = error;
  const st = c.protoData as ClientConn | undefined;
  if (st && st.req === req) st.req = undefined;
  c.handler = req.handler;
  c.emit({ type: "http-error", error });
  c.handler = noop;
  if (!c.isClosed) c.close();
}

function emit(c: Connection, req: HttpClientRequest, ev: McEvent): void {
  if (req.done) return;
  c.handler = req.handler;
  c.emit(ev);
}

function sendRequest(c: Connection, req: HttpClientRequest): void {
  const t = req.target;
  let head = `${req.method} ${t.requestTarget} HTTP/1.1\r\n`;
  let hasHost = false;
  let hasAuth = false;
  let fields = "";
  for (const [n, v] of req.headers) {
    const lower = n.toLowerCase();
    if (lower === "host") hasHost = true;
    if (lower === "authorization") hasAuth = true;
    fields += `${n}: ${v}\r\n`;
  }
  if (!hasHost) head += `Host: ${t.hostField}\r\n`;
  head += fields;
  if (req.authField !== undefined && !hasAuth) head += `Authorization: ${req.authField}\r\n`;
  const body = req.body;
  if (body !== undefined || req.method === "POST" || req.method === "PUT" || req.method === "PATCH") {
    head += `Content-Length: ${body ? body.length : 0}\r\n`;
  }
  if (req.options.keepAlive === false) head += "Connection: close\r\n";
  head += "\r\n";
  if (!c.write(head)) return;
  if (body && body.length) c.write(body);
}

function bind(c: Connection, st: ClientConn, req: HttpClientRequest, reused: boolean): void {
  st.req = req;
  st.reused = reused;
  st.gotBytes = false;
  st.mode = "deliver";
  st.next = undefined;
  st.reply = undefined;
  st.buf = undefined;
  st.bufLen = 0;
  req.connection = c;
  c.handler = req.handler;
  c.setTimer(req.deadline);
}

/** Send `req` on a pooled connection to its origin, or on a new one. */
function start(req: HttpClientRequest): void {
  if (req.done) return;
  const key = req.target.address;
  const pool = poolOf(req.mgr);
  let pooled = req.options.keepAlive === false ? undefined : pool.take(key);
  while (pooled && closing(pooled)) pooled = pool.take(key);
  if (pooled) {
    bind(pooled, pooled.protoData as ClientConn, req, true);
    sendRequest(pooled, req);
    return;
  }
  const st: ClientConn = {
    key, parser: HttpParser.response(req.options.limits), req, reused: false, gotBytes: false,
    mode: "deliver", next: undefined, reply: undefined, buf: undefined, bufLen: 0,
  };
  const c = req.mgr.connect(key, req.handler, { protocol: httpClientProtocol });
  c.protoData = st;
  bind(c, st, req, false);
}

/** The reply is done with: keep the connection for the next request to this origin, or close it. */
function release(c: Connection, st: ClientConn, keepAlive: boolean): void {
  const req = st.req;
  st.req = undefined;
  c.handler = noop;
  if (closing(c)) return;
  const reusable = keepAlive && req?.options.keepAlive !== false && c.recv.length === 0;
  if (reusable && poolOf(c.mgr).put(st.key, c)) c.setTimer(c.mgr.now() + IDLE_TIMEOUT_MS);
  else c.close();
}

function onHead(c: Connection, st: ClientConn, req: HttpClientRequest, head: ResponseHead): void {
  const status = head.status;
  if (status < 200 && status !== 101) {
    st.mode = "interim"; // 100 Continue, 103 Early Hints: the final reply follows
    return;
  }
  if (req.method === "HEAD") st.parser.skipBody();
  else if (req.method === "CONNECT" && status < 300) st.parser.skipBody(true);

  const max = req.options.maxRedirects ?? 5;
  const location = head.headers.get("location");
  if (REDIRECTS.indexOf(status) >= 0 && location !== undefined && max > 0) {
    st.mode = "skip";
    const url = resolveLocation(req.target.href, location);
    if (req.redirects >= max) st.next = { kind: "fail", error: { code: "EREDIRECTS", message: `more than ${max} redirects (last to ${location})` } };
    else if (url === undefined) st.next = { kind: "fail", error: { code: "EINVAL", message: `bad redirect Location ${JSON.stringify(location)}` } };
    else st.next = { kind: "redirect", url, status };
    return;
  }
  if (status === 401 && req.creds && !req.authTried) {
    const challenge = pickChallenge(parseChallenges(head.headers.getAll("www-authenticate")));
    if (challenge) {
      st.mode = "skip";
      st.next = { kind: "auth", challenge };
      return;
    }
  }
  st.mode = "deliver";
  const reply: HttpReply = head;
  st.reply = reply;
  if (req.options.stream) {
    emit(c, req, { type: "http-reply", reply });
    return;
  }
  const max2 = req.options.maxBuffered ?? 16384;
  if (head.contentLength > max2) {
    fail(c, req, { code: "EMSGSIZE", message: `reply body of ${head.contentLength} bytes exceeds maxBuffered (${max2}); use stream: true` });
    return;
  }
  if (head.contentLength > 0) st.buf = new Uint8Array(head.contentLength);
}

function onBody(c: Connection, st: ClientConn, req: HttpClientRequest, data: Uint8Array): void {
  if (st.mode !== "deliver") return;
  if (req.options.stream) {
    emit(c, req, { type: "http-chunk", data });
    return;
  }
  const max = req.options.maxBuffered ?? 16384;
  const need = st.bufLen + data.length;
  if (need > max) {
    fail(c, req, { code: "EMSGSIZE", message: `reply body exceeds maxBuffered (${max}); use stream: true` });
    return;
  }
  if (!st.buf || st.buf.length < need) {
    const grown = new Uint8Array(Math.min(max, Math.max(need, (st.buf?.length ?? 0) * 2, 256)));
    if (st.buf) grown.set(st.buf.subarray(0, st.bufLen));
    st.buf = grown;
  }
  st.buf.set(data, st.bufLen);
  st.bufLen = need;
}

function onEnd(c: Connection, st: ClientConn, req: HttpClientRequest, ev: { keepAlive: boolean; upgrade: boolean; trailers?: HttpHeaders }): void {
  if (st.mode === "interim") {
    st.mode = "deliver";
    return;
  }
  if (st.mode === "skip") {
    const next = st.next!;
    if (next.kind === "fail") {
      fail(c, req, next.error);
      return;
    }
    if (next.kind === "redirect") {
      const parsed = parseHttpUrl(next.url);
      if (!parsed.ok) {
        fail(c, req, { code: parsed.code, message: `redirect to ${next.url}: ${parsed.message}` });
        return;
      }
      release(c, st, ev.keepAlive);
      follow(req, parsed.target, next.status);
      return;
    }
    const field = authorization(next.challenge, req.creds!, { platform: c.mgr.platform, method: req.method, uri: req.target.requestTarget, nc: 1 });
    req.authTried = true;
    req.authField = field;
    release(c, st, ev.keepAlive);
    start(req);
    return;
  }
  const reply = st.reply!;
  if (!req.options.stream) {
    reply.body = st.buf ? st.buf.subarray(0, st.bufLen) : new Uint8Array(0);
    emit(c, req, { type: "http-reply", reply });
  }
  emit(c, req, ev.trailers ? { type: "http-body-end", trailers: ev.trailers } : { type: "http-body-end" });
  if (st.req !== req) return; // cancelled from the handler
  req.done = true;
  if (ev.upgrade) {
    // 101 or a CONNECT tunnel: the connection now carries the application's own protocol
    st.req = undefined;
    c.protocol = undefined;
    c.protoData = undefined;
    c.handler = req.handler;
    return;
  }
  release(c, st, ev.keepAlive);
}

/** RFC 9110 §15.4: 303 turns into GET, and so do POSTs redirected by 301/302; 307/308 replay. */
function follow(req: HttpClientRequest, target: HttpTarget, status: number): void {
  req.redirects++;
  if ((status === 303 && req.method !== "HEAD") || ((status === 301 || status === 302) && req.method === "POST")) {
    req.method = "GET";
    req.body = undefined;
  }
  if (target.address !== req.target.address) {
    // credentials were for the origin that asked for them
    req.creds = target.user !== undefined ? { user: target.user, password: target.password ?? "" } : undefined;
    req.authField = undefined;
    req.authTried = false;
  }
  req.target = target;
  req.retried = false;
  start(req);
}

function onParse(c: Connection, st: ClientConn, req: HttpClientRequest, ev: HttpParseEvent<ResponseHead>): void {
  switch (ev.type) {
    case "head":
      onHead(c, st, req, ev.head);
      break;
    case "body":
      onBody(c, st, req, ev.data);
      break;
    case "end":
      onEnd(c, st, req, ev);
      break;
    case "error":
      fail(c, req, { code: ev.error.code, message: `malformed reply from ${req.target.href}: ${ev.error.reason}`, status: ev.error.status });
      break;
  }
}

function onRecv(c: Connection, st: ClientConn): void {
  for (;;) {
    const req = st.req;
    if (!req || c.isClosed) {
      // bytes nobody asked for on an idle connection: it cannot be trusted for the next request
      if (!c.isClosed && c.recv.length > 0 && c.protocol === httpClientProtocol) c.close();
      return;
    }
    st.gotBytes = true;
    const ev = st.parser.next(c.recv.bytes);
    if (ev.type === "body") {
      onParse(c, st, req, ev); // data is a view of recv: use it before removing
      if (!c.isClosed) c.recv.remove(ev.consumed);
      continue;
    }
    c.recv.remove(ev.consumed);
    if (ev.type === "more") return;
    onParse(c, st, req, ev);
    if (ev.type === "error" || ev.type === "upgraded" || c.protocol !== httpClientProtocol) {
      if (c.protocol !== httpClientProtocol && c.recv.length > 0) c.emit({ type: "recv", bytes: c.recv.length });
      return;
    }
  }
}

function onClose(c: Connection, st: ClientConn, error: { code: string; message: string } | undefined): void {
  poolOf(c.mgr).remove(st.key, c);
  const req = st.req;
  if (!req || req.done) return;
  const fin = st.parser.finish();
  if (fin && fin.type === "end") {
    onParse(c, st, req, fin); // a reply delimited by the close
    return;
  }
  if (st.reused && !st.gotBytes && !req.retried && IDEMPOTENT.indexOf(req.method) >= 0) {
    // the server dropped the idle connection as we reused it: one fresh attempt (RFC 9112 §9.3.1)
    req.retried = true;
    st.req = undefined;
    start(req);
    return;
  }
  const why = error ? `${error.code}: ${error.message}` : "connection closed";
  fail(c, req, { code: error?.code ?? "ECONNRESET", message: `${why} before the reply from ${req.target.href} was complete` });
}

export const httpClientProtocol: Protocol = {
  name: "http-client",
  onEvent(c: Connection, ev: McEvent): void {
    const st = c.protoData as ClientConn | undefined;
    if (!st) return;
    switch (ev.type) {
      case "connect":
        if (ev.error) {
          if (st.req) fail(c, st.req, { code: ev.error.code, message: `connect to ${st.req.target.href}: ${ev.error.message}` });
        } else if (st.req) sendRequest(c, st.req);
        break;
      case "recv":
        onRecv(c, st);
        break;
      case "timer":
        if (st.req) {
          if (c.mgr.now() >= st.req.deadline) fail(c, st.req, { code: "ETIMEDOUT", message: `no complete reply from ${st.req.target.href} in time` });
          else c.setTimer(st.req.deadline); // a timer may fire a little early: wait out the rest
        } else c.close(); // idle too long in the pool
        break;
      case "close":
        onClose(c, st, ev.error);
        break;
    }
  },
};

function validFieldName(n: string): boolean {
  if (n.length === 0) return false;
  for (let i = 0; i < n.length; i++) {
    const c = n.charCodeAt(i);
    if (c > 0x7f || (CHAR_CLASS[c] & C_TOKEN) === 0) return false;
  }
  return true;
}

function validFieldValue(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f || c > 0xff) return false;
  }
  return true;
}

/**
 * Send a request to an http:// URL; events go to `handler`. When the request cannot start
 * (malformed URL or fields, https://) the returned request carries `error` and the handler is
 * never called.
 */
export function connect(mgr: Manager, url: string, options: HttpClientOptions, handler: Handler): HttpClientRequest {
  const parsed = parseHttpUrl(url);
  const headers: HeaderPair[] = [];
  let error: HttpErrorInfo | undefined = parsed.ok ? undefined : { code: parsed.code, message: parsed.message };
  const raw = options.headers ?? [];
  const list: HeaderPair[] = Array.isArray(raw) ? raw : Object.keys(raw).map((k) => [k, raw[k]] as HeaderPair);
  for (const [n, v] of list) {
    if (!validFieldName(n) || !validFieldValue(String(v))) error ??= { code: "EINVAL", message: `bad request field ${JSON.stringify(n)}` };
    else if (RESERVED_FIELDS.indexOf(n.toLowerCase()) >= 0) error ??= { code: "EINVAL", message: `${n} is set by the client` };
    else headers.push([n, String(v)]);
  }
  const m = options.method;
  if (m !== undefined && !validFieldName(m)) error ??= { code: "EINVAL", message: `bad method ${JSON.stringify(m)}` };
  const body = typeof options.body === "string" ? utf8Encode(options.body) : options.body;
  const target: HttpTarget = parsed.ok ? parsed.target : { href: url, host: "", port: 0, address: "", hostField: "", requestTarget: "/" };
  const req = new HttpClientRequest(mgr, target, options, handler, headers, body);
  if (error) {
    req.error = error;
    req.done = true;
    return req;
  }
  if (options.auth) req.creds = { user: options.auth.user, password: options.auth.password };
  else if (target.user !== undefined) req.creds = { user: target.user, password: target.password ?? "" };
  if (req.creds && options.auth?.preemptive) {
    req.authField = authorization({ scheme: "basic", realm: "", nonce: "" }, req.creds, { platform: mgr.platform, method: req.method, uri: target.requestTarget, nc: 1 });
  }
  start(req);
  return req;
}
