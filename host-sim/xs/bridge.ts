// The Node side of the XS bridge: owns the real sockets, the preference store, the simulated
// radio and the files a suite reads, answers XS's commands, and turns what Node observes into
// events for XS. The runner (runner.ts) carries the events into XS.
//
// Flow control mirrors lwIP: a TCP socket is paused while XS holds a receive window's worth of
// unread bytes (XS acks what it reads after every delivery); writes are acknowledged back to XS
// ("tcp.sent") when Node has handed them to the kernel, which is what reopens XS's send buffer.

import { createHash, randomBytes } from "node:crypto";
import * as dgram from "node:dgram";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import type { DeviceProfile } from "./embedded/profile";
import { SimulatedRadio, type RadioOptions } from "./radio";
import { decodeFrame, encodeFrame } from "./wire";

export interface HostEvent {
  t: string;
  [field: string]: unknown;
}

export type Emit = (event: HostEvent, payload?: Uint8Array) => void;

export interface BridgeOptions {
  profile: DeviceProfile;
  /** directories XS may read through file.read / file.list (suites' vectors) */
  readableRoots: string[];
  /** paths in file.* commands are relative to this */
  fileBase: string;
  radio?: RadioOptions;
  /** preference store shared across runs (a "flash" that outlives the XS machine) */
  preferences?: Map<string, { type: string; value?: unknown; bytes?: Uint8Array }>;
  /** what "mc/config" exports inside XS (the manifest's config on a device) */
  config?: Record<string, unknown>;
  /** messages XS sends with the "report" command */
  onReport?: (name: string, data: unknown, payload: Uint8Array) => unknown;
  /** datagrams a UDP socket may hold unread in XS before the host drops new ones */
  udpQueueLimit?: number;
}

interface TcpEntry {
  socket: net.Socket;
  unread: number;
  paused: boolean;
  closing: boolean;
}

interface UdpEntry {
  socket: dgram.Socket;
  unread: number;
}

const DIGESTS: Record<string, string> = { MD5: "md5", SHA1: "sha1", SHA224: "sha224", SHA256: "sha256", SHA384: "sha384", SHA512: "sha512" };

type Reply = { header: Record<string, unknown>; payload?: Uint8Array };

function errorReply(e: unknown): Reply {
  const err = e as NodeJS.ErrnoException;
  return { header: { error: err?.message ?? String(e), code: err?.code } };
}

export class XsHostBridge {
  private nextId = 1;
  private readonly tcp = new Map<number, TcpEntry>();
  private readonly servers = new Map<number, net.Server>();
  private readonly udp = new Map<number, UdpEntry>();
  private readonly radio: SimulatedRadio;
  readonly preferences: Map<string, { type: string; value?: unknown; bytes?: Uint8Array }>;
  private emit: Emit = () => {};
  private disposed = false;

  constructor(private readonly options: BridgeOptions) {
    this.radio = new SimulatedRadio(options.radio);
    this.preferences = options.preferences ?? new Map();
  }

  /** Where events for XS go (set by the runner before XS starts). */
  connect(emit: Emit): void {
    this.emit = (event, payload) => {
      if (!this.disposed) emit(event, payload);
    };
  }

  /** XS consumed `count` bytes (TCP) or packets (UDP) of socket `id`. */
  acknowledge(id: number, count: number): void {
    const t = this.tcp.get(id);
    if (t) {
      t.unread = Math.max(0, t.unread - count);
      if (t.paused && t.unread < this.options.profile.tcpSendBuffer) {
        t.paused = false;
        t.socket.resume();
      }
      return;
    }
    const u = this.udp.get(id);
    if (u) u.unread = Math.max(0, u.unread - count);
  }

  /** Answer one issueCommand() from XS. */
  handle(request: Uint8Array): Uint8Array | Promise<Uint8Array> {
    let frame;
    try {
      frame = decodeFrame(request);
    } catch (e) {
      return encodeFrame(errorReply(e).header);
    }
    const encode = (r: Reply): Uint8Array => encodeFrame(r.header, r.payload);
    try {
      const result = this.dispatch(frame.header, frame.payload);
      if (result instanceof Promise) return result.then(encode, (e) => encode(errorReply(e)));
      return encode(result);
    } catch (e) {
      return encode(errorReply(e));
    }
  }

