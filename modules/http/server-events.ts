// Events the HTTP server adds to the vocabulary, besides http-request / http-chunk /
// http-body-end / http-error (events.ts, shared with the client).
//
// A multipart/form-data request, when the server streams multipart (the default), arrives as
// http-multipart-request (head only), then per part http-part-begin, http-part-data*,
// http-part-end, then http-multipart-end; no http-request / http-body-end for it.

import type { HttpRequest } from "./message";
import type { PartInfo } from "./multipart";

declare module "../core/events" {
  interface EventMap {
    /** a multipart/form-data request began; its parts follow (MG_EV_HTTP_MULTIPART_REQUEST) */
    "http-multipart-request": { request: HttpRequest };
    /** a part began: field name, file name, content type (MG_EV_HTTP_PART_BEGIN) */
    "http-part-begin": { request: HttpRequest; part: PartInfo };
    /** part bytes; `data` is a view valid only during the handler call (MG_EV_HTTP_PART_DATA) */
    "http-part-data": { request: HttpRequest; part: PartInfo; data: Uint8Array };
    /** the part ended; `error` when the body was cut short or malformed (MG_EV_HTTP_PART_END) */
    "http-part-end": { request: HttpRequest; part: PartInfo; error?: string };
    /** the multipart body ended; `error` as above (MG_EV_HTTP_MULTIPART_REQUEST_END) */
    "http-multipart-end": { request: HttpRequest; error?: string };
    /** an SSI page hit `<!--#call arg -->`; write the text to insert with the senders (MG_EV_SSI_CALL) */
    "http-ssi-call": { request: HttpRequest; file: string; arg: string };
  }
}

export {};
