// A non-allocating check of the common query shape: one question, no answer or authority
// records, at most one additional record which is OPT. What passes is exactly what decode()
// accepts for such a packet; anything else (other shapes, anything malformed) is left to decode().
// The captive server answers from this alone, so a query costs no heap unless someone looks at
// the decoded message.

import { DnsType, HEADER_LENGTH, MAX_NAME_WIRE } from "./constants";

// Local copies of imported constants: transpiled to CommonJS (host-sim, jest) every read of an
// imported binding is a getter call, and these sit on the per-query path.
const OPT = DnsType.OPT;
const HEADER = HEADER_LENGTH;
const MAX_WIRE = MAX_NAME_WIRE;

/** What a scan found; one instance is reused for every scan. */
export interface QueryScan {
  id: number;
  flags: number;
  /** offset just past the question section */
  questionEnd: number;
  qtype: number;
  qclass: number;
  /** EDNS payload size from the OPT record, or -1 when there is none */
  ednsPayload: number;
  ednsVersion: number;
}

export function createQueryScan(): QueryScan {
  return { id: 0, flags: 0, questionEnd: 0, qtype: 0, qclass: 0, ednsPayload: -1, ednsVersion: 0 };
}

/** True when `packet` is a well-formed one-question query as described above; fills `out`. */
export function scanSimpleQuery(packet: Uint8Array, out: QueryScan): boolean {
  const end = packet.length;
  if (end < HEADER + 5) return false;
  if (packet[4] !== 0 || packet[5] !== 1 || packet[6] !== 0 || packet[7] !== 0 || packet[8] !== 0 || packet[9] !== 0 || packet[10] !== 0 || packet[11] > 1) {
    return false;
  }
  const p = skipValidName(packet, HEADER, end);
  if (p < 0 || p + 4 > end) return false;
  out.id = (packet[0] << 8) | packet[1];
  out.flags = (packet[2] << 8) | packet[3];
  out.qtype = (packet[p] << 8) | packet[p + 1];
  out.qclass = (packet[p + 2] << 8) | packet[p + 3];
  out.questionEnd = p + 4;
  out.ednsPayload = -1;
  out.ednsVersion = 0;
  if (packet[11] === 0) return true;
  // the one additional record: an OPT owned by the root, options filling its rdata exactly
  const r = p + 4;
  if (r + 11 > end || packet[r] !== 0) return false;
  if (((packet[r + 1] << 8) | packet[r + 2]) !== OPT) return false;
  const rdlength = (packet[r + 9] << 8) | packet[r + 10];
  const rdEnd = r + 11 + rdlength;
  if (rdEnd > end) return false;
  for (let o = r + 11; o < rdEnd; ) {
    if (o + 4 > rdEnd) return false;
    o += 4 + ((packet[o + 2] << 8) | packet[o + 3]);
    if (o > rdEnd) return false;
  }
  out.ednsPayload = (packet[r + 3] << 8) | packet[r + 4];
  out.ednsVersion = packet[r + 6];
  return true;
}

// The same rules as readName (backward pointers only, 255-byte limit, no reserved label types).
function skipValidName(packet: Uint8Array, offset: number, end: number): number {
  let p = offset;
  let segmentStart = offset;
  let next = -1;
  let wire = 0;
  for (;;) {
    if (p >= end) return -1;
    const len = packet[p];
    if (len === 0) return next < 0 ? p + 1 : next;
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (p + 1 >= end) return -1;
      const target = ((len & 0x3f) << 8) | packet[p + 1];
      if (target >= segmentStart) return -1;
      if (next < 0) next = p + 2;
      p = target;
      segmentStart = target;
      continue;
    }
    if (kind !== 0) return -1;
    wire += len + 1;
    if (wire + 1 > MAX_WIRE || p + 1 + len > end) return -1;
    p += len + 1;
  }
}
