// Turning a request path into a document-root-relative file path, safely. The request path is
// still percent-encoded (as the parser hands it over). Everything that could climb out of the
// document root or confuse a filesystem is refused rather than "fixed": `..` segments (also as
// %2e%2e, .%2E, ...), backslashes (a separator on some filesystems), NUL and other control bytes,
// malformed escapes, over-long paths. Empty and "." segments collapse.

import { utf8Decode } from "../util/utf8";

export type PathError = "bad-escape" | "traversal" | "bad-char" | "too-long";

export interface SafePath {
  /** "/a/b.txt": decoded, normalized, always starting with "/" */
  path: string;
  /** the request path ended with "/" (a directory was asked for) */
  trailingSlash: boolean;
}

export const DEFAULT_MAX_PATH = 512;

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  c |= 0x20;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/**
 * Decode and normalize `encoded` (the request path, no query). Returns the safe path or why it
 * was refused; a caller answers 400 for bad-escape/bad-char/too-long and 403 or 404 for traversal.
 */
export function safePath(encoded: string, maxLength = DEFAULT_MAX_PATH): SafePath | { error: PathError } {
  if (encoded.length > maxLength * 3) return { error: "too-long" };
  const bytes = new Uint8Array(encoded.length);
  let n = 0;
  for (let i = 0; i < encoded.length; i++) {
    let c = encoded.charCodeAt(i);
    if (c === 0x25) {
      if (i + 2 >= encoded.length) return { error: "bad-escape" };
      const h = hexValue(encoded.charCodeAt(i + 1));
      const l = hexValue(encoded.charCodeAt(i + 2));
      if (h < 0 || l < 0) return { error: "bad-escape" };
      c = (h << 4) | l;
      i += 2;
    }
    if (c > 0xff || c < 0x20 || c === 0x7f || c === 0x5c /* \ */) return { error: "bad-char" };
    bytes[n++] = c;
  }
  if (n > maxLength) return { error: "too-long" };
  const trailingSlash = n > 0 && bytes[n - 1] === 0x2f;
  // Walk segments on the decoded bytes; "." drops, ".." is refused outright.
  let out = "";
  let i = 0;
  while (i < n) {
    while (i < n && bytes[i] === 0x2f) i++;
    const start = i;
    while (i < n && bytes[i] !== 0x2f) i++;
    const len = i - start;
    if (len === 0) continue;
    if (bytes[start] === 0x2e) {
      if (len === 1) continue;
      if (len === 2 && bytes[start + 1] === 0x2e) return { error: "traversal" };
    }
    // A segment of dots and spaces is ".." to some filesystems (Windows strips trailing dots).
    let onlyDots = true;
    for (let k = start; k < i; k++) if (bytes[k] !== 0x2e && bytes[k] !== 0x20) onlyDots = false;
    if (onlyDots && len >= 2) return { error: "traversal" };
    out += "/" + utf8Decode(bytes, start, i);
  }
  if (out.length === 0) out = "/";
  return { path: out, trailingSlash };
}

export function isPathError(v: SafePath | { error: PathError }): v is { error: PathError } {
  return "error" in v;
}

/** Join a safe path to a root ("" or "/www") without doubling slashes. */
export function joinPath(root: string, path: string): string {
  if (root.length === 0) return path;
  const r = root.endsWith("/") ? root.slice(0, -1) : root;
  return path.startsWith("/") ? r + path : r + "/" + path;
}

/** The last segment of a path ("" for "/"). */
export function baseName(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? path : path.slice(slash + 1);
}

/** The directory part of a path, "/" for top-level entries. */
export function dirName(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash <= 0 ? "/" : path.slice(0, slash);
}
