// An asynchronous stub resolver (mg_resolve_async_opt, mg_set_nameserver): hosts table, then a
// small TTL cache, then the nameservers over UDP with a timeout and retries, falling back to TCP
// when a reply is truncated, following CNAME chains (bounded). Each attempt uses a fresh socket
// (so a fresh source port) and a random id; a reply counts only if it comes from the server
// asked, carries the id, and repeats the question — what keeps off-path spoofing out.
// install() plugs it into Manager.connect for "tcp://name:port".

import { parseAddress } from "../core/address";
import type { Connection } from "../core/connection";
import type { McEvent } from "../core/events";
import type { Manager } from "../core/manager";
import { DnsClass, DnsFlag, DnsRcode, DnsType, rcodeOf, typeCode } from "./constants";
import { decode } from "./decode";
import type { HostsTable } from "./hosts";
import { isIPv4, isIPv6 } from "./ip";
import type { DnsMessage, DnsRecord, OPTRecord } from "./message";
import { canonicalName, nameWireLength, sameName } from "./name";
import { buildQuery } from "./query";

export type ResolveError =
  | "NXDOMAIN" // the name does not exist
  | "NODATA" // the name exists, without records of that type
  | "TIMEOUT" // no usable reply from any nameserver
  | "SERVFAIL"
  | "REFUSED"
  | "FORMERR"
  | "NOTIMP"
  | "CNAME_LOOP" // the CNAME chain was longer than allowed
  | "BAD_NAME"
  | "NO_NAMESERVER"
  | "BUSY" // too many lookups in flight
  | "CANCELLED";

export type ResolveSource = "literal" | "hosts" | "cache" | "network";

export type ResolveResult =
  | {
      ok: true;
      /** the name the records belong to (the end of any CNAME chain) */
      name: string;
      type: string;
      /** A / AAAA addresses, in answer order (empty for other types) */
      addresses: string[];
      /** the records of the asked type at `name` */
      records: DnsRecord[];
      /** seconds the answer may be kept */
      ttl: number;
      source: ResolveSource;
      /** the last reply (network answers only); its byte fields are valid during the callback */
      message?: DnsMessage;
    }
  | { ok: false; error: ResolveError; detail: string; source?: ResolveSource; message?: DnsMessage };

export interface Nameserver {
  address: string;
  port: number;
}

export interface ResolverOptions {
  /** "8.8.8.8", "192.168.4.1:5353", "[2001:db8::53]:53", "::1" (default ["8.8.8.8"], as Mongoose) */
  nameservers?: string[];
  /** ms to wait for each attempt (default 2000) */
  timeout?: number;
  /** extra rounds over the nameserver list after the first (default 2) */
  retries?: number;
  /** consulted before the network */
  hosts?: HostsTable;
  /** cache entries kept (default 32; 0 disables the cache) */
  cacheSize?: number;
  /** cap on positive TTLs, seconds (default 3600) */
  maxTtl?: number;
  /** how long NXDOMAIN / NODATA are remembered, seconds at most (default 30) */
  negativeTtl?: number;
  /** CNAME links followed at most (default 8) */
  maxCnameChain?: number;
  /** lookups in flight at most (default 16) */
  maxPending?: number;
  /** EDNS UDP payload advertised in queries (default 1232; 0 sends plain queries) */
  ednsPayload?: number;
}

/** Per-call overrides (mg_resolve_async_opts). */
export interface ResolveOptions {
  nameservers?: string[];
  timeout?: number;
  retries?: number;
  /** skip hosts and cache */
  fresh?: boolean;
}

interface CacheEntry {
  expires: number;
  result: ResolveResult;
}

export function parseNameserver(text: string): Nameserver {
  if (isIPv4(text) || isIPv6(text)) return { address: text, port: 53 };
  const p = parseAddress(text, "udp");
  if (!p.ok || !p.host || !(isIPv4(p.host) || isIPv6(p.host)) || p.port === 0) throw new Error(`bad nameserver "${text}": an IP address with an optional port is needed`);
  return { address: p.host, port: p.port };
}

