// The typed shape of a DNS message. Names are in presentation form without the trailing dot
// ("example.com", "" for the root); bytes that are not printable, '.' and '\' inside a label are
// escaped as in zone files (\DDD, \., \\). Byte fields of a decoded message are views into the
// packet it was decoded from: copy them (`.slice()`) to keep them past the event.

import type { RawTypeName } from "./constants";

export interface DnsQuestion {
  name: string;
  /** "A", "AAAA", ..., "ANY", or "TYPE<n>" */
  type: string;
  /** DnsClass.IN unless told; the top bit is mDNS's unicast-response bit and is kept as is */
  class?: number;
}

interface RecordBase {
  name: string;
  /** DnsClass.IN when absent */
  class?: number;
  /** seconds; 0 when absent */
  ttl?: number;
}

export interface ARecord extends RecordBase { type: "A"; data: string }
export interface AAAARecord extends RecordBase { type: "AAAA"; data: string }
export interface CNAMERecord extends RecordBase { type: "CNAME"; data: string }
export interface NSRecord extends RecordBase { type: "NS"; data: string }
export interface PTRRecord extends RecordBase { type: "PTR"; data: string }
export interface MXRecord extends RecordBase { type: "MX"; data: { preference: number; exchange: string } }
/** character-strings; decoded as bytes (TXT may be binary), strings are UTF-8 encoded on encode */
export interface TXTRecord extends RecordBase { type: "TXT"; data: Array<Uint8Array | string> }
export interface SRVRecord extends RecordBase {
  type: "SRV";
  data: { priority: number; weight: number; port: number; target: string };
}
export interface SOARecord extends RecordBase {
  type: "SOA";
  data: { mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number };
}
/** A type without a structured codec: rdata kept as raw bytes (RFC 3597). */
export interface RawRecord extends RecordBase { type: RawTypeName; data: Uint8Array }

export interface EdnsOption {
  code: number;
  data: Uint8Array;
}

/** EDNS(0) pseudo-record (RFC 6891): class and TTL are reused for these fields; name is the root. */
export interface OPTRecord {
  type: "OPT";
  /** always the root: "" (or ".") */
  name: string;
  udpPayloadSize: number;
  /** upper 8 bits of the 12-bit rcode */
  extendedRcode: number;
  version: number;
  /** EDNS flags word (EDNS_FLAG_DO) */
  flags: number;
  options: EdnsOption[];
}

export type DnsRecord =
  | ARecord
  | AAAARecord
  | CNAMERecord
  | NSRecord
  | PTRRecord
  | MXRecord
  | TXTRecord
  | SRVRecord
  | SOARecord
  | OPTRecord
  | RawRecord;

export interface DnsMessage {
  /** 16-bit transaction id */
  id: number;
  /** the whole 16-bit flags word: DnsFlag bits, opcode (opcodeOf) and rcode (rcodeOf) */
  flags: number;
  questions: DnsQuestion[];
  answers: DnsRecord[];
  authorities: DnsRecord[];
  additionals: DnsRecord[];
}

export type DnsErrorCode =
  | "truncated"
  | "bad-label"
  | "bad-pointer"
  | "name-too-long"
  | "too-many-records"
  | "bad-rdata"
  | "bad-opt"
  | "bad-name"
  | "bad-address"
  | "bad-value"
  | "no-space";

/** What the codec returns instead of throwing (a plain class: no stack capture, cheap on XS). */
export class DnsError {
  constructor(
    readonly code: DnsErrorCode,
    readonly message: string,
    /** byte offset in the packet (decode) or the output (encode) where it went wrong */
    readonly offset: number,
  ) {}
}

export function dnsError(code: DnsErrorCode, message: string, offset: number): DnsError {
  return new DnsError(code, message, offset);
}
