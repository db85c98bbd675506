// Response senders (Mongoose's mg_send_response_line, mg_send_head, mg_send_http_chunk,
// mg_printf*, mg_http_send_error, mg_http_send_redirect). They only append to conn.send; on a
// connection of an attached server they also record the response's framing in its Exchange, so
// the server knows when the response is complete (see exchange.ts). On any other connection
// they simply write.

import type { Connection } from "../core/connection";
import type { Bytes } from "../core/platform";
import { asU8 } from "../core/platform";
import { htmlEscape } from "../util/html-escape";
import { utf8Encode, utf8Length } from "../util/utf8";
import { currentExchange, serverConnOf, type Exchange } from "./exchange";
import { format } from "./printf";
import { statusHasNoBody, statusText } from "./status";

/**
 * Extra headers: "Name: value" lines separated by CRLF (Mongoose style, no trailing newline),
 * an object, or [name, value] pairs. Object and pair values have CR, LF and NUL removed, so a
 * value taken from a request cannot split the response.
 */
export type HeaderInput = string | Readonly<Record<string, string | number>> | ReadonlyArray<readonly [string, string]>;

function clean(s: string): string {
  return /[\r\n\0]/.test(s) ? s.replace(/[\r\n\0]/g, "") : s;
}

/** The header lines of `h`, each ending in CRLF ("" for none). */
export function headerLines(h: HeaderInput | undefined): string {
  if (h === undefined) return "";
  if (typeof h === "string") {
    let end = h.length;
    while (end > 0 && (h.charCodeAt(end - 1) === 10 || h.charCodeAt(end - 1) === 13)) end--;
    return end === 0 ? "" : h.slice(0, end) + "\r\n";
  }
  let out = "";
  if (Array.isArray(h)) {
    for (const [k, v] of h as ReadonlyArray<readonly [string, string]>) out += clean(k) + ": " + clean(String(v)) + "\r\n";
  } else {
    const rec = h as Readonly<Record<string, string | number>>;
    for (const k of Object.keys(rec)) out += clean(k) + ": " + clean(String(rec[k])) + "\r\n";
  }
  return out;
}

/** Whether `h` sets header `name` (ASCII case-insensitive). */
export function hasHeader(h: HeaderInput | undefined, name: string): boolean {
  if (h === undefined) return false;
  if (typeof h === "string") {
    // at a line start, followed (after optional spaces) by the colon; compared in place, as this
    // runs for every reply
    for (let at = 0; at < h.length; ) {
      if (nameAt(h, at, name)) {
        let k = at + name.length;
        while (h.charCodeAt(k) === 0x20) k++;
        if (h.charCodeAt(k) === 0x3a) return true;
      }
      const eol = h.indexOf("\n", at);
      if (eol < 0) break;
      at = eol + 1;
    }
    return false;
  }
  const n = name.toLowerCase();
  if (Array.isArray(h)) return (h as ReadonlyArray<readonly [string, string]>).some(([k]) => k.toLowerCase() === n);
  return Object.keys(h).some((k) => k.toLowerCase() === n);
}

/** `name` occurs in `s` at `at`, ASCII letters compared without case. */
function nameAt(s: string, at: number, name: string): boolean {
  if (at + name.length > s.length) return false;
  for (let i = 0; i < name.length; i++) {
    let x = s.charCodeAt(at + i);
    let y = name.charCodeAt(i);
    if (x >= 0x41 && x <= 0x5a) x += 0x20;
    if (y >= 0x41 && y <= 0x5a) y += 0x20;
    if (x !== y) return false;
  }
  return true;
}

function done(c: Connection, ex: Exchange): void {
  if (ex.complete) return;
  ex.complete = true;
  serverConnOf(c)?.ctx.responseDone(c, ex);
}

function byteLength(data: Bytes | string): number {
  return typeof data === "string" ? utf8Length(data) : asU8(data).length;
}

/** mg_send_response_line: "HTTP/1.1 <status> <reason>" and extra header lines; the head stays open. */
export function sendResponseLine(c: Connection, status: number, headers?: HeaderInput): boolean {
  const ex = currentExchange(c);
  let line = `HTTP/1.1 ${status} ${statusText(status)}\r\n`;
  if (ex && !ex.headSent) {
    line += serverConnOf(c)!.ctx.extraHeaders(c, ex, status);
    ex.status = status;
    ex.headSent = true;
    ex.framing = "raw";
  }
  return c.write(line + headerLines(headers));
}

