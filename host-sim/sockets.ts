// ECMA-419 TCP, Listener and UDP over node:net and node:dgram, with the semantics of Moddable's
// lwIP implementation (see modules/core/platform.ts). Binding is synchronous, as on a device:
// listeners bind a raw libuv handle before Node's server adopts it, so `port` is known at once
// and EADDRINUSE throws from the constructor.

import * as net from "node:net";
import * as dgram from "node:dgram";
import * as util from "node:util";
import type {
  Bytes, ListenerOptions, ListenerSocket, SocketError, TCPOptions, TCPSocket, UDPOptions, UDPPacket, UDPSocket,
} from "../modules/core/platform";

export interface HostSocketOptions {
  /** bytes of unsent output a TCP socket accepts (lwIP's TCP_SND_BUF) */
  sendBuffer: number;
  /** bytes of unread input buffered before the receive window closes (TCP_WND) */
  receiveWindow: number;
  /** datagrams queued per UDP socket before new ones are dropped */
  udpQueue: number;
}

export const defaultSocketOptions: HostSocketOptions = { sendBuffer: 65536, receiveWindow: 65536, udpQueue: 64 };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const binding = (name: string): any => (process as any).binding(name);

function errorOf(e: unknown): SocketError {
  const err = e as NodeJS.ErrnoException;
  return { code: err?.code ?? "EIO", message: err?.message ?? String(e) };
}

/** A copy: the caller may reuse its buffer as soon as write() returns, and Node may still hold it. */
function toBuffer(data: Bytes): Buffer {
  const src = data instanceof Uint8Array ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = Buffer.allocUnsafe(src.length); // small sizes come from Node's pool
  out.set(src);
  return out;
}

function checkPort(port: unknown, optional: boolean): number {
  if (port === undefined && optional) return 0;
  if (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`invalid port ${String(port)}`);
  return port;
}

function checkAddress(address: unknown): string | undefined {
  if (address === undefined) return undefined;
  if (typeof address !== "string" || net.isIP(address) === 0) throw new TypeError(`invalid address ${String(address)}`);
  return address;
}

function uvError(code: number, what: string): Error {
  const name = util.getSystemErrorName(code);
  const e = new Error(`${what}: ${name}`) as NodeJS.ErrnoException;
  e.code = name;
  return e;
}

/** Bind a raw handle synchronously; returns it, or throws the bind/listen error. */
function bindTcpHandle(address: string, port: number): { handle: unknown; port: number } {
  const { TCP, constants } = binding("tcp_wrap");
  const handle = new TCP(constants.SERVER);
  const v6 = net.isIPv6(address);
  let err = v6 ? handle.bind6(address, port, 0) : handle.bind(address, port);
  if (!err) err = handle.listen(511);
  if (err) {
    handle.close();
    throw uvError(err, `listen ${address}:${port}`);
  }
  const out: { port?: number } = {};
  handle.getsockname(out);
  return { handle, port: out.port ?? port };
}

/** Reserve a UDP port synchronously (dgram binds asynchronously). */
function probeUdpPort(address: string, port: number): number {
  const { UDP } = binding("udp_wrap");
  const handle = new UDP();
  const v6 = net.isIPv6(address);
  const err = v6 ? handle.bind6(address, port, 0) : handle.bind(address, port, 0);
  if (err) {
    handle.close();
    throw uvError(err, `bind udp ${address}:${port}`);
  }
  const out: { port?: number } = {};
  handle.getsockname(out);
  handle.close();
  return out.port ?? port;
}

/** internal option: a callback-less TCP around a socket just accepted by a Listener */
const ACCEPTED = Symbol("accepted");
/** the TCP wrapper a Node socket's input currently goes to */
const OWNER = Symbol("owner");
type OwnedSocket = net.Socket & { [OWNER]?: { received(count: number): void } };

