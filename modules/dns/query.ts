// Building and sending a query (mg_send_dns_query). The id comes from the platform's random
// source: with a fresh source port per query it is what stops off-path reply spoofing.

import { Flags, type Connection } from "../core/connection";
import { DnsClass, DnsFlag, UDP_PAYLOAD_EDNS } from "./constants";
import type { DnsError } from "./message";
import { DnsWriter, Section } from "./writer";

export interface QueryOptions {
  /** ask for recursion (default true) */
  recursionDesired?: boolean;
  /** add an EDNS(0) OPT record advertising this UDP payload size (default 1232; 0 for none) */
  ednsPayload?: number;
  /** use this id instead of a random one */
  id?: number;
}

/**
 * Encode a one-question query into `out` (at offset 2, leaving room for a TCP length prefix).
 * Returns the message view, or a DnsError for a bad name or type.
 */
export function buildQuery(out: Uint8Array, id: number, name: string, type: string, options: QueryOptions = {}): Uint8Array | DnsError {
  const w = new DnsWriter(out, 2);
  w.header(id, options.recursionDesired === false ? 0 : DnsFlag.RD);
  if (!w.question({ name, type, class: DnsClass.IN })) return w.error!;
  const edns = options.ednsPayload ?? UDP_PAYLOAD_EDNS;
  if (edns > 0) {
    if (!w.record(Section.ADDITIONAL, { type: "OPT", name: "", udpPayloadSize: edns, extendedRcode: 0, version: 0, flags: 0, options: [] })) return w.error!;
  }
  return w.finish();
}

export function randomId(c: Connection): number {
  const b = c.mgr.platform.randomBytes(2);
  return (b[0] << 8) | b[1];
}

/**
 * Send a query on a connection: one datagram over UDP, a length-prefixed message over TCP.
 * Returns the query id (to match the response with), or a DnsError.
 */
export function sendQuery(c: Connection, name: string, type: string, options: QueryOptions = {}): number | DnsError {
  const id = options.id ?? randomId(c);
  const out = new Uint8Array(2 + 12 + 255 + 4 + 11);
  const m = buildQuery(out, id, name, type, options);
  if (!(m instanceof Uint8Array)) return m;
  if (c.flags & Flags.UDP) c.write(m);
  else {
    out[0] = m.length >> 8;
    out[1] = m.length & 0xff;
    c.write(out.subarray(0, m.length + 2));
  }
  return id;
}
