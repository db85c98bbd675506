// One event vocabulary for every connection, as a discriminated union on `type`.
// Protocol modules add their own events by augmenting EventMap:
//
//   declare module "../core/events" {
//     interface EventMap { "dns-message": { message: DnsMessage } }
//   }
//
// and a handler narrows with `if (ev.type === "dns-message") ev.message ...`.

import type { Connection } from "./connection";

export interface Address {
  address: string;
  port: number;
}

export interface ConnectError {
  /** ECONNREFUSED, ETIMEDOUT, ENOTFOUND (name did not resolve), EINVAL, ... */
  code: string;
  message: string;
}

export interface EventMap {
  /** a listening connection accepted this one (fired on the new connection) */
  accept: { remote: Address };
  /** an outgoing connection finished connecting; `error` set when it failed (close follows) */
  connect: { error?: ConnectError };
  /** bytes were appended to conn.recv (`bytes` new ones); consume them with conn.recv.remove() */
  recv: { bytes: number };
  /** bytes left conn.send for the socket; `pending` bytes remain queued */
  send: { bytes: number; pending: number };
  /** periodic, every Manager.pollInterval ms, to every connection */
  poll: { now: number };
  /** the deadline set by conn.setTimer(at) passed */
  timer: { now: number };
  /** the connection is gone; the last event it receives */
  close: { error?: ConnectError };
}

export type EventType = keyof EventMap;
export type McEvent = { [K in EventType]: { type: K } & EventMap[K] }[EventType];
export type EventOf<K extends EventType> = { type: K } & EventMap[K];
export type Handler = (conn: Connection, event: McEvent) => void;
