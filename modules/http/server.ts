// The HTTP/1.1 server protocol (mg_set_protocol_http_websocket on a listening connection).
// It reads requests with the pure HttpParser from conn.recv, checks them (hooks, ACL,
// authentication), routes them (endpoints by prefix, else the connection's handler), buffers
// small bodies or streams large ones, streams multipart bodies part by part, answers
// 100-continue, keeps connections alive and serves pipelined requests strictly in order: a
// request is read only once the previous response is complete (the senders in reply.ts say when).
// Limits: concurrent connections (refuse, or evict the least recently used idle one), header,
// idle and stall timeouts, per-connection buffer caps.

import { aclAllows, parseAcl, type Acl } from "../core/acl";
import { Connection, Flags, type Protocol } from "../core/connection";
import type { EventOf, Handler, McEvent } from "../core/events";
import type { Manager } from "../core/manager";
import type { LogLevel, TimerId } from "../core/platform";
import { checkAuthorization, digestChallenge, DigestNonces, platformMd5, type Md5 } from "./auth";
import { currentExchange, Exchange, ServerConn, type ServerContext } from "./exchange";
import { mediaType } from "./header-params";
import { formatLogDate } from "./http-date";
import type { HttpParseError, HttpRequest, RequestHead } from "./message";
import { MultipartReader, multipartBoundary, type MultipartSink, type PartInfo } from "./multipart";
import { HttpParser } from "./parser";
import { errorPage, headerLines, reply } from "./reply";
import { Router } from "./router";
import { resolveServerOptions, type HttpAuthOptions, type HttpServerHooks, type HttpServerOptions, type ResolvedServerOptions } from "./server-options";
import { statusText } from "./status";
import "./events";
import "./server-events";

const CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n";
// Closing a socket with unread input makes TCP send a reset, which can destroy the error response
// still in flight to the client. So after an error the server keeps reading (and dropping) until
// the peer has been quiet this long, or for at most LINGER_MAX_MS / LINGER_MAX_BYTES.
const LINGER_QUIET_MS = 150;
const LINGER_MAX_MS = 3000;
const LINGER_MAX_BYTES = 256 * 1024;

/** Per-connection server state (conn.protoData). */
class HttpServerConn extends ServerConn {
  readonly parser: HttpParser<RequestHead>;
  requests = 0;
  /** when the current head began (or the connection was accepted), for the header timeout */
  headStart: number;
  /** inside processInput: completions found there continue the loop instead of re-entering */
  processing = false;
  again = false;
  /** a response decided to close: read nothing more */
  closing = false;
  failed = false;
  /** refused at accept: its later events are not the application's business */
  rejected = false;
  /** the request was shown to the application (its failure is reported to it) */
  dispatched = false;
  bodyBuf: Uint8Array | undefined;
  bodyLen = 0;
  multipart: MultipartReader | undefined;
  part: PartInfo | undefined;
  drained = 0;
  /** closing after an error while the peer may still be sending: input is read and dropped */
  lingering = false;
  lingerStart = 0;
  lingerTimer: TimerId | undefined;

  constructor(ctx: ServerContext, parser: HttpParser<RequestHead>, now: number) {
    super(ctx);
    this.parser = parser;
    this.headStart = now;
  }
}

function stateOf(c: Connection): HttpServerConn | undefined {
  const d = c.protoData;
  return d instanceof HttpServerConn ? d : undefined;
}

interface AuthState {
  options: HttpAuthOptions;
  nonces: DigestNonces;
}

export class HttpServer implements Protocol, ServerContext {
  readonly name = "http";
  readonly mgr: Manager;
  readonly options: ResolvedServerOptions;
  readonly hooks: HttpServerHooks;
  readonly router = new Router();
  readonly md5: Md5;
  /** the connection the server was attached to (a listener, or a single connection) */
  readonly conn: Connection;
  private readonly extra: string;
  private readonly acl: Acl | undefined;
  private readonly auth: AuthState | undefined;
  private readonly conns = new Set<Connection>();
  private sweepTimer: TimerId | undefined;
  private nonceSource: DigestNonces | undefined;