export class Resolver {
  readonly mgr: Manager;
  hosts: HostsTable | undefined;
  timeout: number;
  retries: number;
  readonly maxCnameChain: number;
  readonly ednsPayload: number;
  private servers: Nameserver[];
  private readonly cache = new Map<string, CacheEntry>();
  private readonly cacheSize: number;
  private readonly maxTtl: number;
  private readonly negativeTtl: number;
  private readonly maxPending: number;
  private pendingCount = 0;

  constructor(mgr: Manager, options: ResolverOptions = {}) {
    this.mgr = mgr;
    this.servers = (options.nameservers ?? ["8.8.8.8"]).map(parseNameserver);
    this.timeout = options.timeout ?? 2000;
    this.retries = options.retries ?? 2;
    this.hosts = options.hosts;
    this.cacheSize = options.cacheSize ?? 32;
    this.maxTtl = options.maxTtl ?? 3600;
    this.negativeTtl = options.negativeTtl ?? 30;
    this.maxCnameChain = options.maxCnameChain ?? 8;
    this.maxPending = options.maxPending ?? 16;
    this.ednsPayload = options.ednsPayload ?? 1232;
  }

  /** Replace the nameservers (mg_set_nameserver). Throws on a malformed entry. */
  setNameservers(list: string[]): void {
    this.servers = list.map(parseNameserver);
  }

  get nameservers(): readonly Nameserver[] {
    return this.servers;
  }

  /** Lookups in flight. */
  get pending(): number {
    return this.pendingCount;
  }

  clearCache(): void {
    this.cache.clear();
  }

  /** Make Manager.connect resolve names through this resolver. */
  install(): this {
    this.mgr.resolve = (host, done) => this.lookup(host, done);
    return this;
  }

  /** The Manager's resolver hook: the first IPv4 address, else the first IPv6 one. */
  lookup(host: string, done: (address?: string, error?: string) => void): void {
    this.resolve(host, "A", (r) => {
      if (r.ok && r.addresses.length > 0) return done(r.addresses[0]);
      if (!r.ok && r.error !== "NODATA") return done(undefined, `${r.error}: ${r.detail}`);
      this.resolve(host, "AAAA", (r6) => {
        if (r6.ok && r6.addresses.length > 0) done(r6.addresses[0]);
        else done(undefined, r6.ok ? "NODATA: no address records" : `${r6.error}: ${r6.detail}`);
      });
    });
  }

  /**
   * Resolve `name` to records of `type` ("A", "AAAA", "MX", "TXT", "TYPE65", ...). `done` is called
   * exactly once, never before resolve returns. Returns a function that cancels the lookup.
   */
  resolve(name: string, type: string, done: (result: ResolveResult) => void, options: ResolveOptions = {}): () => void {
    let finished = false;
    let lookup: Lookup | undefined;
    const finish = (r: ResolveResult) => {
      if (finished) return;
      finished = true;
      done(r);
    };
    const later = (r: ResolveResult) => {
      Promise.resolve().then(() => finish(r));
    };
    const cancel = () => {
      if (finished) return;
      if (lookup) {
        lookup.abort();
        this.pendingCount--;
      }
      finish({ ok: false, error: "CANCELLED", detail: "cancelled" });
    };
    const code = typeCode(type);
    if (code < 0 || code === DnsType.OPT) {
      later({ ok: false, error: "BAD_NAME", detail: `unsupported type ${type}` });
      return cancel;
    }
    const qtype = type.toUpperCase();
    if ((qtype === "A" && isIPv4(name)) || (qtype === "AAAA" && isIPv6(name))) {
      later({ ok: true, name, type: qtype, addresses: [name], records: [], ttl: 0, source: "literal" });
      return cancel;
    }
    if (nameWireLength(name) < 0 || name.length === 0) {
      later({ ok: false, error: "BAD_NAME", detail: `not a domain name: ${name.slice(0, 64)}` });
      return cancel;
    }
    if (!options.fresh) {
      const fromHosts = this.hosts?.lookup(name, qtype);
      if (fromHosts && fromHosts.length > 0) {
        later({ ok: true, name, type: qtype, addresses: fromHosts.slice(), records: [], ttl: 0, source: "hosts" });
        return cancel;
      }
      const cached = this.cacheGet(name, qtype);
      if (cached) {
        later(cached);
        return cancel;
      }
    }
    let servers: Nameserver[];
    try {
      servers = options.nameservers ? options.nameservers.map(parseNameserver) : this.servers;
    } catch (e) {
      later({ ok: false, error: "NO_NAMESERVER", detail: (e as Error).message });
      return cancel;
    }
    if (servers.length === 0) {
      later({ ok: false, error: "NO_NAMESERVER", detail: "no nameserver configured" });
      return cancel;
    }
    if (this.pendingCount >= this.maxPending) {
      later({ ok: false, error: "BUSY", detail: `${this.pendingCount} lookups in flight` });
      return cancel;
    }
    this.pendingCount++;
    lookup = new Lookup(this, name, qtype, servers, options.timeout ?? this.timeout, options.retries ?? this.retries, (r) => {
      this.pendingCount--;
      this.cachePut(name, qtype, r);
      finish(r);
    });
    lookup.start();
    return cancel;
  }

