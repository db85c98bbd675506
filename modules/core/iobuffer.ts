// A growable byte buffer with a hard limit (Mongoose's mbuf). Live data is bytes [0, length).
// It grows by doubling up to `limit` and shrinks back to its initial size once drained, so a
// connection that once saw a burst does not keep the memory on a 32 KB heap; trim() gives back
// even a small buffer once nothing is held (the Manager trims idle connections).

import { asU8, type Bytes } from "./platform";
import { utf8Length, utf8Write } from "../util/utf8";

// Every buffer of capacity 0 shares this one, so an empty buffer costs no ArrayBuffer (a typed
// array and its buffer are about seven heap slots). It is never written: every path that writes
// reserves first, which replaces it, and zero-length appends return before touching it.
const EMPTY = new Uint8Array(0);

// Strings up to this long are copied by index; longer ones go through utf8Write, which walks
// them in order (on XS, whose strings are UTF-8, charCodeAt(i) is O(i)).
const ASCII_PASS_MAX = 256;

function allocate(size: number): Uint8Array {
  return size > 0 ? new Uint8Array(size) : EMPTY;
}

export class IOBuffer {
  private buf: Uint8Array;
  private used = 0;
  readonly initial: number;
  limit: number;

  constructor(initial = 0, limit = 16384) {
    this.initial = Math.min(initial, limit);
    this.limit = limit;
    this.buf = allocate(this.initial);
  }

  get length(): number {
    return this.used;
  }

  /** A view of the live data; valid until the next call that changes the buffer. */
  get bytes(): Uint8Array {
    return this.buf.subarray(0, this.used);
  }

  get capacity(): number {
    return this.buf.length;
  }

  /** Bytes that may still be appended before the limit. */
  get room(): number {
    return this.limit - this.used;
  }

  /** Make space for `count` more bytes; false (and no change) if that would pass the limit. */
  reserve(count: number): boolean {
    const need = this.used + count;
    if (need > this.limit) return false;
    if (need <= this.buf.length) return true;
    let size = Math.max(this.buf.length * 2, 256);
    while (size < need) size *= 2;
    const next = new Uint8Array(Math.min(size, this.limit));
    next.set(this.buf.subarray(0, this.used));
    this.buf = next;
    return true;
  }

  /** The free tail after the live data, at least `count` long, for a reader to fill; then commit(). */
  tail(count: number): Uint8Array | undefined {
    if (!this.reserve(count)) return undefined;
    return this.buf.subarray(this.used, this.used + count);
  }

  commit(count: number): void {
    if (count < 0 || this.used + count > this.buf.length) throw new RangeError("IOBuffer.commit past capacity");
    this.used += count;
  }

  append(data: Bytes | string): boolean {
    if (typeof data === "string") {
      if (data.length <= ASCII_PASS_MAX && this.appendAscii(data)) return true;
      const n = utf8Length(data);
      if (n === 0) return true;
      if (!this.reserve(n)) return false;
      this.used = utf8Write(data, this.buf, this.used);
      return true;
    }
    const src = asU8(data);
    if (src.length === 0) return true;
    if (!this.reserve(src.length)) return false;
    this.buf.set(src, this.used);
    this.used += src.length;
    return true;
  }

  /**
   * Most strings appended (response heads, short texts) are ASCII: one pass that copies while it
   * checks, instead of measuring the UTF-8 length first. False, with nothing appended, when `s`
   * is not all ASCII or does not fit (the caller then takes the general path, which decides).
   */
  private appendAscii(s: string): boolean {
    const n = s.length;
    if (!this.reserve(n)) return false;
    const buf = this.buf;
    const at = this.used;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return false; // what was copied lies past `used`: not appended
      buf[at + i] = c;
    }
    this.used = at + n;
    return true;
  }

  insert(offset: number, data: Bytes | string): boolean {
    if (offset < 0 || offset > this.used) throw new RangeError("IOBuffer.insert offset out of range");
    const src = typeof data === "string" ? null : asU8(data);
    const n = src ? src.length : utf8Length(data as string);
    if (n === 0) return true;
    if (!this.reserve(n)) return false;
    this.buf.copyWithin(offset + n, offset, this.used);
    if (src) this.buf.set(src, offset);
    else utf8Write(data as string, this.buf, offset);
    this.used += n;
    return true;
  }

  /** Drop `count` bytes from the front. */
  remove(count: number): void {
    if (count <= 0) return;
    if (count >= this.used) {
      this.clear();
      return;
    }
    this.buf.copyWithin(0, count, this.used);
    this.used -= count;
  }

  /** A view (no copy) of [start, end) of the live data. */
  slice(start = 0, end = this.used): Uint8Array {
    const s = Math.max(0, Math.min(start, this.used));
    const e = Math.max(s, Math.min(end, this.used));
    return this.buf.subarray(s, e);
  }

  clear(): void {
    this.used = 0;
    if (this.buf.length > Math.max(this.initial, 256) * 4) this.buf = allocate(this.initial);
  }

  /** Give the memory back down to the initial size when nothing is buffered. */
  trim(): void {
    if (this.used === 0 && this.buf.length > this.initial) this.buf = allocate(this.initial);
  }

  /** Release the memory (a closed connection). */
  free(): void {
    this.used = 0;
    this.buf = EMPTY;
  }
}