  constructor(conn: Connection, options: HttpServerOptions = {}) {
    this.conn = conn;
    this.mgr = conn.mgr;
    this.options = resolveServerOptions(options);
    this.hooks = options.hooks ?? {};
    this.extra = headerLines(options.extraHeaders);
    this.md5 = platformMd5(this.mgr.platform);
    if (options.acl !== undefined && options.acl.length > 0) {
      const r = parseAcl(options.acl);
      if (!r.ok) throw new Error(`bad ACL "${options.acl}": ${r.error}`);
      this.acl = r.acl;
    }
    if (options.auth) {
      const nonces = new DigestNonces(this.md5, this.mgr.platform.randomBytes(16), options.auth.nonceLifetimeMs);
      this.auth = { options: options.auth, nonces };
    }
    const o = this.options;
    const shortest = Math.min(o.idleTimeoutMs, o.headerTimeoutMs, o.stallTimeoutMs);
    if (shortest > 0) {
      // One timer for the whole server: per-connection timers would cost a platform timer each.
      const period = Math.max(50, Math.min(1000, Math.floor(shortest / 4)));
      this.sweepTimer = this.mgr.platform.timers.repeat(() => this.sweep(), period);
    }
  }

  /** mg_register_http_endpoint: requests whose path starts with `prefix` go to `handler`. */
  endpoint(prefix: string, handler: Handler): this {
    this.router.add(prefix, handler);
    return this;
  }

  /** Digest nonces of this server (shared by server-wide and static-file authentication). */
  get nonces(): DigestNonces {
    if (!this.nonceSource) this.nonceSource = this.auth?.nonces ?? new DigestNonces(this.md5, this.mgr.platform.randomBytes(16));
    return this.nonceSource;
  }

  get connectionCount(): number {
    return this.conns.size;
  }

  /** Stop the sweep timer (the listener's close does this too). */
  stop(): void {
    if (this.sweepTimer !== undefined) this.mgr.platform.timers.clear(this.sweepTimer);
    this.sweepTimer = undefined;
  }

  // ---- ServerContext -----------------------------------------------------------------------

  extraHeaders(c: Connection, ex: Exchange, status: number): string {
    let out = this.extra;
    if (this.hooks.addHeaders) {
      try {
        out += headerLines(this.hooks.addHeaders(c, ex.request, status));
      } catch (e) {
        this.log(c, "error", `add-headers hook threw: ${(e as Error).message}`);
      }
    }
    const st = stateOf(c);
    if (st && (st.closing || st.failed)) ex.keepAlive = false;
    if (!ex.requestDone && ex.request.framing !== "none") {
      // Answering before the body is in: the connection survives only if what is left of the
      // body can be read and dropped; after an unanswered Expect the client may not send it at all.
      const req = ex.request;
      if (req.expectContinue && !ex.continued) ex.keepAlive = false;
      else if (req.framing !== "length" || req.contentLength > this.options.maxDrainBytes) ex.keepAlive = false;
    }
    return out;
  }

  responseDone(c: Connection, ex: Exchange): void {
    const st = stateOf(c);
    if (!st || st.exchange !== ex) return;
    if (this.options.accessLog) this.logAccess(c, ex);
    try {
      this.hooks.endRequest?.(c, ex.request, ex.status);
    } catch (e) {
      this.log(c, "error", `end-request hook threw: ${(e as Error).message}`);
    }
    if (!ex.requestDone && ex.request.framing !== "none") {
      // The rest of this request's body is of no interest any more.
      if (ex.request.expectContinue && !ex.continued) ex.keepAlive = false;
      ex.discardBody = true;
    }
    if (!ex.keepAlive) this.closeGracefully(c, st);
    this.resume(c, st);
  }

  sendError(c: Connection, status: number, reason?: string): void {
    const ex = currentExchange(c);
    const text = reason ?? statusText(status);
    if (this.hooks.httpError) {
      let handled = false;
      try {
        handled = this.hooks.httpError(c, status, text, ex?.request);
      } catch (e) {
        this.log(c, "error", `http-error hook threw: ${(e as Error).message}`);
      }
      if (handled) {
        if (ex && !ex.headSent && ex.framing === "none") ex.framing = "raw";
        return;
      }
    }
    if (ex && ex.headSent) {
      // Too late for a status: the only honest signal left is the close.
      this.log(c, "warn", `error ${status} after the response head was sent; closing`);
      ex.keepAlive = false;
      c.closeAfterSend();
      return;
    }
    errorPage(c, status, reason);
  }

  log(c: Connection | undefined, level: LogLevel, message: string): void {
    const line = c ? `http ${c.remote.address}:${c.remote.port} #${c.id}: ${message}` : `http: ${message}`;
    try {
      if (this.hooks.logMessage?.(c, level, line)) return;
    } catch {
      // a faulty log hook must not take the server down
    }
    this.mgr.log(level, line);
  }

