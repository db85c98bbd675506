// The event manager (Mongoose's mg_mgr): owns every connection, turns socket callbacks into
// events, and does all the I/O. Handlers only append to `send`; flushing, backpressure, deferred
// closes and timers happen here.

import { isIPv4, isIPv6, parseAddress } from "./address";
import { Connection, Flags, type ConnectionLimits, type Protocol } from "./connection";
import type { ConnectError, Handler, McEvent } from "./events";
import { asU8, type Bytes, type ListenerSocket, type Platform, type TCPOptions, type TCPSocket, type UDPPacket, type UDPSocket } from "./platform";
import { utf8Encode } from "../util/utf8";

export interface ManagerOptions {
  /** ms between poll events to every connection; 0 disables them */
  pollInterval?: number;
  /** default limits for new connections */
  limits?: Partial<ConnectionLimits>;
  /** bytes read from a socket per step, so one busy peer cannot starve the others */
  readChunk?: number;
  /** ms that output queued for a peer that has closed its side may take to leave (default 3000) */
  linger?: number;
}

export interface ConnectionOptions {
  limits?: Partial<ConnectionLimits>;
  protocol?: Protocol;
  userData?: any;
  /** TCP_NODELAY for TCP sockets (default true: request/response protocols want it) */
  nodelay?: boolean;
  /** UDP bind: join this multicast group */
  multicast?: string;
  /** TCP bind: accepted connections alive at once; past it new ones wait in the listener's
   * backlog (lwIP keeps them, their bytes unread) until one closes. 0: no limit */
  maxAccepted?: number;
}

export type Resolver = (host: string, done: (address?: string, error?: string) => void) => void;

const DEFAULT_LIMITS: ConnectionLimits = { recvLimit: 16384, sendLimit: 65536, sendHighWater: 16384 };
/** flags that leave service() something to do besides flushing queued output */
const NEEDS_SERVICE = Flags.CLOSE_IMMEDIATELY | Flags.SEND_AND_CLOSE | Flags.READ_PAUSED;

function isIpLiteral(host: string): boolean {
  return isIPv4(host) || isIPv6(host);
}

export class Manager {
  readonly platform: Platform;
  /** name → address lookup used by connect() for non-literal hosts (the DNS module installs one) */
  resolve: Resolver | undefined;
  limits: ConnectionLimits;
  readonly readChunk: number;
  readonly linger: number;

  private readonly conns = new Set<Connection>();
  private nextId = 1;
  /** connections to service after the current callback (each flagged DIRTY, so listed once); two
   * lists used in turn, so a service pass allocates nothing */
  private dirty: Connection[] = [];
  private spare: Connection[] = [];
  private serviceQueued = false;
  private readonly runService = () => this.service();
  private pollTimer: unknown;
  private closed = false;

  constructor(platform: Platform, options: ManagerOptions = {}) {
    this.platform = platform;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.readChunk = options.readChunk ?? 4096;
    this.linger = options.linger ?? 3000;
    const poll = options.pollInterval ?? 1000;
    if (poll > 0) this.pollTimer = platform.timers.repeat(() => this.pollAll(), poll);
  }

  now(): number {
    return this.platform.now();
  }

  log(level: "debug" | "info" | "warn" | "error", message: string): void {
    this.platform.log(level, message);
  }

  connections(): IterableIterator<Connection> {
    return this.conns.values();
  }

  get count(): number {
    return this.conns.size;
  }

  /** Call fn for every open connection (mg_broadcast without the thread hop). */
  broadcast(fn: (conn: Connection) => void): void {
    for (const c of Array.from(this.conns)) if (!c.isClosed) fn(c);
  }

  // ---- creating connections ------------------------------------------------------------------

