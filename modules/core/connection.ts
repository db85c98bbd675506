// A Connection: one socket (or listener), its buffers, flags, timer and protocol slot.
// Output functions only append to `send`; the Manager flushes as the socket reports space.

import type { Address, ConnectError, Handler, McEvent } from "./events";
import { IOBuffer } from "./iobuffer";
import type { Manager } from "./manager";
import type { Bytes, ListenerSocket, TCPSocket, TimerId, UDPSocket } from "./platform";

export const Flags = {
  LISTENING: 1 << 0,
  UDP: 1 << 1,
  CONNECTING: 1 << 2,
  SEND_AND_CLOSE: 1 << 3,
  CLOSE_IMMEDIATELY: 1 << 4,
  IS_WEBSOCKET: 1 << 5,
  ACCEPTED: 1 << 6,
  CLOSED: 1 << 7,
  /** reading is paused because `send` is above its high-water mark (backpressure) */
  READ_PAUSED: 1 << 8,
  /** the peer finished sending (FIN); what is queued gets a bounded last chance to go out */
  PEER_CLOSED: 1 << 9,
  /** the application paused reading (conn.pauseRead) */
  READ_HELD: 1 << 10,
  /** @internal listed for the Manager's next service pass */
  DIRTY: 1 << 11,
  USER_1: 1 << 20,
  USER_2: 1 << 21,
  USER_3: 1 << 22,
  USER_4: 1 << 23,
  USER_5: 1 << 24,
  USER_6: 1 << 25,
} as const;

/** A protocol module attached to a connection (Mongoose's proto_handler). Stateless and shared by
 * every connection that uses it; per-connection state lives in `conn.protoData`. */
export interface Protocol {
  readonly name: string;
  onEvent(conn: Connection, event: McEvent): void;
}

export interface ConnectionLimits {
  /** hard cap on buffered received bytes; a connection that passes it is closed */
  recvLimit: number;
  /** hard cap on queued output; an append past it closes the connection */
  sendLimit: number;
  /** stop reading the socket while this much output is queued (backpressure to the peer) */
  sendHighWater: number;
}

export class Connection {
  readonly mgr: Manager;
  readonly id: number;
  readonly recv: IOBuffer;
  readonly send: IOBuffer;
  flags = 0;
  handler: Handler;
  protocol: Protocol | undefined;
  protoData: unknown;
  userData: any;
  remote: Address = { address: "", port: 0 };
  local: Address = { address: "", port: 0 };
  /** the listening connection an accepted one came from */
  listener: Connection | undefined;
  limits: ConnectionLimits;
  /** monotonic time of the last byte in or out, for idle timeouts */
  lastIo = 0;

  /** @internal socket state owned by the Manager */
  socket: TCPSocket | UDPSocket | ListenerSocket | undefined;
  /** @internal bytes the socket last said it can take */
  writable = 0;
  /** @internal bytes the socket last said it holds for us */
  readable = 0;
  /** @internal */
  timer: TimerId | undefined;
  /** @internal */
  timerAt = 0;
  /** listening TCP: accepted connections alive at once (0: no limit), how many are alive, and how
   * many the platform last said wait in the backlog */
  acceptLimit = 0;
  acceptedLive = 0;
  /** @internal */
  acceptPending = 0;
  /** @internal the error that will be reported in the close event */
  closeError: ConnectError | undefined;

  constructor(mgr: Manager, id: number, handler: Handler, limits: ConnectionLimits) {
    this.mgr = mgr;
    this.id = id;
    this.handler = handler;
    this.limits = limits;
    this.recv = new IOBuffer(0, limits.recvLimit);
    this.send = new IOBuffer(0, limits.sendLimit);
  }

  get isClosed(): boolean {
    return (this.flags & Flags.CLOSED) !== 0;
  }

  /** Queue bytes for the peer (UDP: send one datagram to `remote`). False if the connection is
   * closing or the send limit was hit (then the connection is closed and the reason logged). */
  write(data: Bytes | string): boolean {
    return this.mgr.write(this, data);
  }

  /** UDP: send one datagram to a given peer. */
  sendTo(data: Bytes | string, address: string, port: number): boolean {
    return this.mgr.sendTo(this, data, address, port);
  }

  /** Close once everything queued has been sent (MG_F_SEND_AND_CLOSE). */
  closeAfterSend(): void {
    this.flags |= Flags.SEND_AND_CLOSE;
    this.mgr.touch(this);
  }

  /** Close without sending what is queued (MG_F_CLOSE_IMMEDIATELY). */
  close(): void {
    this.flags |= Flags.CLOSE_IMMEDIATELY;
    this.mgr.touch(this);
  }

  /** Stop (true) or resume (false) reading from the socket. While paused, input stays in the
   * platform and the peer's TCP window closes: flow control for proxies and slow consumers. */
  pauseRead(paused: boolean): void {
    this.mgr.pauseRead(this, paused);
  }

  /** Deliver a `timer` event at the monotonic time `at` (ms); 0 clears it. Returns the old one. */
  setTimer(at: number): number {
    return this.mgr.setTimer(this, at);
  }

  /** Hand an event to the user's handler (what protocols call to surface their events). */
  emit(event: McEvent): void {
    this.handler(this, event);
  }
}