  private logAccess(c: Connection, ex: Exchange): void {
    const r = ex.request;
    const line =
      `${c.remote.address} - ${ex.user || "-"} [${formatLogDate(this.mgr.platform.time())}] ` +
      `"${r.method} ${r.target} HTTP/${r.versionMajor}.${r.versionMinor}" ${ex.status || "-"} ${ex.bytesOut || "-"}`;
    try {
      if (this.hooks.logAccess?.(c, line)) return;
    } catch {
      // as above
    }
    this.mgr.log("info", line);
  }

  // ---- Protocol ----------------------------------------------------------------------------

  onEvent(c: Connection, ev: McEvent): void {
    if (c.flags & Flags.LISTENING) {
      if (ev.type === "close") this.stop();
      c.emit(ev);
      return;
    }
    let st = stateOf(c);
    if (!st) {
      st = this.admit(c);
      if (!st) return;
      if (ev.type !== "accept") c.emit({ type: "accept", remote: c.remote });
    }
    if (st.rejected) return;
    switch (ev.type) {
      case "accept":
        c.emit(ev);
        return;
      case "recv":
        if (st.lingering) this.dropInput(c, st);
        else this.processInput(c, st);
        break;
      case "send": {
        const p = st.exchange?.producer;
        if (p) p.fill(c);
        break;
      }
      case "close":
        this.onClose(c, st);
        break;
      default:
        break;
    }
    if (c.protocol === this || ev.type === "close") c.emit(ev);
  }

  /** A new connection: filters, connection limit, buffer caps, state. Undefined when refused. */
  private admit(c: Connection): HttpServerConn | undefined {
    const now = this.mgr.now();
    const st = new HttpServerConn(this, HttpParser.request(this.options.parser), now);
    c.protoData = st;
    let allowed = true;
    if (this.acl && !aclAllows(this.acl, c.remote.address)) {
      this.log(c, "info", "refused by the IP ACL");
      allowed = false;
    } else if (this.hooks.filterConnection) {
      try {
        allowed = this.hooks.filterConnection(c, c.remote);
      } catch (e) {
        this.log(c, "error", `filter-connection hook threw: ${(e as Error).message}`);
        allowed = false;
      }
    }
    if (allowed && this.options.maxConnections > 0 && this.conns.size >= this.options.maxConnections) {
      if (!(this.options.onOverload === "purge-idle" && this.purgeIdle())) {
        this.log(c, "warn", `over ${this.options.maxConnections} connections: refused`);
        // A short, complete answer: the client learns why instead of seeing a reset.
        c.write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        c.closeAfterSend();
        st.rejected = true;
        return undefined;
      }
    }
    if (!allowed) {
      st.rejected = true;
      c.close();
      return undefined;
    }
    const o = this.options;
    if (o.recvLimit !== undefined || o.sendLimit !== undefined) {
      const recvLimit = o.recvLimit ?? c.limits.recvLimit;
      const sendLimit = o.sendLimit ?? c.limits.sendLimit;
      c.limits = { recvLimit, sendLimit, sendHighWater: Math.min(c.limits.sendHighWater, Math.max(1024, sendLimit >> 1)) };
      c.recv.limit = recvLimit;
      c.send.limit = sendLimit;
    }
    this.conns.add(c);
    return st;
  }

  /** Close the least recently active connection that is between requests (or still sending a head). */
  private purgeIdle(): boolean {
    let victim: Connection | undefined;
    for (const c of this.conns) {
      const st = stateOf(c);
      if (!st || st.exchange || c.isClosed || c.flags & (Flags.CLOSE_IMMEDIATELY | Flags.SEND_AND_CLOSE)) continue;
      if (!victim || c.lastIo < victim.lastIo) victim = c;
    }
    if (!victim) return false;
    this.log(victim, "info", "closed to make room for a new connection");
    this.conns.delete(victim);
    victim.close();
    return true;
  }