  /** Listen on "[tcp|udp]://[ip]:port". Throws on a malformed address or a failed bind. */
  bind(url: string, handler: Handler, options: ConnectionOptions = {}): Connection {
    const parsed = parseAddress(url, "tcp");
    if (!parsed.ok) throw new Error(`bind ${url}: ${parsed.error}`);
    if (parsed.host && !isIpLiteral(parsed.host)) throw new Error(`bind ${url}: listen address must be an IP literal`);
    const c = this.create(handler, options);
    c.flags |= Flags.LISTENING;
    c.acceptLimit = options.maxAccepted ?? 0;
    const self = this;
    try {
      if (parsed.proto === "udp") {
        c.flags |= Flags.UDP;
        const sock = new this.platform.UDP({
          address: parsed.host || undefined,
          port: parsed.port,
          multicast: options.multicast,
          onReadable(this: UDPSocket, packets: number) {
            self.onUdpReadable(c, packets);
          },
          onError(this: UDPSocket, error) {
            self.closeNow(c, { code: error?.code ?? "EIO", message: error?.message ?? "socket error" });
          },
        });
        c.socket = sock;
        c.local = { address: sock.address ?? parsed.host, port: sock.port };
      } else {
        const sock = new this.platform.Listener({
          address: parsed.host || undefined,
          port: parsed.port,
          onReadable(this: ListenerSocket, count: number) {
            self.onAccept(c, count);
          },
          onError(this: ListenerSocket, error) {
            self.closeNow(c, { code: error?.code ?? "EIO", message: error?.message ?? "listener error" });
          },
        });
        c.socket = sock;
        c.local = { address: sock.address ?? parsed.host, port: sock.port };
      }
    } catch (e) {
      this.conns.delete(c);
      c.flags |= Flags.CLOSED;
      throw new Error(`bind ${url}: ${(e as Error).message}`);
    }
    return c;
  }

  /** Connect to "[tcp|udp]://host:port". Always returns a connection; failures (bad address,
   * unresolvable name, refused) arrive as a `connect` event with `error`, then `close`. */
  connect(url: string, handler: Handler, options: ConnectionOptions = {}): Connection {
    const c = this.create(handler, options);
    c.flags |= Flags.CONNECTING;
    const parsed = parseAddress(url, "tcp");
    if (!parsed.ok || !parsed.host || !parsed.port) {
      const message = parsed.ok ? "host and port required" : parsed.error;
      this.defer(() => this.failConnect(c, { code: "EINVAL", message: `${url}: ${message}` }));
      return c;
    }
    if (parsed.proto === "udp") c.flags |= Flags.UDP;
    c.remote = { address: parsed.host, port: parsed.port };
    if (isIpLiteral(parsed.host)) {
      this.defer(() => this.open(c, parsed.host, parsed.port, options));
    } else if (!this.resolve) {
      this.defer(() => this.failConnect(c, { code: "ENOTFOUND", message: `cannot resolve ${parsed.host}: no resolver installed` }));
    } else {
      this.resolve(parsed.host, (address, error) => {
        if (c.isClosed) return;
        if (!address) this.failConnect(c, { code: "ENOTFOUND", message: `cannot resolve ${parsed.host}: ${error ?? "no address"}` });
        else this.open(c, address, parsed.port, options);
      });
    }
    return c;
  }

  /** Take over an already-connected socket (e.g. one read from a Listener by other code). */
  adopt(socket: TCPSocket, handler: Handler, options: ConnectionOptions = {}): Connection {
    const c = this.create(handler, options);
    c.flags |= Flags.ACCEPTED;
    this.wrapTcp(c, socket, options.nodelay ?? true);
    c.remote = { address: socket.remoteAddress ?? "", port: socket.remotePort ?? 0 };
    this.dispatch(c, { type: "accept", remote: c.remote });
    return c;
  }

  /** Close every connection (each gets its close event) and stop polling. */
  close(): void {
    this.closed = true;
    if (this.pollTimer !== undefined) this.platform.timers.clear(this.pollTimer);
    this.pollTimer = undefined;
    for (const c of Array.from(this.conns)) this.closeNow(c);
  }

  // ---- output --------------------------------------------------------------------------------

  write(c: Connection, data: Bytes | string): boolean {
    if (c.isClosed || c.flags & Flags.CLOSE_IMMEDIATELY) return false;
    if (c.flags & Flags.UDP) return this.sendTo(c, data, c.remote.address, c.remote.port);
    if (!c.send.append(data)) {
      this.log("error", `conn ${c.id} ${c.remote.address}:${c.remote.port}: send buffer limit (${c.send.limit} bytes) exceeded, closing`);
      c.send.clear();
      this.closeNow(c, { code: "ENOBUFS", message: "send buffer limit exceeded" });
      return false;
    }
    this.touch(c);
    return true;
  }

  sendTo(c: Connection, data: Bytes | string, address: string, port: number): boolean {
    if (c.isClosed || !(c.flags & Flags.UDP) || !c.socket) return false;
    const bytes = typeof data === "string" ? utf8Encode(data) : asU8(data);
    try {
      (c.socket as UDPSocket).write(bytes, address, port);
      c.lastIo = this.now();
      return true;
    } catch (e) {
      this.log("warn", `conn ${c.id}: UDP send to ${address}:${port} failed: ${(e as Error).message}`);
      return false;
    }
  }

