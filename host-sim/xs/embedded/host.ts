// The XS side of the bridge: every module in embedded/ talks to the Node host through here.
//
// Outbound: call() sends one command with xsnap's issueCommand and returns the host's answer
// synchronously (XS blocks while Node works, as a native call on a device would).
// Inbound: the host delivers batches of events through globalThis.handleCommand; each event goes
// to the handler its module registered with on(). Work a device would post to a later turn
// (lwIP callbacks, onError after the last read) goes through defer() and runs after the event that
// caused it. The answer to every delivery tells the host what XS consumed (acks, for the receive
// windows), when XS next needs waking (timers), and what the exposed functions returned.

import { decodeFrame, encodeFrame } from "../wire";

declare const issueCommand: (request: ArrayBuffer) => ArrayBuffer;
declare const print: (...values: unknown[]) => void;

export type EventHandler = (event: BridgeEvent, payload: Uint8Array) => void;
export interface BridgeEvent {
  t: string;
  id?: number;
  off?: number;
  len?: number;
  [field: string]: unknown;
}

export interface CallReply {
  header: Record<string, unknown>;
  payload: Uint8Array;
}

const handlers = new Map<string, EventHandler>();
const exposed = new Map<string, (args: unknown) => unknown>();
const deferred: (() => void)[] = [];
let acks = new Map<number, number>();
let errors: string[] = [];
let wakeProvider: (() => number) | undefined;

export class BridgeError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.code = code;
  }
}

/** Send a command to the host; throws what the host reports as an error. */
export function call(header: Record<string, unknown>, payload?: Uint8Array): CallReply {
  const request = encodeFrame(header, payload);
  const answer = new Uint8Array(issueCommand(request.buffer as ArrayBuffer));
  const frame = decodeFrame(answer);
  if (typeof frame.header.error === "string") throw new BridgeError(frame.header.error, frame.header.code as string | undefined);
  return frame;
}

export function on(kind: string, handler: EventHandler): void {
  handlers.set(kind, handler);
}

/** A function the host can call by name (runner.call(name, args)); its result goes back as JSON. */
export function expose(name: string, fn: (args: unknown) => unknown): void {
  exposed.set(name, fn);
}

export function defer(task: () => void): void {
  deferred.push(task);
}

/** Report `count` more bytes (or packets) of `id` consumed, so the host can reopen its window. */
export function ack(id: number, count: number): void {
  acks.set(id, (acks.get(id) ?? 0) + count);
}

/** The timer module tells the bridge how long XS may sleep (ms, or -1 for "no timer"). */
export function onWake(provider: () => number): void {
  wakeProvider = provider;
}

/** An exception escaped an application callback: on a device xsbug would show it; here the host
 * collects it so a test fails loudly. */
export function uncaught(where: string, error: unknown): void {
  const message = `${where}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  errors.push(message);
  print(`XS uncaught ${message}`);
}

/** Invoke an application callback the way the device runtime would: exceptions do not unwind the
 * bridge, they are reported. */
export function invoke(where: string, fn: (() => void) | undefined): void {
  if (!fn) return;
  try {
    fn();
  } catch (e) {
    uncaught(where, e);
  }
}

function drainDeferred(): void {
  // tasks may defer more tasks; bounded so a callback loop cannot hang the delivery
  for (let i = 0; i < deferred.length; i++) {
    if (i > 100000) {
      uncaught("bridge", new Error("deferred task loop"));
      break;
    }
    invoke("deferred", deferred[i]);
  }
  deferred.length = 0;
}

interface Delivery {
  events: BridgeEvent[];
}

function handle(request: ArrayBuffer): { result: ArrayBuffer } {
  const frame = decodeFrame<Delivery>(new Uint8Array(request));
  const results: unknown[] = [];
  for (const event of frame.header.events) {
    if (event.t === "call") {
      const fn = exposed.get(event.name as string);
      try {
        if (!fn) throw new Error(`nothing exposed as ${String(event.name)}`);
        results.push({ ok: true, value: fn(event.args) });
      } catch (e) {
        results.push({ ok: false, error: e instanceof Error ? `${e.name}: ${e.message}${e.stack ? `\n${e.stack}` : ""}` : String(e) });
      }
    } else {
      const handler = handlers.get(event.t);
      if (handler) invoke(event.t, () => handler(event, frame.payload));
    }
    drainDeferred();
  }
  // xsnap reads `result` only after running promise jobs, so work queued by promises is counted
  return {
    get result(): ArrayBuffer {
      drainDeferred();
      const reply = {
        acks: Array.from(acks),
        wake: wakeProvider ? wakeProvider() : -1,
        results,
        errors,
      };
      acks = new Map();
      errors = [];
      return encodeFrame(reply).buffer as ArrayBuffer;
    },
  };
}

/** Install the bridge: called once by the bundle's prelude. */
export function installBridge(): void {
  (globalThis as Record<string, unknown>).handleCommand = handle;
  // xsnap's trace() writes nowhere; route it to stdout line by line like xsbug's console would
  let partial = "";
  (globalThis as Record<string, unknown>).trace = (...values: unknown[]): void => {
    partial += values.map(String).join("");
    const lines = partial.split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) print(line);
  };
}