  private onClose(c: Connection, st: HttpServerConn): void {
    this.conns.delete(c);
    if (st.lingerTimer !== undefined) this.mgr.platform.timers.clear(st.lingerTimer);
    st.lingerTimer = undefined;
    const ex = st.exchange;
    if (ex) {
      if (!ex.requestDone && !ex.discardBody && st.dispatched) {
        if (st.multipart) this.endMultipart(c, st, ex, "connection closed");
        else this.deliver(c, ex, { type: "http-error", error: { code: "ECONNRESET", message: "connection closed before the request body ended" } });
      }
      if (ex.producer) {
        const p = ex.producer;
        ex.producer = undefined;
        p.close(false);
      }
    }
    try {
      this.hooks.connectionClose?.(c);
    } catch (e) {
      this.log(c, "error", `connection-close hook threw: ${(e as Error).message}`);
    }
  }

  // ---- reading requests --------------------------------------------------------------------

  /** Continue after a response completed outside the read loop (a later send event, a timer). */
  private resume(c: Connection, st: HttpServerConn): void {
    if (st.processing) {
      st.again = true;
      return;
    }
    // Deferred so that the next request's handler does not run inside the sender's caller.
    Promise.resolve().then(() => {
      if (!c.isClosed && c.protocol === this) this.processInput(c, st);
    });
  }

  private processInput(c: Connection, st: HttpServerConn): void {
    if (st.processing) {
      st.again = true;
      return;
    }
    st.processing = true;
    try {
      do {
        st.again = false;
        this.readMessages(c, st);
      } while (st.again && !c.isClosed);
    } finally {
      st.processing = false;
    }
  }

  private readMessages(c: Connection, st: HttpServerConn): void {
    for (;;) {
      if (c.protocol !== this) {
        // Another protocol (WebSocket) took the connection over: it no longer counts as ours.
        this.conns.delete(c);
        return;
      }
      if (c.isClosed || c.flags & Flags.CLOSE_IMMEDIATELY || st.failed) return;
      const ex = st.exchange;
      if (ex && ex.requestDone) {
        if (!ex.complete && !this.rawComplete(c, ex)) return; // the application still owes the response
        this.finishExchange(c, st);
        continue;
      }
      if (st.closing) return;
      const wasIdle = !ex && st.parser.idle;
      // between messages with nothing buffered the parser has nothing to say: skip the call
      if (c.recv.length === 0 && st.parser.idle) return;
      const r = st.parser.next(c.recv.bytes);
      switch (r.type) {
        case "more":
          c.recv.remove(r.consumed);
          if (wasIdle && !st.parser.idle && st.requests > 0) st.headStart = this.mgr.now();
          return;
        case "head":
          c.recv.remove(r.consumed);
          this.onHead(c, st, r.head);
          break;
        case "body":
          this.onBody(c, st, r.data);
          if (c.isClosed) return;
          c.recv.remove(r.consumed);
          break;
        case "end":
          c.recv.remove(r.consumed);
          this.onRequestEnd(c, st, r.keepAlive, r.trailers);
          break;
        case "upgraded":
          c.recv.remove(r.consumed);
          // The application did not take the connection over: the upgrade was declined and
          // what follows is HTTP again.
          if (c.protocol === this) st.parser.reset();
          else return;
          break;
        case "error":
          this.onParseError(c, st, r.error);
          return;
      }
    }
  }

  /** Raw responses (the app wrote bytes itself) are complete once the request is, or on close flags. */
  private rawComplete(c: Connection, ex: Exchange): boolean {
    const closing = (c.flags & (Flags.SEND_AND_CLOSE | Flags.CLOSE_IMMEDIATELY)) !== 0;
    if (ex.framing !== "raw" && !closing) return false;
    if (closing) ex.keepAlive = false;
    ex.complete = true;
    this.responseDone(c, ex);
    return true;
  }

  private finishExchange(c: Connection, st: HttpServerConn): void {
    const ex = st.exchange;
    st.exchange = undefined;
    st.bodyBuf = undefined;
    st.multipart = undefined;
    st.part = undefined;
    st.dispatched = false;
    st.drained = 0;
    st.headStart = this.mgr.now();
    if (ex?.producer) {
      const p = ex.producer;
      ex.producer = undefined;
      p.close(true);
    }
  }

  /** Deliver a request event to the exchange's handler, noticing raw writes. */
  private deliver(c: Connection, ex: Exchange, ev: McEvent): void {
    const before = c.send.length;
    ex.handler(c, ev);
    if (!c.isClosed && !ex.headSent && ex.framing === "none" && c.send.length > before) ex.framing = "raw";
  }