  /** Mark a connection for servicing (flush, deferred close) after the current callback. */
  touch(c: Connection): void {
    if (c.flags & Flags.DIRTY) return;
    c.flags |= Flags.DIRTY;
    this.dirty.push(c);
    if (this.serviceQueued) return;
    this.serviceQueued = true;
    Promise.resolve().then(this.runService);
  }

  setTimer(c: Connection, at: number): number {
    const old = c.timerAt;
    if (c.timer !== undefined) this.platform.timers.clear(c.timer);
    c.timer = undefined;
    c.timerAt = at;
    if (at > 0 && !c.isClosed) this.armTimer(c, at);
    return old;
  }

  private armTimer(c: Connection, at: number): void {
    c.timer = this.platform.timers.set(() => {
      c.timer = undefined;
      if (c.isClosed) return;
      // Platform timers may fire a little early against a floored clock: never before `at`.
      if (this.now() < at) return this.armTimer(c, at);
      c.timerAt = 0;
      this.dispatch(c, { type: "timer", now: this.now() });
    }, Math.max(0, at - this.now()));
  }

  /** Deliver an event to a connection's protocol (or its handler), containing handler faults. */
  dispatch(c: Connection, ev: McEvent): void {
    try {
      if (c.protocol) c.protocol.onEvent(c, ev);
      else c.handler(c, ev);
    } catch (e) {
      this.log("error", `conn ${c.id}: handler threw on ${ev.type}: ${(e as Error)?.stack ?? e}`);
      if (ev.type !== "close") {
        c.flags |= Flags.CLOSE_IMMEDIATELY;
      }
    }
    // Only when service() has something to do: most events (a datagram answered with sendTo, a
    // recv that completed no request) leave nothing to flush or close, and a pass costs a promise job.
    if (ev.type !== "close" && (c.send.length > 0 || c.flags & NEEDS_SERVICE)) this.touch(c);
  }

  // ---- internals -----------------------------------------------------------------------------

  private create(handler: Handler, options: ConnectionOptions): Connection {
    if (this.closed) throw new Error("manager is closed");
    const c = new Connection(this, this.nextId++, handler, { ...this.limits, ...options.limits });
    c.protocol = options.protocol;
    c.userData = options.userData;
    c.lastIo = this.now();
    this.conns.add(c);
    return c;
  }

  private defer(fn: () => void): void {
    Promise.resolve().then(fn);
  }

  private failConnect(c: Connection, error: ConnectError): void {
    if (c.isClosed) return;
    c.flags &= ~Flags.CONNECTING;
    this.dispatch(c, { type: "connect", error });
    this.closeNow(c, error);
  }

  private open(c: Connection, address: string, port: number, options: ConnectionOptions): void {
    if (c.isClosed) return;
    c.remote = { address, port };
    const self = this;
    try {
      if (c.flags & Flags.UDP) {
        const sock = new this.platform.UDP({
          port: 0,
          onReadable(this: UDPSocket, packets: number) {
            self.onUdpReadable(c, packets);
          },
          onError(this: UDPSocket, error) {
            self.closeNow(c, { code: error?.code ?? "EIO", message: error?.message ?? "socket error" });
          },
        });
        c.socket = sock;
        c.local = { address: sock.address ?? "", port: sock.port };
        c.flags &= ~Flags.CONNECTING;
        this.dispatch(c, { type: "connect" });
        return;
      }
      c.socket = new this.platform.TCP({ address, port, nodelay: options.nodelay ?? true, target: c, ...Manager.tcpCallbacks });
    } catch (e) {
      this.failConnect(c, { code: "EINVAL", message: (e as Error).message });
    }
  }

  /** The socket callbacks that turn a TCP socket's news into its connection's events. One set for
   * every socket, which finds its connection as `target`: closures made per connection would cost
   * each connection a dozen heap slots (~200 bytes on a 32-bit device). Frozen: a preloaded object
   * that is not costs a RAM alias pointer. */
  private static readonly tcpCallbacks: Readonly<Pick<TCPOptions, "onReadable" | "onWritable" | "onError">> = Object.freeze({
    onReadable(count) {
      const c = this.target as Connection;
      c.mgr.onReadable(c, count);
    },
    onWritable(count) {
      const c = this.target as Connection;
      c.mgr.onWritable(c, count);
    },
    onError(error) {
      const c = this.target as Connection;
      c.mgr.onSocketError(c, error?.code, error?.message);
    },
  });

  private wrapTcp(c: Connection, from: TCPSocket, nodelay: boolean): void {
    const sock = new this.platform.TCP({ from, nodelay, target: c, ...Manager.tcpCallbacks });
    c.socket = sock;
    c.local = { address: sock.localAddress ?? "", port: sock.localPort ?? 0 };
  }

