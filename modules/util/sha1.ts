// SHA-1 (FIPS 180-4) in pure JS, for XS builds without a native digest. WebSocket handshakes
// still need it; nothing here should be used where collision resistance matters.
import { BlockHash, writeWordsBE } from "./block-hash";

export class Sha1 extends BlockHash {
  readonly digestLength = 20;
  protected readonly littleEndianLength = false;
  private readonly h = new Int32Array(5);
  private readonly w = new Int32Array(80);

  constructor() {
    super();
    this.reset();
  }

  protected initState(): void {
    const h = this.h;
    h[0] = 0x67452301; h[1] = 0xefcdab89; h[2] = 0x98badcfe; h[3] = 0x10325476; h[4] = 0xc3d2e1f0;
  }

  protected writeState(out: Uint8Array, offset: number): void {
    writeWordsBE(this.h, out, offset);
  }

  protected compress(d: Uint8Array, p: number): void {
    const w = this.w;
    const h = this.h;
    for (let i = 0; i < 16; i++, p += 4) w[i] = (d[p] << 24) | (d[p + 1] << 16) | (d[p + 2] << 8) | d[p + 3];
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16];
      w[i] = (x << 1) | (x >>> 31);
    }
    let a = h[0], b = h[1], c = h[2], e = h[4], dd = h[3];
    for (let i = 0; i < 80; i++) {
      let f: number, k: number;
      if (i < 20) { f = (b & c) | (~b & dd); k = 0x5a827999; }
      else if (i < 40) { f = b ^ c ^ dd; k = 0x6ed9eba1; }
      else if (i < 60) { f = (b & c) | (b & dd) | (c & dd); k = 0x8f1bbcdc | 0; }
      else { f = b ^ c ^ dd; k = 0xca62c1d6 | 0; }
      const t = (((a << 5) | (a >>> 27)) + f + e + k + w[i]) | 0;
      e = dd;
      dd = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + dd) | 0; h[4] = (h[4] + e) | 0;
  }
}

/** One-shot SHA-1 of the concatenation of `parts`. */
export function sha1(...parts: (Uint8Array | string)[]): Uint8Array {
  const s = new Sha1();
  for (const p of parts) s.update(p);
  return s.digest();
}
