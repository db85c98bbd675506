// Configuration of an HTTP server: limits, timeouts, authentication, and every hook the seed
// servers offer, in one place (CivetWeb's mg_callbacks, libwebsockets' HTTP callback reasons,
// Mongoose's error handler).

import type { Connection } from "../core/connection";
import type { Address } from "../core/events";
import type { LogLevel } from "../core/platform";
import type { HttpParserOptions } from "./parser";
import type { HttpRequest } from "./message";
import type { MultipartLimits } from "./multipart";
import type { HeaderInput } from "./reply";

export interface HttpServerHooks {
  /** A connection arrived from `remote`: false drops it before anything is read (LWS FILTER_NETWORK_CONNECTION). */
  filterConnection?(c: Connection, remote: Address): boolean;
  /** A request head arrived: false answers 403 (LWS FILTER_HTTP_CONNECTION). */
  filterRequest?(c: Connection, request: HttpRequest): boolean;
  /**
   * Before authentication and routing (CivetWeb begin_request): return true when the hook sent
   * the response itself. The request's body, if any, is then read and discarded.
   */
  beginRequest?(c: Connection, request: HttpRequest): boolean;
  /**
   * After authentication (`user` is "" without it): false answers 403, a number answers that
   * status (LWS CHECK_ACCESS_RIGHTS).
   */
  checkAccess?(c: Connection, request: HttpRequest, user: string): boolean | number;
  /** Headers to add to the response about to go out with `status` (LWS ADD_HEADERS). */
  addHeaders?(c: Connection, request: HttpRequest, status: number): HeaderInput | undefined;
  /** An error response is due: send a custom page and return true, or false for the built-in one (CivetWeb http_error, mg_set_http_error_handler). */
  httpError?(c: Connection, status: number, reason: string, request: HttpRequest | undefined): boolean;
  /** The response to `request` is complete (CivetWeb end_request; LWS HTTP_FILE_COMPLETION for files). */
  endRequest?(c: Connection, request: HttpRequest, status: number): void;
  /** One access log line per request: return true when handled, false for the platform log (CivetWeb log_access). */
  logAccess?(c: Connection, line: string): boolean;
  /** A server message: return true when handled (CivetWeb log_message). */
  logMessage?(c: Connection | undefined, level: LogLevel, message: string): boolean;
  /** Static serving wants `path`: return bytes to serve them from memory instead of the filesystem (CivetWeb open_file). */
  openFile?(c: Connection, path: string): Uint8Array | ArrayBuffer | undefined;
  /** An HTTP connection is going away (CivetWeb connection_close, LWS CLOSED_HTTP). */
  connectionClose?(c: Connection): void;
}

export interface HttpAuthOptions {
  /** the protection space named in challenges (Mongoose auth_domain) */
  realm: string;
  /** htdigest text, or a lookup returning the HA1 for (user, realm) */
  passwords: string | ((user: string, realm: string) => string | undefined);
  /** request-path prefixes that need credentials; default: every path */
  prefixes?: string[];
  /** accept Basic credentials as well as Digest (default true) */
  allowBasic?: boolean;
  /** how long an issued Digest nonce is accepted (default one hour) */
  nonceLifetimeMs?: number;
}

export interface HttpServerOptions {
  /** parser limits (head size, header count, body size ...) */
  parser?: HttpParserOptions;
  /** bodies up to this many bytes arrive with http-request; larger ones stream as http-chunk (default 2048) */
  maxBufferedBody?: number;
  /** stream multipart/form-data bodies as part events (default true) */
  streamMultipart?: boolean;
  multipart?: Partial<MultipartLimits>;
  /** keep connections open between requests (default true) */
  keepAlive?: boolean;
  /** requests per connection before it is closed (default 1000; 0: no limit) */
  maxRequestsPerConnection?: number;
  /** concurrent connections of this server (default 16; 0: no limit) */
  maxConnections?: number;
  /** past maxConnections: close the least recently used idle connection first ("purge-idle", default) or just refuse */
  onOverload?: "purge-idle" | "refuse";
  /** close a connection idle between requests after this long (default 30 s) */
  idleTimeoutMs?: number;
  /** a request head must be complete this long after its first byte, or after accept (default 10 s; slowloris) */
  headerTimeoutMs?: number;
  /** close when neither request body nor response moves for this long (default 30 s) */
  stallTimeoutMs?: number;
  /** request body bytes read and discarded after an early response before closing instead (default 64 KiB) */
  maxDrainBytes?: number;
  /** per-connection buffer caps (bytes); the head must fit the receive one */
  recvLimit?: number;
  sendLimit?: number;
  /** IP ACL in Mongoose syntax, e.g. "-0.0.0.0/0,+127.0.0.1" */
  acl?: string;
  /** headers every response carries, e.g. CORS: "Access-Control-Allow-Origin: *" */
  extraHeaders?: HeaderInput;
  /** authentication for the whole server (or some prefixes) */
  auth?: HttpAuthOptions;
  hooks?: HttpServerHooks;
  /** log one line per request (default true) */
  accessLog?: boolean;
}

export interface ResolvedServerOptions {
  parser: HttpParserOptions;
  maxBufferedBody: number;
  streamMultipart: boolean;
  multipart: Partial<MultipartLimits>;
  keepAlive: boolean;
  maxRequestsPerConnection: number;
  maxConnections: number;
  onOverload: "purge-idle" | "refuse";
  idleTimeoutMs: number;
  headerTimeoutMs: number;
  stallTimeoutMs: number;
  maxDrainBytes: number;
  recvLimit: number | undefined;
  sendLimit: number | undefined;
  accessLog: boolean;
}

export function resolveServerOptions(o: HttpServerOptions): ResolvedServerOptions {
  return {
    parser: o.parser ?? {},
    maxBufferedBody: o.maxBufferedBody ?? 2048,
    streamMultipart: o.streamMultipart ?? true,
    multipart: o.multipart ?? {},
    keepAlive: o.keepAlive ?? true,
    maxRequestsPerConnection: o.maxRequestsPerConnection ?? 1000,
    maxConnections: o.maxConnections ?? 16,
    onOverload: o.onOverload ?? "purge-idle",
    idleTimeoutMs: o.idleTimeoutMs ?? 30_000,
    headerTimeoutMs: o.headerTimeoutMs ?? 10_000,
    stallTimeoutMs: o.stallTimeoutMs ?? 30_000,
    maxDrainBytes: o.maxDrainBytes ?? 65536,
    recvLimit: o.recvLimit,
    sendLimit: o.sendLimit,
    accessLog: o.accessLog ?? true,
  };
}
