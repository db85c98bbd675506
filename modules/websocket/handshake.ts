// The opening handshake (RFC 6455 section 4), pure: checks of an upgrade request and of a
// server's 101 reply, the accept hash, subprotocol choice, and the text of both messages.
// Parsing the HTTP itself is the HTTP parser's job; this works on its heads.

import type { HttpHeaders, RequestHead, ResponseHead } from "../http/message";
import { utf8Encode } from "../util/utf8";
import { base64Decode, base64Encode } from "../util/base64";
import { basicAuthHeader } from "../util/basic-auth";

export const WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
export const WEBSOCKET_VERSION = "13";
/** bound on offered subprotocols looked at, so a hostile header costs little */
export const MAX_SUBPROTOCOLS = 16;

/** SHA-1 of the bytes (the Platform's digest on a device, a pure fallback elsewhere). */
export type Sha1Function = (data: Uint8Array) => ArrayBuffer | Uint8Array;

/** Sec-WebSocket-Accept for a Sec-WebSocket-Key: base64(SHA-1(key + GUID)). */
export function computeAccept(key: string, sha1: Sha1Function): string {
  const d = sha1(utf8Encode(key + WEBSOCKET_GUID));
  return base64Encode(d instanceof Uint8Array ? d : new Uint8Array(d));
}

/** A client key: 16 random bytes, base64 (RFC 6455 4.1). */
export function makeClientKey(random16: Uint8Array): string {
  return base64Encode(random16.subarray(0, 16));
}

/** The key must be base64 of exactly 16 bytes. */
export function isValidClientKey(key: string): boolean {
  if (key.length !== 24 || !key.endsWith("==")) return false;
  const d = base64Decode(key, "standard", 16);
  return d.ok && d.bytes.length === 16;
}

/** Comma-separated tokens of a header's values (at most `max`, empty elements dropped). */
export function headerTokens(headers: HttpHeaders, name: string, max = MAX_SUBPROTOCOLS): string[] {
  const out: string[] = [];
  for (const v of headers.getAll(name)) {
    for (const part of v.split(",")) {
      const t = part.trim();
      if (t.length > 0) {
        if (out.length >= max) return out;
        out.push(t);
      }
    }
  }
  return out;
}

/** True when the request asks to switch to WebSocket (whatever else may be wrong with it). */
export function isWebSocketUpgrade(head: Pick<RequestHead, "headers">): boolean {
  return head.headers.hasToken("upgrade", "websocket");
}

export type UpgradeRequestCheck =
  | { ok: true; key: string; protocols: string[] }
  /** refuse with `status`; `headers` (CRLF-terminated lines) go into that reply */
  | { ok: false; status: number; reason: string; headers?: string };

/** Validate a client's opening handshake (RFC 6455 4.2.1). */
export function checkUpgradeRequest(
  head: Pick<RequestHead, "method" | "versionMajor" | "versionMinor" | "headers">,
): UpgradeRequestCheck {
  const h = head.headers;
  if (head.method !== "GET") return { ok: false, status: 405, reason: "WebSocket handshake must be a GET" };
  if (head.versionMajor < 1 || (head.versionMajor === 1 && head.versionMinor < 1)) {
    return { ok: false, status: 400, reason: "WebSocket handshake needs HTTP/1.1" };
  }
  if (!h.has("host")) return { ok: false, status: 400, reason: "missing Host" };
  if (!h.hasToken("upgrade", "websocket")) return { ok: false, status: 400, reason: "Upgrade is not websocket" };
  if (!h.hasToken("connection", "upgrade")) return { ok: false, status: 400, reason: "Connection does not include upgrade" };
  const version = h.get("sec-websocket-version");
  if (version === undefined) return { ok: false, status: 400, reason: "missing Sec-WebSocket-Version" };
  if (version.trim() !== WEBSOCKET_VERSION || h.getAll("sec-websocket-version").length !== 1) {
    return { ok: false, status: 426, reason: `unsupported WebSocket version ${version}`, headers: `Sec-WebSocket-Version: ${WEBSOCKET_VERSION}\r\n` };
  }
  const keys = h.getAll("sec-websocket-key");
  if (keys.length !== 1 || !isValidClientKey(keys[0].trim())) {
    return { ok: false, status: 400, reason: "missing or malformed Sec-WebSocket-Key" };
  }
  return { ok: true, key: keys[0].trim(), protocols: headerTokens(h, "sec-websocket-protocol") };
}

/** The server's choice: its first supported subprotocol that the client offered. */
export function selectSubprotocol(offered: readonly string[], supported: readonly string[]): string | undefined {
  for (const s of supported) if (offered.indexOf(s) >= 0) return s;
  return undefined;
}

/** Header names and values an application passes; CR and LF would split the message. */
export type ExtraHeaders = string | Record<string, string> | ReadonlyArray<readonly [string, string]>;

function hasLineBreak(s: string): boolean {
  return s.indexOf("\r") >= 0 || s.indexOf("\n") >= 0;
}

