// Domain names: presentation text <-> wire labels, with compression on encode and guarded
// decompression on decode (RFC 1035 3.1, 4.1.4).

import { MAX_LABEL as MAX_LABEL_, MAX_NAME_WIRE as MAX_NAME_WIRE_ } from "./constants";
import { dnsError as dnsError_, type DnsError } from "./message";
import { utf8Length as utf8Length_, utf8Write as utf8Write_ } from "../util/utf8";

// Imported bindings copied to locals: transpiled to CommonJS (host-sim, jest), every read of an
// imported binding is a getter call, and these are read on the per-query path.
const MAX_LABEL = MAX_LABEL_;
const MAX_NAME_WIRE = MAX_NAME_WIRE_;
const dnsError = dnsError_;
const utf8Length = utf8Length_;
const utf8Write = utf8Write_;

/**
 * Wire length of `name` without compression (labels + root), or -1 when it is not a valid name:
 * an empty label, a label over 63 bytes, a name over 255 bytes or a bad escape.
 */
export function nameWireLength(name: string): number {
  return scanName(name, undefined, 0);
}

// One pass serves both measuring (out undefined) and writing, so the two can never disagree.
function scanName(name: string, out: Uint8Array | undefined, offset: number): number {
  let end = name.length;
  if (end > 0 && name.charCodeAt(end - 1) === 46 && !(end > 1 && escapedDotAt(name, end - 1))) end--;
  if (end === 0) {
    if (out) out[offset] = 0;
    return 1;
  }
  if (end > MAX_NAME_WIRE * 4) return -1; // no valid name is longer, even fully escaped
  let total = 0;
  let labelStart = offset;
  let labelLen = 0;
  let i = 0;
  while (i <= end) {
    if (i === end || name.charCodeAt(i) === 46) {
      if (labelLen === 0 || labelLen > MAX_LABEL) return -1;
      if (out) out[labelStart] = labelLen;
      total += labelLen + 1;
      if (total + 1 > MAX_NAME_WIRE) return -1;
      labelStart += labelLen + 1;
      labelLen = 0;
      i++;
      continue;
    }
    let c = name.charCodeAt(i);
    if (c === 92) {
      // \DDD or \X
      if (i + 1 >= end) return -1;
      const d1 = name.charCodeAt(i + 1) - 48;
      if (d1 >= 0 && d1 <= 9) {
        if (i + 3 >= end) return -1;
        const d2 = name.charCodeAt(i + 2) - 48;
        const d3 = name.charCodeAt(i + 3) - 48;
        if (d2 < 0 || d2 > 9 || d3 < 0 || d3 > 9) return -1;
        c = d1 * 100 + d2 * 10 + d3;
        if (c > 255) return -1;
        i += 4;
      } else {
        c = name.charCodeAt(i + 1);
        if (c > 0x7f) return -1;
        i += 2;
      }
      if (labelLen >= MAX_LABEL) return -1;
      if (out) out[labelStart + 1 + labelLen] = c;
      labelLen++;
      continue;
    }
    if (c < 0x80) {
      if (labelLen >= MAX_LABEL) return -1;
      if (out) out[labelStart + 1 + labelLen] = c;
      labelLen++;
      i++;
      continue;
    }
    // a run of non-ASCII text goes on the wire as UTF-8
    let j = i + 1;
    while (j < end && name.charCodeAt(j) >= 0x80) j++;
    const run = name.slice(i, j);
    const n = utf8Length(run);
    if (labelLen + n > MAX_LABEL) return -1;
    if (out) utf8Write(run, out, labelStart + 1 + labelLen);
    labelLen += n;
    i = j;
  }
  if (out) out[labelStart] = 0;
  return total + 1;
}

function escapedDotAt(name: string, dot: number): boolean {
  // a dot preceded by an odd number of backslashes is part of a label
  let n = 0;
  for (let k = dot - 1; k >= 0 && name.charCodeAt(k) === 92; k--) n++;
  return (n & 1) === 1;
}