  private sendContinue(c: Connection, ex: Exchange): void {
    if (!ex.request.expectContinue || ex.continued || ex.headSent || ex.complete || ex.discardBody) return;
    ex.continued = true;
    c.write(CONTINUE);
  }

  private needsAuth(path: string): boolean {
    const prefixes = this.auth?.options.prefixes;
    if (!prefixes) return true;
    for (const p of prefixes) if (path.startsWith(p)) return true;
    return false;
  }

  /** mg_http_send_digest_auth_request: 401 with a Digest challenge for `realm`. */
  challenge(c: Connection, realm: string, stale: boolean): void {
    const nonce = this.nonces.issue(this.mgr.platform.time());
    reply(c, 401, "Authentication required\n", `WWW-Authenticate: ${digestChallenge(realm, nonce, stale)}`);
  }

  private onHead(c: Connection, st: HttpServerConn, head: RequestHead): void {
    const o = this.options;
    const now = this.mgr.now();
    st.requests++;
    const request = head as HttpRequest;
    const keepAlive = o.keepAlive && head.keepAlive && (o.maxRequestsPerConnection === 0 || st.requests < o.maxRequestsPerConnection);
    const ex = new Exchange(request, c.handler, keepAlive, now);
    st.exchange = ex;
    const hasBody = head.framing !== "none";
    if (!this.admitRequest(c, st, ex)) {
      ex.discardBody = true;
      return;
    }
    ex.handler = this.router.match(request.path) ?? c.handler;
    st.dispatched = true;
    if (!hasBody) {
      this.deliver(c, ex, { type: "http-request", request });
      return;
    }
    const contentType = head.headers.get("content-type");
    if (o.streamMultipart && mediaType(contentType) === "multipart/form-data") {
      const boundary = multipartBoundary(contentType);
      if (boundary === undefined) {
        st.dispatched = false;
        ex.discardBody = true;
        this.sendError(c, 400, "multipart body without a usable boundary");
        return;
      }
      st.multipart = new MultipartReader(boundary, o.multipart);
      this.deliver(c, ex, { type: "http-multipart-request", request });
      this.sendContinue(c, ex);
      return;
    }
    if (head.framing === "length" && head.contentLength <= o.maxBufferedBody) {
      st.bodyBuf = new Uint8Array(head.contentLength);
      st.bodyLen = 0;
      st.dispatched = false;
      this.sendContinue(c, ex);
      return;
    }
    if (head.framing === "chunked" && o.maxBufferedBody > 0) {
      // Unknown size: buffer until it proves too large, then switch to streaming.
      st.bodyBuf = new Uint8Array(o.maxBufferedBody);
      st.bodyLen = 0;
      st.dispatched = false;
      this.sendContinue(c, ex);
      return;
    }
    this.deliver(c, ex, { type: "http-request", request });
    this.sendContinue(c, ex);
  }

  /** Filters, begin-request, authentication, access rights. False when the request was answered. */
  private admitRequest(c: Connection, st: HttpServerConn, ex: Exchange): boolean {
    const request = ex.request;
    const h = this.hooks;
    try {
      if (h.filterRequest && !h.filterRequest(c, request)) {
        this.sendError(c, 403);
        return false;
      }
      if (h.beginRequest) {
        const before = c.send.length;
        if (h.beginRequest(c, request)) {
          if (!ex.headSent && ex.framing === "none" && c.send.length > before) ex.framing = "raw";
          return false;
        }
      }
    } catch (e) {
      this.log(c, "error", `request hook threw: ${(e as Error).message}`);
      this.sendError(c, 500);
      return false;
    }
    if (this.auth && this.needsAuth(request.path)) {
      const a = this.auth;
      const r = checkAuthorization(request.headers.get("authorization"), request.method, request.target, {
        md5: this.md5,
        realm: a.options.realm,
        passwords: a.options.passwords,
        nonces: a.nonces,
        now: this.mgr.platform.time(),
        allowBasic: a.options.allowBasic,
      });
      if (!r.ok) {
        this.challenge(c, a.options.realm, r.stale === true);
        return false;
      }
      ex.user = r.user;
    }
    if (h.checkAccess) {
      let r: boolean | number = false;
      try {
        r = h.checkAccess(c, request, ex.user);
      } catch (e) {
        this.log(c, "error", `check-access hook threw: ${(e as Error).message}`);
      }
      if (r !== true) {
        this.sendError(c, typeof r === "number" && r >= 400 && r <= 599 ? r : 403);
        return false;
      }
    }
    return !st.failed;
  }

