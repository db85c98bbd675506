// The WebSocket state machine over a Connection, once the handshake is done. It drives the pure
// FrameDecoder over conn.recv, joins fragments into messages (bounded), answers pings, runs the close handshake with its codes, keeps the ping,
// idle and close timers on the core's poll events (leaving conn.setTimer to the application),
// and frames everything the application sends, masking on the client side.

import { Flags, type Connection, type Protocol } from "../core/connection";
import type { McEvent } from "../core/events";
import { IOBuffer } from "../core/iobuffer";
import { utf8Decode, utf8Length } from "../util/utf8";
import { CloseCode, encodeClosePayload } from "./close";
import { applyMask, FrameDecoder, FrameStep, MAX_HEADER_SIZE, Opcode, writeFrameHeader } from "./frame";
import type { WsErrorInfo } from "./events";
import "./events";

export interface WebSocketOptions {
  /** largest message accepted (fragments summed); larger ones close with 1009. Default 16 KiB. */
  maxMessageSize?: number;
  /** join fragments into ws-message events (default); false: ws-frame per data frame
   *  (Mongoose's MG_F_WEBSOCKET_NO_DEFRAG) */
  defragment?: boolean;
  /** answer pings with pongs (default true) */
  autoPong?: boolean;
  /** check that TEXT messages are UTF-8 (default true; RFC 6455 requires it) */
  validateUtf8?: boolean;
  /** send a ping after this many ms without hearing from the peer; 0 (default) never */
  pingInterval?: number;
  /** close (1001) after this many ms without hearing from the peer; 0 (default) never */
  idleTimeout?: number;
  /** after sending a close, drop the connection if the peer has not answered in this many ms
   *  (default 5000) */
  closeTimeout?: number;
  /** ws-writable fires once the send buffer drains to this many bytes (default: a quarter of
   *  the connection's sendHighWater) */
  writableLowWater?: number;
}

export const WsState = {
  OPEN: 1,
  /** a close frame was sent or received; the connection ends once the exchange completes */
  CLOSING: 2,
} as const;

const DEFAULT_MAX_MESSAGE = 16384;
const EMPTY = new Uint8Array(0);
// One frame header at a time is built here; sending is synchronous, so one scratch suffices. It is
// made on first use, at run time: a typed array created while a module body runs is preloaded
// into flash on a device, where writing to it throws.
let headerScratch: Uint8Array | undefined;

export type Payload = Uint8Array | string;

function payloadLength(p: Payload): number {
  return typeof p === "string" ? utf8Length(p) : p.length;
}

export class WsSession {
  readonly client: boolean;
  state: number;
  readonly decoder: FrameDecoder;
  /** the agreed subprotocol */
  protocol: string | undefined;
  defragment: boolean;
  autoPong: boolean;
  readonly maxMessageSize: number;
  pingInterval: number;
  idleTimeout: number;
  closeTimeout: number;
  writableLowWater: number | undefined;

  closeSent = false;
  closeReceived = false;
  /** the peer's close code (1006 until one arrives) and reason */
  peerCode: number = CloseCode.ABNORMAL;
  peerReason = "";
  private closeDeadline = 0;
  private lastHeard = 0;
  private lastPing = 0;
  private writableRequested = false;
  private reportedClose = false;
  private failed = false;
  /** opcode of the message being received (the decoder forgets it at the message's end) */
  private messageOpcode = 0;
  /** fragments (or, without defragmentation, a frame) gathered across reads */
  private readonly assembly: IOBuffer;

  constructor(client: boolean, options: WebSocketOptions, now: number) {
    this.client = client;
    this.state = WsState.OPEN;
    this.maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE;
    this.decoder = new FrameDecoder({
      expectMasked: !client,
      maxMessageSize: this.maxMessageSize,
      validateUtf8: options.validateUtf8,
    });
    this.defragment = options.defragment !== false;
    this.autoPong = options.autoPong !== false;
    this.pingInterval = options.pingInterval ?? 0;
    this.idleTimeout = options.idleTimeout ?? 0;
    this.closeTimeout = options.closeTimeout ?? 5000;
    this.writableLowWater = options.writableLowWater;
    this.assembly = new IOBuffer(0, this.maxMessageSize);
    this.lastHeard = now;
    this.lastPing = now;
  }

  get open(): boolean {
    return this.state === WsState.OPEN && !this.closeSent;
  }

  lowWater(c: Connection): number {
    return this.writableLowWater ?? c.limits.sendHighWater >> 2;
  }

