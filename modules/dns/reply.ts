// A reply under construction for one query (mg_dns_create_reply / mg_dns_reply_record): header
// and question section copied from the query, records appended in section order, and — when the
// query carried EDNS — an OPT record added last, with room for it held back from the start so it
// always fits. Over UDP the size is bounded by what the querier can take (512, or its EDNS size
// capped at ours); a record that does not fit sets TC and is left out.

import { DnsClass as DnsClass_, DnsFlag as DnsFlag_, DnsRcode as DnsRcode_, HEADER_LENGTH as HEADER_LENGTH_, UDP_PAYLOAD_CLASSIC as UDP_PAYLOAD_CLASSIC_, UDP_PAYLOAD_EDNS as UDP_PAYLOAD_EDNS_, opcodeOf as opcodeOf_, typeCode as typeCode_, withCodes as withCodes_ } from "./constants";
import type { DnsError, DnsMessage, DnsQuestion, DnsRecord } from "./message";
import type { QueryScan } from "./scan";
import { skipName as skipName_ } from "./name";
import { DnsWriter, Section as Section_, type SectionId } from "./writer";

// Imported bindings copied to locals: transpiled to CommonJS (host-sim, jest), every read of an
// imported binding is a getter call, and these are read on the per-query path.
const DnsClass = DnsClass_;
const DnsFlag = DnsFlag_;
const DnsRcode = DnsRcode_;
const HEADER_LENGTH = HEADER_LENGTH_;
const UDP_PAYLOAD_CLASSIC = UDP_PAYLOAD_CLASSIC_;
const UDP_PAYLOAD_EDNS = UDP_PAYLOAD_EDNS_;
const opcodeOf = opcodeOf_;
const typeCode = typeCode_;
const withCodes = withCodes_;
const skipName = skipName_;
const Section = Section_;

export interface ReplyOptions {
  /** set AA (default false) */
  authoritative?: boolean;
  /** set RA (default false: mcnet's servers do not recurse) */
  recursionAvailable?: boolean;
  /** the largest UDP payload this server sends to an EDNS querier (default 1232) */
  ednsPayload?: number;
  /** the largest reply over TCP (default 4096; the wire allows 65535) */
  tcpMax?: number;
  /** build in this buffer (at least the reply size + 2) instead of allocating */
  out?: Uint8Array;
}

const OPT_SIZE = 11;
const NO_OPTIONS: ReplyOptions = {};

export class DnsReply {
  /** the decoded query (absent for a reply built from a scan) */
  readonly query: DnsMessage | undefined;
  readonly tcp: boolean;
  /** the 12-bit response code; values above 15 need the query to have had EDNS */
  rcode: number = DnsRcode.NOERROR;
  /** set when a record was left out for lack of room */
  truncated = false;
  /** where a UDP reply goes (the querier, captured when the reply was created) */
  to: { address: string; port: number } | undefined;
  /** set once sent */
  sent = false;
  /** the EDNS version of the query's OPT record, or -1 when it had none */
  readonly queryEdnsVersion: number;
  private w: DnsWriter;
  private shared: boolean;
  private done: Uint8Array | undefined;
  private readonly ednsPayload: number;
  private readonly questionCount: number;

  /**
   * `query` is the decoded query, or the scan of a simple one (scanSimpleQuery); `packet` is its
   * wire form (the question section is copied verbatim). Over TCP the message is built at offset 2
   * of the buffer, leaving room for the length prefix. `reuse` is a writer (and its buffer) shared
   * between replies: see detach().
   */
  constructor(query: DnsMessage | QueryScan, packet: Uint8Array, tcp: boolean, options: ReplyOptions = NO_OPTIONS, reuse?: DnsWriter) {
    this.tcp = tcp;
    let optPayload = -1;
    let optVersion = -1;
    if (isMessage(query)) {
      this.query = query;
      this.questionCount = query.questions.length;
      for (const rr of query.additionals) {
        if (rr.type === "OPT") {
          optPayload = rr.udpPayloadSize;
          optVersion = rr.version;
        }
      }
    } else {
      this.query = undefined;
      this.questionCount = 1;
      if (query.ednsPayload >= 0) {
        optPayload = query.ednsPayload;
        optVersion = query.ednsVersion;
      }
    }
    const opt = optVersion >= 0;
    this.queryEdnsVersion = optVersion;
    this.ednsPayload = options.ednsPayload ?? UDP_PAYLOAD_EDNS;
    let max: number;
    if (tcp) max = Math.min(options.tcpMax ?? 4096, 0xffff);
    else max = opt ? Math.max(UDP_PAYLOAD_CLASSIC, Math.min(optPayload, this.ednsPayload)) : UDP_PAYLOAD_CLASSIC;
    if (reuse && reuse.out.length >= max + 2) {
      this.w = reuse.reset(reuse.out, 2, max);
      this.shared = true;
    } else {
      const out = options.out && options.out.length >= max + 2 ? options.out : new Uint8Array(max + 2);
      this.w = new DnsWriter(out, 2, max);
      this.shared = false;
    }
    const q = query.flags;
    let flags = DnsFlag.QR | (q & (DnsFlag.RD | DnsFlag.CD)) | (opcodeOf(q) << 11);
    if (options.authoritative) flags |= DnsFlag.AA;
    if (options.recursionAvailable) flags |= DnsFlag.RA;
    this.w.header(query.id, flags);
    if (opt) this.w.limit -= OPT_SIZE;
    if (!this.w.copyQuestions(packet, this.questionCount)) {
      // the query decoded, so only a question section bigger than the reply limit lands here
      const out = this.w.out;
      this.w.reset(out, 2, max);
      this.w.header(query.id, flags | DnsFlag.TC);
      if (opt) this.w.limit -= OPT_SIZE;
      this.truncated = true;
    }
  }