  private partSink(c: Connection, st: HttpServerConn, ex: Exchange): MultipartSink {
    const request = ex.request;
    return {
      partBegin: (part) => {
        st.part = part;
        this.deliver(c, ex, { type: "http-part-begin", request, part });
      },
      partData: (data) => {
        if (st.part && !ex.discardBody) this.deliver(c, ex, { type: "http-part-data", request, part: st.part, data });
      },
      partEnd: () => {
        const part = st.part;
        st.part = undefined;
        if (part && !ex.discardBody) {
          const error = st.multipart?.error;
          this.deliver(c, ex, error ? { type: "http-part-end", request, part, error } : { type: "http-part-end", request, part });
        }
      },
    };
  }

  private endMultipart(c: Connection, st: HttpServerConn, ex: Exchange, error?: string): void {
    const reader = st.multipart;
    if (!reader) return;
    const sink = this.partSink(c, st, ex);
    const ok = reader.finish(sink);
    const why = error ?? (ok ? undefined : reader.error);
    st.multipart = undefined;
    this.deliver(c, ex, why ? { type: "http-multipart-end", request: ex.request, error: why } : { type: "http-multipart-end", request: ex.request });
  }

  private onBody(c: Connection, st: HttpServerConn, data: Uint8Array): void {
    const ex = st.exchange!;
    if (ex.discardBody) {
      st.drained += data.length;
      if (st.drained > this.options.maxDrainBytes && ex.complete) {
        ex.keepAlive = false;
        st.closing = true;
        c.closeAfterSend();
      }
      return;
    }
    if (st.multipart) {
      if (!st.multipart.push(data, this.partSink(c, st, ex))) {
        const why = st.multipart.error ?? "bad multipart body";
        this.deliver(c, ex, { type: "http-multipart-end", request: ex.request, error: why });
        st.multipart = undefined;
        ex.discardBody = true;
        if (!ex.headSent && !ex.complete) this.sendError(c, 400, `malformed multipart body (${why})`);
      }
      return;
    }
    if (st.bodyBuf) {
      if (st.bodyLen + data.length <= st.bodyBuf.length) {
        st.bodyBuf.set(data, st.bodyLen);
        st.bodyLen += data.length;
        return;
      }
      // A chunked body outgrew the buffer: show the request, then what was held, then stream.
      const held = st.bodyBuf.subarray(0, st.bodyLen);
      st.bodyBuf = undefined;
      st.dispatched = true;
      this.deliver(c, ex, { type: "http-request", request: ex.request });
      if (c.isClosed || ex.discardBody) return;
      if (held.length > 0) this.deliver(c, ex, { type: "http-chunk", data: held });
      if (c.isClosed || ex.discardBody) return;
    }
    this.deliver(c, ex, { type: "http-chunk", data });
  }

  private onRequestEnd(c: Connection, st: HttpServerConn, keepAlive: boolean, trailers: EventOf<"http-body-end">["trailers"]): void {
    const ex = st.exchange!;
    ex.requestDone = true;
    if (!keepAlive) ex.keepAlive = false;
    if (ex.discardBody) return;
    if (st.multipart) {
      this.endMultipart(c, st, ex);
      return;
    }
    if (st.bodyBuf) {
      ex.request.body = st.bodyBuf.subarray(0, st.bodyLen);
      st.bodyBuf = undefined;
      st.dispatched = true;
      this.deliver(c, ex, { type: "http-request", request: ex.request });
      if (c.isClosed) return;
    }
    this.deliver(c, ex, trailers ? { type: "http-body-end", trailers } : { type: "http-body-end" });
  }

  private onParseError(c: Connection, st: HttpServerConn, error: HttpParseError): void {
    st.failed = true;
    const ex = st.exchange;
    this.log(c, "info", `bad request: ${error.reason} (${error.code}) -> ${error.status}`);
    if (ex && st.dispatched && !ex.requestDone) {
      this.deliver(c, ex, { type: "http-error", error: { code: error.code, message: error.reason, status: error.status } });
    }
    if (!c.isClosed && (!ex || !ex.headSent)) {
      if (ex) {
        ex.keepAlive = false;
        this.sendError(c, error.status, error.reason);
      } else this.errorWithoutExchange(c, error.status, error.reason);
    }
    this.closeGracefully(c, st);
  }

