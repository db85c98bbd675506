// Bytes -> DnsMessage. Every count is checked against what the remaining bytes could hold before
// anything is allocated, every length against the packet end; hostile input yields a DnsError.

import { DnsType, HEADER_LENGTH, typeName, type RawTypeName } from "./constants";
import { formatIPv4, formatIPv6 } from "./ip";
import { DnsError, dnsError, type DnsMessage, type DnsQuestion, type DnsRecord, type EdnsOption } from "./message";
import { readName, readNameEnd } from "./name";

export interface DecodeLimits {
  /** most questions accepted (default 16) */
  maxQuestions?: number;
  /** most records accepted over the three record sections (default 256) */
  maxRecords?: number;
}

export type DecodeResult =
  | { ok: true; message: DnsMessage; /** bytes the message occupied */ length: number }
  | {
      ok: false;
      error: DnsError;
      /** header fields, when at least the 12 header bytes were there (enough to answer FORMERR) */
      id?: number;
      flags?: number;
    };

export interface DnsHeader {
  id: number;
  flags: number;
  qdcount: number;
  ancount: number;
  nscount: number;
  arcount: number;
}

export function readHeader(packet: Uint8Array): DnsHeader | undefined {
  if (packet.length < HEADER_LENGTH) return undefined;
  return {
    id: get16(packet, 0),
    flags: get16(packet, 2),
    qdcount: get16(packet, 4),
    ancount: get16(packet, 6),
    nscount: get16(packet, 8),
    arcount: get16(packet, 10),
  };
}

const MIN_QUESTION = 5; // root name + type + class
const MIN_RECORD = 11; // root name + type + class + ttl + rdlength

export function decode(packet: Uint8Array, limits?: DecodeLimits): DecodeResult {
  if (packet.length < HEADER_LENGTH) return { ok: false, error: dnsError("truncated", "shorter than a DNS header", packet.length) };
  const id = get16(packet, 0);
  const flags = get16(packet, 2);
  const qdcount = get16(packet, 4);
  const ancount = get16(packet, 6);
  const nscount = get16(packet, 8);
  const arcount = get16(packet, 10);
  const records = ancount + nscount + arcount;
  if (qdcount > (limits?.maxQuestions ?? 16) || records > (limits?.maxRecords ?? 256)) {
    return failed(dnsError("too-many-records", "more questions or records than allowed", 4), id, flags);
  }
  if (HEADER_LENGTH + qdcount * MIN_QUESTION + records * MIN_RECORD > packet.length) {
    return failed(dnsError("truncated", "counts exceed what the packet can hold", 4), id, flags);
  }
  const end = packet.length;
  let p = HEADER_LENGTH;
  const questions: DnsQuestion[] = [];
  for (let i = 0; i < qdcount; i++) {
    const name = readName(packet, p, end);
    if (typeof name !== "string") return failed(name, id, flags);
    p = readNameEnd;
    if (p + 4 > end) return failed(dnsError("truncated", "question cut short", p), id, flags);
    questions.push({ name, type: typeName(get16(packet, p)), class: get16(packet, p + 2) });
    p += 4;
  }
  const answers = readSection(packet, p, end, ancount, false);
  if (answers instanceof DnsError) return failed(answers, id, flags);
  const authorities = readSection(packet, sectionEnd, end, nscount, false);
  if (authorities instanceof DnsError) return failed(authorities, id, flags);
  const additionals = readSection(packet, sectionEnd, end, arcount, true);
  if (additionals instanceof DnsError) return failed(additionals, id, flags);
  return { ok: true, length: sectionEnd, message: { id, flags, questions, answers, authorities, additionals } };
}

function failed(error: DnsError, id: number, flags: number): DecodeResult {
  return { ok: false, error, id, flags };
}

let sectionEnd = 0;

function readSection(packet: Uint8Array, offset: number, end: number, count: number, additional: boolean): DnsRecord[] | DnsError {
  const list: DnsRecord[] = [];
  let p = offset;
  let sawOpt = false;
  for (let i = 0; i < count; i++) {
    const rr = readRecord(packet, p, end);
    if (rr instanceof DnsError) return rr;
    if (rr.type === "OPT") {
      // RFC 6891 6.1.1: at most one, and only among the additional records
      if (!additional || sawOpt) return dnsError("bad-opt", "misplaced or repeated OPT record", p);
      sawOpt = true;
    }
    list.push(rr);
    p = recordEnd;
  }
  sectionEnd = p;
  return list;
}

/** Offset after the last record `readRecord` returned (module state: the codec is synchronous). */
export let recordEnd = 0;

