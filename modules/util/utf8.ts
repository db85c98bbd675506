// UTF-8 encode/decode without TextEncoder/TextDecoder (XS on a device has neither by default).
// Invalid input never throws: decode replaces bad sequences with U+FFFD, encode replaces lone
// surrogates with U+FFFD.

// XS stores strings as UTF-8, so s.charCodeAt(i) costs O(i) there and an index loop over a long
// string is quadratic (a 256 KB string took 48 s). Long strings are walked with for...of, which
// XS steps through in order; short ones keep the index loop, which V8 runs fastest.
const INDEX_LOOP_MAX = 256;

function utf8CodePointLength(c: number): number {
  return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}

export function utf8Length(s: string): number {
  let n = 0;
  if (s.length > INDEX_LOOP_MAX) {
    for (const ch of s) n += utf8CodePointLength(ch.codePointAt(0)!);
    return n;
  }
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Write one code point (a lone surrogate becomes U+FFFD); returns the next offset. */
function writeCodePoint(c: number, out: Uint8Array, o: number): number {
  if (c < 0x80) {
    out[o++] = c;
  } else if (c < 0x800) {
    out[o++] = 0xc0 | (c >> 6);
    out[o++] = 0x80 | (c & 0x3f);
  } else if (c >= 0x10000) {
    out[o++] = 0xf0 | (c >> 18);
    out[o++] = 0x80 | ((c >> 12) & 0x3f);
    out[o++] = 0x80 | ((c >> 6) & 0x3f);
    out[o++] = 0x80 | (c & 0x3f);
  } else {
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    out[o++] = 0xe0 | (c >> 12);
    out[o++] = 0x80 | ((c >> 6) & 0x3f);
    out[o++] = 0x80 | (c & 0x3f);
  }
  return o;
}

/** Encode `s` into `out` at `offset`; returns the offset after the last byte written. */
export function utf8Write(s: string, out: Uint8Array, offset: number): number {
  let o = offset;
  if (s.length > INDEX_LOOP_MAX) {
    for (const ch of s) o = writeCodePoint(ch.codePointAt(0)!, out, o);
    return o;
  }
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[o++] = c;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if ((d & 0xfc00) === 0xdc00) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    o = writeCodePoint(c, out, o);
  }
  return o;
}

export function utf8Encode(s: string): Uint8Array {
  const out = new Uint8Array(utf8Length(s));
  utf8Write(s, out, 0);
  return out;
}

/**
 * Decode bytes [start, end) of `b`. Each maximal ill-formed subpart becomes one U+FFFD (Unicode
 * "substitution of maximal subparts", what TextDecoder does), so the two decoders agree byte for
 * byte; a sequence cut short by `end` is one U+FFFD. Pure ASCII takes a fast path.
 */
export function utf8Decode(b: Uint8Array, start = 0, end = b.length): string {
  let i = start;
  while (i < end && b[i] < 0x80) i++;
  if (i === end) return asciiDecode(b, start, end);
  let s = i > start ? asciiDecode(b, start, i) : "";
  // Build in chunks so long inputs do not make one fromCharCode call per byte.
  const chunk: number[] = [];
  while (i < end) {
    const c = b[i++];
    let cp = 0xfffd;
    if (c < 0x80) cp = c;
    else {
      let need = 0;
      let lo = 0x80;
      let hi = 0xbf;
      if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
        cp = c & 0x1f;
      } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        cp = c & 0x0f;
        if (c === 0xe0) lo = 0xa0; // overlong
        else if (c === 0xed) hi = 0x9f; // surrogates
      } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        cp = c & 0x07;
        if (c === 0xf0) lo = 0x90; // overlong
        else if (c === 0xf4) hi = 0x8f; // past U+10FFFF
      }
      if (need === 0) cp = 0xfffd;
      else {
        for (let k = 0; k < need; k++) {
          const d = i < end ? b[i] : -1;
          if (d < lo || d > hi) {
            // The bytes consumed so far form one maximal subpart; `d` starts afresh.
            cp = 0xfffd;
            break;
          }
          cp = (cp << 6) | (d & 0x3f);
          i++;
          lo = 0x80;
          hi = 0xbf;
        }
      }
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      chunk.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else chunk.push(cp);
    if (chunk.length >= 1024) {
      s += String.fromCharCode.apply(null, chunk);
      chunk.length = 0;
    }
  }
  if (chunk.length) s += String.fromCharCode.apply(null, chunk);
  return s;
}

/** Latin-1 / ASCII view of bytes, for protocol tokens known to be ASCII. */
export function asciiDecode(b: Uint8Array, start = 0, end = b.length): string {
  let s = "";
  for (let i = start; i < end; i += 1024) {
    s += String.fromCharCode.apply(null, b.subarray(i, Math.min(end, i + 1024)) as unknown as number[]);
  }
  return s;
}
