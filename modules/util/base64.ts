// Base64 (RFC 4648 sections 4 and 5). Encoding writes ASCII into a caller's buffer or returns a
// string; decoding is strict and reports the first offending offset instead of guessing, because
// a lenient decoder turns garbage credentials or frames into plausible-looking bytes.
import { asciiDecode, utf8Decode, utf8Encode } from "./utf8";

export type Base64Variant = "standard" | "url";

export type Base64DecodeError = {
  ok: false;
  error: "invalid-character" | "invalid-length" | "invalid-padding" | "non-canonical" | "too-long";
  /** offset in the input where decoding stopped */
  offset: number;
};

export type Base64DecodeResult = { ok: true; bytes: Uint8Array } | Base64DecodeError;

const STANDARD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const PAD = 0x3d; // '='

function table(alphabet: string): Uint8Array {
  const t = new Uint8Array(64);
  for (let i = 0; i < 64; i++) t[i] = alphabet.charCodeAt(i);
  return t;
}

function reverse(alphabet: string): Int8Array {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < 64; i++) t[alphabet.charCodeAt(i)] = i;
  return t;
}

const ENCODE_STANDARD = table(STANDARD);
const ENCODE_URL = table(URL_SAFE);
const DECODE_STANDARD = reverse(STANDARD);
const DECODE_URL = reverse(URL_SAFE);

/** Padding is customary for the standard alphabet and usually dropped for the URL-safe one. */
function defaultPad(variant: Base64Variant): boolean {
  return variant === "standard";
}

export function base64EncodedLength(byteLength: number, pad = true): number {
  const full = Math.floor(byteLength / 3) * 4;
  const rest = byteLength % 3;
  if (rest === 0) return full;
  return full + (pad ? 4 : rest + 1);
}

/** Encode `src` as ASCII into `out` at `offset`; returns the offset after the last byte written. */
export function base64EncodeInto(
  src: Uint8Array,
  out: Uint8Array,
  offset: number,
  variant: Base64Variant = "standard",
  pad = defaultPad(variant),
): number {
  const need = base64EncodedLength(src.length, pad);
  if (out.length - offset < need) throw new RangeError("base64 output buffer too small");
  const t = variant === "url" ? ENCODE_URL : ENCODE_STANDARD;
  let o = offset;
  let i = 0;
  const whole = src.length - (src.length % 3);
  for (; i < whole; i += 3) {
    const v = (src[i] << 16) | (src[i + 1] << 8) | src[i + 2];
    out[o++] = t[v >> 18];
    out[o++] = t[(v >> 12) & 63];
    out[o++] = t[(v >> 6) & 63];
    out[o++] = t[v & 63];
  }
  const rest = src.length - whole;
  if (rest === 1) {
    const v = src[i];
    out[o++] = t[v >> 2];
    out[o++] = t[(v & 3) << 4];
    if (pad) {
      out[o++] = PAD;
      out[o++] = PAD;
    }
  } else if (rest === 2) {
    const v = (src[i] << 8) | src[i + 1];
    out[o++] = t[v >> 10];
    out[o++] = t[(v >> 4) & 63];
    out[o++] = t[(v & 15) << 2];
    if (pad) out[o++] = PAD;
  }
  return o;
}

export function base64EncodeBytes(src: Uint8Array, variant: Base64Variant = "standard", pad = defaultPad(variant)): Uint8Array {
  const out = new Uint8Array(base64EncodedLength(src.length, pad));
  base64EncodeInto(src, out, 0, variant, pad);
  return out;
}

export function base64Encode(src: Uint8Array, variant: Base64Variant = "standard", pad = defaultPad(variant)): string {
  return asciiDecode(base64EncodeBytes(src, variant, pad));
}

/** Base64 of the UTF-8 encoding of `s`. */
export function base64EncodeString(s: string, variant: Base64Variant = "standard", pad = defaultPad(variant)): string {
  return base64Encode(utf8Encode(s), variant, pad);
}

function charAt(input: string | Uint8Array, i: number): number {
  return typeof input === "string" ? input.charCodeAt(i) : input[i];
}

