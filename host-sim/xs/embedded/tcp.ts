// "embedded:io/socket/tcp" for the XS run: the ECMA-419 TCP socket with the behaviour of Moddable's
// lwIP implementation (modules/io/socket/lwip/tcp.c), over a Node socket the host owns.
//  - onWritable(free) first fires once connected, then as sent bytes are acknowledged; write() of
//    more than the free send buffer throws "would block" and writes nothing; write() before the
//    connection is up, or once the peer is gone, throws "not ready".
//  - read() returns undefined when nothing is buffered; read(n) / read(view) throw when asking for
//    more than is buffered (or nothing); the host's receive window reopens only as XS reads.
//  - onError() (no argument, as on lwIP) comes once the buffered data has been read.
//  - a socket handed out by Listener.read() has no callbacks; new TCP({from}) re-wraps it and the
//    old instance becomes closed; any call on a closed instance throws (close() is idempotent).

import { ack, call, defer, invoke, on, type BridgeEvent } from "./host";
import { profile } from "./profile";

type Bytes = ArrayBuffer | ArrayBufferView;

export interface TCPOptions {
  address?: string;
  port?: number;
  from?: TCP;
  nodelay?: boolean;
  keepalive?: { idle?: number; interval?: number; count?: number };
  format?: "buffer" | "number";
  target?: unknown;
  onReadable?: (this: TCP, count: number) => void;
  onWritable?: (this: TCP, count: number) => void;
  onError?: (this: TCP) => void;
}

/** What lives on while a socket is handed from instance to instance. */
export interface TcpState {
  id: number;
  chunks: Uint8Array[];
  /** read offset into chunks[0] */
  head: number;
  available: number;
  ready: boolean;
  writable: number;
  /** the peer closed or the connection failed: writes are dropped, onError once drained */
  failed: boolean;
  errorDelivered: boolean;
  owner: TCP | undefined;
  remoteAddress?: string;
  remotePort?: number;
  localAddress?: string;
  localPort?: number;
}

const states = new Map<number, TcpState>();
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function newTcpState(id: number, ready: boolean): TcpState {
  const state: TcpState = { id, chunks: [], head: 0, available: 0, ready, writable: profile.tcpSendBuffer, failed: false, errorDelivered: false, owner: undefined };
  states.set(id, state);
  return state;
}

/** Close a socket no instance owns (pending in a listener that closes). */
export function dropTcpState(state: TcpState): void {
  if (!states.delete(state.id)) return;
  call({ op: "tcp.close", id: state.id });
}

const wrapping = Symbol("wrap");

function asBytes(data: Bytes): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError("invalid buffer");
}

export default class TCP {
  #state: TcpState | undefined;
  #format: "buffer" | "number";
  #onReadable: ((this: TCP, count: number) => void) | undefined;
  #onWritable: ((this: TCP, count: number) => void) | undefined;
  #onError: ((this: TCP) => void) | undefined;
  target: unknown;