  // ---- receiving -----------------------------------------------------------------------------

  /** Decode what is in conn.recv; frames whose bytes are all in are handled, the rest waits. */
  onRecv(c: Connection): void {
    this.lastHeard = c.mgr.now();
    if (this.closeReceived || this.failed) {
      // Nothing after the peer's close (or after a violation) means anything.
      c.recv.clear();
      return;
    }
    const d = this.decoder;
    const buf = c.recv.bytes;
    let pos = 0;
    while (!c.isClosed && !this.closeReceived && !this.failed) {
      pos += d.next(buf, pos, buf.length);
      const step = d.step;
      if (step === FrameStep.NEED_MORE) break;
      if (step === FrameStep.HEADER) {
        if (d.opcode !== Opcode.CONTINUATION) this.messageOpcode = d.opcode;
      } else if (step === FrameStep.DATA) this.onData(c, d);
      else if (step === FrameStep.CONTROL) this.onControl(c, d);
      else this.fail(c, { code: "protocol", message: d.errorMessage, closeCode: d.errorCode });
    }
    if (this.closeReceived || this.failed) c.recv.clear();
    else c.recv.remove(pos);
  }

  private onData(c: Connection, d: FrameDecoder): void {
    const p = d.payload;
    const whole = this.assembly.length === 0 && p.length === d.length;
    if (!this.defragment) {
      // One event per data frame, whole; a frame split across reads is gathered first.
      if (whole && d.frameEnd) this.emitData(c, "ws-frame", d.opcode, d.fin, p);
      else {
        this.assembly.append(p);
        if (d.frameEnd) {
          this.emitData(c, "ws-frame", d.opcode, d.fin, this.assembly.bytes);
          this.assembly.clear();
        }
      }
      return;
    }
    // Fast path: a one-frame message that arrived in one read goes out straight from recv.
    if (whole && d.messageEnd && d.opcode !== Opcode.CONTINUATION) {
      this.emitData(c, "ws-message", d.opcode, true, p);
      return;
    }
    // The decoder bounds the message, so this append cannot pass maxMessageSize.
    this.assembly.append(p);
    if (d.messageEnd) {
      this.emitData(c, "ws-message", this.messageOpcode, true, this.assembly.bytes);
      this.assembly.clear();
    }
  }

  private emitData(c: Connection, type: "ws-message" | "ws-frame", opcode: number, fin: boolean, data: Uint8Array): void {
    if (type === "ws-message") {
      c.emit({ type, opcode, data, get text() { return utf8Decode(data); } });
    } else {
      c.emit({ type, opcode, fin, data, get text() { return utf8Decode(data); } });
    }
  }

  private onControl(c: Connection, d: FrameDecoder): void {
    const data = d.payload;
    if (d.opcode === Opcode.PING) {
      // RFC 6455 5.5.2: answer with the same payload, unless we already sent a close.
      if (this.autoPong && !this.closeSent) this.sendFrame(c, Opcode.PONG, true, data);
      c.emit({ type: "ws-control", opcode: Opcode.PING, data });
    } else if (d.opcode === Opcode.PONG) {
      c.emit({ type: "ws-control", opcode: Opcode.PONG, data });
    } else {
      this.closeReceived = true;
      this.peerCode = d.closeCode;
      this.peerReason = d.closeReason;
      this.state = WsState.CLOSING;
      c.emit({ type: "ws-control", opcode: Opcode.CLOSE, data, code: d.closeCode, reason: d.closeReason });
      // Echo the peer's code (RFC 6455 5.5.1); one without a code gets an empty close back.
      if (!this.closeSent) this.sendClose(c, d.closeCode === CloseCode.NO_STATUS ? undefined : d.closeCode, "");
      c.closeAfterSend();
    }
  }

  /** Fail the WebSocket connection (RFC 6455 7.1.7): report, send the close code, hang up. */
  fail(c: Connection, error: WsErrorInfo): void {
    if (this.failed) return;
    this.failed = true;
    c.emit({ type: "ws-error", error });
    if (error.closeCode !== undefined && !this.closeSent) {
      this.sendClose(c, error.closeCode, error.message);
    }
    this.state = WsState.CLOSING;
    c.closeAfterSend();
  }

  // ---- sending -------------------------------------------------------------------------------