  private cacheKey(name: string, type: string): string {
    return `${type} ${canonicalName(name)}`;
  }

  private cacheGet(name: string, type: string): ResolveResult | undefined {
    if (this.cacheSize <= 0) return undefined;
    const key = this.cacheKey(name, type);
    const e = this.cache.get(key);
    if (!e) return undefined;
    const now = this.mgr.now();
    if (e.expires <= now) {
      this.cache.delete(key);
      return undefined;
    }
    // most recently used last, so eviction takes the oldest first
    this.cache.delete(key);
    this.cache.set(key, e);
    const left = Math.ceil((e.expires - now) / 1000);
    return e.result.ok ? { ...e.result, ttl: left, source: "cache", message: undefined } : { ...e.result, source: "cache", message: undefined };
  }

  private cachePut(name: string, type: string, r: ResolveResult): void {
    if (this.cacheSize <= 0) return;
    let seconds: number;
    if (r.ok) seconds = Math.min(r.ttl, this.maxTtl);
    else if (r.error === "NXDOMAIN" || r.error === "NODATA") seconds = Math.min(negativeTtlOf(r.message), this.negativeTtl);
    else return;
    if (seconds <= 0) return;
    const key = this.cacheKey(name, type);
    this.cache.delete(key);
    while (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
    // keep nothing that points into a receive buffer
    const kept: ResolveResult = r.ok ? { ...r, records: r.records.map(copyRecord), message: undefined } : { ...r, message: undefined };
    this.cache.set(key, { expires: this.mgr.now() + seconds * 1000, result: kept });
  }
}

// RFC 2308 5: a negative answer lives as long as the SOA's TTL and MINIMUM allow
function negativeTtlOf(m: DnsMessage | undefined): number {
  if (m) for (const rr of m.authorities) if (rr.type === "SOA") return Math.min(rr.ttl ?? 0, rr.data.minimum);
  return 0;
}

function copyRecord(rr: DnsRecord): DnsRecord {
  if (rr.type === "TXT") return { ...rr, data: rr.data.map((s) => (typeof s === "string" ? s : s.slice())) };
  if (rr.type === "OPT") return { ...rr, options: rr.options.map((o) => ({ code: o.code, data: o.data.slice() })) };
  if (rr.data instanceof Uint8Array) return { ...rr, data: rr.data.slice() } as DnsRecord;
  return rr;
}

const rcodeError: Record<number, ResolveError> = {
  [DnsRcode.FORMERR]: "FORMERR",
  [DnsRcode.SERVFAIL]: "SERVFAIL",
  [DnsRcode.NOTIMP]: "NOTIMP",
  [DnsRcode.REFUSED]: "REFUSED",
};

/** One name being resolved: attempts over the nameservers, then CNAME hops. */
class Lookup {
  private current: string;
  private hops = 0;
  /** smallest TTL met along the CNAME chain so far */
  private chainTtl = Number.MAX_SAFE_INTEGER;
  private attempt = 0;
  private conn: Connection | undefined;
  private id = 0;
  private server: Nameserver | undefined;
  private tcp = false;
  private lastError: { error: ResolveError; detail: string; message?: DnsMessage } | undefined;
  private done = false;
  private readonly out = new Uint8Array(2 + 12 + 255 + 4 + 11);