  private onAccept(listener: Connection, count: number): void {
    listener.acceptPending = count;
    const limit = listener.acceptLimit;
    while (listener.acceptPending > 0 && !listener.isClosed) {
      // At the limit the rest wait in the backlog: a slot that frees up takes the next one.
      if (limit > 0 && listener.acceptedLive >= limit) return;
      const from = (listener.socket as ListenerSocket).read();
      listener.acceptPending--;
      if (!from) {
        listener.acceptPending = 0;
        break;
      }
      const c = this.create(listener.handler, { protocol: listener.protocol, userData: listener.userData, limits: listener.limits });
      c.flags |= Flags.ACCEPTED;
      c.listener = listener;
      c.remote = { address: from.remoteAddress ?? "", port: from.remotePort ?? 0 };
      try {
        this.wrapTcp(c, from, true);
      } catch (e) {
        this.log("warn", `accept failed: ${(e as Error).message}`);
        this.conns.delete(c);
        continue;
      }
      listener.acceptedLive++;
      this.dispatch(c, { type: "accept", remote: c.remote });
    }
  }


  private onWritable(c: Connection, count: number): void {
    if (c.isClosed) return;
    c.writable = count;
    if (c.flags & Flags.CONNECTING) {
      c.flags &= ~Flags.CONNECTING;
      const s = c.socket as TCPSocket;
      c.local = { address: s.localAddress ?? "", port: s.localPort ?? 0 };
      this.dispatch(c, { type: "connect" });
    }
    this.flush(c);
  }

  private onReadable(c: Connection, count: number): void {
    if (c.isClosed) return;
    c.readable = count;
    this.pump(c);
  }

  pauseRead(c: Connection, paused: boolean): void {
    if (paused) {
      c.flags |= Flags.READ_HELD;
      return;
    }
    if (!(c.flags & Flags.READ_HELD)) return;
    c.flags &= ~Flags.READ_HELD;
    // Resume outside the caller's handler, so the app never sees a recv inside its own call.
    this.defer(() => {
      if (!c.isClosed && !(c.flags & (Flags.UDP | Flags.LISTENING))) this.pump(c);
    });
  }

  /** Move bytes from the socket into recv, a chunk at a time, while the app keeps up. */
  private pump(c: Connection): void {
    const sock = c.socket as TCPSocket;
    while (c.readable > 0 && !c.isClosed && !(c.flags & (Flags.CLOSE_IMMEDIATELY | Flags.READ_HELD))) {
      if (c.send.length >= c.limits.sendHighWater) {
        // The peer is not reading what we send; stop reading what it sends, so its window closes.
        c.flags |= Flags.READ_PAUSED;
        return;
      }
      const room = c.recv.room;
      if (room === 0) {
        this.log("error", `conn ${c.id} ${c.remote.address}:${c.remote.port}: recv buffer limit (${c.recv.limit} bytes) exceeded, closing`);
        this.closeNow(c, { code: "EMSGSIZE", message: "recv buffer limit exceeded" });
        return;
      }
      const want = Math.min(c.readable, room, this.readChunk);
      const view = c.recv.tail(want)!;
      let got: number;
      try {
        got = sock.read(view);
      } catch (e) {
        this.onSocketError(c, "EIO", (e as Error).message);
        return;
      }
      if (got <= 0) {
        c.readable = 0;
        break;
      }
      c.recv.commit(got);
      c.readable -= got;
      c.lastIo = this.now();
      this.dispatch(c, { type: "recv", bytes: got });
    }
    c.flags &= ~Flags.READ_PAUSED;
  }

  private onUdpReadable(c: Connection, packets: number): void {
    const sock = c.socket as UDPSocket;
    for (let i = 0; i < packets && !c.isClosed; i++) {
      const pkt: UDPPacket | undefined = sock.read();
      if (!pkt) break;
      const outgoing = !(c.flags & Flags.LISTENING);
      // An outgoing UDP "connection" only hears from the peer it talks to (like connect(2)).
      if (outgoing && (pkt.address !== c.remote.address || pkt.port !== c.remote.port)) continue;
      c.recv.clear();
      if (!c.recv.append(pkt)) {
        this.log("warn", `conn ${c.id}: dropped ${pkt.byteLength}-byte datagram from ${pkt.address}:${pkt.port} (recv limit ${c.recv.limit})`);
        continue;
      }
      c.remote = { address: pkt.address, port: pkt.port };
      c.lastIo = this.now();
      this.dispatch(c, { type: "recv", bytes: pkt.byteLength });
      c.recv.clear();
    }
  }

