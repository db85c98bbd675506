// Strict UTF-8 well-formedness (RFC 3629 / Unicode table 3-7): no overlongs, no surrogates, nothing
// past U+10FFFF, no truncated sequences. utf8Decode repairs such input with U+FFFD; this says
// whether repair was needed, for places that must reject instead (credentials, WS text frames).

/** Length of the longest well-formed prefix of b[start, end); equals end - start when all is valid. */
export function utf8ValidPrefix(b: Uint8Array, start = 0, end = b.length): number {
  let i = start;
  while (i < end) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else return i - start;
    // A sequence cut off by `end` is not well-formed; the prefix ends before it.
    if (i + n >= end) return i - start;
    const b1 = b[i + 1];
    if (b1 < lo || b1 > hi) return i - start;
    for (let k = 2; k <= n; k++) if ((b[i + k] & 0xc0) !== 0x80) return i - start;
    i += n + 1;
  }
  return i - start;
}

export function isValidUtf8(b: Uint8Array, start = 0, end = b.length): boolean {
  return utf8ValidPrefix(b, start, end) === end - start;
}