/**
 * Remembers where names were written in one message so later names can point at a shared
 * suffix. Positions are relative to `base` (the message start); only offsets below 0x4000 can be
 * pointed at. The table is bounded; when full, later names are simply not offered as targets.
 */
export class NameCompressor {
  private readonly at: Uint16Array;
  count = 0;
  constructor(
    public out: Uint8Array,
    readonly base: number,
    capacity = 64,
  ) {
    this.at = new Uint16Array(capacity);
  }

  /** Take over another table's entries (same base). */
  copyFrom(other: NameCompressor): void {
    const n = Math.min(other.count, this.at.length);
    for (let i = 0; i < n; i++) this.at[i] = other.at[i];
    this.count = n;
  }

  remember(absolute: number): void {
    const rel = absolute - this.base;
    if (rel < 0x4000 && this.count < this.at.length) this.at[this.count++] = rel;
  }

  /** Position (relative to base) of an earlier name equal to the uncompressed `labels` from `p`, or -1. */
  find(labels: Uint8Array, p: number): number {
    for (let k = 0; k < this.count; k++) if (this.sameSuffix(labels, p, this.base + this.at[k])) return this.at[k];
    return -1;
  }

  // Names are compared byte for byte: case is preserved, as resolvers that randomise it expect.
  private sameSuffix(labels: Uint8Array, p: number, q: number): boolean {
    const b = this.out;
    for (let hops = 0; hops < 128; ) {
      const len = b[q];
      if ((len & 0xc0) === 0xc0) {
        q = this.base + (((len & 0x3f) << 8) | b[q + 1]);
        hops++;
        continue;
      }
      if (len !== labels[p]) return false;
      if (len === 0) return true;
      for (let i = 1; i <= len; i++) if (labels[p + i] !== b[q + i]) return false;
      p += len + 1;
      q += len + 1;
    }
    return false;
  }
}

// Names are laid out here first, so compression can look for the longest known suffix before
// anything is written to the output (which then never receives bytes it has to take back).
// Scratch buffers are made on first use, at run time: a typed array created while a module body
// runs is preloaded into flash on a device, where writing to it throws.
let labelScratch: Uint8Array | undefined;

/**
 * Write `name` at `offset` (compressed against `compressor` when given, which also learns it).
 * Returns the offset after the name, or a DnsError ("bad-name", or "no-space" past `limit`).
 */
export function writeName(name: string, out: Uint8Array, offset: number, limit: number, compressor?: NameCompressor): number | DnsError {
  const labels = (labelScratch ??= new Uint8Array(MAX_NAME_WIRE));
  const length = scanName(name, labels, 0);
  if (length < 0) return dnsError("bad-name", `invalid domain name "${name.length > 80 ? name.slice(0, 80) + "..." : name}"`, offset);
  if (limit > out.length) limit = out.length;
  let p = 0;
  let target = -1;
  if (compressor) {
    while (labels[p] !== 0) {
      target = compressor.find(labels, p);
      if (target >= 0) break;
      p += labels[p] + 1;
    }
  } else p = length - 1;
  const size = target >= 0 ? p + 2 : p + 1;
  if (offset + size > limit) return dnsError("no-space", "name does not fit", offset);
  out.set(labels.subarray(0, p), offset);
  if (compressor) for (let q = 0; q < p; q += labels[q] + 1) compressor.remember(offset + q);
  if (target >= 0) {
    out[offset + p] = 0xc0 | (target >> 8);
    out[offset + p + 1] = target & 0xff;
  } else out[offset + p] = 0;
  return offset + size;
}

/**
 * Reads a possibly compressed name starting at `offset` of `packet`. Pointers must point strictly
 * backwards (before the label sequence that holds them), which bounds the walk and rules out
 * loops; the expanded name must stay within 255 bytes. After a successful read, `readNameEnd`
 * holds the offset just past the name's bytes at `offset` (past the first pointer, if any).
 */
