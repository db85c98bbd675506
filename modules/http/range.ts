// Range request header (RFC 9110 14.2) against a representation of `size` bytes.
// One range is served as 206; a syntactically valid set whose ranges all miss is 416; anything
// malformed, or several ranges (multipart/byteranges is not worth its code on a device), is
// ignored and the whole representation goes out as 200 — which the RFC permits.

export type RangeResult =
  | { kind: "none" }
  | { kind: "range"; start: number; end: number } // inclusive end, as in Content-Range
  | { kind: "unsatisfiable" };

const NONE: RangeResult = { kind: "none" };
const UNSATISFIABLE: RangeResult = { kind: "unsatisfiable" };
// 15 decimal digits stay below 2^53: no precision loss, no overflow games.
const MAX_DIGITS = 15;

function parseDigits(s: string, start: number, end: number): number {
  if (end <= start || end - start > MAX_DIGITS) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

export function parseRange(header: string | undefined, size: number): RangeResult {
  if (header === undefined) return NONE;
  const h = header.trim();
  const eq = h.indexOf("=");
  if (eq < 0 || h.slice(0, eq).trim().toLowerCase() !== "bytes") return NONE;
  const spec = h.slice(eq + 1);
  if (spec.indexOf(",") >= 0) return NONE;
  const dash = spec.indexOf("-");
  if (dash < 0) return NONE;
  const a = spec.slice(0, dash).trim();
  const b = spec.slice(dash + 1).trim();
  if (a.length === 0) {
    // suffix-range: the last N bytes
    const n = parseDigits(b, 0, b.length);
    if (n < 0) return NONE;
    if (n === 0 || size === 0) return UNSATISFIABLE;
    return { kind: "range", start: Math.max(0, size - n), end: size - 1 };
  }
  const first = parseDigits(a, 0, a.length);
  if (first < 0) return NONE;
  let last = size - 1;
  if (b.length > 0) {
    last = parseDigits(b, 0, b.length);
    if (last < 0 || last < first) return NONE;
  }
  if (first >= size) return UNSATISFIABLE;
  return { kind: "range", start: first, end: Math.min(last, size - 1) };
}

/** "bytes 0-99/1000" */
export function contentRange(start: number, end: number, size: number): string {
  return `bytes ${start}-${end}/${size}`;
}

/** The Content-Range of a 416 reply: the size only. */
export function unsatisfiedRange(size: number): string {
  return `bytes */${size}`;
}
