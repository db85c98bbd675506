// The DNS protocol on a connection (mg_set_protocol_dns): UDP datagrams or TCP streams framed
// by a 2-byte length (RFC 1035 4.2.2, RFC 7766) are decoded and surfaced as `dns-message`
// events; replies are built with createReply and sent with sendReply. An undecodable query with a
// readable header gets FORMERR. Works on bound UDP connections, TCP listeners (accepted
// connections inherit the protocol), and outgoing connections (responses arrive the same way).

import { Flags as Flags_, type Connection, type Protocol } from "../core/connection";
import type { Address, McEvent } from "../core/events";
import { DnsFlag as DnsFlag_, DnsRcode as DnsRcode_, HEADER_LENGTH as HEADER_LENGTH_, UDP_PAYLOAD_EDNS } from "./constants";
import { decode as decode_, type DecodeLimits } from "./decode";
import type { DnsMessage } from "./message";
import type { QueryScan } from "./scan";
import { DnsReply, headerOnlyReply as headerOnlyReply_, type ReplyOptions } from "./reply";
import { DnsWriter } from "./writer";

// Imported bindings copied to locals: transpiled to CommonJS (host-sim, jest), every read of an
// imported binding is a getter call, and these are read on the per-query path.
const Flags = Flags_;
const DnsFlag = DnsFlag_;
const DnsRcode = DnsRcode_;
const HEADER_LENGTH = HEADER_LENGTH_;
const decode = decode_;
const headerOnlyReply = headerOnlyReply_;

declare module "../core/events" {
  interface EventMap {
    /**
     * A DNS message arrived: a query on a server, a response on a client. `packet` is its wire
     * form and, like the message's byte fields, only valid during the event. `replied` is true
     * when the protocol itself already answered (captive mode).
     */
    "dns-message": { message: DnsMessage; packet: Uint8Array; tcp: boolean; replied: boolean };
  }
}

export interface DnsServerOptions {
  /** decode limits for incoming messages */
  limits?: DecodeLimits;
  /** answer undecodable queries with FORMERR (default true) */
  formerr?: boolean;
  /** close an idle TCP connection after this many ms (default 10000, RFC 7766 6.2.3) */
  tcpIdleMs?: number;
  /** defaults for replies built with createReply */
  reply?: ReplyOptions;
}

export class DnsProtocol implements Protocol {
  readonly name: string = "dns";
  readonly options: DnsServerOptions;
  // One reply buffer (and writer) per server and transport, made on first use: a reply built
  // during an event uses it, and is moved to a buffer of its own only if the application keeps
  // it past the event.
  private udpScratch: DnsWriter | undefined;
  private tcpScratch: DnsWriter | undefined;
  private lent: DnsReply | undefined;
  private dispatching = false;

  constructor(options: DnsServerOptions = {}) {
    this.options = options;
  }

  private scratch(tcp: boolean): DnsWriter {
    const reply = this.options.reply;
    if (tcp) return (this.tcpScratch ??= new DnsWriter(new Uint8Array(Math.min(reply?.tcpMax ?? 4096, 0xffff) + 2), 2));
    return (this.udpScratch ??= new DnsWriter(new Uint8Array(Math.max(512, reply?.ednsPayload ?? UDP_PAYLOAD_EDNS) + 2), 2));
  }

  onEvent(c: Connection, ev: McEvent): void {
    if (ev.type === "recv") {
      if (c.flags & Flags.UDP) this.deliver(c, c.recv.bytes, false);
      else this.unframe(c);
      return;
    }
    if (ev.type === "poll" && !(c.flags & (Flags.UDP | Flags.LISTENING)) && ev.now - c.lastIo > (this.options.tcpIdleMs ?? 10000)) {
      c.close();
    }
    c.emit(ev);
  }

