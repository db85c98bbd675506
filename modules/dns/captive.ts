// Captive-portal DNS: every A query is answered with the device's address, so whatever name a
// phone or laptop probes leads to the portal. Done right where small captive servers often are
// not: every query gets an answer (AAAA, HTTPS and the rest get NOERROR with no records rather
// than silence, which makes clients wait for timeouts), an EDNS query gets an EDNS reply with
// correct counts, responses are never answered, nothing recursive is promised (RA=0), and
// broken or unsupported queries get FORMERR / NOTIMP.

import type { Connection } from "../core/connection";
import { DnsClass as DnsClass_, DnsFlag as DnsFlag_, DnsOpcode as DnsOpcode_, DnsRcode as DnsRcode_, DnsType as DnsType_, HEADER_LENGTH as HEADER_LENGTH_, opcodeOf as opcodeOf_, typeCode as typeCode_ } from "./constants";
import { decode as decode_ } from "./decode";
import { parseIPv4, parseIPv6 } from "./ip";
import type { DnsMessage } from "./message";
import { canonicalName as canonicalName_, readName as readName_ } from "./name";
import type { DnsReply } from "./reply";
import { createQueryScan, scanSimpleQuery as scanSimpleQuery_, type QueryScan } from "./scan";
import { DnsProtocol, sendReply as sendReply_, type DnsServerOptions } from "./server";

// Imported bindings copied to locals: transpiled to CommonJS (host-sim, jest), every read of an
// imported binding is a getter call, and these are read on the per-query path.
const DnsClass = DnsClass_;
const DnsFlag = DnsFlag_;
const DnsOpcode = DnsOpcode_;
const DnsRcode = DnsRcode_;
const DnsType = DnsType_;
const HEADER_LENGTH = HEADER_LENGTH_;
const opcodeOf = opcodeOf_;
const typeCode = typeCode_;
const decode = decode_;
const canonicalName = canonicalName_;
const readName = readName_;
const scanSimpleQuery = scanSimpleQuery_;
const sendReply = sendReply_;

export interface CaptiveOptions {
  /** the IPv4 address every A query resolves to (the device's address on its access point) */
  address: string;
  /** TTL of the answers, seconds (default 30: short, so clients re-ask once the portal is done) */
  ttl?: number;
  /** per-name answers instead of `address`: name -> IPv4 and/or IPv6 addresses */
  overrides?: Record<string, string | string[]>;
  /** decode limits, TCP idle timeout, reply sizes */
  server?: DnsServerOptions;
}

interface Override {
  /** rdata, ready to copy */
  v4: Uint8Array[];
  v6: Uint8Array[];
}

/**
 * The dns-message event of a query answered from its scan: the message is decoded only if the
 * handler reads it. A class, not an object literal with a getter: such a literal costs V8 a new
 * property layout per event.
 */
class AnsweredQuery {
  readonly type = "dns-message";
  readonly replied = true;
  readonly packet: Uint8Array;
  readonly tcp: boolean;
  private decoded: DnsMessage | undefined;

  constructor(packet: Uint8Array, tcp: boolean) {
    this.packet = packet;
    this.tcp = tcp;
  }

  get message(): DnsMessage {
    if (!this.decoded) {
      const r = decode(this.packet);
      // scanSimpleQuery accepts only what decode accepts
      if (!r.ok) throw new Error(`captive DNS: ${r.error.message}`);
      this.decoded = r.message;
    }
    return this.decoded;
  }
}

export class CaptiveDnsProtocol extends DnsProtocol {
  override readonly name = "dns-captive";
  readonly address: string;
  readonly ttl: number;
  private readonly overrides = new Map<string, Override>();

  private readonly rdata = new Uint8Array(4);
  private readonly scan: QueryScan = createQueryScan();