  get flags(): number {
    return this.w.flags;
  }

  /** Set or clear header bits (DnsFlag.AA, RA, ...); QR, opcode and rcode are managed here. */
  setFlag(bit: number, on: boolean): void {
    const f = this.w.flags;
    this.w.setFlags(on ? f | bit : f & ~bit);
  }

  /** The first question of a decoded query, the one a reply answers in practice. */
  get question(): DnsQuestion | undefined {
    return this.query?.questions[0];
  }

  answer(rr: DnsRecord): boolean {
    return this.add(Section.ANSWER, rr);
  }

  authority(rr: DnsRecord): boolean {
    return this.add(Section.AUTHORITY, rr);
  }

  additional(rr: DnsRecord): boolean {
    return this.add(Section.ADDITIONAL, rr);
  }

  /**
   * Answer question `index` with rdata given as wire bytes (mg_dns_reply_record): the owner name is
   * a pointer to the question, so nothing about the name is encoded again. `type` is a name
   * ("A") or a code.
   */
  answerQuestion(type: string | number, ttl: number, rdata: Uint8Array, index = 0): boolean {
    if (this.done || this.truncated || index >= this.questionCount) return false;
    const out = this.w.out;
    const start = this.w.start;
    let owner = HEADER_LENGTH;
    for (let i = 0; i < index; i++) owner = skipName(out, start + owner) - start + 4;
    const code = typeof type === "number" ? type : typeCode(type);
    const classAt = skipName(out, start + owner) + 2;
    const cls = (out[classAt] << 8) | out[classAt + 1];
    if (this.w.recordRaw(Section.ANSWER, owner, code, cls === DnsClass.ANY ? DnsClass.IN : cls, ttl, rdata)) return true;
    this.noteFailure(Section.ANSWER);
    return false;
  }

  /** Why the last add failed (a bad record, or "no-space"). */
  get error(): DnsError | undefined {
    return this.w.error;
  }

  private add(section: SectionId, rr: DnsRecord): boolean {
    if (this.done) return false;
    if (rr.type === "OPT") return false; // the reply's OPT is derived from the query's
    if (this.truncated && section !== Section.ADDITIONAL) return false;
    if (this.w.record(section, rr)) return true;
    this.noteFailure(section);
    return false;
  }

  private noteFailure(section: SectionId): void {
    // RFC 2181 9: TC means the answer itself was cut; dropped additional data is not flagged
    if (this.w.error?.code === "no-space" && section !== Section.ADDITIONAL) {
      this.truncated = true;
      this.setFlag(DnsFlag.TC, true);
    }
  }

  /** The finished message (header counts, rcode, OPT), a view into the reply's buffer. */
  finish(): Uint8Array {
    if (this.done) return this.done;
    let rcode = this.rcode;
    const opt = this.queryEdnsVersion >= 0;
    if (rcode > 15 && !opt) rcode = DnsRcode.SERVFAIL; // an extended rcode cannot be said without EDNS
    this.w.setFlags(withCodes(this.w.flags, opcodeOf(this.w.flags), rcode & 0xf));
    if (opt) {
      this.w.limit += OPT_SIZE;
      this.w.optRecord(this.ednsPayload, (rcode >> 4) & 0xff, 0, 0);
    }
    this.done = this.w.finish();
    return this.done;
  }

  /** The finished message with the 2-byte length prefix DNS over TCP uses. */
  framed(): Uint8Array {
    const m = this.finish();
    const out = this.w.out;
    out[0] = m.length >> 8;
    out[1] = m.length & 0xff;
    return out.subarray(0, m.length + 2);
  }

  /** What goes on the wire for this transport. */
  wire(): Uint8Array {
    return this.tcp ? this.framed() : this.finish();
  }

  /**
   * Move off a shared writer or buffer into one of its own, for a reply that outlives the event it
   * was built in (the shared buffer will hold the next reply).
   */
  detach(): void {
    const size = this.done ? this.done.length + 2 : this.w.out.length;
    this.w = this.w.cloneInto(new Uint8Array(size));
    this.shared = false;
    if (this.done) this.done = this.w.out.subarray(2, 2 + this.done.length);
  }

  /** True while the reply is built in a writer it shares with later replies. */
  get isShared(): boolean {
    return this.shared;
  }
}

function isMessage(q: DnsMessage | QueryScan): q is DnsMessage {
  return Array.isArray((q as DnsMessage).questions);
}

/** A header-only reply for a query that could not be decoded (FORMERR) — needs just its header. */
export function headerOnlyReply(id: number, queryFlags: number, rcode: number, tcp: boolean, out = new Uint8Array(HEADER_LENGTH + 2)): Uint8Array {
  const w = new DnsWriter(out, 2);
  w.header(id, withCodes(DnsFlag.QR | (queryFlags & DnsFlag.RD), opcodeOf(queryFlags), rcode));
  const m = w.finish();
  if (!tcp) return m;
  out[0] = 0;
  out[1] = m.length;
  return out.subarray(0, m.length + 2);
}
