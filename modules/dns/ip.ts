// IPv4/IPv6 text <-> bytes for A and AAAA rdata. Parsers write into the caller's buffer and
// report failure by returning false, so rdata encoding allocates nothing.

/** Strict dotted quad: four decimal octets, no leading zeros beyond "0", nothing else. */
export function parseIPv4(s: string, out: Uint8Array, offset: number): boolean {
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || part > 3) return false;
      out[offset + part++] = value;
      value = 0;
      digits = 0;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) return false;
    if (digits > 0 && value === 0) return false;
    value = value * 10 + d;
    if (value > 255) return false;
    digits++;
  }
  return part === 4;
}

export function isIPv4(s: string): boolean {
  return parseIPv4(s, scratchBytes(), 0);
}

export function formatIPv4(b: Uint8Array, offset: number): string {
  return `${b[offset]}.${b[offset + 1]}.${b[offset + 2]}.${b[offset + 3]}`;
}

// Made on first use, at run time: a typed array created while the module body runs is preloaded
// into flash on a device, where writing to it throws.
let scratch: Uint8Array | undefined;

function scratchBytes(): Uint8Array {
  return (scratch ??= new Uint8Array(16));
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** RFC 4291 text forms, with "::" and an optional trailing dotted quad. No zone ids. */
export function parseIPv6(s: string, out: Uint8Array, offset: number): boolean {
  if (s.length < 2 || s.length > 45) return false;
  const groups: number[] = [];
  let gap = -1;
  let i = 0;
  if (s.charCodeAt(0) === 58) {
    if (s.charCodeAt(1) !== 58) return false;
    gap = 0;
    i = 2;
    if (i === s.length) {
      out.fill(0, offset, offset + 16);
      return true;
    }
  }
  while (i < s.length) {
    let v = 0;
    let n = 0;
    const start = i;
    while (i < s.length && n < 5) {
      const h = hexValue(s.charCodeAt(i));
      if (h < 0) break;
      v = (v << 4) | h;
      n++;
      i++;
    }
    if (i < s.length && s.charCodeAt(i) === 46) {
      // embedded IPv4 in the last 32 bits
      const v4 = scratchBytes();
      if (groups.length > 6 || !parseIPv4(s.slice(start), v4, 0)) return false;
      groups.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      i = s.length;
      break;
    }
    if (n === 0 || n > 4) return false;
    groups.push(v);
    if (groups.length > 8) return false;
    if (i === s.length) break;
    if (s.charCodeAt(i) !== 58) return false;
    i++;
    if (i < s.length && s.charCodeAt(i) === 58) {
      if (gap >= 0) return false;
      gap = groups.length;
      i++;
    } else if (i === s.length) return false;
  }
  if (gap < 0 ? groups.length !== 8 : groups.length > 7) return false;
  const zeros = 8 - groups.length;
  let g = 0;
  for (let k = 0; k < 8; k++) {
    let v: number;
    if (gap >= 0 && k >= gap && k < gap + zeros) v = 0;
    else v = groups[g++];
    out[offset + 2 * k] = v >> 8;
    out[offset + 2 * k + 1] = v & 0xff;
  }
  return true;
}

export function isIPv6(s: string): boolean {
  return parseIPv6(s, scratchBytes(), 0);
}

/** RFC 5952 canonical text: lowercase, no leading zeros, the longest run (>= 2) of zero groups as "::". */
export function formatIPv6(b: Uint8Array, offset: number): string {
  let bestStart = -1;
  let bestLen = 0;
  let runStart = -1;
  for (let k = 0; k <= 8; k++) {
    const zero = k < 8 && b[offset + 2 * k] === 0 && b[offset + 2 * k + 1] === 0;
    if (zero) {
      if (runStart < 0) runStart = k;
    } else if (runStart >= 0) {
      if (k - runStart > bestLen) {
        bestLen = k - runStart;
        bestStart = runStart;
      }
      runStart = -1;
    }
  }
  if (bestLen < 2) bestStart = -1;
  let text = "";
  for (let k = 0; k < 8; k++) {
    if (k === bestStart) {
      text += "::";
      k += bestLen - 1;
      continue;
    }
    if (text.length > 0 && !text.endsWith(":")) text += ":";
    text += ((b[offset + 2 * k] << 8) | b[offset + 2 * k + 1]).toString(16);
  }
  return text;
}
