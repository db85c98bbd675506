// The WebSocket API on one page: senders, close, backpressure, broadcast, and the entry points
// for servers (acceptUpgrade, serveWebSocket, attach to the HTTP server) and clients
// (connectWebSocket). Import as `import * as ws from "mcnet/websocket/websocket"`.

import { Flags, type Connection } from "../core/connection";
import type { Manager } from "../core/manager";
import { CloseCode } from "./close";
import { isKnownOpcode, MAX_CONTROL_PAYLOAD, MAX_HEADER_SIZE, Opcode } from "./frame";
import { sessionOf, type Payload } from "./session";
import { utf8Length } from "../util/utf8";
import { format } from "../http/printf";
import "./events";

export { Opcode } from "./frame";
export { CloseCode } from "./close";
export { acceptUpgrade, enableWebSocket, serveWebSocket, webSocketServerProtocol, withWebSocket, type WebSocketServerOptions } from "./server";
export { isWebSocketUpgrade } from "./handshake";
export { connectWebSocket, parseWsUrl, sendClientHandshake, type WebSocketClientOptions } from "./client";
export { sessionOf, type WebSocketOptions } from "./session";

/** Or into a sendFrame opcode: leave FIN clear, more fragments follow (Mongoose's WEBSOCKET_DONT_FIN). */
export const DONT_FIN = 0x100;

/** True once `c` completed a WebSocket handshake (MG_F_IS_WEBSOCKET). */
export function isWebSocket(c: Connection): boolean {
  return (c.flags & Flags.IS_WEBSOCKET) !== 0;
}

/** True while messages may be sent on `c` (open, no close sent). */
export function isOpen(c: Connection): boolean {
  const s = sessionOf(c);
  return !!s && s.open && !c.isClosed;
}

/**
 * Send one message: strings go as TEXT, bytes as BINARY unless `opcode` says otherwise.
 * False when `c` is not an open WebSocket or cannot queue it.
 */
export function send(c: Connection, data: Payload, opcode?: number): boolean {
  return sendFrame(c, opcode ?? (typeof data === "string" ? Opcode.TEXT : Opcode.BINARY), data);
}

/**
 * Send one frame made of `parts` (mg_send_websocket_frame / mg_send_websocket_framev).
 * `opAndFlags` is an opcode, optionally or-ed with DONT_FIN to start or continue a fragmented
 * message (continue with Opcode.CONTINUATION). Control frames are capped at 125 bytes.
 */
export function sendFrame(c: Connection, opAndFlags: number, ...parts: Payload[]): boolean {
  const s = sessionOf(c);
  if (!s || !s.open || c.isClosed) return false;
  const opcode = opAndFlags & 0x0f;
  const fin = (opAndFlags & DONT_FIN) === 0;
  // close() runs the close handshake; reserved opcodes mean nothing without an extension.
  if (opcode === Opcode.CLOSE || !isKnownOpcode(opcode)) return false;
  if (opcode & 0x8) {
    // RFC 6455 5.5: control frames are never fragmented and carry at most 125 bytes.
    let n = 0;
    for (const p of parts) n += typeof p === "string" ? utf8Length(p) : p.length;
    if (!fin || n > MAX_CONTROL_PAYLOAD) return false;
  }
  return s.sendFrame(c, opcode, fin, ...parts);
}

/** mg_printf_websocket_frame: one frame of printf-formatted text (see http/printf for the
 *  conversions). Template literals with send() do the same without a format string. */
export function printf(c: Connection, opAndFlags: number, fmt: string, ...args: unknown[]): boolean {
  return sendFrame(c, opAndFlags, format(fmt, ...args));
}

export function ping(c: Connection, data: Payload = ""): boolean {
  return sendFrame(c, Opcode.PING, data);
}

export function pong(c: Connection, data: Payload = ""): boolean {
  return sendFrame(c, Opcode.PONG, data);
}

/**
 * Start the close handshake (default 1000). The connection ends when the peer answers, or after
 * closeTimeout. A second call does nothing. On a connection that is not a WebSocket, closes it.
 */
export function close(c: Connection, code: number = CloseCode.NORMAL, reason = ""): void {
  const s = sessionOf(c);
  if (!s) {
    c.closeAfterSend();
    return;
  }
  if (s.closeSent) return;
  s.sendClose(c, code, reason);
  if (s.closeReceived) c.closeAfterSend();
}

/** Bytes queued and not yet taken by the socket (the browser API's bufferedAmount). */
export function bufferedAmount(c: Connection): number {
  return c.send.length;
}

/**
 * Whether a message of `size` bytes can be queued without passing the connection's send
 * high-water mark. A producer that sends only while this holds, and otherwise waits for
 * ws-writable (requestWritable), never grows the send buffer without bound.
 */
export function canSend(c: Connection, size = 0): boolean {
  return c.send.length + size + MAX_HEADER_SIZE <= c.limits.sendHighWater;
}

/** Ask for one ws-writable event once the send buffer is at or below its low-water mark
 *  (libwebsockets' lws_callback_on_writable). */
export function requestWritable(c: Connection): void {
  sessionOf(c)?.requestWritable(c);
}

/** Switch defragmentation on or off for `c` (off: ws-frame per data frame). */
export function setDefragment(c: Connection, on: boolean): void {
  const s = sessionOf(c);
  if (s) s.defragment = on;
}

export interface BroadcastResult {
  /** connections the message was queued on */
  sent: number;
  /** open WebSockets skipped because their send buffer is above its high-water mark */
  skipped: number;
}

/**
 * Send one message to every open WebSocket of `mgr` (optionally only those `filter` accepts).
 * A peer that is not reading is skipped rather than allowed to grow its buffer without bound.
 */
export function broadcast(mgr: Manager, data: Payload, opcode?: number, filter?: (c: Connection) => boolean): BroadcastResult {
  const r: BroadcastResult = { sent: 0, skipped: 0 };
  const size = typeof data === "string" ? utf8Length(data) : data.length;
  mgr.broadcast((c) => {
    if (!isOpen(c) || (filter && !filter(c))) return;
    if (!canSend(c, size)) {
      r.skipped++;
      return;
    }
    if (send(c, data, opcode)) r.sent++;
  });
  return r;
}
