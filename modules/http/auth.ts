// HTTP authentication (RFC 7617 Basic, RFC 7616/2617 Digest with MD5) against password files in
// Apache's htdigest format: one `user:realm:HA1` line per account, HA1 = MD5(user:realm:password).
// Basic credentials are checked against the same HA1, so one file serves both schemes.
// Nonces are stateless: issue time plus a keyed MD5 of it, so a device keeps no nonce table yet
// refuses nonces it did not issue or that are older than their lifetime.

import { parseBasicAuth } from "../util/basic-auth";
import { timingSafeEqual } from "../util/timing-safe-equal";
import { utf8Decode, utf8Encode } from "../util/utf8";
import { forEachHeaderParam } from "./header-params";
import type { Bytes, Platform } from "../core/platform";
import { asU8 } from "../core/platform";

/** MD5 of the concatenation of `parts` (strings as UTF-8); modules/util/md5 has this shape. */
export type Md5 = (...parts: (Uint8Array | string)[]) => Uint8Array;

/** The Platform's (native on a device) MD5 in the Md5 shape. */
export function platformMd5(platform: Platform): Md5 {
  return (...parts) => {
    const bytes: Bytes[] = parts.map((p) => (typeof p === "string" ? utf8Encode(p) : p));
    return asU8(platform.digest("MD5", ...bytes));
  };
}

const HEX = "0123456789abcdef";
export function hex(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i] >> 4] + HEX[bytes[i] & 15];
  return s;
}

export function md5Hex(md5: Md5, ...parts: (Uint8Array | string)[]): string {
  return hex(md5(...parts));
}

/** HA1 as stored in an htdigest file. */
export function digestHa1(md5: Md5, user: string, realm: string, password: string): string {
  return md5Hex(md5, user, ":", realm, ":", password);
}

// ---- Digest ------------------------------------------------------------------------------------

export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
  opaque?: string;
  algorithm?: string;
}

/** The parameters of `Digest username="...", ...`, or undefined when required ones are missing. */
export function parseDigestAuth(header: string | undefined): DigestCredentials | undefined {
  if (header === undefined) return undefined;
  const h = header.trim();
  if (h.length < 7 || h.slice(0, 7).toLowerCase() !== "digest ") return undefined;
  const p: Partial<DigestCredentials> = {};
  forEachHeaderParam(h.slice(7), (name, value) => {
    const k = name.toLowerCase();
    if (k === "username" || k === "realm" || k === "nonce" || k === "uri" || k === "response" || k === "qop" || k === "nc" || k === "cnonce" || k === "opaque" || k === "algorithm") {
      if (p[k] === undefined) p[k] = value;
    }
  });
  if (p.username === undefined || p.realm === undefined || p.nonce === undefined || p.uri === undefined || p.response === undefined) return undefined;
  return p as DigestCredentials;
}

/** The response a client computes (and the server expects) for `ha1`. */
export function digestResponse(md5: Md5, ha1: string, method: string, creds: Pick<DigestCredentials, "uri" | "nonce" | "qop" | "nc" | "cnonce">): string {
  const ha2 = md5Hex(md5, method, ":", creds.uri);
  if (creds.qop !== undefined) return md5Hex(md5, ha1, ":", creds.nonce, ":", creds.nc ?? "", ":", creds.cnonce ?? "", ":", creds.qop, ":", ha2);
  return md5Hex(md5, ha1, ":", creds.nonce, ":", ha2);
}

/** Issues and checks stateless nonces: hex(issue time in s) + 16 hex of MD5(secret, time). */
export class DigestNonces {
  private readonly md5: Md5;
  private readonly secret: Uint8Array;
  readonly lifetimeMs: number;

  constructor(md5: Md5, secret: Uint8Array, lifetimeMs = 3600_000) {
    this.md5 = md5;
    this.secret = secret;
    this.lifetimeMs = lifetimeMs;
  }

  private mac(stamp: string): string {
    return md5Hex(this.md5, this.secret, stamp).slice(0, 16);
  }

  issue(nowMs: number): string {
    const stamp = Math.floor(nowMs / 1000).toString(16).padStart(8, "0");
    return stamp + this.mac(stamp);
  }

  /** "ok", "stale" (ours but expired: the client retries without asking the user) or "bad". */
  check(nonce: string, nowMs: number): "ok" | "stale" | "bad" {
    if (nonce.length !== 24) return "bad";
    const stamp = nonce.slice(0, 8);
    if (!/^[0-9a-f]{8}$/.test(stamp)) return "bad";
    if (!timingSafeEqual(nonce.slice(8), this.mac(stamp))) return "bad";
    const issued = parseInt(stamp, 16) * 1000;
    if (issued > nowMs + 1000) return "bad";
    return nowMs - issued > this.lifetimeMs ? "stale" : "ok";
  }
}

/** The WWW-Authenticate value of a Digest challenge (mg_http_send_digest_auth_request). */
export function digestChallenge(realm: string, nonce: string, stale = false): string {
  return `Digest qop="auth", realm="${quoteSafe(realm)}", nonce="${nonce}", algorithm=MD5${stale ? ", stale=true" : ""}`;
}

export function basicChallenge(realm: string): string {
  return `Basic realm="${quoteSafe(realm)}", charset="UTF-8"`;
}