  private dispatch(h: Record<string, unknown>, payload: Uint8Array): Reply | Promise<Reply> {
    switch (h.op) {
      case "tcp.connect":
        return this.tcpConnect(h.address as string, h.port as number, h.nodelay as boolean | undefined);
      case "tcp.write": {
        const t = this.tcpEntry(h.id);
        const id = h.id as number;
        const bytes = Buffer.from(payload);
        t.socket.write(bytes, (err) => {
          if (!err) this.emit({ t: "tcp.sent", id, bytes: bytes.length });
        });
        return { header: {} };
      }
      case "tcp.nodelay":
        this.tcpEntry(h.id).socket.setNoDelay(!!h.nodelay);
        return { header: {} };
      case "tcp.close":
        this.tcpClose(h.id as number);
        return { header: {} };
      case "listener.open":
        return this.listen(h.address as string | undefined, h.port as number);
      case "listener.close": {
        const server = this.servers.get(h.id as number);
        this.servers.delete(h.id as number);
        server?.close();
        return { header: {} };
      }
      case "udp.open":
        return this.udpOpen(h.address as string | undefined, h.port as number, h.multicast as string | undefined);
      case "udp.send": {
        const u = this.udp.get(h.id as number);
        if (!u) throw new Error("closed");
        if (net.isIPv4(h.address as string) === false) throw new Error("invalid address");
        u.socket.send(payload, h.port as number, h.address as string, () => {});
        return { header: {} };
      }
      case "udp.membership": {
        const u = this.udp.get(h.id as number);
        if (!u) throw new Error("closed");
        if (h.add) u.socket.addMembership(h.group as string, h.iface as string | undefined);
        else u.socket.dropMembership(h.group as string, h.iface as string | undefined);
        return { header: {} };
      }
      case "udp.close": {
        const u = this.udp.get(h.id as number);
        this.udp.delete(h.id as number);
        u?.socket.close();
        return { header: {} };
      }
      case "pref.get": {
        const v = this.preferences.get(`${h.domain}\u0000${h.key}`);
        return v ? { header: { type: v.type, value: v.value }, payload: v.bytes } : { header: { type: "none" } };
      }
      case "pref.set":
        this.preferences.set(`${h.domain}\u0000${h.key}`, { type: h.type as string, value: h.value, bytes: payload.length || h.type === "string" || h.type === "buffer" ? Uint8Array.from(payload) : undefined });
        return { header: {} };
      case "pref.delete":
        this.preferences.delete(`${h.domain}\u0000${h.key}`);
        return { header: {} };
      case "pref.keys": {
        const prefix = `${h.domain}\u0000`;
        const keys = Array.from(this.preferences.keys()).filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
        return { header: { keys } };
      }
      case "wifi.mode":
        if (typeof h.mode === "number") this.radio.setMode(h.mode);
        return { header: { mode: this.radio.getMode() } };
      case "wifi.scan":
        this.radio.scan(!!h.hidden, h.channel as number | undefined, this.emit);
        return { header: {} };
      case "wifi.connect":
        this.radio.connect(h.ssid as string, h.password as string | undefined, this.emit);
        return { header: {} };
      case "wifi.disconnect":
        this.radio.disconnect(this.emit);
        return { header: {} };
      case "wifi.ap":
        this.radio.accessPoint(h.ssid as string, h.channel as number, !!h.station);
        return { header: {} };
      case "net.get":
        return { header: { value: this.radio.get(h.property as string, h.iface as string | undefined) } };
      case "digest": {
        const algorithm = DIGESTS[h.algorithm as string];
        if (!algorithm) throw new Error("invalid digest");
        return { header: {}, payload: createHash(algorithm).update(payload).digest() };
      }
      case "random":
        return { header: {}, payload: randomBytes(Math.min(65536, Math.max(0, Number(h.count) | 0))) };
      case "file.read":
        return { header: {}, payload: fs.readFileSync(this.readablePath(h.path as string)) };
      case "file.list":
        return { header: { names: fs.readdirSync(this.readablePath(h.path as string)).sort() } };
      case "config":
        return { header: { config: this.options.config ?? {} } };
      case "report": {
        const value = this.options.onReport?.(h.name as string, h.data, payload);
        return { header: { value: value === undefined ? null : value } };
      }
      default:
        throw new Error(`unknown bridge op ${String(h.op)}`);
    }
  }

  private readablePath(p: string): string {
    const full = path.resolve(this.options.fileBase, p);
    const allowed = this.options.readableRoots.some((root) => full === root || full.startsWith(root + path.sep));
    if (!allowed) throw new Error(`not readable from XS: ${p}`);
    return full;
  }

