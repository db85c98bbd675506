// Composes a DNS message into a caller-provided buffer, section by section: header, questions,
// then records. Names are compressed against everything written before them. A record that would
// pass the size limit is rolled back and reported, so a reply can set TC and stop cleanly.

import { DnsClass as DnsClass_, DnsType as DnsType_, HEADER_LENGTH as HEADER_LENGTH_, typeCode as typeCode_ } from "./constants";
import { parseIPv4 as parseIPv4_, parseIPv6 as parseIPv6_ } from "./ip";
import { dnsError as dnsError_, type DnsError, type DnsQuestion, type DnsRecord } from "./message";
import { NameCompressor, skipName as skipName_, writeName as writeName_ } from "./name";
import { utf8Length as utf8Length_, utf8Write as utf8Write_ } from "../util/utf8";

// Imported bindings copied to locals: transpiled to CommonJS (host-sim, jest), every read of an
// imported binding is a getter call, and these are read on the per-query path.
const DnsClass = DnsClass_;
const DnsType = DnsType_;
const HEADER_LENGTH = HEADER_LENGTH_;
const typeCode = typeCode_;
const parseIPv4 = parseIPv4_;
const parseIPv6 = parseIPv6_;
const dnsError = dnsError_;
const skipName = skipName_;
const writeName = writeName_;
const utf8Length = utf8Length_;
const utf8Write = utf8Write_;

/** Record sections, in the order they must be written. */
export const Section = { ANSWER: 1, AUTHORITY: 2, ADDITIONAL: 3 } as const;
export type SectionId = 1 | 2 | 3;

export class DnsWriter {
  out: Uint8Array;
  /** offset of the message's first byte in `out` (compression pointers are relative to it) */
  start: number;
  /** offset where the next byte goes */
  pos: number;
  /** absolute offset the message may not pass */
  limit: number;
  /** question, answer, authority, additional counts */
  readonly counts = [0, 0, 0, 0];
  /** why the last call returned false */
  error: DnsError | undefined;
  private section = 0;
  private compressor: NameCompressor;

  /** `maxLength`: the largest message allowed (e.g. 512 for a classic UDP reply). */
  constructor(out: Uint8Array, offset = 0, maxLength = out.length - offset) {
    this.out = out;
    this.start = offset;
    this.pos = offset;
    this.limit = Math.min(out.length, offset + maxLength);
    this.compressor = new NameCompressor(out, offset);
  }

  /** Start over on (possibly another) buffer, keeping the compression table's storage. */
  reset(out: Uint8Array, offset = 0, maxLength = out.length - offset): this {
    this.out = out;
    this.start = offset;
    this.pos = offset;
    this.limit = Math.min(out.length, offset + maxLength);
    this.counts[0] = this.counts[1] = this.counts[2] = this.counts[3] = 0;
    this.error = undefined;
    this.section = 0;
    this.compressor = this.compressor.out === out && this.compressor.base === offset ? this.compressor : new NameCompressor(out, offset);
    this.compressor.count = 0;
    return this;
  }

  /** A copy of this writer, state and bytes, continuing in `out` (same offset) — for a message that must outlive a shared buffer. */
  cloneInto(out: Uint8Array): DnsWriter {
    out.set(this.out.subarray(0, this.pos));
    const w = new DnsWriter(out, this.start, Math.min(out.length, this.limit) - this.start);
    w.pos = this.pos;
    for (let i = 0; i < 4; i++) w.counts[i] = this.counts[i];
    w.section = this.section;
    w.error = this.error;
    w.compressor.copyFrom(this.compressor);
    return w;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos - this.start;
  }

  header(id: number, flags: number): boolean {
    if (this.pos !== this.start) return this.fail(dnsError("bad-value", "header must come first", this.pos));
    if (this.start + HEADER_LENGTH > this.limit) return this.fail(dnsError("no-space", "no room for the header", this.pos));
    this.setId(id);
    this.setFlags(flags);
    // the four counts, stored one by one: fill() is a slow runtime call on V8
    const o = this.out;
    const s = this.start;
    o[s + 4] = o[s + 5] = o[s + 6] = o[s + 7] = o[s + 8] = o[s + 9] = o[s + 10] = o[s + 11] = 0;
    this.pos = s + HEADER_LENGTH;
    return true;
  }

