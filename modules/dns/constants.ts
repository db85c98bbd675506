// Tables of DNS wire constants (RFC 1035, 2782, 3596, 6891, 6895) and the mapping between
// type codes and the names the codec uses. Types without a structured codec are named in the
// RFC 3597 form "TYPE<n>" and carry their rdata as raw bytes.

export const DnsType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  OPT: 41,
  ANY: 255,
} as const;

export type KnownTypeName = keyof typeof DnsType;
export type RawTypeName = `TYPE${number}`;
export type DnsTypeName = KnownTypeName | RawTypeName;

export const DnsClass = {
  IN: 1,
  CH: 3,
  HS: 4,
  NONE: 254,
  ANY: 255,
} as const;

export const DnsOpcode = {
  QUERY: 0,
  IQUERY: 1,
  STATUS: 2,
  NOTIFY: 4,
  UPDATE: 5,
} as const;

export const DnsRcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  /** extended (needs an OPT record): the query's EDNS version is not supported */
  BADVERS: 16,
} as const;

/** Bits of the 16-bit header flags word (RFC 1035 4.1.1, RFC 4035 for AD/CD). */
export const DnsFlag = {
  QR: 0x8000,
  AA: 0x0400,
  TC: 0x0200,
  RD: 0x0100,
  RA: 0x0080,
  AD: 0x0020,
  CD: 0x0010,
} as const;

/** EDNS header flag (in the OPT record's TTL field): DNSSEC OK. */
export const EDNS_FLAG_DO = 0x8000;

export const HEADER_LENGTH = 12;
/** The classic UDP payload limit a reply may use when the query carries no EDNS record. */
export const UDP_PAYLOAD_CLASSIC = 512;
/** The payload size mcnet advertises over EDNS: the DNS Flag Day 2020 value, below any common MTU. */
export const UDP_PAYLOAD_EDNS = 1232;
/** Longest name on the wire, terminating root label included (RFC 1035 3.1). */
export const MAX_NAME_WIRE = 255;
export const MAX_LABEL = 63;

const NAME_BY_CODE: Record<number, KnownTypeName> = {};
// a Map, so that names like "constructor" find nothing
const CODE_BY_NAME = new Map<string, number>();
for (const k of Object.keys(DnsType) as KnownTypeName[]) {
  NAME_BY_CODE[DnsType[k]] = k;
  CODE_BY_NAME.set(k, DnsType[k]);
}

export function typeName(code: number): DnsTypeName {
  return NAME_BY_CODE[code] ?? (`TYPE${code}` as RawTypeName);
}

/** The code of a type name ("A", "TYPE65", case-insensitive); -1 when it is neither. */
export function typeCode(name: string): number {
  const exact = CODE_BY_NAME.get(name);
  if (exact !== undefined) return exact;
  const upper = name.toUpperCase();
  const known = CODE_BY_NAME.get(upper);
  if (known !== undefined) return known;
  if (upper.length > 4 && upper.length <= 9 && upper.startsWith("TYPE")) {
    let n = 0;
    for (let i = 4; i < upper.length; i++) {
      const d = upper.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return -1;
      n = n * 10 + d;
    }
    if (n <= 0xffff) return n;
  }
  return -1;
}

export function opcodeOf(flags: number): number {
  return (flags >> 11) & 0xf;
}

export function rcodeOf(flags: number): number {
  return flags & 0xf;
}

/** flags with the opcode and rcode fields replaced; the rcode keeps only its low 4 bits (the rest goes to OPT). */
export function withCodes(flags: number, opcode: number, rcode: number): number {
  return (flags & ~0x780f & 0xffff) | ((opcode & 0xf) << 11) | (rcode & 0xf);
}