export function createSocketClasses(opts: HostSocketOptions = defaultSocketOptions) {
  // Every TCP socket reads into this one buffer (Node's `onread`): a read callback runs to its
  // end before the next read, and the bytes the app leaves unread are copied out before it returns.
  const readBuffer = Buffer.allocUnsafe(Math.max(4096, Math.min(65536, opts.receiveWindow)));
  const readInto = {
    buffer: readBuffer,
    callback(this: OwnedSocket, count: number): boolean {
      this[OWNER]?.received(count);
      return true; // pausing goes through socket.pause(), which Node keeps track of
    },
  };

  class TCP implements TCPSocket {
    format: "buffer" | "number";
    target?: unknown;
    #sock: OwnedSocket | undefined;
    /** input not yet read, oldest first: copies of what arrived while older bytes were unread */
    #queue: Buffer[] = [];
    /** bytes readable: the queue plus the unread part of the read buffer */
    #queued = 0;
    /** during onReadable: input still in the shared read buffer at [#liveAt, #liveEnd) */
    #liveAt = 0;
    #liveEnd = 0;
    /** the receive window is closed (Node stopped reading) */
    #paused = false;
    #closed = false;
    #connected = false;
    #ended: SocketError | null | undefined; // undefined: open; null: clean EOF; else error
    #errorReported = false;
    #writableScheduled = false;
    #credit = 0;
    #onReadable?: (this: TCPSocket, count: number) => void;
    #onWritable?: (this: TCPSocket, count: number) => void;
    #onError?: (this: TCPSocket, error?: SocketError) => void;

    constructor(options: TCPOptions & { [ACCEPTED]?: net.Socket }) {
      if (!options || typeof options !== "object") throw new TypeError("options required");
      const accepted = options[ACCEPTED];
      if (accepted) {
        this.format = "buffer";
        this.#sock = accepted;
        this.#connected = true;
        this.#attach();
        accepted.resume();
        return;
      }
      this.format = options.format ?? "buffer";
      if (this.format !== "buffer" && this.format !== "number") throw new RangeError(`invalid format ${String(this.format)}`);
      if ("target" in options) this.target = options.target;
      this.#onReadable = options.onReadable;
      this.#onWritable = options.onWritable;
      this.#onError = options.onError;
      if (options.from) {
        const from = options.from as TCP;
        if (!(from instanceof TCP)) throw new TypeError("from must be a socket from Listener.read()");
        const state = from.#detach();
        this.#sock = state.sock;
        this.#queue = state.queue;
        this.#queued = state.queued;
        this.#ended = state.ended;
        this.#paused = state.paused;
        this.#connected = true;
        this.#attach();
        if (options.nodelay) this.#sock.setNoDelay(true);
        setImmediate(() => {
          if (this.#closed) return;
          this.#emitWritable();
          if (this.#queued) this.#onReadable?.call(this, this.#queued);
          else if (this.#ended !== undefined) this.#reportEnd();
        });
        return;
      }
      const address = checkAddress(options.address);
      if (address === undefined) throw new TypeError("address required");
      const port = checkPort(options.port, false);
      if (port === 0) throw new RangeError("port required");
      const sock = net.connect({ host: address, port, allowHalfOpen: true, noDelay: options.nodelay ?? false, onread: readInto });
      this.#sock = sock;
      this.#attach();
      sock.once("connect", () => {
        this.#connected = true;
        this.#emitWritable();
      });
    }

    /** Hand the Node socket to a new wrapper (Listener.read() → new TCP({from})). */
    #detach() {
      if (this.#closed || !this.#sock) throw new Error("socket is closed");
      const sock = this.#sock;
      sock[OWNER] = undefined;
      sock.removeAllListeners("end").removeAllListeners("error").removeAllListeners("close");
      const state = { sock, queue: this.#queue, queued: this.#queued, ended: this.#ended, paused: this.#paused };
      this.#sock = undefined;
      this.#closed = true;
      return state;
    }

    #attach() {
      const sock = this.#sock!;
      sock[OWNER] = { received: (count) => this.#received(count) };
      sock.on("end", () => this.#end(null));
      sock.on("error", (e) => this.#end(errorOf(e)));
      sock.on("close", () => this.#end(null));
    }

    /**
     * Node read `count` bytes into the shared read buffer. The app usually reads them inside
     * onReadable, straight from there; only what it leaves is copied, before the buffer is reused.
     */
    #received(count: number) {
      if (this.#closed) return;
      if (this.#queued === 0) {
        this.#liveAt = 0;
        this.#liveEnd = count;
      } else this.#queue.push(Buffer.from(readBuffer.subarray(0, count)));
      this.#queued += count;
      this.#onReadable?.call(this, this.#queued);
      if (this.#liveAt < this.#liveEnd) {
        if (!this.#closed) this.#queue.push(Buffer.from(readBuffer.subarray(this.#liveAt, this.#liveEnd)));
        this.#liveAt = this.#liveEnd = 0;
      }
      // The receive window closes until the application reads.
      if (this.#queued >= opts.receiveWindow && !this.#paused && this.#sock) {
        this.#paused = true;
        this.#sock.pause();
      }
    }

    #end(error: SocketError | null) {
      if (this.#ended === undefined || (this.#ended === null && error)) this.#ended = error;
      if (!this.#connected && error === null && this.#ended === null) this.#ended = { code: "ECONNRESET", message: "connection closed before it was established" };
      if (this.#queued === 0) this.#reportEnd();
    }

    #reportEnd() {
      if (this.#errorReported || this.#closed || this.#ended === undefined) return;
      this.#errorReported = true;
      const e = this.#ended;
      setImmediate(() => {
        if (!this.#closed) this.#onError?.call(this, e ?? { code: "EOF", message: "peer closed the connection" });
      });
    }

    #free(): number {
      const sock = this.#sock;
      if (!sock || !this.#connected || sock.destroyed) return 0;
      return Math.max(0, opts.sendBuffer - sock.writableLength);
    }

    #emitWritable() {
      if (this.#closed || this.#writableScheduled) return;
      const free = this.#free();
      if (free <= 0) return;
      this.#writableScheduled = true;
      setImmediate(() => {
        this.#writableScheduled = false;
        if (this.#closed) return;
        const n = this.#free();
        if (n > 0) {
          this.#credit = n;
          this.#onWritable?.call(this, n);
        }
      });
    }

    #check() {
      if (this.#closed) throw new Error("socket is closed");
    }

    get remoteAddress() {
      return this.#sock?.remoteAddress?.replace(/^::ffff:/, "");
    }
    get remotePort() {
      return this.#sock?.remotePort;
    }
    get localAddress() {
      return this.#sock?.localAddress?.replace(/^::ffff:/, "");
    }
    get localPort() {
      return this.#sock?.localPort;
    }

    read(): ArrayBuffer | undefined;
    read(count: number): ArrayBuffer;
    read(into: ArrayBuffer | ArrayBufferView): number;
    read(arg?: number | ArrayBuffer | ArrayBufferView): ArrayBuffer | number | undefined {
      this.#check();
      if (this.format === "number" && arg === undefined) {
        if (this.#queued === 0) return undefined;
        const b = this.#take(1);
        return b[0] as unknown as ArrayBuffer;
      }
      if (arg === undefined) {
        if (this.#queued === 0) return undefined;
        return this.#take(this.#queued).buffer as ArrayBuffer;
      }
      if (typeof arg === "number") {
        if (!Number.isInteger(arg) || arg < 0) throw new RangeError("invalid count");
        if (arg > this.#queued) throw new RangeError(`read(${arg}) past the ${this.#queued} bytes available`);
        return this.#take(arg).buffer as ArrayBuffer;
      }
      const view = arg instanceof Uint8Array ? arg : arg instanceof ArrayBuffer ? new Uint8Array(arg) : new Uint8Array(arg.buffer, arg.byteOffset, arg.byteLength);
      const n = Math.min(view.length, this.#queued);
      let o = 0;
      while (o < n && this.#queue.length > 0) {
        const head = this.#queue[0];
        const k = Math.min(head.length, n - o);
        if (k === head.length) {
          view.set(head, o);
          this.#queue.shift();
        } else {
          view.set(head.subarray(0, k), o);
          this.#queue[0] = head.subarray(k);
        }
        o += k;
      }
      if (o < n) {
        // the rest is in the read buffer (only inside onReadable, when the queue was empty)
        const k = n - o;
        view.set(readBuffer.subarray(this.#liveAt, this.#liveAt + k), o);
        this.#liveAt += k;
      }
      this.#consumed(n);
      return n;
    }

    #take(n: number): Uint8Array {
      const out = new Uint8Array(n);
      this.read(out);
      return out;
    }

    #consumed(n: number) {
      this.#queued -= n;
      if (this.#paused && this.#queued < opts.receiveWindow && this.#sock) {
        this.#paused = false;
        this.#sock.resume();
      }
      if (this.#queued === 0 && this.#ended !== undefined) this.#reportEnd();
    }

    write(data: Bytes | number): void {
      this.#check();
      const sock = this.#sock!;
      if (!this.#connected) throw new Error("socket is not connected");
      if (this.#ended && this.#ended !== null) throw new Error(`socket error ${this.#ended.code}`);
      const buf = typeof data === "number" ? Buffer.from([data & 0xff]) : toBuffer(data);
      const free = this.#free();
      if (buf.length > free) throw new RangeError(`write of ${buf.length} bytes exceeds the ${free} bytes free`);
      // The app was last told it may write #credit bytes. Only when that runs low does it need
      // a fresh onWritable; asking for one on every write would cost a callback per response.
      this.#credit -= buf.length;
      if (this.#credit < opts.sendBuffer / 2) sock.write(buf, () => this.#emitWritable());
      else sock.write(buf);
    }

    close(): void {
      this.#check();
      this.#closed = true;
      const sock = this.#sock;
      this.#sock = undefined;
      this.#queue = [];
      this.#queued = 0;
      this.#liveAt = this.#liveEnd = 0;
      if (sock) {
        sock[OWNER] = undefined; // what still arrives is dropped
        sock.on("error", () => {});
        // Graceful, as lwIP's tcp_close: queued output goes out, then FIN.
        sock.end();
        const t = setTimeout(() => sock.destroy(), 5000);
        t.unref();
        sock.once("close", () => clearTimeout(t));
      }
    }
  }

  class Listener implements ListenerSocket {
    target?: unknown;
    readonly port: number;
    readonly address: string;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    #handle: any;
    #pending: net.Socket[] = [];
    #closed = false;
    #onReadable?: (this: ListenerSocket, count: number) => void;

    constructor(options: ListenerOptions) {
      if (!options || typeof options !== "object") throw new TypeError("options required");
      const address = checkAddress(options.address) ?? "0.0.0.0";
      const port = checkPort(options.port, true);
      if ("target" in options) this.target = options.target;
      this.#onReadable = options.onReadable;
      const bound = bindTcpHandle(address, port);
      this.port = bound.port;
      this.address = address;
      // Accepting on the raw handle (not through net.Server) lets each socket be created with
      // `onread`: input lands in one shared buffer instead of a fresh Buffer and a stream 'data'
      // event per read.
      this.#handle = bound.handle;
      this.#handle.onconnection = (err: number, clientHandle: { close(): void }) => {
        if (err) {
          options.onError?.call(this, errorOf(uvError(err, "accept")));
          return;
        }
        if (this.#closed) return clientHandle.close();
        // pauseOnCreate: its bytes wait in the kernel until the app takes the socket.
        const sock = new net.Socket({ handle: clientHandle, allowHalfOpen: true, pauseOnCreate: true, readable: true, writable: true, onread: readInto } as net.SocketConstructorOpts);
        sock.on("error", () => {});
        this.#pending.push(sock);
        this.#onReadable?.call(this, this.#pending.length);
      };
    }

    read(): TCPSocket | undefined {
      if (this.#closed) throw new Error("listener is closed");
      const sock = this.#pending.shift();
      if (!sock) return undefined;
      return new TCP({ [ACCEPTED]: sock } as TCPOptions);
    }

    close(): void {
      if (this.#closed) throw new Error("listener is closed");
      this.#closed = true;
      for (const s of this.#pending) s.destroy();
      this.#pending = [];
      this.#handle.close();
    }
  }

  class UDP implements UDPSocket {
    target?: unknown;
    readonly port: number;
    readonly address: string;
    #sock: dgram.Socket;
    #queue: UDPPacket[] = [];
    #closed = false;
    #bound = false;
    #pendingOps: (() => void)[] = [];
    #onReadable?: (this: UDPSocket, packets: number) => void;
    #onError?: (this: UDPSocket, error?: SocketError) => void;
    #checkedAddress = "";

    constructor(options: UDPOptions) {
      if (!options || typeof options !== "object") throw new TypeError("options required");
      const address = checkAddress(options.address) ?? "0.0.0.0";
      const port = checkPort(options.port, true);
      if ("target" in options) this.target = options.target;
      this.#onReadable = options.onReadable;
      this.#onError = options.onError;
      this.port = probeUdpPort(address, port);
      this.address = address;
      const sock = dgram.createSocket({ type: net.isIPv6(address) ? "udp6" : "udp4", reuseAddr: !!options.multicast });
      this.#sock = sock;
      sock.on("message", (msg, rinfo) => {
        if (this.#closed) return;
        if (this.#queue.length >= opts.udpQueue) return; // a full queue drops, as lwIP does
        // Node gives each datagram its own exactly-sized ArrayBuffer: hand it over without a copy.
        const whole = msg.byteOffset === 0 && msg.byteLength === msg.buffer.byteLength;
        const ab = (whole ? msg.buffer : new Uint8Array(msg).buffer) as UDPPacket;
        const from = rinfo.address;
        ab.address = from.charCodeAt(0) === 0x3a && from.startsWith("::ffff:") ? from.slice(7) : from;
        ab.port = rinfo.port;
        this.#queue.push(ab);
        this.#onReadable?.call(this, this.#queue.length);
      });
      sock.on("error", (e) => {
        if (!this.#closed) options.onError?.call(this, errorOf(e));
      });
      // dgram binds asynchronously: membership changes wait for it, in order.
      const specific = net.isIPv4(address) && address !== "0.0.0.0" ? address : undefined;
      sock.bind(this.port, address, () => {
        this.#bound = true;
        // Multicast leaves through the interface the socket is bound to (loopback in tests).
        if (specific) sock.setMulticastInterface(specific);
        if (options.multicast) this.#membership(true, options.multicast, specific);
        for (const op of this.#pendingOps.splice(0)) op();
      });
    }

    read(): UDPPacket | undefined {
      if (this.#closed) throw new Error("socket is closed");
      return this.#queue.shift();
    }

    write(data: Bytes, address: string, port: number): void {
      if (this.#closed) throw new Error("socket is closed");
      // a server answers the same few peers over and over: validate each address once in a row
      if (address !== this.#checkedAddress) {
        checkAddress(address);
        this.#checkedAddress = address;
      }
      if (checkPort(port, false) === 0) throw new RangeError("port required");
      this.#sock.send(toBuffer(data), port, address);
    }

    addMembership(group: string, iface?: string): void {
      this.#membership(true, group, iface);
    }

    dropMembership(group: string, iface?: string): void {
      this.#membership(false, group, iface);
    }

    #membership(add: boolean, group: string, iface?: string): void {
      if (this.#closed) throw new Error("socket is closed");
      if (!net.isIP(group)) throw new TypeError(`invalid multicast group ${group}`);
      const op = () => {
        if (this.#closed) return;
        try {
          if (add) this.#sock.addMembership(group, iface);
          else this.#sock.dropMembership(group, iface);
        } catch (e) {
          this.#onError?.call(this, errorOf(e));
        }
      };
      if (this.#bound) op();
      else this.#pendingOps.push(op);
    }

    close(): void {
      if (this.#closed) throw new Error("socket is closed");
      this.#closed = true;
      this.#queue = [];
      try {
        this.#sock.close();
      } catch {
        // not bound yet
      }
    }
  }

  return { TCP, Listener, UDP };
}