  setId(id: number): void {
    this.out[this.start] = (id >> 8) & 0xff;
    this.out[this.start + 1] = id & 0xff;
  }

  setFlags(flags: number): void {
    this.out[this.start + 2] = (flags >> 8) & 0xff;
    this.out[this.start + 3] = flags & 0xff;
  }

  get flags(): number {
    return (this.out[this.start + 2] << 8) | this.out[this.start + 3];
  }

  question(q: DnsQuestion): boolean {
    if (this.section > 0) return this.fail(dnsError("bad-value", "questions must precede records", this.pos));
    if (!this.begun()) return false;
    const code = typeCode(q.type);
    if (code < 0) return this.fail(dnsError("bad-value", `unknown type ${q.type}`, this.pos));
    const cls = q.class ?? DnsClass.IN;
    if (!isU16(cls)) return this.fail(dnsError("bad-value", "class out of range", this.pos));
    const mark = this.pos;
    const marked = this.compressor.count;
    const p = writeName(q.name, this.out, this.pos, this.limit, this.compressor);
    if (typeof p !== "number") return this.rollback(mark, marked, p);
    if (p + 4 > this.limit) return this.rollback(mark, marked, dnsError("no-space", "question does not fit", p));
    put16(this.out, p, code);
    put16(this.out, p + 2, cls);
    this.pos = p + 4;
    this.counts[0]++;
    return true;
  }

  /**
   * Copy the question section of a received message verbatim (mg_dns_copy_questions). The section
   * sits at the same offset in both messages, so compression pointers inside it stay valid; its
   * names become compression targets for the records that follow.
   */
  copyQuestions(packet: Uint8Array, count: number): boolean {
    if (!this.begun()) return false;
    if (this.pos !== this.start + HEADER_LENGTH) return this.fail(dnsError("bad-value", "copied questions must follow the header", this.pos));
    let p = HEADER_LENGTH;
    for (let i = 0; i < count; i++) {
      const next = skipName(packet, p);
      if (next < 0 || next + 4 > packet.length) return this.fail(dnsError("truncated", "question section cut short", p));
      p = next + 4;
    }
    if (this.start + p > this.limit) return this.fail(dnsError("no-space", "questions do not fit", this.pos));
    this.out.set(packet.subarray(HEADER_LENGTH, p), this.start + HEADER_LENGTH);
    // learn each uncompressed name start so answers can point at the question's name
    let q = this.start + HEADER_LENGTH;
    for (let i = 0; i < count; i++) {
      this.rememberLabels(q);
      q = skipName(this.out, q) + 4;
    }
    this.pos = this.start + p;
    this.counts[0] += count;
    return true;
  }

  private rememberLabels(at: number): void {
    for (let p = at; this.out[p] !== 0 && (this.out[p] & 0xc0) === 0; p += this.out[p] + 1) this.compressor.remember(p);
  }

  record(section: SectionId, rr: DnsRecord): boolean {
    if (section < this.section) return this.fail(dnsError("bad-value", "records must be written section by section", this.pos));
    if (!this.begun()) return false;
    const mark = this.pos;
    const marked = this.compressor.count;
    const r = this.writeRecord(rr);
    if (typeof r !== "number") return this.rollback(mark, marked, r);
    this.pos = r;
    this.section = section;
    this.counts[section]++;
    return true;
  }

  /**
   * Append a record whose owner is the name already written at `owner` (an offset from the message
   * start, e.g. 12 for the first question) and whose rdata is given as bytes (mg_dns_reply_record).
   */
  recordRaw(section: SectionId, owner: number, type: number, cls: number, ttl: number, rdata: Uint8Array): boolean {
    if (section < this.section) return this.fail(dnsError("bad-value", "records must be written section by section", this.pos));
    if (!this.begun()) return false;
    if (owner < HEADER_LENGTH || owner >= 0x4000 || this.start + owner >= this.pos) return this.fail(dnsError("bad-value", "owner offset outside the message", this.pos));
    if (!isU16(type) || !isU16(cls) || !isU32(ttl) || rdata.length > 0xffff) return this.fail(dnsError("bad-value", "record field out of range", this.pos));
    const p = this.pos;
    if (p + 12 + rdata.length > this.limit) return this.fail(dnsError("no-space", "record does not fit", p));
    const out = this.out;
    out[p] = 0xc0 | (owner >> 8);
    out[p + 1] = owner & 0xff;
    put16(out, p + 2, type);
    put16(out, p + 4, cls);
    put32(out, p + 6, ttl);
    put16(out, p + 10, rdata.length);
    out.set(rdata, p + 12);
    this.pos = p + 12 + rdata.length;
    this.section = section;
    this.counts[section]++;
    return true;
  }

