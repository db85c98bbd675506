// Per-connection server state and the request/response exchange in progress. The senders in
// reply.ts record what the application has sent here, so the server knows when a response is
// complete: only then does it read the next pipelined request, keep the connection alive or
// close it, and log the request.

import type { Connection } from "../core/connection";
import type { Handler } from "../core/events";
import type { HttpRequest } from "./message";

/** How the response body is delimited, as far as the senders know. */
export type ResponseFraming =
  /** nothing sent yet */
  | "none"
  /** Content-Length: `remaining` bytes still owed */
  | "length"
  | "chunked"
  /** the app wrote raw bytes (mg_printf style): complete when its handler returns or endResponse() */
  | "raw";

/** What a server offers the senders (implemented by the HttpServer). */
export interface ServerContext {
  /** header lines (each ending CRLF) every response of this exchange carries: CORS, add-headers hook */
  extraHeaders(c: Connection, ex: Exchange, status: number): string;
  /** the response of `ex` is fully queued */
  responseDone(c: Connection, ex: Exchange): void;
  /** send an error page honouring the http-error hook */
  sendError(c: Connection, status: number, reason?: string): void;
  /** log through the log-message hook */
  log(c: Connection, level: "debug" | "info" | "warn" | "error", message: string): void;
}

export class Exchange {
  readonly request: HttpRequest;
  /** HEAD: heads are sent, bodies are dropped by the senders */
  readonly headOnly: boolean;
  /** where this request's events go: an endpoint's handler or the connection's */
  handler: Handler;
  status = 0;
  headSent = false;
  framing: ResponseFraming = "none";
  remaining = 0;
  /** body bytes queued (for the access log) */
  bytesOut = 0;
  complete = false;
  /** the connection may carry another request after this one */
  keepAlive: boolean;
  /** the whole request, body included, has been read */
  requestDone = false;
  /** the app no longer wants body events (answered early, or a hook handled the request) */
  discardBody = false;
  /** a 100 Continue went out */
  continued = false;
  /** authenticated user, for the access log */
  user = "";
  /** set by streaming helpers (files, SSI) that produce the body over several send events */
  producer: BodyProducer | undefined;
  readonly startedAt: number;

  constructor(request: HttpRequest, handler: Handler, keepAlive: boolean, now: number) {
    this.request = request;
    this.handler = handler;
    this.keepAlive = keepAlive;
    this.headOnly = request.method === "HEAD";
    this.startedAt = now;
  }
}

/** Something that writes a response body into conn.send as room appears (see body-pump.ts). */
export interface BodyProducer {
  /** queue more output; called after each send event and once at start */
  fill(c: Connection): void;
  /** release files; `completed` is false when the connection closed first */
  close(completed: boolean): void;
}

/** The server's per-connection state (conn.protoData of a server connection). */
export class ServerConn {
  readonly ctx: ServerContext;
  exchange: Exchange | undefined;

  constructor(ctx: ServerContext) {
    this.ctx = ctx;
  }
}

/** The server state of `c`, when `c` is a connection of an attached HTTP server. */
export function serverConnOf(c: Connection): ServerConn | undefined {
  const d = c.protoData;
  return d instanceof ServerConn ? d : undefined;
}

export function currentExchange(c: Connection): Exchange | undefined {
  const d = c.protoData;
  return d instanceof ServerConn ? d.exchange : undefined;
}