  /**
   * Close once the response is out. When the peer may still be sending (an unread body, a
   * refused head), linger: drop its input until it goes quiet, so the close does not reset the
   * connection under the response.
   */
  private closeGracefully(c: Connection, st: HttpServerConn): void {
    st.closing = true;
    if (st.lingering || c.isClosed) return;
    const peerDone = !st.failed && (st.exchange ? st.exchange.requestDone : st.parser.idle);
    if (peerDone) {
      c.closeAfterSend();
      return;
    }
    st.lingering = true;
    st.lingerStart = this.mgr.now();
    st.drained = 0;
    this.dropInput(c, st);
    const check = () => {
      st.lingerTimer = undefined;
      if (c.isClosed) return;
      const now = this.mgr.now();
      if (c.send.length === 0 && (now - c.lastIo >= LINGER_QUIET_MS || now - st.lingerStart >= LINGER_MAX_MS)) c.close();
      else if (now - st.lingerStart >= LINGER_MAX_MS + this.options.stallTimeoutMs) c.close();
      else st.lingerTimer = this.mgr.platform.timers.set(check, LINGER_QUIET_MS);
    };
    st.lingerTimer = this.mgr.platform.timers.set(check, LINGER_QUIET_MS);
  }

  private dropInput(c: Connection, st: HttpServerConn): void {
    st.drained += c.recv.length;
    c.recv.clear();
    if (st.drained > LINGER_MAX_BYTES && c.send.length === 0) c.close();
  }

  /** An error before any request head was read: no exchange, so no hooks that need a request. */
  private errorWithoutExchange(c: Connection, status: number, reason: string): void {
    let handled = false;
    try {
      handled = this.hooks.httpError?.(c, status, reason, undefined) ?? false;
    } catch (e) {
      this.log(c, "error", `http-error hook threw: ${(e as Error).message}`);
    }
    if (!handled) errorPage(c, status, reason, "Connection: close");
  }

  // ---- timeouts ----------------------------------------------------------------------------

  private sweep(): void {
    const o = this.options;
    const now = this.mgr.now();
    for (const c of Array.from(this.conns)) {
      const st = stateOf(c);
      if (!st || c.isClosed) {
        this.conns.delete(c);
        continue;
      }
      if (st.lingering) continue;
      if (c.flags & (Flags.CLOSE_IMMEDIATELY | Flags.SEND_AND_CLOSE) && now - c.lastIo > o.stallTimeoutMs) {
        c.close();
        continue;
      }
      const ex = st.exchange;
      if (ex) {
        // Waiting on the application (no bytes owed by either side) is not the peer's fault.
        const peerOwes = !ex.requestDone || (ex.headSent && !ex.complete) || c.send.length > 0;
        if (peerOwes && now - c.lastIo > o.stallTimeoutMs) {
          this.log(c, "info", "request or response stalled: closing");
          if (!ex.headSent && !ex.complete) {
            ex.keepAlive = false;
            this.sendError(c, 408);
          }
          c.closeAfterSend();
          st.closing = true;
        }
        continue;
      }
      if ((!st.parser.idle || st.requests === 0) && now - st.headStart > o.headerTimeoutMs) {
        this.log(c, "info", st.parser.idle ? "no request in time: closing" : "request head too slow: closing");
        st.failed = true;
        if (!st.parser.idle) this.errorWithoutExchange(c, 408, "request head not received in time");
        c.closeAfterSend();
        continue;
      }
      if (st.parser.idle && now - Math.max(c.lastIo, st.headStart) > o.idleTimeoutMs) c.close();
    }
  }
}

/**
 * mg_set_protocol_http_websocket for the server side: `conn` is a listening connection (accepted
 * connections inherit the protocol) or one already-connected socket.
 */
export function attach(conn: Connection, options: HttpServerOptions = {}): HttpServer {
  const server = new HttpServer(conn, options);
  conn.protocol = server;
  return server;
}

/** The server a connection belongs to. */
export function serverOf(c: Connection): HttpServer | undefined {
  return c.protocol instanceof HttpServer ? c.protocol : c.listener?.protocol instanceof HttpServer ? c.listener.protocol : undefined;
}

/** mg_register_http_endpoint on a connection attached with attach(). */
export function registerEndpoint(conn: Connection, prefix: string, handler: Handler): void {
  const s = serverOf(conn);
  if (!s) throw new Error("registerEndpoint: connection has no HTTP server attached");
  s.endpoint(prefix, handler);
}
