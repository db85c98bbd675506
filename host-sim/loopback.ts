// An in-memory Platform: TCP, Listener and UDP joined inside one process, timers on a virtual
// clock, deterministic randomness. Nothing happens until the test drives it: `run()` delivers
// queued socket callbacks, `advance(ms)` moves the clock (running due timers and callbacks).
// Same ECMA-419 contract as host-sim/sockets.ts, so protocol code is tested without the kernel.

import type {
  Bytes, DigestAlgorithm, ListenerOptions, ListenerSocket, Platform, SocketError, TCPOptions, TCPSocket, Timers,
  UDPOptions, UDPPacket, UDPSocket,
} from "../modules/core/platform";
import { MemoryStore } from "./store";
import * as crypto from "node:crypto";

export interface LoopbackOptions {
  sendBuffer?: number;
  receiveWindow?: number;
  seed?: number;
}

export interface LoopbackPlatform extends Platform {
  /** deliver queued callbacks (and the promise jobs they start) until nothing is left */
  run(): Promise<void>;
  /** move the virtual clock forward, firing due timers, then run() */
  advance(ms: number): Promise<void>;
  /** the loopback's log lines */
  readonly logs: string[];
}

function copy(data: Bytes): Uint8Array {
  const src = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return src.slice();
}

export function createLoopbackPlatform(options: LoopbackOptions = {}): LoopbackPlatform {
  const sendBuffer = options.sendBuffer ?? 8192;
  const receiveWindow = options.receiveWindow ?? 8192;
  let clock = 0;
  let seed = options.seed ?? 1;
  const tasks: (() => void)[] = [];
  const post = (fn: () => void) => tasks.push(fn);
  const listeners = new Map<string, Listener>();
  const udps = new Map<string, UDP>();
  let nextPort = 49152;
  const logs: string[] = [];

  interface Timer {
    at: number;
    fn: () => void;
    every: number;
    live: boolean;
  }
  let timers: Timer[] = [];

  const timerApi: Timers = {
    set(callback, delay, repeat) {
      const t: Timer = { at: clock + Math.max(0, delay), fn: callback, every: repeat ?? 0, live: true };
      timers.push(t);
      return t;
    },
    repeat(callback, interval) {
      return timerApi.set(callback, interval, interval);
    },
    clear(id) {
      if (id) (id as Timer).live = false;
    },
  };

  const key = (address: string, port: number) => `${address}:${port}`;
  const allocPort = () => nextPort++;

  class TCP implements TCPSocket {
    format: "buffer" | "number" = "buffer";
    target?: unknown;
    localAddress = "127.0.0.1";
    localPort = 0;
    remoteAddress = "";
    remotePort = 0;
    peer: TCP | undefined;
    inbox: Uint8Array[] = [];
    queued = 0;
    outbox: Uint8Array[] = []; // written by us, not yet inside the peer's receive window
    inFlight = 0;
    closed = false;
    ended: SocketError | null | undefined;
    errorReported = false;
    cb: Pick<TCPOptions, "onReadable" | "onWritable" | "onError"> = {};

    constructor(options: TCPOptions & { __accepted?: boolean }) {
      if (!options || typeof options !== "object") throw new TypeError("options required");
      if ("target" in options) this.target = options.target;
      this.cb = { onReadable: options.onReadable, onWritable: options.onWritable, onError: options.onError };
      if (options.__accepted) return;
      if (options.from) {
        const from = options.from as TCP;
        if (!(from instanceof TCP) || from.closed) throw new TypeError("from must be an open socket from Listener.read()");
        // Take over the accepted socket's identity: the peer now talks to this instance.
        Object.assign(this, { localPort: from.localPort, remoteAddress: from.remoteAddress, remotePort: from.remotePort });
        this.peer = from.peer;
        this.inbox = from.inbox;
        this.outbox = from.outbox;
        this.inFlight = from.inFlight;
        this.queued = from.queued;
        this.ended = from.ended;
        if (this.peer) this.peer.peer = this;
        from.closed = true;
        post(() => {
          this.writable();
          if (this.queued) this.readable();
          else if (this.ended !== undefined) this.reportEnd();
        });
        return;
      }
      const address = options.address;
      const port = options.port;
      if (typeof address !== "string" || typeof port !== "number") throw new TypeError("address and port required");
      this.remoteAddress = address;
      this.remotePort = port;
      this.localPort = allocPort();
      post(() => {
        const l = listeners.get(key(address, port)) ?? listeners.get(key("0.0.0.0", port));
        if (!l || l.closed) {
          this.ended = { code: "ECONNREFUSED", message: `connect ${address}:${port} refused` };
          this.reportEnd();
          return;
        }
        const server = new TCP({ __accepted: true } as TCPOptions);
        server.localPort = port;
        server.remoteAddress = "127.0.0.1";
        server.remotePort = this.localPort;
        server.peer = this;
        this.peer = server;
        l.pending.push(server);
        l.cb?.call(l, l.pending.length);
        this.writable();
      });
    }

    /** Move output into the peer's receive window (the ACK that frees our send buffer). */
    transfer() {
      const peer = this.peer;
      if (!peer || peer.closed) return;
      let moved = 0;
      while (this.outbox.length && peer.queued < receiveWindow) {
        const head = this.outbox[0];
        const k = Math.min(head.length, receiveWindow - peer.queued);
        peer.inbox.push(head.subarray(0, k));
        peer.queued += k;
        moved += k;
        if (k === head.length) this.outbox.shift();
        else this.outbox[0] = head.subarray(k);
      }
      if (!moved) return;
      this.inFlight -= moved;
      peer.readable();
      this.writable();
    }

    free() {
      return Math.max(0, sendBuffer - this.inFlight);
    }
    writable() {
      if (!this.closed && this.free() > 0) this.cb.onWritable?.call(this, this.free());
    }
    readable() {
      if (!this.closed && this.queued > 0) this.cb.onReadable?.call(this, this.queued);
    }
    reportEnd() {
      if (this.errorReported || this.closed || this.ended === undefined || this.queued > 0) return;
      if (this.peer && this.peer.outbox.length > 0) return; // the peer's last bytes are still on the way
      this.errorReported = true;
      const e = this.ended;
      post(() => {
        if (!this.closed) this.cb.onError?.call(this, e ?? { code: "EOF", message: "peer closed the connection" });
      });
    }

    read(): ArrayBuffer | undefined;
    read(count: number): ArrayBuffer;
    read(into: ArrayBuffer | ArrayBufferView): number;
    read(arg?: number | ArrayBuffer | ArrayBufferView): ArrayBuffer | number | undefined {
      if (this.closed) throw new Error("socket is closed");
      if (arg === undefined) {
        if (!this.queued) return undefined;
        return this.take(this.queued).buffer as ArrayBuffer;
      }
      if (typeof arg === "number") {
        if (arg > this.queued) throw new RangeError(`read(${arg}) past the ${this.queued} bytes available`);
        return this.take(arg).buffer as ArrayBuffer;
      }
      const view = arg instanceof ArrayBuffer ? new Uint8Array(arg) : new Uint8Array(arg.buffer, arg.byteOffset, arg.byteLength);
      const n = Math.min(view.length, this.queued);
      let o = 0;
      while (o < n) {
        const head = this.inbox[0];
        const k = Math.min(head.length, n - o);
        view.set(head.subarray(0, k), o);
        o += k;
        if (k === head.length) this.inbox.shift();
        else this.inbox[0] = head.subarray(k);
      }
      this.queued -= n;
      // Reading reopens the window: the sender learns it has room again.
      // Reading reopens the window: what the peer still holds for us can come in.
      const peer = this.peer;
      if (peer && n > 0) post(() => peer.transfer());
      if (this.queued === 0) this.reportEnd();
      return n;
    }

    take(n: number): Uint8Array {
      const out = new Uint8Array(n);
      this.read(out);
      return out;
    }

    write(data: Bytes): void {
      if (this.closed) throw new Error("socket is closed");
      const bytes = copy(data);
      if (bytes.length > this.free()) throw new RangeError(`write of ${bytes.length} bytes exceeds the ${this.free()} bytes free`);
      const peer = this.peer;
      if (!peer || peer.ended !== undefined) throw new Error("socket is not connected");
      this.inFlight += bytes.length;
      this.outbox.push(bytes);
      post(() => this.transfer());
    }

    close(): void {
      if (this.closed) throw new Error("socket is closed");
      this.closed = true;
      const peer = this.peer;
      this.inbox = [];
      this.queued = 0;
      if (peer) {
        post(() => {
          if (peer.ended === undefined) peer.ended = null;
          peer.reportEnd();
        });
      }
    }
  }

  class Listener implements ListenerSocket {
    target?: unknown;
    port: number;
    address: string;
    pending: TCP[] = [];
    closed = false;
    cb: ListenerOptions["onReadable"];
    constructor(options: ListenerOptions) {
      this.address = options.address ?? "0.0.0.0";
      this.port = options.port || allocPort();
      if ("target" in options) this.target = options.target;
      const k = key(this.address, this.port);
      if (listeners.has(k) && !listeners.get(k)!.closed) throw new Error(`listen ${k}: EADDRINUSE`);
      listeners.set(k, this);
      this.cb = options.onReadable;
    }
    read(): TCPSocket | undefined {
      if (this.closed) throw new Error("listener is closed");
      return this.pending.shift();
    }
    close(): void {
      if (this.closed) throw new Error("listener is closed");
      this.closed = true;
      listeners.delete(key(this.address, this.port));
    }
  }

  class UDP implements UDPSocket {
    target?: unknown;
    port: number;
    address: string;
    queue: UDPPacket[] = [];
    closed = false;
    cb: UDPOptions["onReadable"];
    constructor(options: UDPOptions) {
      this.address = options.address ?? "0.0.0.0";
      this.port = options.port || allocPort();
      if ("target" in options) this.target = options.target;
      const k = key("*", this.port);
      if (udps.has(k)) throw new Error(`bind udp ${this.port}: EADDRINUSE`);
      udps.set(k, this);
      this.cb = options.onReadable;
    }
    read(): UDPPacket | undefined {
      if (this.closed) throw new Error("socket is closed");
      return this.queue.shift();
    }
    write(data: Bytes, address: string, port: number): void {
      if (this.closed) throw new Error("socket is closed");
      const bytes = copy(data);
      const from = this.port;
      post(() => {
        const to = udps.get(key("*", port));
        if (!to || to.closed) return; // datagrams to nobody vanish
        const pkt = bytes.buffer as UDPPacket;
        pkt.address = "127.0.0.1";
        pkt.port = from;
        void address;
        to.queue.push(pkt);
        to.cb?.call(to, to.queue.length);
      });
    }
    close(): void {
      if (this.closed) throw new Error("socket is closed");
      this.closed = true;
      udps.delete(key("*", this.port));
    }
  }

  async function run(): Promise<void> {
    for (let guard = 0; guard < 1_000_000; guard++) {
      await Promise.resolve();
      const t = tasks.shift();
      if (!t) {
        // let promise jobs queued by the last task settle, then check again
        await new Promise<void>((r) => setImmediate(r));
        if (!tasks.length) return;
        continue;
      }
      t();
    }
    throw new Error("loopback: run() did not settle (a callback loop?)");
  }

  async function advance(ms: number): Promise<void> {
    const until = clock + ms;
    await run();
    for (;;) {
      timers = timers.filter((t) => t.live);
      const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      clock = Math.max(clock, due.at);
      if (due.every > 0) due.at += due.every;
      else due.live = false;
      due.fn();
      await run();
    }
    clock = until;
  }

  return {
    name: "loopback",
    TCP,
    UDP,
    Listener,
    timers: timerApi,
    now: () => clock,
    time: () => 1_700_000_000_000 + clock,
    randomBytes(n) {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        out[i] = seed >>> 24;
      }
      return out;
    },
    digest(algorithm: DigestAlgorithm, ...parts: Bytes[]) {
      const h = crypto.createHash(algorithm === "SHA1" ? "sha1" : algorithm === "MD5" ? "md5" : "sha256");
      for (const p of parts) h.update(copy(p));
      const d = h.digest();
      return d.buffer.slice(d.byteOffset, d.byteOffset + d.length) as ArrayBuffer;
    },
    store: new MemoryStore(),
    log(level, message) {
      logs.push(`${level}: ${message}`);
    },
    logs,
    run,
    advance,
  };
}