export function readName(packet: Uint8Array, offset: number, end = packet.length): string | DnsError {
  let p = offset;
  let segmentStart = offset;
  let next = -1;
  let wire = 0;
  let n = 0; // characters of presentation text in `text`
  const text = (nameText ??= new Uint8Array(MAX_NAME_WIRE * 4));
  for (;;) {
    if (p >= end) return dnsError("truncated", "name runs past the end of the packet", p);
    const len = packet[p];
    if (len === 0) {
      if (next < 0) next = p + 1;
      break;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (p + 1 >= end) return dnsError("truncated", "compression pointer cut short", p);
      const target = ((len & 0x3f) << 8) | packet[p + 1];
      if (target >= segmentStart) return dnsError("bad-pointer", "compression pointer does not point backwards", p);
      if (next < 0) next = p + 2;
      p = target;
      segmentStart = target;
      continue;
    }
    if (kind !== 0) return dnsError("bad-label", "reserved label type", p);
    wire += len + 1;
    if (wire + 1 > MAX_NAME_WIRE) return dnsError("name-too-long", "name longer than 255 bytes", p);
    if (p + 1 + len > end) return dnsError("truncated", "label runs past the end of the packet", p);
    if (n > 0) text[n++] = 46;
    for (let i = p + 1; i <= p + len; i++) {
      const c = packet[i];
      if (c > 0x20 && c < 0x7f && c !== 46 && c !== 92) text[n++] = c;
      else if (c === 46 || c === 92) {
        text[n++] = 92;
        text[n++] = c;
      } else {
        // \DDD, as zone files write bytes that are not printable
        text[n++] = 92;
        text[n++] = 48 + ((c / 100) | 0);
        text[n++] = 48 + (((c / 10) | 0) % 10);
        text[n++] = 48 + (c % 10);
      }
    }
    p += len + 1;
  }
  readNameEnd = next;
  return n === 0 ? "" : String.fromCharCode.apply(null, text.subarray(0, n) as unknown as number[]);
}

// The longest presentation text: 255 wire bytes, each escaped as \DDD (made on first use, see labelScratch).
let nameText: Uint8Array | undefined;

/** Offset after the last name `readName` returned (module state: the codec is synchronous). */
export let readNameEnd = 0;

/** Skips a name without building its text; returns the offset after it or -1. */
export function skipName(packet: Uint8Array, offset: number, end = packet.length): number {
  let p = offset;
  for (let n = 0; n < MAX_NAME_WIRE; n++) {
    if (p >= end) return -1;
    const len = packet[p];
    if (len === 0) return p + 1;
    if ((len & 0xc0) === 0xc0) return p + 2 <= end ? p + 2 : -1;
    if ((len & 0xc0) !== 0) return -1;
    p += len + 1;
  }
  return -1;
}

/** Case-insensitive (ASCII) name equality, ignoring one trailing dot. */
export function sameName(a: string, b: string): boolean {
  let la = a.length;
  let lb = b.length;
  if (la > 0 && a.charCodeAt(la - 1) === 46 && !escapedDotAt(a, la - 1)) la--;
  if (lb > 0 && b.charCodeAt(lb - 1) === 46 && !escapedDotAt(b, lb - 1)) lb--;
  if (la !== lb) return false;
  for (let i = 0; i < la; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x >= 65 && x <= 90) x += 32;
    if (y >= 65 && y <= 90) y += 32;
    if (x !== y) return false;
  }
  return true;
}

/** Lowercase ASCII name without a trailing dot, for table keys. */
export function canonicalName(name: string): string {
  let n = name;
  if (n.length > 0 && n.charCodeAt(n.length - 1) === 46 && !escapedDotAt(n, n.length - 1)) n = n.slice(0, -1);
  return n.toLowerCase();
}