  private onSocketError(c: Connection, code: string | undefined, message: string | undefined): void {
    if (c.isClosed) return;
    if (c.flags & Flags.CONNECTING) {
      this.failConnect(c, { code: code ?? "ECONNREFUSED", message: message ?? "connection failed" });
      return;
    }
    // The peer finished sending: no error, but what is still queued for it deserves a try.
    if (code === undefined || code === "EOF") {
      if (c.send.length > 0) {
        c.flags |= Flags.SEND_AND_CLOSE | Flags.PEER_CLOSED;
        this.flush(c);
        if (c.isClosed) return;
        // Stacks that refuse writes after the peer's FIN (Moddable's lwIP) never report space
        // again: bound the wait.
        this.platform.timers.set(() => {
          if (!c.isClosed) this.closeNow(c);
        }, this.linger);
        this.touch(c);
        return;
      }
      this.closeNow(c);
      return;
    }
    this.closeNow(c, { code, message: message ?? code });
  }

  private flush(c: Connection): void {
    if (c.isClosed || c.flags & (Flags.CONNECTING | Flags.UDP | Flags.LISTENING)) return;
    const sock = c.socket as TCPSocket | undefined;
    if (!sock) return;
    let sent = 0;
    while (c.send.length > 0 && c.writable > 0) {
      const n = Math.min(c.send.length, c.writable);
      try {
        sock.write(c.send.slice(0, n));
      } catch (e) {
        if (c.flags & Flags.PEER_CLOSED) {
          // The stack will not take more after the peer's FIN: nothing left to wait for.
          this.closeNow(c);
          return;
        }
        // The socket has less room than it said (or is gone): wait for the next onWritable.
        if (c.writable === 0) break;
        c.writable = 0;
        this.log("debug", `conn ${c.id}: write deferred: ${(e as Error).message}`);
        break;
      }
      c.writable -= n;
      c.send.remove(n);
      sent += n;
    }
    if (sent > 0) {
      c.lastIo = this.now();
      this.dispatch(c, { type: "send", bytes: sent, pending: c.send.length });
    }
    if (c.flags & Flags.READ_PAUSED && c.send.length < c.limits.sendHighWater) this.pump(c);
  }

  private service(): void {
    this.serviceQueued = false;
    const batch = this.dirty;
    this.dirty = this.spare;
    let i = 0;
    try {
      for (; i < batch.length; i++) {
        const c = batch[i];
        // cleared first: a touch while it is serviced lists it again, for the next pass
        c.flags &= ~Flags.DIRTY;
        if (c.isClosed) continue;
        if (c.flags & Flags.CLOSE_IMMEDIATELY) {
          this.closeNow(c);
          continue;
        }
        this.flush(c);
        if (c.isClosed) continue;
        if (c.flags & Flags.SEND_AND_CLOSE && c.send.length === 0) this.closeNow(c);
      }
    } finally {
      // After a throw, the connections not reached yet wait for the next pass.
      for (i++; i < batch.length; i++) {
        batch[i].flags &= ~Flags.DIRTY;
        this.touch(batch[i]);
      }
      batch.length = 0;
      this.spare = batch;
    }
  }

  /** Close now: socket, timer, buffers; the close event is the last one the connection sees. */
  closeNow(c: Connection, error?: ConnectError): void {
    if (c.isClosed) return;
    c.flags |= Flags.CLOSED;
    c.flags &= ~Flags.CONNECTING;
    c.closeError = error;
    if (c.timer !== undefined) this.platform.timers.clear(c.timer);
    c.timer = undefined;
    const sock = c.socket;
    c.socket = undefined;
    if (sock) {
      try {
        sock.close();
      } catch {
        // already closed by the platform
      }
    }
    const parent = c.listener;
    if (parent && c.flags & Flags.ACCEPTED) {
      parent.acceptedLive--;
      if (parent.acceptPending > 0 && !parent.isClosed) this.defer(() => this.onAccept(parent, parent.acceptPending));
    }
    this.conns.delete(c);
    this.dispatch(c, error ? { type: "close", error } : { type: "close" });
    c.recv.free();
    c.send.free();
  }

  private pollAll(): void {
    const now = this.now();
    for (const c of Array.from(this.conns)) {
      if (c.isClosed) continue;
      this.dispatch(c, { type: "poll", now });
      // A connection with nothing buffered gives its buffers back until its next burst: on a
      // 32 KB heap, idle keep-alive connections must not each hold a few hundred bytes.
      c.recv.trim();
      c.send.trim();
    }
  }
}
