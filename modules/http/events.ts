// The HTTP events a handler sees, added to the core vocabulary. Server and client share them:
// on a server connection the message is a request, on a client connection a reply.
//
// Per message, the handler sees exactly one head event (http-request or http-reply), then, when
// the body streams, one http-chunk per piece, then one http-body-end. When the module buffers a
// small body instead, the head event comes once the whole body is in, with `body` set, and no
// http-chunk precedes http-body-end.

import type { HttpHeaders, HttpReply, HttpRequest } from "./message";

export interface HttpErrorInfo {
  /**
   * Parse errors carry the parser's HttpErrorCode; the client adds ECONNREFUSED, ENOTFOUND,
   * ETIMEDOUT, ECONNRESET, EUNSUPPORTED (https), EINVAL (bad URL), EREDIRECTS (too many),
   * EAUTH (credentials refused)...
   */
  code: string;
  message: string;
  /** the HTTP status the server sent (or would send) for parse errors */
  status?: number;
}

declare module "../core/events" {
  interface EventMap {
    /** server: a request arrived (head, or head and buffered body) */
    "http-request": { request: HttpRequest };
    /** client: a reply arrived (head, or head and buffered body); redirects are followed before it */
    "http-reply": { reply: HttpReply };
    /** a piece of the current message's body; `data` is a view valid only during the handler call */
    "http-chunk": { data: Uint8Array };
    /** the current message is complete; trailers of a chunked body, when it had any */
    "http-body-end": { trailers?: HttpHeaders };
    /** the exchange failed; the connection closes after this event */
    "http-error": { error: HttpErrorInfo };
  }
}

export {};
