// Server side of the opening handshake. acceptUpgrade() takes a connection whose HTTP request
// asked for WebSocket: it checks the request, lets the application filter it
// (ws-handshake-request), answers 101 with the accept hash from the Platform's SHA-1, and puts the
// connection under the WebSocket protocol (IS_WEBSOCKET), like mg_set_protocol_http_websocket.
// With the HTTP server (http/server attach()), withWebSocket() wraps a handler so that the
// upgrade requests it would get as http-request are taken over; the HTTP server stops reading
// a connection once its protocol slot is no longer the server. serveWebSocket() is for a listener
// that speaks nothing but WebSocket: it reads the upgrade request with the HTTP parser itself.

import { Flags, type Connection, type Protocol } from "../core/connection";
import type { Handler, McEvent } from "../core/events";
import { HttpParser } from "../http/parser";
import type { HttpRequest, RequestHead } from "../http/message";
import {
  checkUpgradeRequest,
  computeAccept,
  formatExtraHeaders,
  isWebSocketUpgrade,
  selectSubprotocol,
  serverHandshakeRefusal,
  serverHandshakeReply,
  type ExtraHeaders,
} from "./handshake";
import { installSession, WsSession, type WebSocketOptions } from "./session";
import type { WsHandshakeRequest } from "./events";
import "./events";

export interface WebSocketServerOptions extends WebSocketOptions {
  /** subprotocols this server speaks, in its preference order */
  protocols?: string[];
  /** extra headers for every 101 reply */
  headers?: ExtraHeaders;
}

function refuse(c: Connection, status: number, reason: string, extra?: string): void {
  c.write(serverHandshakeRefusal(status, reason, extra));
  c.closeAfterSend();
}

/**
 * Complete or refuse the upgrade `request` on `c` (its head bytes already consumed from recv).
 * `handler` becomes the connection's handler and sees the WebSocket events (default: the
 * connection's own). True when `c` is now a WebSocket; false when it was refused (a reply is
 * queued and the connection closes after sending it).
 */
export function acceptUpgrade(c: Connection, request: HttpRequest, options: WebSocketServerOptions = {}, handler?: Handler): boolean {
  if (handler) c.handler = handler;
  if (request.framing !== "none") {
    // RFC 6455 leaves a handshake with a body undefined; its bytes would be taken for frames.
    refuse(c, 400, "WebSocket handshake must not have a body");
    return false;
  }
  const check = checkUpgradeRequest(request);
  if (!check.ok) {
    refuse(c, check.status, check.reason, check.headers);
    return false;
  }
  let rejected: { status: number; reason: string } | undefined;
  const ev: { type: "ws-handshake-request" } & WsHandshakeRequest = {
    type: "ws-handshake-request",
    request,
    protocols: check.protocols,
    protocol: selectSubprotocol(check.protocols, options.protocols ?? []),
    headers: "",
    reject(status = 403, reason = "WebSocket connection refused") {
      rejected = { status, reason };
    },
  };
  c.emit(ev);
  if (c.isClosed) return false;
  if (rejected) {
    refuse(c, rejected.status, rejected.reason);
    return false;
  }
  const extra = formatExtraHeaders(options.headers);
  const fromHandler = formatExtraHeaders(ev.headers);
  if (extra === undefined || fromHandler === undefined) {
    c.mgr.log("error", `conn ${c.id}: WebSocket reply headers contain a line break; refusing the upgrade`);
    refuse(c, 500, "bad reply headers");
    return false;
  }
  const platform = c.mgr.platform;
  const accept = computeAccept(check.key, (d) => platform.digest("SHA1", d));
  c.write(serverHandshakeReply(accept, ev.protocol, extra + fromHandler));
  const s = new WsSession(false, options, c.mgr.now());
  s.protocol = ev.protocol;
  installSession(c, s);
  c.emit({ type: "ws-open", request, protocol: ev.protocol });
  return true;
}

/** The per-connection state of a WebSocket-only listener before the upgrade. */
class UpgradeReader {
  readonly parser = HttpParser.request();
}

/**
 * A Protocol for a listener that speaks only WebSocket: each accepted connection's first request
 * must be an upgrade (anything else gets 426 Upgrade Required). Options are shared by the
 * listener's connections.
 */
export function webSocketServerProtocol(options: WebSocketServerOptions = {}): Protocol {
  return {
    name: "websocket-server-handshake",
    onEvent(c: Connection, ev: McEvent): void {
      if (ev.type !== "recv") {
        c.emit(ev);
        return;
      }
      let r = c.protoData as UpgradeReader | undefined;
      if (!(r instanceof UpgradeReader)) c.protoData = r = new UpgradeReader();
      const p = r.parser.next(c.recv.bytes);
      if (p.type === "more") {
        c.recv.remove(p.consumed);
        return;
      }
      if (p.type === "error") {
        c.recv.clear();
        refuse(c, p.error.status, p.error.reason);
        return;
      }
      if (p.type !== "head") {
        c.recv.clear();
        refuse(c, 400, "unexpected request");
        return;
      }
      const head: RequestHead = p.head;
      c.recv.remove(p.consumed);
      if (!isWebSocketUpgrade(head)) {
        c.recv.clear();
        refuse(c, 426, "this endpoint speaks WebSocket only", "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n");
        return;
      }
      if (head.framing !== "none") c.recv.clear();
      acceptUpgrade(c, head, options);
    },
  };
}

/** Make `listener` a WebSocket-only endpoint (its future connections inherit the protocol). */
export function serveWebSocket(listener: Connection, options: WebSocketServerOptions = {}): Connection {
  listener.protocol = webSocketServerProtocol(options);
  return listener;
}

/**
 * Wrap `handler` so that WebSocket upgrade requests it would receive as http-request (from the
 * HTTP server, on any path it is given) are completed by this module; the wrapped handler then
 * sees ws-handshake-request, ws-open, ws-message... Everything else passes through unchanged.
 * Use it for a listener's handler or for an endpoint's (mg_register_http_endpoint).
 */
export function withWebSocket(handler: Handler, options: WebSocketServerOptions = {}): Handler {
  const wrapped: Handler = (c, ev) => {
    if (ev.type === "http-request" && !(c.flags & Flags.IS_WEBSOCKET) && isWebSocketUpgrade(ev.request)) {
      acceptUpgrade(c, ev.request, options, wrapped);
      return;
    }
    handler(c, ev);
  };
  return wrapped;
}

/** mg_set_protocol_http_websocket for an HTTP listener: upgrades on every path it serves with
 *  its own handler are taken over (endpoints keep theirs; wrap those with withWebSocket). */
export function enableWebSocket(listener: Connection, options: WebSocketServerOptions = {}): Connection {
  listener.handler = withWebSocket(listener.handler, options);
  return listener;
}
