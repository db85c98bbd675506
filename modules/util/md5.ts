// MD5 (RFC 1321) in pure JS, for XS builds without a native digest. HTTP Digest authentication
// (RFC 2617) still specifies it; it is not a security primitive.
import { BlockHash } from "./block-hash";

// floor(abs(sin(i + 1)) * 2^32), RFC 1321 section 3.4.
const T = new Int32Array(64);
for (let i = 0; i < 64; i++) T[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 4294967296) | 0;

const S = new Uint8Array([
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
  5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
  4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
  6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
]);

export class Md5 extends BlockHash {
  readonly digestLength = 16;
  protected readonly littleEndianLength = true;
  private readonly h = new Int32Array(4);
  private readonly x = new Int32Array(16);

  constructor() {
    super();
    this.reset();
  }

  protected initState(): void {
    const h = this.h;
    h[0] = 0x67452301; h[1] = 0xefcdab89 | 0; h[2] = 0x98badcfe | 0; h[3] = 0x10325476;
  }

  protected writeState(out: Uint8Array, offset: number): void {
    const h = this.h;
    for (let i = 0; i < 4; i++) {
      const w = h[i];
      const o = offset + i * 4;
      out[o] = w; out[o + 1] = w >>> 8; out[o + 2] = w >>> 16; out[o + 3] = w >>> 24;
    }
  }

  protected compress(d: Uint8Array, p: number): void {
    const x = this.x;
    const h = this.h;
    for (let i = 0; i < 16; i++, p += 4) x[i] = d[p] | (d[p + 1] << 8) | (d[p + 2] << 16) | (d[p + 3] << 24);
    let a = h[0], b = h[1], c = h[2], dd = h[3];
    for (let i = 0; i < 64; i++) {
      let f: number, g: number;
      if (i < 16) { f = (b & c) | (~b & dd); g = i; }
      else if (i < 32) { f = (dd & b) | (~dd & c); g = (5 * i + 1) & 15; }
      else if (i < 48) { f = b ^ c ^ dd; g = (3 * i + 5) & 15; }
      else { f = c ^ (b | ~dd); g = (7 * i) & 15; }
      const t = (a + f + T[i] + x[g]) | 0;
      const s = S[i];
      a = dd;
      dd = c;
      c = b;
      b = (b + ((t << s) | (t >>> (32 - s)))) | 0;
    }
    h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + dd) | 0;
  }
}

/** One-shot MD5 of the concatenation of `parts`. */
export function md5(...parts: (Uint8Array | string)[]): Uint8Array {
  const s = new Md5();
  for (const p of parts) s.update(p);
  return s.digest();
}