  /** Append an option-less EDNS OPT record (11 bytes) to the additional section. */
  optRecord(udpPayloadSize: number, extendedRcode: number, version: number, flags: number): boolean {
    if (!this.begun()) return false;
    const p = this.pos;
    if (p + 11 > this.limit) return this.fail(dnsError("no-space", "record does not fit", p));
    const out = this.out;
    out[p] = 0;
    put16(out, p + 1, 41);
    put16(out, p + 3, udpPayloadSize);
    out[p + 5] = extendedRcode;
    out[p + 6] = version;
    put16(out, p + 7, flags);
    put16(out, p + 9, 0);
    this.pos = p + 11;
    this.section = 3;
    this.counts[3]++;
    return true;
  }

  /** Patch the counts into the header and return the message (a view into `out`). */
  finish(): Uint8Array {
    const o = this.out;
    const s = this.start;
    for (let i = 0; i < 4; i++) put16(o, s + 4 + 2 * i, this.counts[i]);
    return o.subarray(s, this.pos);
  }

  private begun(): boolean {
    if (this.pos === this.start) return this.fail(dnsError("bad-value", "header missing", this.pos));
    return true;
  }

  private fail(e: DnsError): false {
    this.error = e;
    return false;
  }

  private rollback(mark: number, marked: number, e: DnsError): false {
    this.pos = mark;
    this.compressor.count = marked;
    return this.fail(e);
  }

