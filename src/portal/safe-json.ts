// JSON for bodies that carry attacker-chosen strings (SSIDs). JSON.stringify already escapes
// quotes, backslashes and control characters; on top, '<', '>' and '&' become \u escapes so the
// text stays inert if anything ever embeds it in HTML or a <script>, and U+2028/U+2029 so it
// stays valid JavaScript source.

import { utf8Encode } from "../../modules/util/utf8";

const UNSAFE = /[<>&\u2028\u2029]/g;

function escapeChar(c: string): string {
  return "\\u" + (c.charCodeAt(0) + 0x10000).toString(16).slice(1);
}

export function safeJson(value: unknown): string {
  // A native regular-expression pass: XS strings are UTF-8, where indexing a string that holds
  // non-ASCII text (emoji SSIDs) is not constant time, so a charCodeAt loop would be quadratic.
  return JSON.stringify(value).replace(UNSAFE, escapeChar);
}

export function safeJsonBytes(value: unknown): Uint8Array {
  return utf8Encode(safeJson(value));
}
