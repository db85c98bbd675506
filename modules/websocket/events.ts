// The WebSocket events a handler sees, added to the core vocabulary. Server and client share
// them. On a server, the HTTP module's http-request for an upgrade turns into ws-handshake-request
// and then ws-open; on a client, ws-client-handshake lets the app add headers, then ws-open (or
// ws-error) reports the outcome. Per connection, ws-close comes once, right before close.

import type { HttpReply, HttpRequest } from "../http/message";

export interface WsHandshakeRequest {
  request: HttpRequest;
  /** subprotocols the client offered, in its order */
  protocols: string[];
  /** the subprotocol the 101 reply will name; preset to the server's first supported one the
   *  client offered (options.protocols); the handler may change it or clear it */
  protocol: string | undefined;
  /** extra header lines for the 101 reply ("Name: value\r\n"...), or an object */
  headers: string | Record<string, string>;
  /** refuse the upgrade (libwebsockets' FILTER_PROTOCOL_CONNECTION returning non-zero): the
   *  client gets this HTTP status and the connection closes */
  reject(status?: number, reason?: string): void;
}

export interface WsErrorInfo {
  /**
   * What failed. A client handshake failure: "status", "upgrade-missing", "upgrade-mismatch",
   * "connection-missing", "accept-missing", "accept-mismatch", "protocol-mismatch",
   * "extension-unrequested", "bad-reply" (not HTTP), "closed" (peer hung up first), or a connect
   * error code (ECONNREFUSED, ENOTFOUND, EINVAL...). Once open: "protocol" (the peer broke
   * RFC 6455; `closeCode` was sent), "timeout" (idle or close timeout).
   */
  code: string;
  message: string;
  /** the close code sent to the peer, when one was */
  closeCode?: number;
}

declare module "../core/events" {
  interface EventMap {
    /** server: a client asks to upgrade; the handler may choose the subprotocol, add reply
     *  headers, or reject */
    "ws-handshake-request": WsHandshakeRequest;
    /** client: the handshake request is being built; `headers` lines are appended to it
     *  (libwebsockets' CLIENT_APPEND_HANDSHAKE_HEADER) */
    "ws-client-handshake": { headers: string[] };
    /** the handshake completed: `request` on a server, `reply` on a client; `protocol` is the
     *  agreed subprotocol */
    "ws-open": { request?: HttpRequest; reply?: HttpReply; protocol: string | undefined };
    /** a whole message (fragments joined); `data` is a view valid only during the handler
     *  call; `text` decodes it (TEXT messages are UTF-8-validated already) */
    "ws-message": { opcode: number; data: Uint8Array; readonly text: string };
    /** defragmentation off: each data frame whole, in order; `fin` marks a message's last */
    "ws-frame": { opcode: number; fin: boolean; data: Uint8Array; readonly text: string };
    /** a control frame: ping (already answered unless autoPong is off), pong, or the peer's
     *  close (`code`, `reason`; the close is echoed after this event) */
    "ws-control": { opcode: number; data: Uint8Array; code?: number; reason?: string };
    /** the send buffer drained to the low-water mark after requestWritable() */
    "ws-writable": { pending: number };
    /** the WebSocket failed (client handshake, protocol violation, timeout) */
    "ws-error": { error: WsErrorInfo };
    /** the WebSocket is over; `code`/`reason` from the close frame received (1005: it had no
     *  code, 1006: the connection dropped without one); `clean` when both closes were exchanged */
    "ws-close": { code: number; reason: string; clean: boolean };
  }
}

export {};