/** Extra headers as CRLF-terminated lines; undefined when a name or value would break the head. */
export function formatExtraHeaders(extra: ExtraHeaders | undefined): string | undefined {
  if (extra === undefined) return "";
  if (typeof extra === "string") {
    // Mongoose style: "Name: value\r\n..." as given; a missing final CRLF is added.
    if (extra.length === 0) return "";
    if (extra.indexOf("\r\n\r\n") >= 0) return undefined;
    return extra.endsWith("\r\n") ? extra : extra + "\r\n";
  }
  const pairs = Array.isArray(extra) ? (extra as ReadonlyArray<readonly [string, string]>) : Object.entries(extra as Record<string, string>);
  let s = "";
  for (const [n, v] of pairs) {
    if (n.length === 0 || hasLineBreak(n) || n.indexOf(":") >= 0 || hasLineBreak(v)) return undefined;
    s += `${n}: ${v}\r\n`;
  }
  return s;
}

/** The 101 reply that completes a server handshake. `extra` must be CRLF-terminated lines. */
export function serverHandshakeReply(accept: string, protocol?: string, extra = ""): string {
  return (
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
    `Sec-WebSocket-Accept: ${accept}\r\n` +
    (protocol ? `Sec-WebSocket-Protocol: ${protocol}\r\n` : "") +
    extra +
    "\r\n"
  );
}

/** A refusal of an upgrade request, closing the connection. */
export function serverHandshakeRefusal(status: number, reason: string, extra = ""): string {
  const body = reason + "\n";
  return (
    `HTTP/1.1 ${status} ${statusText(status)}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
    extra +
    `Content-Length: ${utf8Encode(body).length}\r\n\r\n${body}`
  );
}

function statusText(status: number): string {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 426: return "Upgrade Required";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

export interface ClientHandshakeOptions {
  /** request-target: path and query, already percent-encoded */
  path: string;
  /** Host header value (host, or host:port when the port is not the default) */
  host: string;
  key: string;
  protocols?: readonly string[];
  /** CRLF-terminated header lines (from formatExtraHeaders) */
  extra?: string;
  /** Basic credentials (mg_send_websocket_handshake3) */
  user?: string;
  password?: string;
}

/** The client's opening handshake request (RFC 6455 4.1). */
export function clientHandshakeRequest(o: ClientHandshakeOptions): string {
  let s =
    `GET ${o.path || "/"} HTTP/1.1\r\nHost: ${o.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${o.key}\r\nSec-WebSocket-Version: ${WEBSOCKET_VERSION}\r\n`;
  if (o.protocols && o.protocols.length > 0) s += `Sec-WebSocket-Protocol: ${o.protocols.join(", ")}\r\n`;
  if (o.user !== undefined) s += `Authorization: ${basicAuthHeader(o.user, o.password ?? "")}\r\n`;
  return s + (o.extra ?? "") + "\r\n";
}

/** Why a client refuses the server's reply (libwebsockets' CLIENT_CONNECTION_ERROR reasons). */
export type HandshakeFailure =
  | "status"
  | "upgrade-missing"
  | "upgrade-mismatch"
  | "connection-missing"
  | "accept-missing"
  | "accept-mismatch"
  | "protocol-mismatch"
  | "extension-unrequested";

export type ServerReplyCheck =
  | { ok: true; protocol: string | undefined }
  | { ok: false; failure: HandshakeFailure; message: string };

/** Validate a server's reply to our handshake (RFC 6455 4.1, the client's checks 1-6). */
export function checkServerReply(
  head: Pick<ResponseHead, "status" | "reason" | "headers">,
  expectedAccept: string,
  offeredProtocols: readonly string[],
): ServerReplyCheck {
  const h = head.headers;
  if (head.status !== 101) return { ok: false, failure: "status", message: `server answered ${head.status} ${head.reason}, not 101` };
  if (!h.has("upgrade")) return { ok: false, failure: "upgrade-missing", message: "reply has no Upgrade header" };
  if (!h.hasToken("upgrade", "websocket")) return { ok: false, failure: "upgrade-mismatch", message: `reply upgrades to ${h.get("upgrade")}, not websocket` };
  if (!h.hasToken("connection", "upgrade")) return { ok: false, failure: "connection-missing", message: "reply Connection does not include upgrade" };
  const accept = h.get("sec-websocket-accept");
  if (accept === undefined) return { ok: false, failure: "accept-missing", message: "reply has no Sec-WebSocket-Accept" };
  if (accept.trim() !== expectedAccept || h.getAll("sec-websocket-accept").length !== 1) {
    return { ok: false, failure: "accept-mismatch", message: "Sec-WebSocket-Accept does not match the key sent" };
  }
  const chosen = headerTokens(h, "sec-websocket-protocol", 2);
  if (chosen.length > 1 || (chosen.length === 1 && offeredProtocols.indexOf(chosen[0]) < 0)) {
    return { ok: false, failure: "protocol-mismatch", message: `server chose subprotocol ${h.combined("sec-websocket-protocol")}, not one offered` };
  }
  if (h.has("sec-websocket-extensions")) {
    return { ok: false, failure: "extension-unrequested", message: `server enabled extensions ${h.combined("sec-websocket-extensions")} that were not offered` };
  }
  return { ok: true, protocol: chosen[0] };
}
