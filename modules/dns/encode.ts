// DnsMessage -> bytes, in the dns-packet style: encode / encodingLength. Names are compressed, so
// encodingLength is an upper bound (the uncompressed size) rather than the exact size.

import { HEADER_LENGTH } from "./constants";
import { DnsError, dnsError, type DnsMessage, type DnsRecord } from "./message";
import { nameWireLength } from "./name";
import { DnsWriter, type SectionId } from "./writer";
import { utf8Length } from "../util/utf8";

/** Bytes `encode` needs at most for `msg` (exact when no name repeats). */
export function encodingLength(msg: DnsMessage): number {
  let n = HEADER_LENGTH;
  for (const q of msg.questions) n += nameLength(q.name) + 4;
  for (const list of [msg.answers, msg.authorities, msg.additionals]) for (const rr of list) n += recordLength(rr);
  return n;
}

function nameLength(name: string): number {
  const n = nameWireLength(name);
  // an invalid name fails in encode; any bound will do here
  return n < 0 ? utf8Length(name) + 2 : n;
}

function recordLength(rr: DnsRecord): number {
  if (rr.type === "OPT") {
    let n = 11;
    for (const o of rr.options) n += 4 + o.data.length;
    return n;
  }
  let rd: number;
  switch (rr.type) {
    case "A":
      rd = 4;
      break;
    case "AAAA":
      rd = 16;
      break;
    case "CNAME":
    case "NS":
    case "PTR":
      rd = nameLength(rr.data);
      break;
    case "MX":
      rd = 2 + nameLength(rr.data.exchange);
      break;
    case "TXT":
      rd = 0;
      for (const s of rr.data) rd += 1 + (typeof s === "string" ? utf8Length(s) : s.length);
      break;
    case "SRV":
      rd = 6 + nameLength(rr.data.target);
      break;
    case "SOA":
      rd = nameLength(rr.data.mname) + nameLength(rr.data.rname) + 20;
      break;
    default:
      rd = (rr as { data: Uint8Array }).data?.length ?? 0;
  }
  return nameLength(rr.name) + 10 + rd;
}

/**
 * Encode `msg` into `out` at `offset` (allocated to fit when absent). Returns a view of the
 * written bytes, or a DnsError (bad name/address/value, or "no-space" when `out` is too small).
 */
export function encode(msg: DnsMessage, out?: Uint8Array, offset = 0): Uint8Array | DnsError {
  const buf = out ?? new Uint8Array(encodingLength(msg));
  const w = new DnsWriter(buf, offset);
  if (!w.header(msg.id, msg.flags)) return w.error ?? dnsError("no-space", "no room", offset);
  for (const q of msg.questions) if (!w.question(q)) return w.error as DnsError;
  const sections: Array<[SectionId, DnsRecord[]]> = [
    [1, msg.answers],
    [2, msg.authorities],
    [3, msg.additionals],
  ];
  for (const [s, list] of sections) for (const rr of list) if (!w.record(s, rr)) return w.error as DnsError;
  return w.finish();
}