  /** A reply to `query` (mg_dns_create_reply); create it during the dns-message event. */
  createReply(c: Connection, query: DnsMessage | QueryScan, packet: Uint8Array, tcp: boolean, options?: ReplyOptions): DnsReply {
    const base = this.options.reply;
    const merged = options ? (base ? { ...base, ...options } : options) : base;
    const useScratch = this.dispatching && !this.lent && !merged?.out;
    const r = new DnsReply(query, packet, tcp, merged, useScratch ? this.scratch(tcp) : undefined);
    // sent during the event, a reply goes to the current peer; one kept longer learns it in deliver()
    if (r.isShared) this.lent = r;
    else r.to = { address: c.remote.address, port: c.remote.port };
    return r;
  }

  private unframe(c: Connection): void {
    while (c.recv.length >= 2 && !c.isClosed) {
      const b = c.recv.bytes;
      const n = (b[0] << 8) | b[1];
      if (n < HEADER_LENGTH || n + 2 > c.recv.limit) {
        // cannot be a DNS message, or can never fit: nothing sensible to answer
        c.close();
        return;
      }
      if (b.length < n + 2) return;
      this.deliver(c, c.recv.slice(2, n + 2), true);
      if (c.isClosed) return;
      c.recv.remove(n + 2);
    }
  }

  private deliver(c: Connection, packet: Uint8Array, tcp: boolean): void {
    this.dispatching = true;
    try {
      this.handle(c, packet, tcp);
    } finally {
      this.dispatching = false;
      const lent = this.lent;
      this.lent = undefined;
      if (lent && !lent.sent) {
        lent.detach();
        lent.to = { address: c.remote.address, port: c.remote.port };
      }
    }
  }

  /** One message off the wire: decode it and pass it on. Captive mode answers simple queries before this. */
  protected handle(c: Connection, packet: Uint8Array, tcp: boolean): void {
    const r = decode(packet, this.options.limits);
    if (r.ok) this.onMessage(c, r.message, packet, tcp);
    else if (r.id !== undefined && r.flags !== undefined) this.onUndecodable(c, r.id, r.flags, tcp);
  }

  /** A decoded message: surface it. Captive mode overrides this to answer first. */
  protected onMessage(c: Connection, message: DnsMessage, packet: Uint8Array, tcp: boolean): void {
    c.emit({ type: "dns-message", message, packet, tcp, replied: false });
  }

  /** The header was readable, the rest was not: FORMERR to a query on the serving side. */
  protected onUndecodable(c: Connection, id: number, flags: number, tcp: boolean): void {
    if (this.options.formerr === false || flags & DnsFlag.QR || !isServing(c)) return;
    send(c, headerOnlyReply(id, flags, DnsRcode.FORMERR, tcp), tcp);
  }
}

function isServing(c: Connection): boolean {
  return (c.flags & (Flags.LISTENING | Flags.ACCEPTED)) !== 0;
}

function send(c: Connection, wire: Uint8Array, tcp: boolean, to?: Address): boolean {
  if (tcp) return c.write(wire);
  if (to && (c.flags & Flags.LISTENING)) return c.sendTo(wire, to.address, to.port);
  return c.write(wire);
}

/** Attach the DNS protocol to a connection, typically a bound UDP or TCP listener (mg_set_protocol_dns). */
export function attach(c: Connection, options?: DnsServerOptions): DnsProtocol {
  const p = new DnsProtocol(options);
  c.protocol = p;
  return p;
}

/**
 * Start a reply to the query of a dns-message event (mg_dns_create_reply): id, opcode, RD and CD
 * from the query, QR set, questions copied. Call it during the event; send it then or later.
 */
export function createReply(c: Connection, ev: { message: DnsMessage; packet: Uint8Array; tcp: boolean }, options?: ReplyOptions): DnsReply {
  if (c.protocol instanceof DnsProtocol) return c.protocol.createReply(c, ev.message, ev.packet, ev.tcp, options);
  const r = new DnsReply(ev.message, ev.packet, ev.tcp, options);
  r.to = { address: c.remote.address, port: c.remote.port };
  return r;
}

/** Send a reply (mg_dns_send_reply): one datagram to the querier, or a length-prefixed TCP message. */
export function sendReply(c: Connection, reply: DnsReply): boolean {
  if (reply.sent) return false;
  reply.sent = true;
  return send(c, reply.wire(), reply.tcp, reply.to);
}