  constructor(
    private readonly resolver: Resolver,
    private readonly name: string,
    private readonly type: string,
    private readonly servers: Nameserver[],
    private readonly timeout: number,
    private readonly retries: number,
    private readonly report: (r: ResolveResult) => void,
  ) {
    this.current = name;
  }

  start(): void {
    this.attempt = 0;
    this.lastError = undefined;
    this.next();
  }

  abort(): void {
    this.done = true;
    this.drop();
  }

  private finish(r: ResolveResult): void {
    if (this.done) return;
    this.done = true;
    this.drop();
    this.report(r);
  }

  private drop(): void {
    const c = this.conn;
    this.conn = undefined;
    if (c && !c.isClosed) c.close();
  }

  /** The next attempt, or the end when every server has had its rounds. */
  private next(): void {
    this.drop();
    if (this.done) return;
    const total = this.servers.length * (this.retries + 1);
    if (this.attempt >= total) {
      const e = this.lastError ?? { error: "TIMEOUT" as const, detail: `no reply from ${this.servers.map((s) => `${s.address}:${s.port}`).join(", ")}` };
      this.finish({ ok: false, error: e.error, detail: e.detail, source: "network", message: e.message });
      return;
    }
    this.server = this.servers[this.attempt % this.servers.length];
    this.attempt++;
    this.open(false);
  }

  private open(tcp: boolean): void {
    const s = this.server!;
    this.tcp = tcp;
    const host = s.address.indexOf(":") >= 0 ? `[${s.address}]` : s.address;
    const b = this.resolver.mgr.platform.randomBytes(2);
    this.id = (b[0] << 8) | b[1];
    let c: Connection;
    try {
      c = this.resolver.mgr.connect(`${tcp ? "tcp" : "udp"}://${host}:${s.port}`, (conn, ev) => this.onEvent(conn, ev));
    } catch (e) {
      // the manager is shutting down
      this.finish({ ok: false, error: "CANCELLED", detail: (e as Error).message });
      return;
    }
    this.conn = c;
    c.setTimer(this.resolver.mgr.now() + this.timeout);
  }

  private onEvent(c: Connection, ev: McEvent): void {
    if (c !== this.conn || this.done) return;
    switch (ev.type) {
      case "connect":
        // a failed connect is followed by its close event, which moves on to the next attempt
        if (ev.error) this.lastError = { error: "TIMEOUT", detail: `${this.server!.address}:${this.server!.port}: ${ev.error.message}` };
        else this.send(c);
        return;
      case "recv":
        if (this.tcp) this.onTcpData(c);
        else this.onReply(c, c.recv.bytes);
        return;
      case "timer":
        this.next();
        return;
      case "close":
        // closed under us (socket error, or the server hung up on TCP): try the next one now
        this.conn = undefined;
        if (ev.error && !this.lastError) this.lastError = { error: "TIMEOUT", detail: ev.error.message };
        Promise.resolve().then(() => {
          if (!this.done && !this.conn) this.next();
        });
        return;
      default:
        return;
    }
  }

