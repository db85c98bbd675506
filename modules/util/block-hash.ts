// Shared buffering and Merkle–Damgård padding for the pure-JS digests (MD5, SHA-1, SHA-256).
// They are the fallback where XS has no native digest; input is hashed straight from the
// caller's bytes when a whole block is available, so update() never allocates.
import { utf8Encode } from "./utf8";

export abstract class BlockHash {
  /** bytes of output */
  abstract readonly digestLength: number;
  readonly blockSize = 64;
  private readonly block = new Uint8Array(64);
  private used = 0;
  /** total bytes hashed; a double is exact up to 2^53, far past what a device hashes */
  private total = 0;
  /** MD5 stores the bit length little-endian, the SHA family big-endian */
  protected abstract readonly littleEndianLength: boolean;

  protected abstract compress(data: Uint8Array, offset: number): void;
  protected abstract initState(): void;
  protected abstract writeState(out: Uint8Array, offset: number): void;

  reset(): this {
    this.used = 0;
    this.total = 0;
    this.initState();
    return this;
  }

  /** Hash bytes [start, end) of `data`; strings are hashed as UTF-8. */
  update(data: Uint8Array | string, start = 0, end?: number): this {
    const bytes = typeof data === "string" ? utf8Encode(data) : data;
    let i = start < 0 ? 0 : start;
    const stop = end === undefined || end > bytes.length ? bytes.length : end;
    if (stop <= i) return this;
    this.total += stop - i;
    if (this.used > 0) {
      const take = Math.min(64 - this.used, stop - i);
      this.block.set(bytes.subarray(i, i + take), this.used);
      this.used += take;
      i += take;
      if (this.used < 64) return this;
      this.compress(this.block, 0);
      this.used = 0;
    }
    while (stop - i >= 64) {
      this.compress(bytes, i);
      i += 64;
    }
    if (i < stop) {
      this.block.set(bytes.subarray(i, stop), 0);
      this.used = stop - i;
    }
    return this;
  }

  /**
   * Finish and return the digest (into `out` at `offset` when given, else a new array), then
   * reset so the instance can hash the next message.
   */
  digest(out?: Uint8Array, offset = 0): Uint8Array {
    const result = out ?? new Uint8Array(this.digestLength);
    if (result.length - offset < this.digestLength) throw new RangeError("digest output too small");
    const b = this.block;
    const lo = (this.total * 8) >>> 0;
    const hi = Math.floor(this.total / 0x20000000) >>> 0;
    b[this.used++] = 0x80;
    if (this.used > 56) {
      b.fill(0, this.used, 64);
      this.compress(b, 0);
      this.used = 0;
    }
    b.fill(0, this.used, 56);
    if (this.littleEndianLength) {
      b[56] = lo; b[57] = lo >>> 8; b[58] = lo >>> 16; b[59] = lo >>> 24;
      b[60] = hi; b[61] = hi >>> 8; b[62] = hi >>> 16; b[63] = hi >>> 24;
    } else {
      b[56] = hi >>> 24; b[57] = hi >>> 16; b[58] = hi >>> 8; b[59] = hi;
      b[60] = lo >>> 24; b[61] = lo >>> 16; b[62] = lo >>> 8; b[63] = lo;
    }
    this.compress(b, 0);
    this.writeState(result, offset);
    this.reset();
    return result;
  }
}

export function writeWordsBE(words: Int32Array, out: Uint8Array, offset: number): void {
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const o = offset + i * 4;
    out[o] = w >>> 24; out[o + 1] = w >>> 16; out[o + 2] = w >>> 8; out[o + 3] = w;
  }
}
