// HTML escaping for the two contexts a server interpolates into: element text (& < >) and
// quoted attribute values (also " and '). Like mg_printf_html_escape, but the byte-writing form
// lets a directory listing stream names into a send buffer without building the page as a string.
import { utf8Length, utf8Write } from "./utf8";

export type HtmlContext = "text" | "attribute";

function entity(c: number, context: HtmlContext): string | undefined {
  switch (c) {
    case 0x26: return "&amp;";
    case 0x3c: return "&lt;";
    case 0x3e: return "&gt;";
    case 0x22: return context === "attribute" ? "&quot;" : undefined;
    case 0x27: return context === "attribute" ? "&#39;" : undefined;
    default: return undefined;
  }
}

export function htmlEscape(s: string, context: HtmlContext = "text"): string {
  let out = "";
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const e = entity(s.charCodeAt(i), context);
    if (e === undefined) continue;
    out += s.slice(from, i) + e;
    from = i + 1;
  }
  return from === 0 ? s : out + s.slice(from);
}

/** UTF-8 byte length of htmlEscape(s, context). */
export function htmlEscapedLength(s: string, context: HtmlContext = "text"): number {
  let extra = 0;
  for (let i = 0; i < s.length; i++) {
    const e = entity(s.charCodeAt(i), context);
    if (e !== undefined) extra += e.length - 1;
  }
  return utf8Length(s) + extra;
}

/** Write the escaped UTF-8 of `s` into `out` at `offset`; returns the offset after the last byte. */
export function htmlEscapeWrite(s: string, out: Uint8Array, offset: number, context: HtmlContext = "text"): number {
  if (out.length - offset < htmlEscapedLength(s, context)) throw new RangeError("html-escape output buffer too small");
  let o = offset;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const e = entity(s.charCodeAt(i), context);
    if (e === undefined) continue;
    if (i > from) o = utf8Write(s.slice(from, i), out, o);
    for (let k = 0; k < e.length; k++) out[o++] = e.charCodeAt(k);
    from = i + 1;
  }
  if (from < s.length) o = utf8Write(from === 0 ? s : s.slice(from), out, o);
  return o;
}