  /** Frame and queue `parts` as one frame. False when the connection cannot take it. */
  sendFrame(c: Connection, opcode: number, fin: boolean, ...parts: Payload[]): boolean {
    if (c.isClosed) return false;
    let n = 0;
    for (const p of parts) n += payloadLength(p);
    const mask = this.client ? c.mgr.platform.randomBytes(4) : undefined;
    const header = (headerScratch ??= new Uint8Array(MAX_HEADER_SIZE));
    const h = writeFrameHeader(header, 0, fin, opcode, n, mask);
    if (!c.write(header.subarray(0, h))) return false;
    const start = c.send.length;
    for (const p of parts) if (!c.write(p)) return false;
    // The core flushes after this call returns, so the payload can be masked where it lies.
    if (mask) applyMask(c.send.bytes, start, start + n, mask);
    return true;
  }

  sendClose(c: Connection, code?: number, reason = ""): boolean {
    if (this.closeSent) return false;
    this.closeSent = true;
    this.state = WsState.CLOSING;
    this.closeDeadline = c.mgr.now() + this.closeTimeout;
    const payload = code === undefined ? EMPTY : encodeClosePayload(code, reason);
    return this.sendFrame(c, Opcode.CLOSE, true, payload);
  }

  requestWritable(c: Connection): void {
    this.writableRequested = true;
    if (c.send.length <= this.lowWater(c)) {
      // Already drained: report after the current callback, like a socket that is writable.
      Promise.resolve().then(() => this.deliverWritable(c));
    }
  }

  private deliverWritable(c: Connection): void {
    if (!this.writableRequested || c.isClosed || this.closeSent || c.send.length > this.lowWater(c)) return;
    this.writableRequested = false;
    c.mgr.dispatch(c, { type: "ws-writable", pending: c.send.length });
  }

  // ---- core events ---------------------------------------------------------------------------

  onSend(c: Connection, pending: number): void {
    if (this.writableRequested && pending <= this.lowWater(c) && !this.closeSent) {
      this.writableRequested = false;
      c.emit({ type: "ws-writable", pending });
    }
  }

  onPoll(c: Connection, now: number): void {
    if (this.closeSent) {
      if (now >= this.closeDeadline && !c.isClosed) {
        // RFC 6455 7.1.1: do not wait forever for the peer's close or its FIN.
        c.emit({ type: "ws-error", error: { code: "timeout", message: `no close reply within ${this.closeTimeout} ms` } });
        c.close();
      }
      return;
    }
    if (this.idleTimeout > 0 && now - this.lastHeard >= this.idleTimeout) {
      this.fail(c, { code: "timeout", message: `nothing heard for ${this.idleTimeout} ms`, closeCode: CloseCode.GOING_AWAY });
      return;
    }
    if (this.pingInterval > 0 && now - this.lastHeard >= this.pingInterval && now - this.lastPing >= this.pingInterval) {
      this.lastPing = now;
      this.sendFrame(c, Opcode.PING, true, EMPTY);
    }
  }

  onClose(c: Connection): void {
    if (this.reportedClose) return;
    this.reportedClose = true;
    c.emit({ type: "ws-close", code: this.peerCode, reason: this.peerReason, clean: this.closeSent && this.closeReceived });
  }
}

export function sessionOf(c: Connection): WsSession | undefined {
  return c.protoData instanceof WsSession ? c.protoData : undefined;
}

/** The protocol slot a WebSocket connection runs under (client during its handshake, too). */
export const websocketProtocol: Protocol = {
  name: "websocket",
  onEvent(c: Connection, ev: McEvent): void {
    const s = sessionOf(c);
    if (!s) {
      c.emit(ev);
      return;
    }
    switch (ev.type) {
      case "recv":
        s.onRecv(c);
        return;
      case "send":
        c.emit(ev);
        s.onSend(c, ev.pending);
        return;
      case "poll":
        s.onPoll(c, ev.now);
        c.emit(ev);
        return;
      case "close":
        s.onClose(c);
        c.emit(ev);
        return;
      default:
        c.emit(ev);
    }
  },
};

/** Put a connection under the WebSocket protocol with this session. Bytes already in recv
 *  (frames the peer sent right behind its handshake) are decoded once the current callback,
 *  which may still be consuming the handshake's own bytes, has returned. */
export function installSession(c: Connection, s: WsSession): void {
  c.protoData = s;
  c.protocol = websocketProtocol;
  c.flags |= Flags.IS_WEBSOCKET;
  Promise.resolve().then(() => {
    if (!c.isClosed && c.protoData === s && c.recv.length > 0) c.mgr.dispatch(c, { type: "recv", bytes: 0 });
  });
}