  constructor(options: CaptiveOptions) {
    super({ ...options.server, reply: { ...options.server?.reply, authoritative: true } });
    if (!parseIPv4(options.address, this.rdata, 0)) throw new Error(`captive DNS: not an IPv4 address: ${options.address}`);
    const ttl = options.ttl ?? 30;
    if (!(ttl >= 0 && ttl <= 0x7fffffff && Math.floor(ttl) === ttl)) throw new Error(`captive DNS: bad ttl ${ttl}`);
    this.address = options.address;
    this.ttl = ttl;
    for (const name of Object.keys(options.overrides ?? {})) {
      const value = options.overrides![name];
      const list = Array.isArray(value) ? value : [value];
      const o: Override = { v4: [], v6: [] };
      for (const a of list) {
        const b = new Uint8Array(16);
        if (parseIPv4(a, b, 0)) o.v4.push(b.slice(0, 4));
        else if (parseIPv6(a, b, 0)) o.v6.push(b);
        else throw new Error(`captive DNS: override for ${name}: not an address: ${a}`);
      }
      this.overrides.set(canonicalName(name), o);
    }
  }

  // The common case, a well-formed one-question query, is answered from a scan of its bytes and
  // allocates nothing; the decoded message is built only if the handler reads ev.message.
  protected override handle(c: Connection, packet: Uint8Array, tcp: boolean): void {
    const s = this.scan;
    if (!scanSimpleQuery(packet, s)) {
      super.handle(c, packet, tcp);
      return;
    }
    if (s.flags & DnsFlag.QR) return;
    const reply = this.createReply(c, s, packet, tcp);
    this.respond(reply, s.flags, 1, s.qtype, s.qclass, packet);
    sendReply(c, reply);
    c.emit(new AnsweredQuery(packet, tcp));
  }

  protected override onMessage(c: Connection, query: DnsMessage, packet: Uint8Array, tcp: boolean): void {
    // a response sent to a server is noise or a reflection attempt: never answer it
    if (query.flags & DnsFlag.QR) return;
    const reply = this.createReply(c, query, packet, tcp);
    const q = query.questions[0];
    this.respond(reply, query.flags, query.questions.length, q ? typeCode(q.type) : 0, q?.class ?? DnsClass.IN, packet);
    sendReply(c, reply);
    c.emit({ type: "dns-message", message: query, packet, tcp, replied: true });
  }

  private respond(reply: DnsReply, flags: number, questions: number, qtype: number, qclass: number, packet: Uint8Array): void {
    if (opcodeOf(flags) !== DnsOpcode.QUERY) reply.rcode = DnsRcode.NOTIMP;
    else if (questions !== 1) reply.rcode = DnsRcode.FORMERR;
    else if (reply.queryEdnsVersion > 0) reply.rcode = DnsRcode.BADVERS;
    else if (qclass !== DnsClass.IN && qclass !== DnsClass.ANY) reply.rcode = DnsRcode.REFUSED;
    else {
      let o: Override | undefined;
      if (this.overrides.size > 0) {
        const name = readName(packet, HEADER_LENGTH);
        if (typeof name === "string") o = this.overrides.get(canonicalName(name));
      }
      const wantA = qtype === DnsType.A || qtype === DnsType.ANY;
      const wantAAAA = qtype === DnsType.AAAA || qtype === DnsType.ANY;
      if (wantA) {
        if (o) for (const a of o.v4) reply.answerQuestion(DnsType.A, this.ttl, a);
        else reply.answerQuestion(DnsType.A, this.ttl, this.rdata);
      }
      if (wantAAAA && o) for (const a of o.v6) reply.answerQuestion(DnsType.AAAA, this.ttl, a);
      // every other type: NOERROR with an empty answer section
    }
  }
}

/**
 * Turn a bound UDP (or TCP) connection into a captive-portal DNS server. The connection's handler
 * still sees every answered query as a `dns-message` event with `replied: true`.
 */
export function captive(c: Connection, options: CaptiveOptions): CaptiveDnsProtocol {
  const p = new CaptiveDnsProtocol(options);
  c.protocol = p;
  return p;
}