function quoteSafe(s: string): string {
  return s.replace(/["\\\r\n]/g, "");
}

// ---- htdigest files ----------------------------------------------------------------------------

/** Visit `user:realm:ha1` lines of an htdigest text; visit returns true to stop. Malformed lines are skipped. */
export function forEachHtdigestEntry(text: string, visit: (user: string, realm: string, ha1: string) => boolean | void): void {
  let i = 0;
  while (i < text.length) {
    let eol = text.indexOf("\n", i);
    if (eol < 0) eol = text.length;
    let end = eol;
    if (end > i && text.charCodeAt(end - 1) === 13) end--;
    const c1 = text.indexOf(":", i);
    const c2 = c1 < 0 || c1 >= end ? -1 : text.indexOf(":", c1 + 1);
    if (c2 > 0 && c2 < end) {
      if (visit(text.slice(i, c1), text.slice(c1 + 1, c2), text.slice(c2 + 1, end).trim())) return;
    }
    i = eol + 1;
  }
}

/** The HA1 of `user` in `realm`, or undefined. */
export function htdigestLookup(text: string, user: string, realm: string): string | undefined {
  let found: string | undefined;
  forEachHtdigestEntry(text, (u, r, ha1) => {
    if (u === user && r === realm) {
      found = ha1.toLowerCase();
      return true;
    }
    return false;
  });
  return found;
}

/**
 * mg_modify_passwords_file on text: add or replace `user` in `realm` (password given) or delete
 * it (password undefined). Other lines are kept as they were.
 */
export function htdigestModify(md5: Md5, text: string, realm: string, user: string, password: string | undefined): string {
  if (user.indexOf(":") >= 0 || realm.indexOf(":") >= 0 || /[\r\n]/.test(user + realm)) throw new RangeError("user and realm must not contain ':' or line breaks");
  const entry = password === undefined ? "" : `${user}:${realm}:${digestHa1(md5, user, realm, password)}\n`;
  let out = "";
  let replaced = false;
  let i = 0;
  while (i < text.length) {
    let eol = text.indexOf("\n", i);
    const next = eol < 0 ? text.length : eol + 1;
    if (eol < 0) eol = text.length;
    const line = text.slice(i, eol).replace(/\r$/, "");
    if (line.startsWith(user + ":" + realm + ":")) {
      if (!replaced) out += entry;
      replaced = true;
    } else if (line.length > 0) out += line + "\n";
    i = next;
  }
  if (!replaced) out += entry;
  return out;
}

// ---- checking a request ------------------------------------------------------------------------

export type AuthResult =
  | { ok: true; user: string; scheme: "basic" | "digest" }
  /** stale: the digest nonce expired; re-challenge with stale=true */
  | { ok: false; stale?: boolean };

export interface AuthCheck {
  md5: Md5;
  realm: string;
  /** htdigest text (or a lookup function for large or remote stores) */
  passwords: string | ((user: string, realm: string) => string | undefined);
  nonces: DigestNonces;
  now: number;
  /** accept Basic credentials too (only sensible over a trusted link; default true) */
  allowBasic?: boolean;
}

function ha1For(check: AuthCheck, user: string): string | undefined {
  return typeof check.passwords === "string" ? htdigestLookup(check.passwords, user, check.realm) : check.passwords(user, check.realm)?.toLowerCase();
}

/**
 * mg_http_check_digest_auth / mg_check_digest_auth: verify an Authorization header for a
 * request with `method` and request-target `target`.
 */
export function checkAuthorization(authorization: string | undefined, method: string, target: string, check: AuthCheck): AuthResult {
  if (authorization === undefined) return { ok: false };
  // Header text arrives byte-per-char; the hashes are over the bytes, which are UTF-8.
  authorization = latin1ToUtf8(authorization);
  target = latin1ToUtf8(target);
  const digest = parseDigestAuth(authorization);
  if (digest) {
    if (digest.realm !== check.realm) return { ok: false };
    if (digest.algorithm !== undefined && digest.algorithm.toUpperCase() !== "MD5") return { ok: false };
    if (digest.qop !== undefined && digest.qop !== "auth") return { ok: false };
    // The credentials must be for this request, not replayed from another URI.
    if (digest.uri !== target) return { ok: false };
    const ha1 = ha1For(check, digest.username);
    if (ha1 === undefined) return { ok: false };
    const expected = digestResponse(check.md5, ha1, method, digest);
    if (!timingSafeEqual(digest.response.toLowerCase(), expected)) return { ok: false };
    const n = check.nonces.check(digest.nonce, check.now);
    if (n === "bad") return { ok: false };
    if (n === "stale") return { ok: false, stale: true };
    return { ok: true, user: digest.username, scheme: "digest" };
  }
  if (check.allowBasic ?? true) {
    const basic = parseBasicAuth(authorization);
    if (!basic.ok) return { ok: false };
    const ha1 = ha1For(check, basic.user);
    if (ha1 === undefined) return { ok: false };
    if (!timingSafeEqual(digestHa1(check.md5, basic.user, check.realm, basic.password), ha1)) return { ok: false };
    return { ok: true, user: basic.user, scheme: "basic" };
  }
  return { ok: false };
}

/** Latin-1 header text (as the parser hands it) read as UTF-8, for user names with non-ASCII. */
export function latin1ToUtf8(s: string): string {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) {
      const b = new Uint8Array(s.length);
      for (let k = 0; k < s.length; k++) b[k] = s.charCodeAt(k) & 0xff;
      return utf8Decode(b);
    }
  }
  return s;
}
