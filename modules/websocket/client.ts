// WebSocket client (mg_connect_ws / mg_connect_ws_opt): connect, send the opening handshake,
// read the server's reply with the HTTP parser, validate it (RFC 6455 4.1) and hand the
// connection to the session. Every way this can fail ends in one ws-error with a precise code
// (libwebsockets' CLIENT_CONNECTION_ERROR with its reason), then close.

import type { Connection, ConnectionLimits, Protocol } from "../core/connection";
import type { Handler, McEvent } from "../core/events";
import type { Manager } from "../core/manager";
import { HttpParser } from "../http/parser";
import type { ResponseHead } from "../http/message";
import {
  checkServerReply,
  clientHandshakeRequest,
  computeAccept,
  formatExtraHeaders,
  makeClientKey,
  type ExtraHeaders,
} from "./handshake";
import { installSession, WsSession, type WebSocketOptions } from "./session";
import "./events";

export interface WebSocketClientOptions extends WebSocketOptions {
  /** subprotocols to offer, in preference order (Sec-WebSocket-Protocol) */
  protocols?: string[];
  /** extra request headers: "Name: value\r\n" lines (Mongoose style) or an object */
  headers?: ExtraHeaders;
  /** Basic credentials (mg_send_websocket_handshake3) */
  user?: string;
  password?: string;
  /** Host header, when it should differ from the URL's authority */
  host?: string;
  /** give up on the handshake after this many ms (default 10000; checked on poll events) */
  handshakeTimeout?: number;
  /** bound on the reply's head (default 4096 bytes) */
  maxReplyHead?: number;
  userData?: any;
  limits?: Partial<ConnectionLimits>;
}

export interface WsUrl {
  host: string;
  port: number;
  /** request-target: path and query */
  path: string;
  /** the Host header value */
  authority: string;
}