/**
 * mg_send_head: status line, Content-Length (`contentLength` >= 0) or chunked encoding
 * (`contentLength` < 0; an HTTP/1.0 client gets a body delimited by the close instead), the
 * Connection header the server decided on, the server's extra headers, `headers`, blank line.
 */
export function sendHead(c: Connection, status: number, contentLength: number, headers?: HeaderInput): boolean {
  return writeHead(c, status, contentLength, headers, undefined);
}

/** sendHead, with a string body of exactly `contentLength` bytes sent in the same write when given. */
function writeHead(c: Connection, status: number, contentLength: number, headers: HeaderInput | undefined, inlineBody: string | undefined): boolean {
  const ex = currentExchange(c);
  if (ex?.headSent) {
    serverConnOf(c)!.ctx.log(c, "warn", `response head for ${ex.request.method} ${ex.request.target} sent twice; ignoring the second (${status})`);
    return false;
  }
  const noBody = statusHasNoBody(status);
  let head = `HTTP/1.1 ${status} ${statusText(status)}\r\n`;
  let untilClose = false;
  if (!noBody) {
    if (contentLength >= 0) head += `Content-Length: ${contentLength}\r\n`;
    else if (ex && ex.request.versionMinor === 0) untilClose = true;
    else head += "Transfer-Encoding: chunked\r\n";
  }
  if (ex) {
    head += serverConnOf(c)!.ctx.extraHeaders(c, ex, status);
    if (untilClose) ex.keepAlive = false;
    if (!ex.keepAlive) head += "Connection: close\r\n";
    else if (ex.request.versionMinor === 0) head += "Connection: keep-alive\r\n";
  }
  head += headerLines(headers) + "\r\n";
  const withBody = inlineBody !== undefined && !noBody && !ex?.headOnly;
  // One append for head and a small body: one copy into the send buffer, one socket write.
  const ok = c.write(withBody ? head + inlineBody : head);
  if (!ex) return ok;
  ex.status = status;
  ex.headSent = true;
  if (withBody) ex.bytesOut += contentLength;
  if (noBody || ex.headOnly || contentLength === 0 || withBody) {
    ex.framing = "length";
    ex.remaining = 0;
    done(c, ex);
  } else if (contentLength > 0) {
    ex.framing = "length";
    ex.remaining = contentLength;
  } else ex.framing = untilClose ? "raw" : "chunked";
  return ok;
}

/**
 * Body bytes after sendHead (mg_send): counted against Content-Length (extra bytes are dropped
 * with a warning: they would be read as the next response), chunk-framed for a chunked head,
 * dropped for HEAD. Without a head this is a raw write (the app builds the response itself).
 */
export function sendBody(c: Connection, data: Bytes | string): boolean {
  const ex = currentExchange(c);
  if (!ex) return c.write(data);
  let n = byteLength(data);
  if (!ex.headSent || ex.framing === "raw") {
    // No head from the senders: the app writes the whole response itself.
    if (!ex.headSent) ex.framing = "raw";
    ex.bytesOut += n;
    return c.write(data);
  }
  if (ex.complete || ex.headOnly || n === 0) return true;
  if (ex.framing === "chunked") return sendChunk(c, data);
  let bytes: Bytes | string = data;
  if (n > ex.remaining) {
    serverConnOf(c)!.ctx.log(c, "warn", `response body longer than its Content-Length (${n} > ${ex.remaining} left): extra bytes dropped`);
    bytes = (typeof data === "string" ? utf8Encode(data) : asU8(data)).subarray(0, ex.remaining);
    n = ex.remaining;
  }
  ex.remaining -= n;
  ex.bytesOut += n;
  const ok = c.write(bytes);
  if (ex.remaining === 0) done(c, ex);
  return ok;
}

/**
 * mg_send_http_chunk: one chunk of a chunked body; an empty one ends the body (and the response).
 * For an HTTP/1.0 client (no chunked coding) the bytes go out as they are.
 */
export function sendChunk(c: Connection, data: Bytes | string): boolean {
  const ex = currentExchange(c);
  const n = byteLength(data);
  if (ex && ex.headSent) {
    if (ex.complete) return true;
    if (ex.headOnly) {
      if (n === 0) done(c, ex);
      return true;
    }
    if (ex.framing === "raw") {
      if (n === 0) {
        done(c, ex);
        return true;
      }
      ex.bytesOut += n;
      return c.write(data);
    }
  }
  if (n === 0) {
    const ok = c.write("0\r\n\r\n");
    if (ex && ex.headSent) done(c, ex);
    return ok;
  }
  if (ex) ex.bytesOut += n;
  return c.write(n.toString(16) + "\r\n") && c.write(data) && c.write("\r\n");
}

