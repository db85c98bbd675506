// Human-readable dump in the layout of Mongoose's mg_hexdump (itself after hexdump(1) -C):
//   "0000  48 65 6c 6c 6f 0a ...   Hello.\n" — offset, 16 hex bytes, then the printable ASCII.
// For logging traffic; output is bounded by `maxBytes`, with a note of what was left out.

export interface HexdumpOptions {
  /** added to the offsets printed in the first column, for dumping a slice of a larger stream */
  offset?: number;
  /** dump at most this many bytes (default 4096) */
  maxBytes?: number;
}

const HEX = "0123456789abcdef";

function hex(n: number, width: number): string {
  let s = "";
  do {
    s = HEX[n & 15] + s;
    n = Math.floor(n / 16);
  } while (n > 0);
  while (s.length < width) s = "0" + s;
  return s;
}

export function hexdump(bytes: Uint8Array, opts?: HexdumpOptions): string {
  const base = opts?.offset ?? 0;
  const limit = Math.min(bytes.length, opts?.maxBytes ?? 4096);
  const lines: string[] = [];
  const hexCol: string[] = [];
  const ascii: number[] = [];
  for (let line = 0; line < limit; line += 16) {
    const end = Math.min(limit, line + 16);
    hexCol.length = 0;
    ascii.length = 0;
    for (let i = line; i < line + 16; i++) {
      if (i < end) {
        const b = bytes[i];
        hexCol.push(HEX[b >> 4] + HEX[b & 15]);
        ascii.push(b < 0x20 || b > 0x7e ? 0x2e : b);
      } else hexCol.push("  ");
    }
    lines.push(`${hex(base + line, 4)}  ${hexCol.join(" ")}  ${String.fromCharCode.apply(null, ascii)}\n`);
  }
  if (limit < bytes.length) lines.push(`... ${bytes.length - limit} more bytes\n`);
  return lines.join("");
}
