// Percent-encoding (RFC 3986 section 2.1) and its HTML-form flavour where a space is '+'.
// Decoding never guesses: a '%' not followed by two hex digits is reported with its offset, and
// output is written only into room the caller gave, so hostile input cannot grow memory.
import { asciiDecode, utf8Decode, utf8Encode } from "./utf8";

export interface UrlEncodeOptions {
  /** encode ' ' as '+' (application/x-www-form-urlencoded) */
  form?: boolean;
  /** characters left as they are besides ASCII letters and digits; default RFC 3986 unreserved "-._~" */
  safe?: string;
}

export interface UrlDecodeOptions {
  /** decode '+' as ' ' (application/x-www-form-urlencoded) */
  form?: boolean;
  /** refuse to produce more than this many bytes */
  maxBytes?: number;
}

export type UrlDecodeError = {
  ok: false;
  error: "bad-escape" | "too-long" | "non-ascii";
  /** offset of the offending '%' (or where output ran out of room), in bytes of the UTF-8 input */
  offset: number;
};

/** The set Mongoose's mg_url_encode leaves unescaped, for output that must match it byte for byte. */
export const MONGOOSE_URL_SAFE = "._-$,;~()/";
export const UNRESERVED = "-._~";

const HEX = "0123456789ABCDEF";

function safeTable(safe: string): Uint8Array {
  const t = new Uint8Array(128);
  for (let c = 0x30; c <= 0x39; c++) t[c] = 1;
  for (let c = 0x41; c <= 0x5a; c++) t[c] = 1;
  for (let c = 0x61; c <= 0x7a; c++) t[c] = 1;
  for (let i = 0; i < safe.length; i++) {
    const c = safe.charCodeAt(i);
    if (c < 128 && c !== 0x25) t[c] = 1; // '%' is never safe: it would make output ambiguous
  }
  return t;
}

const UNRESERVED_TABLE = safeTable(UNRESERVED);
const MONGOOSE_TABLE = safeTable(MONGOOSE_URL_SAFE);

function tableFor(opts?: UrlEncodeOptions): Uint8Array {
  const safe = opts?.safe;
  if (safe === undefined || safe === UNRESERVED) return UNRESERVED_TABLE;
  if (safe === MONGOOSE_URL_SAFE) return MONGOOSE_TABLE;
  return safeTable(safe);
}

function passes(t: Uint8Array, c: number, form: boolean): boolean {
  return (c < 128 && t[c] === 1) || (form && c === 0x20);
}

export function urlEncodedLength(src: Uint8Array, opts?: UrlEncodeOptions): number {
  const t = tableFor(opts);
  const form = opts?.form === true;
  let n = 0;
  for (let i = 0; i < src.length; i++) n += passes(t, src[i], form) ? 1 : 3;
  return n;
}

/** Percent-encode `src` into `out` at `offset`; returns the offset after the last byte written. */
export function urlEncodeInto(src: Uint8Array, out: Uint8Array, offset: number, opts?: UrlEncodeOptions): number {
  const t = tableFor(opts);
  const form = opts?.form === true;
  if (out.length - offset < urlEncodedLength(src, opts)) throw new RangeError("url-encode output buffer too small");
  let o = offset;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (form && c === 0x20) out[o++] = 0x2b;
    else if (c < 128 && t[c] === 1) out[o++] = c;
    else {
      out[o++] = 0x25;
      out[o++] = HEX.charCodeAt(c >> 4);
      out[o++] = HEX.charCodeAt(c & 15);
    }
  }
  return o;
}

export function urlEncodeBytes(src: Uint8Array, opts?: UrlEncodeOptions): Uint8Array {
  const out = new Uint8Array(urlEncodedLength(src, opts));
  urlEncodeInto(src, out, 0, opts);
  return out;
}

/** Percent-encode the UTF-8 bytes of `s`. */
export function urlEncode(s: string, opts?: UrlEncodeOptions): string {
  return asciiDecode(urlEncodeBytes(utf8Encode(s), opts));
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** Bytes of a string input: ASCII maps 1:1, anything else is taken as UTF-8. */
function inputBytes(src: string | Uint8Array): Uint8Array | string {
  return typeof src === "string" && !isAscii(src) ? utf8Encode(src) : src;
}

/**
 * Decode bytes [start, end) of `src` into `out` at `offset`, like mg_url_decode. Returns the
 * number of bytes written, "bad-escape" for a '%' without two hex digits, "too-long" when `out`
 * has no room. A string `src` is read as Latin-1 here; urlDecode takes any string as UTF-8.
 */
export function urlDecodeInto(
  src: string | Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  offset: number,
  form = false,
): { ok: true; length: number } | UrlDecodeError {
  const str = typeof src === "string";
  const stop = Math.min(end, src.length);
  let o = offset;
  for (let i = Math.max(0, start); i < stop; i++) {
    let c = str ? (src as string).charCodeAt(i) : (src as Uint8Array)[i];
    if (c === 0x25) {
      const hi = i + 2 < stop ? hexValue(str ? (src as string).charCodeAt(i + 1) : (src as Uint8Array)[i + 1]) : -1;
      const lo = i + 2 < stop ? hexValue(str ? (src as string).charCodeAt(i + 2) : (src as Uint8Array)[i + 2]) : -1;
      if (hi < 0 || lo < 0) return { ok: false, error: "bad-escape", offset: i };
      if (o >= out.length) return { ok: false, error: "too-long", offset: i };
      out[o++] = (hi << 4) | lo;
      i += 2;
      continue;
    }
    if (form && c === 0x2b) c = 0x20;
    else if (c > 0xff) return { ok: false, error: "non-ascii", offset: i };
    if (o >= out.length) return { ok: false, error: "too-long", offset: i };
    out[o++] = c;
  }
  return { ok: true, length: o - offset };
}

/** Decode to new bytes (at most `maxBytes`, default unbounded beyond the input's own length). */
export function urlDecode(src: string | Uint8Array, opts?: UrlDecodeOptions): { ok: true; bytes: Uint8Array } | UrlDecodeError {
  const input = inputBytes(src);
  // Every escape shrinks three characters to one byte, so the input length is an upper bound.
  const room = Math.min(input.length, opts?.maxBytes ?? Infinity);
  const out = new Uint8Array(room);
  const r = urlDecodeInto(input, 0, input.length, out, 0, opts?.form === true);
  if (!r.ok) return r;
  return { ok: true, bytes: r.length === room ? out : out.subarray(0, r.length) };
}

/** Decode and read the bytes as UTF-8 (invalid sequences become U+FFFD). */
export function urlDecodeString(src: string | Uint8Array, opts?: UrlDecodeOptions): { ok: true; value: string } | UrlDecodeError {
  const r = urlDecode(src, opts);
  return r.ok ? { ok: true, value: utf8Decode(r.bytes) } : r;
}