  private tcpEntry(id: unknown): TcpEntry {
    const t = this.tcp.get(id as number);
    if (!t) throw new Error("closed");
    return t;
  }

  private track(socket: net.Socket): number {
    const id = this.nextId++;
    const entry: TcpEntry = { socket, unread: 0, paused: false, closing: false };
    this.tcp.set(id, entry);
    let ended = false;
    socket.on("data", (chunk: Buffer) => {
      if (!this.tcp.has(id)) return;
      entry.unread += chunk.length;
      if (entry.unread >= this.options.profile.tcpSendBuffer && !entry.paused) {
        entry.paused = true;
        socket.pause();
      }
      this.emit({ t: "tcp.data", id }, chunk);
    });
    socket.on("end", () => {
      if (!ended && this.tcp.has(id)) this.emit({ t: "tcp.end", id });
      ended = true;
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      if (!ended && this.tcp.has(id)) this.emit({ t: "tcp.error", id, code: err.code, message: err.message });
      ended = true;
    });
    socket.on("close", () => {
      if (!ended && this.tcp.has(id)) this.emit({ t: "tcp.end", id });
      ended = true;
    });
    return id;
  }

  private tcpConnect(address: string, port: number, nodelay: boolean | undefined): Reply {
    if (!net.isIP(address)) throw new Error("invalid address");
    const socket = net.connect({ host: address, port, allowHalfOpen: true });
    if (nodelay !== undefined) socket.setNoDelay(nodelay);
    const id = this.track(socket);
    socket.once("connect", () => {
      if (!this.tcp.has(id)) return;
      this.emit({ t: "tcp.connected", id, localAddress: socket.localAddress, localPort: socket.localPort, remoteAddress: socket.remoteAddress, remotePort: socket.remotePort });
    });
    return { header: { id } };
  }

  private tcpClose(id: number): void {
    const t = this.tcp.get(id);
    if (!t) return;
    this.tcp.delete(id);
    // lwIP's tcp_close sends FIN after queued data; a peer that never reads must not pin us
    t.socket.end();
    t.socket.resume();
    const timer = setTimeout(() => t.socket.destroy(), 2000);
    timer.unref();
    t.socket.once("close", () => clearTimeout(timer));
  }

  private listen(address: string | undefined, port: number): Promise<Reply> {
    const server = net.createServer({ allowHalfOpen: true });
    const id = this.nextId++;
    return new Promise((resolve) => {
      server.once("error", (e) => resolve(errorReply(e)));
      server.listen({ host: address || "0.0.0.0", port, exclusive: true }, () => {
        server.removeAllListeners("error");
        server.on("error", () => {});
        this.servers.set(id, server);
        const a = server.address() as net.AddressInfo;
        resolve({ header: { id, port: a.port, address: a.address } });
      });
      server.on("connection", (socket) => {
        if (!this.servers.has(id)) {
          socket.destroy();
          return;
        }
        const sid = this.track(socket);
        this.emit({ t: "listener.accept", id, socket: sid, remoteAddress: socket.remoteAddress, remotePort: socket.remotePort, localAddress: socket.localAddress, localPort: socket.localPort });
      });
    });
  }

  private udpOpen(address: string | undefined, port: number, multicast: string | undefined): Promise<Reply> {
    const socket = dgram.createSocket({ type: "udp4", reuseAddr: !!multicast });
    const id = this.nextId++;
    const limit = this.options.udpQueueLimit ?? 32;
    return new Promise((resolve) => {
      socket.once("error", (e) => resolve(errorReply(e)));
      socket.bind({ port, address: address || undefined }, () => {
        socket.removeAllListeners("error");
        socket.on("error", () => {});
        const entry: UdpEntry = { socket, unread: 0 };
        this.udp.set(id, entry);
        if (multicast) socket.addMembership(multicast);
        socket.on("message", (msg, rinfo) => {
          if (!this.udp.has(id) || entry.unread >= limit) return;
          entry.unread++;
          this.emit({ t: "udp.packet", id, address: rinfo.address, port: rinfo.port }, msg);
        });
        const a = socket.address();
        resolve({ header: { id, port: a.port, address: a.address } });
      });
    });
  }

  dispose(): void {
    this.disposed = true;
    this.radio.dispose();
    for (const t of this.tcp.values()) t.socket.destroy();
    for (const s of this.servers.values()) s.close();
    for (const u of this.udp.values()) u.socket.close();
    this.tcp.clear();
    this.servers.clear();
    this.udp.clear();
  }
}
