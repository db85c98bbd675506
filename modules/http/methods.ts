// Request methods the parser accepts: RFC 9110's, WebDAV/CalDAV, UPnP, PATCH, PURGE, LINK/UNLINK,
// SOURCE and QUERY -- the HTTP set llhttp knows, so mcnet and Node agree on what is a method.
// Any other token is answered 501 (RFC 9110 §9.1); PRI (the HTTP/2 preface) is not HTTP/1.1.

export const KNOWN_METHODS: readonly string[] = [
  "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
  "COPY", "LOCK", "MKCOL", "MOVE", "PROPFIND", "PROPPATCH", "SEARCH", "UNLOCK",
  "BIND", "REBIND", "UNBIND", "ACL", "REPORT", "MKACTIVITY", "CHECKOUT", "MERGE",
  "M-SEARCH", "NOTIFY", "SUBSCRIBE", "UNSUBSCRIBE", "PURGE", "MKCALENDAR",
  "LINK", "UNLINK", "SOURCE", "QUERY",
];

export const MAX_METHOD_LENGTH = 11;

/** The method spelled by bytes [start, end), as the shared constant string, or undefined. */
export function lookupMethod(b: Uint8Array, start: number, end: number): string | undefined {
  const n = end - start;
  outer: for (const m of KNOWN_METHODS) {
    if (m.length !== n) continue;
    for (let i = 0; i < n; i++) if (m.charCodeAt(i) !== b[start + i]) continue outer;
    return m;
  }
  return undefined;
}