/** Split "ws://host[:port][/path][?query]"; IPv6 literals in brackets. */
export function parseWsUrl(url: string): WsUrl | { error: string; code: string } {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(\[[0-9a-fA-F:.]+\]|[^/?#:[\]@]+)(?::(\d{1,5}))?([/?][^#]*)?(#.*)?$/.exec(url);
  if (!m) return { code: "EINVAL", error: `not a ws:// URL: ${url}` };
  const scheme = m[1].toLowerCase();
  if (scheme === "wss") return { code: "EUNSUPPORTED", error: "wss:// needs TLS, which this build does not have" };
  if (scheme !== "ws" && scheme !== "http") return { code: "EINVAL", error: `unsupported scheme ${scheme}` };
  const port = m[3] ? Number(m[3]) : 80;
  if (port < 1 || port > 65535) return { code: "EINVAL", error: `bad port in ${url}` };
  const host = m[2].startsWith("[") ? m[2].slice(1, -1) : m[2];
  let path = m[4] ?? "/";
  if (path.startsWith("?")) path = "/" + path;
  return { host, port, path, authority: m[3] && port !== 80 ? `${m[2]}:${port}` : m[2] };
}

class ClientHandshake {
  readonly options: WebSocketClientOptions;
  readonly url: WsUrl | undefined;
  readonly urlError: { error: string; code: string } | undefined;
  readonly parser: HttpParser<ResponseHead>;
  expectedAccept = "";
  deadline = 0;
  failed = false;

  constructor(options: WebSocketClientOptions, url: WsUrl | { error: string; code: string }) {
    this.options = options;
    if ("error" in url) this.urlError = url;
    else this.url = url;
    this.parser = HttpParser.response({ maxHeadBytes: options.maxReplyHead ?? 4096 });
  }

  fail(c: Connection, code: string, message: string): void {
    if (this.failed) return;
    this.failed = true;
    c.emit({ type: "ws-error", error: { code, message } });
    c.close();
  }

  sendRequest(c: Connection): void {
    const o = this.options;
    const url = this.url!;
    const platform = c.mgr.platform;
    const key = makeClientKey(platform.randomBytes(16));
    this.expectedAccept = computeAccept(key, (d) => platform.digest("SHA1", d));
    const lines: string[] = [];
    c.emit({ type: "ws-client-handshake", headers: lines });
    const extra = formatExtraHeaders(o.headers);
    const appended = formatExtraHeaders(lines.join("\r\n"));
    if (extra === undefined || appended === undefined) {
      this.fail(c, "EINVAL", "extra handshake headers contain a line break or an empty line");
      return;
    }
    c.write(
      clientHandshakeRequest({
        path: url.path,
        host: o.host ?? url.authority,
        key,
        protocols: o.protocols,
        extra: extra + appended,
        user: o.user,
        password: o.password,
      }),
    );
    this.deadline = c.mgr.now() + (o.handshakeTimeout ?? 10000);
  }

  onRecv(c: Connection): void {
    if (this.failed) {
      c.recv.clear();
      return;
    }
    const ev = this.parser.next(c.recv.bytes);
    if (ev.type === "more") {
      c.recv.remove(ev.consumed);
      return;
    }
    if (ev.type === "error") {
      this.fail(c, "bad-reply", `handshake reply is not valid HTTP: ${ev.error.reason}`);
      return;
    }
    if (ev.type !== "head") {
      this.fail(c, "bad-reply", "handshake reply is not valid HTTP");
      return;
    }
    const head = ev.head;
    const check = checkServerReply(head, this.expectedAccept, this.options.protocols ?? []);
    if (!check.ok) {
      this.fail(c, check.failure, check.message);
      return;
    }
    c.recv.remove(ev.consumed);
    const s = new WsSession(true, this.options, c.mgr.now());
    s.protocol = check.protocol;
    installSession(c, s);
    c.emit({ type: "ws-open", reply: head, protocol: check.protocol });
    // Frames may have come in the same read as the 101.
    if (!c.isClosed && c.recv.length > 0) s.onRecv(c);
  }
}

/** Runs a client connection until its handshake completes, then the session takes over. */
const clientHandshakeProtocol: Protocol = {
  name: "websocket-client-handshake",
  onEvent(c: Connection, ev: McEvent): void {
    const h = c.protoData as ClientHandshake;
    switch (ev.type) {
      case "connect":
        c.emit(ev);
        if (ev.error) {
          h.failed = true;
          const e = h.urlError ?? { code: ev.error.code, error: ev.error.message };
          c.emit({ type: "ws-error", error: { code: e.code, message: e.error } });
        } else if (!c.isClosed) h.sendRequest(c);
        return;
      case "recv":
        h.onRecv(c);
        return;
      case "poll":
        c.emit(ev);
        if (h.deadline > 0 && ev.now >= h.deadline) h.fail(c, "timeout", "no handshake reply in time");
        return;
      case "close":
        if (!h.failed) {
          h.failed = true;
          c.emit({ type: "ws-error", error: { code: "closed", message: "the server closed the connection before completing the handshake" } });
        }
        c.emit(ev);
        return;
      default:
        c.emit(ev);
    }
  },
};

/**
 * Start the client handshake on a connection that is already connected (mg_send_websocket_
 * handshake2/3): the request goes out now and `c` switches to WebSocket once the 101 is in.
 * `path` is the request-target, `host` the Host header value.
 */
export function sendClientHandshake(c: Connection, path: string, host: string, options: WebSocketClientOptions = {}): void {
  const h = new ClientHandshake(options, { host, port: 0, path: path || "/", authority: host });
  c.protoData = h;
  c.protocol = clientHandshakeProtocol;
  h.sendRequest(c);
}

/**
 * Open a WebSocket to `url` ("ws://host[:port]/path"). The handler sees connect, then
 * ws-client-handshake (to add headers), then ws-open or ws-error, then messages.
 */
export function connectWebSocket(mgr: Manager, url: string, handler: Handler, options: WebSocketClientOptions = {}): Connection {
  const parsed = parseWsUrl(url);
  const h = new ClientHandshake(options, parsed);
  // A bad URL still yields a connection, failing through the usual connect/ws-error/close path.
  const target = "error" in parsed ? "tcp://invalid-url:0" : `tcp://${parsed.host.indexOf(":") >= 0 ? `[${parsed.host}]` : parsed.host}:${parsed.port}`;
  const c = mgr.connect(target, handler, { protocol: clientHandshakeProtocol, userData: options.userData, limits: options.limits });
  c.protoData = h;
  return c;
}
