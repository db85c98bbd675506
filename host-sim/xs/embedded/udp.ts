// "embedded:io/socket/udp" for the XS run. onReadable(packets) counts queued datagrams; read()
// returns the oldest as an ArrayBuffer carrying `address` and `port`, or undefined. The host
// drops datagrams while XS has too many unread ones, as lwIP does when its pbufs run out.

import { ack, call, invoke, on, type BridgeEvent } from "./host";

type Bytes = ArrayBuffer | ArrayBufferView;

export interface UDPOptions {
  address?: string;
  port?: number;
  multicast?: string;
  format?: "buffer";
  target?: unknown;
  onReadable?: (this: UDP, packets: number) => void;
  onWritable?: (this: UDP, count: number) => void;
  onError?: (this: UDP) => void;
}

export type UDPPacket = ArrayBuffer & { address: string; port: number };

const sockets = new Map<number, UDP>();

function asBytes(data: Bytes): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError("invalid buffer");
}

export default class UDP {
  #id: number | undefined;
  #port: number;
  #address: string | undefined;
  #queue: UDPPacket[] = [];
  #onReadable: ((this: UDP, packets: number) => void) | undefined;
  target: unknown;

  constructor(options: UDPOptions) {
    if (options === null || typeof options !== "object") throw new TypeError("options required");
    if (options.format !== undefined && options.format !== "buffer") throw new RangeError("unimplemented");
    const port = options.port === undefined ? 0 : Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError("invalid port");
    this.#onReadable = typeof options.onReadable === "function" ? options.onReadable : undefined;
    if ("target" in options) this.target = options.target;
    const reply = call({ op: "udp.open", address: options.address, port, multicast: options.multicast });
    this.#id = reply.header.id as number;
    this.#port = reply.header.port as number;
    this.#address = reply.header.address as string | undefined;
    sockets.set(this.#id, this);
  }

  // A plain method, not a #private one: XS keeps the first instance a #private method is called on
  // reachable for the machine's life (see tcp.ts).
  private liveId(): number {
    if (this.#id === undefined) throw new Error("closed");
    return this.#id;
  }

  get port(): number {
    this.liveId();
    return this.#port;
  }

  get address(): string | undefined {
    this.liveId();
    return this.#address;
  }

  get format(): "buffer" {
    this.liveId();
    return "buffer";
  }

  read(): UDPPacket | undefined {
    const id = this.liveId();
    const packet = this.#queue.shift();
    if (packet) ack(id, 1);
    return packet;
  }

  write(data: Bytes, address: string, port: number): void {
    const id = this.liveId();
    if (typeof address !== "string") throw new Error("invalid address");
    const p = Number(port);
    if (!Number.isInteger(p) || p <= 0 || p > 65535) throw new RangeError("invalid port");
    call({ op: "udp.send", id, address, port: p }, asBytes(data));
  }

  addMembership(group: string, iface?: string): void {
    call({ op: "udp.membership", id: this.liveId(), group, iface, add: true });
  }

  dropMembership(group: string, iface?: string): void {
    call({ op: "udp.membership", id: this.liveId(), group, iface, add: false });
  }

  close(): void {
    if (this.#id === undefined) return;
    sockets.delete(this.#id);
    call({ op: "udp.close", id: this.#id });
    this.#id = undefined;
    this.#queue.length = 0;
  }

  /** @internal */
  static packet(event: BridgeEvent, payload: Uint8Array): void {
    const socket = sockets.get(event.id as number);
    if (!socket) return;
    const off = event.off as number;
    const packet = payload.slice(off, off + (event.len as number)).buffer as UDPPacket;
    packet.address = event.address as string;
    packet.port = event.port as number;
    socket.#queue.push(packet);
    if (socket.#onReadable) invoke("onReadable", () => socket.#onReadable!.call(socket, socket.#queue.length));
  }
}

on("udp.packet", UDP.packet);