  private writeRecord(rr: DnsRecord): number | DnsError {
    const out = this.out;
    const limit = this.limit;
    let p: number | DnsError;
    if (rr.type === "OPT") {
      if (rr.name !== "" && rr.name !== ".") return dnsError("bad-opt", "OPT owner must be the root", this.pos);
      if (!isU16(rr.udpPayloadSize) || !isU8(rr.extendedRcode) || !isU8(rr.version) || !isU16(rr.flags)) {
        return dnsError("bad-value", "OPT field out of range", this.pos);
      }
      p = this.pos;
      if (p + 11 > limit) return dnsError("no-space", "record does not fit", p);
      out[p++] = 0;
      put16(out, p, DnsType.OPT);
      put16(out, p + 2, rr.udpPayloadSize);
      out[p + 4] = rr.extendedRcode;
      out[p + 5] = rr.version;
      put16(out, p + 6, rr.flags);
      p += 10;
      const rdStart = p;
      for (const o of rr.options) {
        if (!isU16(o.code)) return dnsError("bad-value", "option code out of range", p);
        if (p + 4 + o.data.length > limit) return dnsError("no-space", "record does not fit", p);
        put16(out, p, o.code);
        put16(out, p + 2, o.data.length);
        out.set(o.data, p + 4);
        p += 4 + o.data.length;
      }
      return this.closeRdata(rdStart, p);
    }
    const code = typeCode(rr.type);
    if (code < 0 || code === DnsType.ANY) return dnsError("bad-value", `unknown record type ${rr.type}`, this.pos);
    const cls = rr.class ?? DnsClass.IN;
    const ttl = rr.ttl ?? 0;
    if (!isU16(cls)) return dnsError("bad-value", "class out of range", this.pos);
    if (!isU32(ttl)) return dnsError("bad-value", "ttl out of range", this.pos);
    p = writeName(rr.name, out, this.pos, limit, this.compressor);
    if (typeof p !== "number") return p;
    if (p + 10 > limit) return dnsError("no-space", "record does not fit", p);
    put16(out, p, code);
    put16(out, p + 2, cls);
    put32(out, p + 4, ttl);
    p += 10;
    const rdStart = p;
    const c = this.compressor;
    switch (rr.type) {
      case "A":
        if (p + 4 > limit) return dnsError("no-space", "record does not fit", p);
        if (!parseIPv4(rr.data, out, p)) return dnsError("bad-address", `not an IPv4 address: ${String(rr.data).slice(0, 64)}`, p);
        p += 4;
        break;
      case "AAAA":
        if (p + 16 > limit) return dnsError("no-space", "record does not fit", p);
        if (typeof rr.data !== "string" || !parseIPv6(rr.data, out, p)) return dnsError("bad-address", `not an IPv6 address: ${String(rr.data).slice(0, 64)}`, p);
        p += 16;
        break;
      case "CNAME":
      case "NS":
      case "PTR":
        p = writeName(rr.data, out, p, limit, c);
        break;
      case "MX":
        if (!isU16(rr.data.preference)) return dnsError("bad-value", "MX preference out of range", p);
        if (p + 2 > limit) return dnsError("no-space", "record does not fit", p);
        put16(out, p, rr.data.preference);
        p = writeName(rr.data.exchange, out, p + 2, limit, c);
        break;
      case "TXT":
        for (const s of rr.data) {
          const n = typeof s === "string" ? utf8Length(s) : s.length;
          if (n > 255) return dnsError("bad-value", "TXT string longer than 255 bytes", p);
          if (p + 1 + n > limit) return dnsError("no-space", "record does not fit", p);
          out[p] = n;
          if (typeof s === "string") utf8Write(s, out, p + 1);
          else out.set(s, p + 1);
          p += 1 + n;
        }
        break;
      case "SRV": {
        const d = rr.data;
        if (!isU16(d.priority) || !isU16(d.weight) || !isU16(d.port)) return dnsError("bad-value", "SRV field out of range", p);
        if (p + 6 > limit) return dnsError("no-space", "record does not fit", p);
        put16(out, p, d.priority);
        put16(out, p + 2, d.weight);
        put16(out, p + 4, d.port);
        // RFC 2782: the target is never compressed
        p = writeName(d.target, out, p + 6, limit);
        break;
      }
      case "SOA": {
        const d = rr.data;
        if (!isU32(d.serial) || !isU32(d.refresh) || !isU32(d.retry) || !isU32(d.expire) || !isU32(d.minimum)) {
          return dnsError("bad-value", "SOA field out of range", p);
        }
        p = writeName(d.mname, out, p, limit, c);
        if (typeof p !== "number") return p;
        p = writeName(d.rname, out, p, limit, c);
        if (typeof p !== "number") return p;
        if (p + 20 > limit) return dnsError("no-space", "record does not fit", p);
        put32(out, p, d.serial);
        put32(out, p + 4, d.refresh);
        put32(out, p + 8, d.retry);
        put32(out, p + 12, d.expire);
        put32(out, p + 16, d.minimum);
        p += 20;
        break;
      }
      default: {
        const data = (rr as { data: unknown }).data;
        if (!(data instanceof Uint8Array)) return dnsError("bad-value", `${rr.type} data must be bytes`, p);
        if (p + data.length > limit) return dnsError("no-space", "record does not fit", p);
        out.set(data, p);
        p += data.length;
      }
    }
    if (typeof p !== "number") return p;
    return this.closeRdata(rdStart, p);
  }

  private closeRdata(rdStart: number, end: number): number | DnsError {
    const n = end - rdStart;
    if (n > 0xffff) return dnsError("bad-value", "rdata longer than 65535 bytes", rdStart);
    put16(this.out, rdStart - 2, n);
    return end;
  }
}

export function put16(b: Uint8Array, p: number, v: number): void {
  b[p] = (v >> 8) & 0xff;
  b[p + 1] = v & 0xff;
}

export function put32(b: Uint8Array, p: number, v: number): void {
  b[p] = (v >>> 24) & 0xff;
  b[p + 1] = (v >> 16) & 0xff;
  b[p + 2] = (v >> 8) & 0xff;
  b[p + 3] = v & 0xff;
}

function isU8(v: number): boolean {
  return typeof v === "number" && (v & 0xff) === v;
}

function isU16(v: number): boolean {
  return typeof v === "number" && (v & 0xffff) === v;
}

function isU32(v: number): boolean {
  return typeof v === "number" && v >>> 0 === v;
}