/**
 * Number of bytes `input` decodes to, or a typed error. Padding is optional, but when present it
 * must complete the final quantum; no whitespace is accepted.
 */
function measure(input: string | Uint8Array, variant: Base64Variant): { ok: true; length: number; chars: number } | Base64DecodeError {
  const n = input.length;
  let chars = n;
  if (n > 0 && charAt(input, n - 1) === PAD) {
    chars--;
    if (n > 1 && charAt(input, n - 2) === PAD) chars--;
    if (n % 4 !== 0) return { ok: false, error: "invalid-padding", offset: chars };
  }
  const rev = variant === "url" ? DECODE_URL : DECODE_STANDARD;
  for (let i = 0; i < chars; i++) {
    const c = charAt(input, i);
    if (c === PAD) return { ok: false, error: "invalid-padding", offset: i };
    if (c >= 128 || rev[c] < 0) return { ok: false, error: "invalid-character", offset: i };
  }
  if (chars % 4 === 1) return { ok: false, error: "invalid-length", offset: chars - 1 };
  return { ok: true, length: Math.floor((chars * 3) / 4), chars };
}

export function base64DecodedLength(input: string | Uint8Array, variant: Base64Variant = "standard"): number | Base64DecodeError {
  const m = measure(input, variant);
  return m.ok ? m.length : m;
}

/**
 * Decode into `out` at `offset`. Returns the number of bytes written or a typed error ("too-long"
 * when `out` lacks room, checked before anything is written).
 */
export function base64DecodeInto(
  input: string | Uint8Array,
  out: Uint8Array,
  offset = 0,
  variant: Base64Variant = "standard",
): { ok: true; length: number } | Base64DecodeError {
  const m = measure(input, variant);
  if (!m.ok) return m;
  if (m.length > out.length - offset) return { ok: false, error: "too-long", offset: 0 };
  const rev = variant === "url" ? DECODE_URL : DECODE_STANDARD;
  const whole = m.chars - (m.chars % 4);
  let o = offset;
  let i = 0;
  for (; i < whole; i += 4) {
    const v = (rev[charAt(input, i)] << 18) | (rev[charAt(input, i + 1)] << 12) | (rev[charAt(input, i + 2)] << 6) | rev[charAt(input, i + 3)];
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 0xff;
    out[o++] = v & 0xff;
  }
  const rest = m.chars - whole;
  // Bits below the last whole byte must be zero (RFC 4648 section 3.5): otherwise two different
  // strings would decode to the same bytes.
  if (rest === 2) {
    const a = rev[charAt(input, i)], b = rev[charAt(input, i + 1)];
    if (b & 15) return { ok: false, error: "non-canonical", offset: i + 1 };
    out[o++] = (a << 2) | (b >> 4);
  } else if (rest === 3) {
    const a = rev[charAt(input, i)], b = rev[charAt(input, i + 1)], c = rev[charAt(input, i + 2)];
    if (c & 3) return { ok: false, error: "non-canonical", offset: i + 2 };
    out[o++] = (a << 2) | (b >> 4);
    out[o++] = ((b & 15) << 4) | (c >> 2);
  }
  return { ok: true, length: o - offset };
}

/** Decode to new bytes; `maxBytes` bounds what hostile input may make us allocate. */
export function base64Decode(input: string | Uint8Array, variant: Base64Variant = "standard", maxBytes = Infinity): Base64DecodeResult {
  const m = measure(input, variant);
  if (!m.ok) return m;
  if (m.length > maxBytes) return { ok: false, error: "too-long", offset: 0 };
  const out = new Uint8Array(m.length);
  const r = base64DecodeInto(input, out, 0, variant);
  return r.ok ? { ok: true, bytes: out } : r;
}

/** Decode and read the bytes as UTF-8 (invalid sequences become U+FFFD). */
export function base64DecodeString(
  input: string | Uint8Array,
  variant: Base64Variant = "standard",
  maxBytes = Infinity,
): { ok: true; value: string } | Base64DecodeError {
  const r = base64Decode(input, variant, maxBytes);
  return r.ok ? { ok: true, value: utf8Decode(r.bytes) } : r;
}
