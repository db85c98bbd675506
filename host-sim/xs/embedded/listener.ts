// "embedded:io/socket/listener" for the XS run. onReadable(count) reports pending connections;
// read() hands out the oldest as a TCP socket without callbacks (re-wrap it with
// new TCP({from})), or undefined when none is pending.

import { call, invoke, on, type BridgeEvent } from "./host";
import TCP, { dropTcpState, newTcpState, type TcpState } from "./tcp";

export interface ListenerOptions {
  address?: string;
  port?: number;
  target?: unknown;
  onReadable?: (this: Listener, count: number) => void;
  onError?: (this: Listener) => void;
}

const listeners = new Map<number, Listener>();

export default class Listener {
  #id: number | undefined;
  #port: number;
  #address: string | undefined;
  #pending: TcpState[] = [];
  #onReadable: ((this: Listener, count: number) => void) | undefined;
  target: unknown;

  constructor(options: ListenerOptions) {
    if (options === null || typeof options !== "object") throw new TypeError("options required");
    const port = options.port === undefined ? 0 : Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError("invalid port");
    this.#onReadable = typeof options.onReadable === "function" ? options.onReadable : undefined;
    if ("target" in options) this.target = options.target;
    const reply = call({ op: "listener.open", address: options.address, port });
    this.#id = reply.header.id as number;
    this.#port = reply.header.port as number;
    this.#address = reply.header.address as string | undefined;
    listeners.set(this.#id, this);
  }

  get port(): number {
    if (this.#id === undefined) throw new Error("closed");
    return this.#port;
  }

  get address(): string | undefined {
    if (this.#id === undefined) throw new Error("closed");
    return this.#address;
  }

  read(): TCP | undefined {
    if (this.#id === undefined) throw new Error("closed");
    const state = this.#pending.shift();
    return state ? TCP.fromState(state) : undefined;
  }

  close(): void {
    if (this.#id === undefined) return;
    listeners.delete(this.#id);
    call({ op: "listener.close", id: this.#id });
    this.#id = undefined;
    for (const state of this.#pending.splice(0)) dropTcpState(state);
  }

  /** @internal */
  static accept(event: BridgeEvent): void {
    const listener = listeners.get(event.id as number);
    const state = newTcpState(event.socket as number, true);
    state.remoteAddress = event.remoteAddress as string;
    state.remotePort = event.remotePort as number;
    state.localAddress = event.localAddress as string;
    state.localPort = event.localPort as number;
    if (!listener) {
      dropTcpState(state);
      return;
    }
    listener.#pending.push(state);
    if (listener.#onReadable) invoke("onReadable", () => listener.#onReadable!.call(listener, listener.#pending.length));
  }
}

on("listener.accept", Listener.accept);