  private send(c: Connection): void {
    const m = buildQuery(this.out, this.id, this.current, this.type, { ednsPayload: this.tcp ? 0 : this.resolver.ednsPayload });
    if (!(m instanceof Uint8Array)) {
      this.finish({ ok: false, error: "BAD_NAME", detail: m.message });
      return;
    }
    if (this.tcp) {
      this.out[0] = m.length >> 8;
      this.out[1] = m.length & 0xff;
      c.write(this.out.subarray(0, m.length + 2));
    } else c.write(m);
  }

  private onTcpData(c: Connection): void {
    if (c.recv.length < 2) return;
    const b = c.recv.bytes;
    const n = (b[0] << 8) | b[1];
    if (n + 2 > c.recv.limit) {
      this.lastError = { error: "SERVFAIL", detail: "TCP reply larger than the receive limit" };
      this.next();
      return;
    }
    if (b.length < n + 2) return;
    this.onReply(c, c.recv.slice(2, n + 2));
  }

  private onReply(c: Connection, packet: Uint8Array): void {
    const s = this.server!;
    // the core only delivers datagrams from the peer an outgoing UDP connection talks to; the
    // check stays here so the resolver does not depend on it
    if (c.remote.address !== s.address || c.remote.port !== s.port) return;
    const r = decode(packet);
    if (!r.ok) return; // garbage, or a spoof attempt: keep waiting for the real reply
    const m = r.message;
    const q = m.questions[0];
    if (m.id !== this.id || !(m.flags & DnsFlag.QR) || m.questions.length !== 1 || !sameName(q.name, this.current) || q.type !== this.type || (q.class ?? 1) !== DnsClass.IN) {
      return;
    }
    if (m.flags & DnsFlag.TC && !this.tcp) {
      // the full answer needs TCP: same server, same timeout
      this.drop();
      this.open(true);
      return;
    }
    const rcode = rcodeOf(m.flags);
    if (rcode === DnsRcode.NXDOMAIN) {
      this.finish({ ok: false, error: "NXDOMAIN", detail: `${this.current} does not exist`, source: "network", message: m });
      return;
    }
    if (rcode !== DnsRcode.NOERROR) {
      // this server cannot help; the next one may
      this.lastError = { error: rcodeError[rcode] ?? "SERVFAIL", detail: `${s.address}:${s.port} answered rcode ${rcode}`, message: m };
      this.next();
      return;
    }
    this.onAnswer(m);
  }

  private onAnswer(m: DnsMessage): void {
    let name = this.current;
    let ttl = this.chainTtl;
    const code = typeCode(this.type);
    for (;;) {
      const records: Exclude<DnsRecord, OPTRecord>[] = [];
      const addresses: string[] = [];
      let cname: DnsRecord | undefined;
      for (const rr of m.answers) {
        if (rr.type === "OPT" || (rr.class ?? 1) !== DnsClass.IN || !sameName(rr.name, name)) continue;
        if (typeCode(rr.type) === code) {
          records.push(rr);
          if (rr.type === "A" || rr.type === "AAAA") addresses.push(rr.data);
        } else if (rr.type === "CNAME" && !cname) cname = rr;
      }
      if (records.length > 0) {
        for (const rr of records) ttl = Math.min(ttl, rr.ttl ?? 0);
        this.finish({ ok: true, name, type: this.type, addresses, records, ttl, source: "network", message: m });
        return;
      }
      if (!cname || cname.type !== "CNAME") break; // (narrows cname)
      if (++this.hops > this.resolver.maxCnameChain) {
        this.finish({ ok: false, error: "CNAME_LOOP", detail: `more than ${this.resolver.maxCnameChain} CNAME links from ${this.name}`, source: "network", message: m });
        return;
      }
      ttl = Math.min(ttl, cname.ttl ?? 0);
      name = cname.data;
    }
    if (!sameName(name, this.current)) {
      // the chain leaves this reply: ask for where it points
      this.current = name;
      this.chainTtl = ttl;
      this.start();
      return;
    }
    this.finish({ ok: false, error: "NODATA", detail: `${name} has no ${this.type} records`, source: "network", message: m });
  }
}