export function readRecord(packet: Uint8Array, offset: number, end = packet.length): DnsRecord | DnsError {
  const name = readName(packet, offset, end);
  if (typeof name !== "string") return name;
  let p = readNameEnd;
  if (p + 10 > end) return dnsError("truncated", "record header cut short", p);
  const code = get16(packet, p);
  const cls = get16(packet, p + 2);
  const ttl = get32(packet, p + 4);
  const rdlength = get16(packet, p + 8);
  p += 10;
  if (p + rdlength > end) return dnsError("truncated", "rdata runs past the end of the packet", p);
  recordEnd = p + rdlength;
  if (code === DnsType.OPT) {
    if (name !== "") return dnsError("bad-opt", "OPT owner is not the root", offset);
    const options = readOptions(packet, p, p + rdlength);
    if (!Array.isArray(options)) return options;
    recordEnd = p + rdlength;
    return { type: "OPT", name: "", udpPayloadSize: cls, extendedRcode: ttl >>> 24, version: (ttl >> 16) & 0xff, flags: ttl & 0xffff, options };
  }
  const data = decodeRdata(packet, code, p, rdlength);
  if (data instanceof DnsError) return data;
  recordEnd = p + rdlength;
  return { name, type: rdataTypeName(code), class: cls, ttl, data } as DnsRecord;
}

function rdataTypeName(code: number): DnsRecord["type"] {
  // ANY (and OPT, handled apart) have no rdata form of their own: such a record is raw bytes
  return code === DnsType.ANY ? (`TYPE${code}` as RawTypeName) : (typeName(code) as DnsRecord["type"]);
}

type Rdata = Exclude<DnsRecord, { type: "OPT" }>["data"];

/**
 * Decode the rdata of a record of type `code` at [offset, offset + length) (mg_dns_parse_record_data).
 * Names inside may point anywhere earlier in `packet`; the structured form must use exactly
 * `length` bytes. Types without a structured form come back as a view of the raw bytes.
 */
export function decodeRdata(packet: Uint8Array, code: number, offset: number, length: number): Rdata | DnsError {
  const end = offset + length;
  if (end > packet.length) return dnsError("truncated", "rdata runs past the end of the packet", offset);
  const inner = (e: DnsError): DnsError => (e.code === "truncated" ? dnsError("bad-rdata", `name runs past its ${typeName(code)} rdata`, e.offset) : e);
  const exact = (p: number): DnsError | undefined => (p === end ? undefined : dnsError("bad-rdata", `${typeName(code)} rdata length mismatch`, offset));
  switch (code) {
    case DnsType.A:
      if (length !== 4) return dnsError("bad-rdata", "A rdata is not 4 bytes", offset);
      return formatIPv4(packet, offset);
    case DnsType.AAAA:
      if (length !== 16) return dnsError("bad-rdata", "AAAA rdata is not 16 bytes", offset);
      return formatIPv6(packet, offset);
    case DnsType.CNAME:
    case DnsType.NS:
    case DnsType.PTR: {
      const n = readName(packet, offset, end);
      if (typeof n !== "string") return inner(n);
      return exact(readNameEnd) ?? n;
    }
    case DnsType.MX: {
      if (length < 3) return dnsError("bad-rdata", "MX rdata too short", offset);
      const exchange = readName(packet, offset + 2, end);
      if (typeof exchange !== "string") return inner(exchange);
      return exact(readNameEnd) ?? { preference: get16(packet, offset), exchange };
    }
    case DnsType.TXT: {
      const strings: Uint8Array[] = [];
      let p = offset;
      while (p < end) {
        const n = packet[p];
        if (p + 1 + n > end) return dnsError("bad-rdata", "TXT string runs past its rdata", p);
        strings.push(packet.subarray(p + 1, p + 1 + n));
        p += 1 + n;
      }
      return strings;
    }
    case DnsType.SRV: {
      if (length < 7) return dnsError("bad-rdata", "SRV rdata too short", offset);
      const target = readName(packet, offset + 6, end);
      if (typeof target !== "string") return inner(target);
      return exact(readNameEnd) ?? { priority: get16(packet, offset), weight: get16(packet, offset + 2), port: get16(packet, offset + 4), target };
    }
    case DnsType.SOA: {
      const mname = readName(packet, offset, end);
      if (typeof mname !== "string") return inner(mname);
      const rname = readName(packet, readNameEnd, end);
      if (typeof rname !== "string") return inner(rname);
      const p = readNameEnd;
      if (p + 20 !== end) return dnsError("bad-rdata", "SOA rdata length mismatch", offset);
      return {
        mname,
        rname,
        serial: get32(packet, p),
        refresh: get32(packet, p + 4),
        retry: get32(packet, p + 8),
        expire: get32(packet, p + 12),
        minimum: get32(packet, p + 16),
      };
    }
    default:
      return packet.subarray(offset, end);
  }
}

function readOptions(packet: Uint8Array, offset: number, end: number): EdnsOption[] | DnsError {
  const options: EdnsOption[] = [];
  let p = offset;
  while (p < end) {
    if (p + 4 > end) return dnsError("bad-opt", "EDNS option header cut short", p);
    const len = get16(packet, p + 2);
    if (p + 4 + len > end) return dnsError("bad-opt", "EDNS option runs past its rdata", p);
    options.push({ code: get16(packet, p), data: packet.subarray(p + 4, p + 4 + len) });
    p += 4 + len;
  }
  return options;
}

export function get16(b: Uint8Array, p: number): number {
  return (b[p] << 8) | b[p + 1];
}

export function get32(b: Uint8Array, p: number): number {
  return ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
}