  constructor(options: TCPOptions & { [wrapping]?: TcpState }) {
    if (options === null || typeof options !== "object") throw new TypeError("options required");
    const format = options.format ?? "buffer";
    if (format !== "buffer" && format !== "number") throw new RangeError("unimplemented");
    this.#format = format;
    this.#onReadable = typeof options.onReadable === "function" ? options.onReadable : undefined;
    this.#onWritable = typeof options.onWritable === "function" ? options.onWritable : undefined;
    this.#onError = typeof options.onError === "function" ? options.onError : undefined;
    if ("target" in options) this.target = options.target;

    const handed = options[wrapping];
    if (handed) {
      this.#state = handed;
      handed.owner = this;
      return;
    }
    if (options.from !== undefined) {
      const from = options.from;
      if (!(from instanceof TCP) || !from.#state) throw new Error("invalid from");
      const state = from.#state;
      from.#state = undefined;
      this.#state = state;
      state.owner = this;
      if (options.nodelay !== undefined) call({ op: "tcp.nodelay", id: state.id, nodelay: !!options.nodelay });
      // lwIP posts these to the next turn rather than calling back from inside the constructor
      defer(() => this.resumeCallbacks());
      return;
    }

    const address = options.address;
    if (typeof address !== "string" || !IPV4.test(address)) throw new Error("invalid address");
    const port = Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError("invalid port");
    const reply = call({ op: "tcp.connect", address, port, nodelay: options.nodelay });
    const state = newTcpState(reply.header.id as number, false);
    state.owner = this;
    this.#state = state;
  }

  // Plain (TS-private) methods, not #private ones: XS keeps the first instance a #private method
  // is called on reachable for the machine's life, which would pin the first socket (and, through
  // `target`, its whole connection) in every live-heap census of the XS run.
  private resumeCallbacks(): void {
    const state = this.#state;
    if (!state || state.owner !== this) return;
    if (state.available > 0 && this.#onReadable) invoke("onReadable", () => this.#onReadable!.call(this, state.available));
    if (state.failed) {
      if (state.available === 0) this.deliverError();
    } else if (state.ready && state.writable > 0 && this.#onWritable) {
      invoke("onWritable", () => this.#onWritable!.call(this, state.writable));
    }
  }

  private deliverError(): void {
    const state = this.#state;
    if (!state || state.errorDelivered) return;
    state.errorDelivered = true;
    if (this.#onError) invoke("onError", () => this.#onError!.call(this));
  }

  private liveState(): TcpState {
    if (!this.#state) throw new Error("closed");
    return this.#state;
  }

  get format(): "buffer" | "number" {
    this.liveState();
    return this.#format;
  }

  set format(value: "buffer" | "number") {
    this.liveState();
    if (value !== "buffer" && value !== "number") throw new RangeError("unimplemented");
    this.#format = value;
  }

  get remoteAddress(): string | undefined {
    return this.liveState().remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.liveState().remotePort;
  }

  get localAddress(): string | undefined {
    return this.liveState().localAddress;
  }

  get localPort(): number | undefined {
    return this.liveState().localPort;
  }

  read(): ArrayBuffer | undefined;
  read(count: number): ArrayBuffer;
  read(into: ArrayBuffer | ArrayBufferView): number;
  read(arg?: number | ArrayBuffer | ArrayBufferView): ArrayBuffer | number | undefined {
    const state = this.liveState();
    if (state.available === 0) return undefined;
    let requested: number;
    let out: Uint8Array;
    let result: ArrayBuffer | number;
    if (this.#format === "number") {
      requested = 1;
      out = new Uint8Array(1);
      result = 0;
    } else if (arg === undefined) {
      requested = state.available;
      out = new Uint8Array(requested);
      result = out.buffer as ArrayBuffer;
    } else if (typeof arg === "object") {
      out = asBytes(arg);
      requested = out.length;
      result = requested;
    } else {
      requested = Math.trunc(Number(arg));
      if (!(requested > 0) || requested > state.available) throw new Error("invalid");
      out = new Uint8Array(requested);
      result = out.buffer as ArrayBuffer;
    }
    if (requested <= 0 || requested > state.available) throw new Error("invalid");

    let filled = 0;
    while (filled < requested) {
      const chunk = state.chunks[0];
      const take = Math.min(requested - filled, chunk.length - state.head);
      out.set(chunk.subarray(state.head, state.head + take), filled);
      filled += take;
      state.head += take;
      if (state.head === chunk.length) {
        state.chunks.shift();
        state.head = 0;
      }
    }
    state.available -= requested;
    ack(state.id, requested);
    if (state.available === 0 && state.failed) defer(() => this.deliverError());
    return this.#format === "number" ? out[0] : result;
  }

  write(data: Bytes | number): number {
    const state = this.liveState();
    // lwIP clears `ready` when the error is delivered, so a write after the peer left throws too
    if (!state.ready) throw new Error("not ready");
    let bytes: Uint8Array;
    if (this.#format === "number") bytes = Uint8Array.of(Number(data) & 0xff);
    else bytes = asBytes(data as Bytes);
    if (bytes.length > state.writable) throw new Error("would block");
    if (bytes.length > 0) {
      call({ op: "tcp.write", id: state.id }, bytes);
      state.writable -= bytes.length;
    }
    return state.writable;
  }

  close(): void {
    const state = this.#state;
    if (!state) return;
    this.#state = undefined;
    if (state.owner === this) state.owner = undefined;
    if (states.delete(state.id)) call({ op: "tcp.close", id: state.id });
  }

  /** @internal the listener hands out accepted sockets without callbacks */
  static fromState(state: TcpState): TCP {
    return new TCP({ [wrapping]: state });
  }

  /** @internal */
  static deliver(event: BridgeEvent, payload: Uint8Array): void {
    const state = states.get(event.id as number);
    if (!state) return;
    const owner = state.owner;
    switch (event.t) {
      case "tcp.connected":
        state.ready = true;
        state.localAddress = event.localAddress as string;
        state.localPort = event.localPort as number;
        state.remoteAddress = event.remoteAddress as string;
        state.remotePort = event.remotePort as number;
        if (owner) owner.resumeCallbacks();
        break;
      case "tcp.data": {
        const off = event.off as number;
        const len = event.len as number;
        if (len <= 0 || state.failed) return;
        state.chunks.push(payload.slice(off, off + len));
        state.available += len;
        if (owner && owner.#onReadable) invoke("onReadable", () => owner.#onReadable!.call(owner, state.available));
        break;
      }
      case "tcp.sent":
        state.writable = Math.min(profile.tcpSendBuffer, state.writable + (event.bytes as number));
        if (owner && !state.failed && owner.#onWritable) invoke("onWritable", () => owner.#onWritable!.call(owner, state.writable));
        break;
      case "tcp.end":
      case "tcp.error":
        if (state.failed) return;
        state.failed = true;
        state.ready = false;
        if (owner && state.available === 0) owner.deliverError();
        break;
    }
  }
}

for (const kind of ["tcp.connected", "tcp.data", "tcp.sent", "tcp.end", "tcp.error"]) on(kind, TCP.deliver);
