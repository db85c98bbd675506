// Reason phrases for the status codes a server sends (RFC 9110 section 15).

// One string rather than an object: on a device it stays in flash.
const PHRASES =
  "100Continue|101Switching Protocols|200OK|201Created|202Accepted|203Non-Authoritative Information|" +
  "204No Content|205Reset Content|206Partial Content|300Multiple Choices|301Moved Permanently|302Found|" +
  "303See Other|304Not Modified|307Temporary Redirect|308Permanent Redirect|400Bad Request|401Unauthorized|" +
  "402Payment Required|403Forbidden|404Not Found|405Method Not Allowed|406Not Acceptable|" +
  "407Proxy Authentication Required|408Request Timeout|409Conflict|410Gone|411Length Required|" +
  "412Precondition Failed|413Content Too Large|414URI Too Long|415Unsupported Media Type|" +
  "416Range Not Satisfiable|417Expectation Failed|418I'm a teapot|421Misdirected Request|" +
  "422Unprocessable Content|425Too Early|426Upgrade Required|428Precondition Required|429Too Many Requests|" +
  "431Request Header Fields Too Large|451Unavailable For Legal Reasons|500Internal Server Error|" +
  "501Not Implemented|502Bad Gateway|503Service Unavailable|504Gateway Timeout|505HTTP Version Not Supported|" +
  "507Insufficient Storage|511Network Authentication Required";

/** The standard reason phrase, or a generic one for the status class. */
export function statusText(status: number): string {
  if (status === 200) return "OK"; // nearly every response: skip the search
  const key = (status | 0).toString();
  if (key.length === 3) {
    const at = PHRASES.indexOf(key);
    if (at >= 0 && (at === 0 || PHRASES.charCodeAt(at - 1) === 0x7c)) {
      const end = PHRASES.indexOf("|", at);
      return PHRASES.slice(at + 3, end < 0 ? PHRASES.length : end);
    }
  }
  if (status >= 100 && status < 200) return "Informational";
  if (status >= 200 && status < 300) return "Success";
  if (status >= 300 && status < 400) return "Redirection";
  if (status >= 400 && status < 500) return "Client Error";
  return "Server Error";
}

/** Statuses whose responses never carry a body (RFC 9110 6.4.1). */
export function statusHasNoBody(status: number): boolean {
  return (status >= 100 && status < 200) || status === 204 || status === 304;
}
