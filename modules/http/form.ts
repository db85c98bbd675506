// application/x-www-form-urlencoded variables (query strings and small POST bodies):
// mg_get_http_var. Values are percent-decoded (`+` is a space) into at most `limit` bytes,
// then read as UTF-8. The source is either a string (query string, one char per byte when the
// parser kept the URI as Latin-1/ASCII) or the raw body bytes.

import { utf8Decode, utf8Encode } from "../util/utf8";

export type FormSource = string | Uint8Array;

export interface FormVarError {
  error: "too-long" | "bad-encoding";
}

export const DEFAULT_FORM_VALUE_LIMIT = 1024;
const DEFAULT_MAX_VARS = 64;

function codeAt(src: FormSource, i: number): number {
  return typeof src === "string" ? src.charCodeAt(i) & 0xff : src[i];
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  c |= 0x20;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/**
 * Percent-decode src[start, end) into `out`; returns the decoded length, -1 when it does not fit,
 * -2 on a malformed escape.
 */
export function formDecodeInto(src: FormSource, start: number, end: number, out: Uint8Array, plusIsSpace = true): number {
  let o = 0;
  for (let i = start; i < end; i++) {
    let c = codeAt(src, i);
    if (c === 0x25 /* % */) {
      if (i + 2 >= end) return -2;
      const h = hexValue(codeAt(src, i + 1));
      const l = hexValue(codeAt(src, i + 2));
      if (h < 0 || l < 0) return -2;
      c = (h << 4) | l;
      i += 2;
    } else if (c === 0x2b /* + */ && plusIsSpace) c = 0x20;
    if (o >= out.length) return -1;
    out[o++] = c;
  }
  return o;
}

/** Decoded bytes of src[start, end) as a string, or the error. */
export function formDecode(src: FormSource, start: number, end: number, limit = DEFAULT_FORM_VALUE_LIMIT): string | FormVarError {
  // The decoded form is never longer than the source: size the scratch buffer by that.
  const out = new Uint8Array(Math.min(limit, end - start));
  const n = formDecodeInto(src, start, end, out);
  if (n === -1) return { error: "too-long" };
  if (n === -2) return { error: "bad-encoding" };
  return utf8Decode(out, 0, n);
}

function nameMatches(src: FormSource, start: number, end: number, nameBytes: Uint8Array, scratch: Uint8Array): boolean {
  if (end - start < nameBytes.length) return false;
  if (end - start > nameBytes.length * 3) return false;
  const n = formDecodeInto(src, start, end, scratch);
  if (n !== nameBytes.length) return false;
  for (let k = 0; k < n; k++) if (scratch[k] !== nameBytes[k]) return false;
  return true;
}

function length(src: FormSource): number {
  return src.length;
}

/**
 * Walk `name=value` pairs separated by `&` (or `;`), calling visit(nameStart, nameEnd,
 * valueStart, valueEnd); visit returns true to stop. At most `maxVars` pairs are looked at.
 */
export function forEachFormPair(
  src: FormSource,
  visit: (nameStart: number, nameEnd: number, valueStart: number, valueEnd: number) => boolean | void,
  maxVars = DEFAULT_MAX_VARS,
): void {
  const n = length(src);
  let i = 0;
  let count = 0;
  while (i < n && count < maxVars) {
    const start = i;
    let eq = -1;
    while (i < n) {
      const c = codeAt(src, i);
      if (c === 0x26 /* & */ || c === 0x3b /* ; */) break;
      if (c === 0x3d && eq < 0) eq = i;
      i++;
    }
    if (i > start) {
      count++;
      const nameEnd = eq < 0 ? i : eq;
      const valueStart = eq < 0 ? i : eq + 1;
      if (visit(start, nameEnd, valueStart, i)) return;
    }
    i++;
  }
}

/**
 * mg_get_http_var: the decoded value of the first variable called `name`, undefined when absent,
 * or an error when it decodes to more than `limit` bytes or has a malformed escape.
 */
export function formVar(src: FormSource | undefined, name: string, limit = DEFAULT_FORM_VALUE_LIMIT): string | undefined | FormVarError {
  if (src === undefined) return undefined;
  let result: string | undefined | FormVarError;
  const nameBytes = utf8Encode(name);
  const scratch = new Uint8Array(Math.max(1, nameBytes.length));
  forEachFormPair(src, (ns, ne, vs, ve) => {
    if (!nameMatches(src, ns, ne, nameBytes, scratch)) return false;
    result = formDecode(src, vs, ve, limit);
    return true;
  });
  return result;
}

/** Every variable, decoded (bounded in count and per-value size; bad ones are skipped). */
export function formVars(src: FormSource | undefined, limit = DEFAULT_FORM_VALUE_LIMIT, maxVars = DEFAULT_MAX_VARS): Map<string, string> {
  const vars = new Map<string, string>();
  if (src === undefined) return vars;
  forEachFormPair(
    src,
    (ns, ne, vs, ve) => {
      const k = formDecode(src, ns, ne, limit);
      const v = formDecode(src, vs, ve, limit);
      if (typeof k === "string" && typeof v === "string" && !vars.has(k)) vars.set(k, v);
      return false;
    },
    maxVars,
  );
  return vars;
}

export function isFormError(v: unknown): v is FormVarError {
  return typeof v === "object" && v !== null && "error" in v;
}