/** mg_printf: formatted text as body bytes (or raw, before any head). */
export function printf(c: Connection, fmt: string, ...args: unknown[]): boolean {
  return sendBody(c, format(fmt, ...args));
}

/** mg_printf_http_chunk */
export function printfChunk(c: Connection, fmt: string, ...args: unknown[]): boolean {
  const s = format(fmt, ...args);
  return s.length === 0 ? true : sendChunk(c, s);
}

/** mg_printf_html_escape: a chunk of formatted text with & < > " ' escaped. */
export function printfHtmlEscape(c: Connection, fmt: string, ...args: unknown[]): boolean {
  const s = htmlEscape(format(fmt, ...args), "attribute");
  return s.length === 0 ? true : sendChunk(c, s);
}

/** A complete response in one call: head with Content-Length, then the body (not for HEAD). */
export function reply(c: Connection, status: number, body: Bytes | string = "", headers?: HeaderInput): boolean {
  const n = byteLength(body);
  let h = headers;
  if (n > 0 && !hasHeader(headers, "content-type")) {
    const type = typeof body === "string" ? "text/plain; charset=utf-8" : "application/octet-stream";
    h = headerLines(headers) + "Content-Type: " + type;
  }
  const length = statusHasNoBody(status) ? 0 : n;
  if (typeof body === "string") return writeHead(c, status, length, h, n > 0 ? body : undefined);
  if (!writeHead(c, status, length, h, undefined)) return false;
  const ex = currentExchange(c);
  if (n === 0 || statusHasNoBody(status) || ex?.headOnly) return true;
  return sendBody(c, body);
}

/** The built-in error page (no hooks): a small HTML document naming the status. */
export function errorPage(c: Connection, status: number, reason?: string, headers?: HeaderInput): boolean {
  const title = `${status} ${statusText(status)}`;
  const body =
    `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1>` +
    (reason ? `<p>${htmlEscape(reason)}</p>` : "") + "</body></html>\n";
  return reply(c, status, body, headerLines(headers) + "Content-Type: text/html; charset=utf-8");
}

/**
 * mg_http_send_error: an error response; on a server connection the http-error hook may send
 * its own page first.
 */
export function sendError(c: Connection, status: number, reason?: string): void {
  const st = serverConnOf(c);
  if (st?.exchange) st.ctx.sendError(c, status, reason);
  else errorPage(c, status, reason);
}

/** mg_http_send_redirect: 301, 302, 303, 307 or 308 to `location`, with a short HTML body. */
export function redirect(c: Connection, status: 301 | 302 | 303 | 307 | 308, location: string, headers?: HeaderInput): boolean {
  const loc = clean(location);
  const body = `<!DOCTYPE html><html><body><p>Moved to <a href="${htmlEscape(loc, "attribute")}">${htmlEscape(loc)}</a></p></body></html>\n`;
  return reply(c, status, body, headerLines(headers) + "Location: " + loc + "\r\nContent-Type: text/html; charset=utf-8");
}

/**
 * The application has sent everything for this request (needed after raw writes done later
 * than the request event, and to end a chunked body without an empty chunk).
 */
export function endResponse(c: Connection): void {
  const ex = currentExchange(c);
  if (!ex || ex.complete) return;
  if (ex.headSent && !ex.headOnly) {
    if (ex.framing === "chunked") c.write("0\r\n\r\n");
    else if (ex.framing === "length" && ex.remaining > 0) {
      // The client is still waiting for bytes that will never come: only a close ends that.
      serverConnOf(c)!.ctx.log(c, "warn", `response ended ${ex.remaining} bytes short of its Content-Length; closing`);
      ex.keepAlive = false;
    }
  } else if (!ex.headSent && ex.framing === "none") {
    // Nothing at all was sent: the client needs some answer.
    errorPage(c, 500, "no response");
    return;
  }
  done(c, ex);
}

/**
 * For producers that write body bytes straight into conn.send (zero-copy file streaming): count
 * `n` bytes queued against the Content-Length, completing the response at zero.
 */
export function bodyQueued(c: Connection, n: number): void {
  const ex = currentExchange(c);
  if (!ex || ex.complete) return;
  ex.bytesOut += n;
  if (ex.framing === "length") {
    ex.remaining = Math.max(0, ex.remaining - n);
    if (ex.remaining === 0) done(c, ex);
  }
}
