// URI parsing and assembly in the shape of Mongoose's mg_parse_uri / mg_assemble_uri:
//   [scheme://[user[:password]@]]host[:port][/path][?query][#fragment]
// plus the RFC 3986 forms without an authority ("mailto:a@b", "urn:x:y") and origin-form
// request targets ("/path?query"). Components are returned as they appear (still
// percent-encoded); errors name the component and offset.
import { isIPv6, isIPv4 } from "../core/address";

export interface Uri {
  /** lower-cased; "" when absent */
  scheme: string;
  user: string;
  password: string;
  /** IPv6 literals without their brackets; "" when absent */
  host: string;
  /** 0 when absent */
  port: number;
  /** with its leading '/' when there is an authority; "" when absent */
  path: string;
  /** without the '?' */
  query: string;
  /** without the '#' */
  fragment: string;
}

export type UriResult = { ok: true; uri: Uri } | { ok: false; error: string };

export const MAX_URI_LENGTH = 8192;

function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

// RFC 3986 character classes as bit flags over ASCII.
const UNRESERVED = 1;
const SUB_DELIM = 2;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if (isAlpha(c) || isDigit(c) || c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e) CLASS[c] |= UNRESERVED;
}
for (const ch of "!$&'()*+,;=") CLASS[ch.charCodeAt(0)] |= SUB_DELIM;

/** unreserved / pct-encoded / sub-delims / `extra`, checked over s[start, end). */
function firstBad(s: string, start: number, end: number, extra: string): number {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      if (i + 2 >= end || !isHex(s.charCodeAt(i + 1)) || !isHex(s.charCodeAt(i + 2))) return i;
      i += 2;
      continue;
    }
    if (c < 128 && CLASS[c] !== 0) continue;
    if (extra.indexOf(s[i]) >= 0) continue;
    return i;
  }
  return -1;
}

function isScheme(s: string): boolean {
  if (s.length === 0 || !isAlpha(s.charCodeAt(0))) return false;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isAlpha(c) && !isDigit(c) && c !== 0x2b && c !== 0x2d && c !== 0x2e) return false;
  }
  return true;
}

function allDigits(s: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

function fail(error: string): UriResult {
  return { ok: false, error };
}

/** Index of the first of `chars` in s[start..], or s.length. */
function findAny(s: string, start: number, chars: string): number {
  for (let i = start; i < s.length; i++) if (chars.indexOf(s[i]) >= 0) return i;
  return s.length;
}

/** Parse "[user[:password]@]host[:port]" from s[start, end) into `u`. */
function parseAuthority(s: string, start: number, end: number, u: Uri): string | undefined {
  let hostStart = start;
  const at = s.lastIndexOf("@", end - 1);
  if (at >= start) {
    const bad = firstBad(s, start, at, ":");
    if (bad >= 0) return `bad character in user info at offset ${bad}`;
    const colon = s.indexOf(":", start);
    if (colon >= 0 && colon < at) {
      u.user = s.slice(start, colon);
      u.password = s.slice(colon + 1, at);
    } else u.user = s.slice(start, at);
    hostStart = at + 1;
  }
  let portStart = -1;
  if (s.charCodeAt(hostStart) === 0x5b) {
    const close = s.indexOf("]", hostStart);
    if (close < 0 || close >= end) return `unterminated IPv6 literal at offset ${hostStart}`;
    const literal = s.slice(hostStart + 1, close);
    if (!isIPv6(literal)) return `bad IPv6 literal "[${literal}]" at offset ${hostStart}`;
    u.host = literal;
    if (close + 1 < end) {
      if (s.charCodeAt(close + 1) !== 0x3a) return `junk after IPv6 literal at offset ${close + 1}`;
      portStart = close + 2;
    }
  } else {
    const colon = s.indexOf(":", hostStart);
    const hostEnd = colon >= 0 && colon < end ? colon : end;
    const bad = firstBad(s, hostStart, hostEnd, "");
    if (bad >= 0) return `bad character in host at offset ${bad}`;
    u.host = s.slice(hostStart, hostEnd);
    if (hostEnd < end) portStart = hostEnd + 1;
  }
  if (portStart >= 0 && portStart < end) {
    if (!allDigits(s, portStart, end) || end - portStart > 5) return `bad port "${s.slice(portStart, end)}" at offset ${portStart}`;
    const port = Number(s.slice(portStart, end));
    if (port > 65535) return `port ${port} out of range 0..65535 at offset ${portStart}`;
    u.port = port;
  }
  return undefined;
}

/** Parse path, query and fragment from s[start..] into `u`. */
function parseRest(s: string, start: number, u: Uri): string | undefined {
  const hash = s.indexOf("#", start);
  const end = hash >= 0 ? hash : s.length;
  const q = s.indexOf("?", start);
  const pathEnd = q >= 0 && q < end ? q : end;
  let bad = firstBad(s, start, pathEnd, ":@/");
  if (bad >= 0) return `bad character in path at offset ${bad}`;
  u.path = s.slice(start, pathEnd);
  if (pathEnd < end) {
    bad = firstBad(s, pathEnd + 1, end, ":@/?");
    if (bad >= 0) return `bad character in query at offset ${bad}`;
    u.query = s.slice(pathEnd + 1, end);
  }
  if (hash >= 0) {
    bad = firstBad(s, hash + 1, s.length, ":@/?");
    if (bad >= 0) return `bad character in fragment at offset ${bad}`;
    u.fragment = s.slice(hash + 1);
  }
  return undefined;
}

export function parseUri(text: string): UriResult {
  if (typeof text !== "string") return fail("URI must be a string");
  if (text.length === 0) return fail("empty URI");
  if (text.length > MAX_URI_LENGTH) return fail(`URI longer than ${MAX_URI_LENGTH} characters`);
  const u: Uri = { scheme: "", user: "", password: "", host: "", port: 0, path: "", query: "", fragment: "" };
  let err: string | undefined;
  const sep = text.indexOf("://");
  const firstDelim = findAny(text, 0, "/?#");
  if (sep >= 0 && sep < firstDelim) {
    const scheme = text.slice(0, sep);
    if (!isScheme(scheme)) return fail(`bad scheme "${scheme}"`);
    u.scheme = scheme.toLowerCase();
    const authStart = sep + 3;
    const authEnd = findAny(text, authStart, "/?#");
    err = parseAuthority(text, authStart, authEnd, u);
    if (err === undefined) err = parseRest(text, authEnd, u);
  } else if (text.charCodeAt(0) === 0x2f) {
    // origin-form request target, or "//host/path" (network-path reference)
    if (text.charCodeAt(1) === 0x2f) {
      const authEnd = findAny(text, 2, "/?#");
      err = parseAuthority(text, 2, authEnd, u);
      if (err === undefined) err = parseRest(text, authEnd, u);
    } else err = parseRest(text, 0, u);
  } else {
    const colon = text.indexOf(":");
    const hostLike = colon < 0 || colon > firstDelim || allDigits(text, colon + 1, findAny(text, colon + 1, "/?#"));
    if (hostLike || !isScheme(text.slice(0, colon))) {
      // Mongoose's "host[:port][/path]" without a scheme.
      err = parseAuthority(text, 0, firstDelim, u);
      if (err === undefined) err = parseRest(text, firstDelim, u);
    } else {
      // "mailto:a@b", "urn:a:b": a scheme and an opaque path, no authority.
      u.scheme = text.slice(0, colon).toLowerCase();
      err = parseRest(text, colon + 1, u);
    }
  }
  if (err !== undefined) return fail(err);
  if (u.host.length === 0 && (u.user.length > 0 || u.password.length > 0 || u.port !== 0)) return fail("user info or port without a host");
  return { ok: true, uri: u };
}

/**
 * RFC 3986 section 5.2.4 remove_dot_segments: "/a/b/../c/./d" -> "/a/c/d". ".." never climbs above
 * the root, which is what keeps a static file server inside its document root.
 */
export function removeDotSegments(path: string): string {
  const absolute = path.charCodeAt(0) === 0x2f;
  const out: string[] = [];
  const segs = path.split("/");
  for (let i = absolute ? 1 : 0; i < segs.length; i++) {
    const seg = segs[i];
    const last = i === segs.length - 1;
    if (seg === "..") {
      if (out.length > 0) out.pop();
      if (last) out.push("");
    } else if (seg === ".") {
      if (last) out.push("");
    } else out.push(seg);
  }
  return (absolute ? "/" : "") + out.join("/");
}

export interface AssembleOptions {
  /** resolve "." and ".." segments in the path, like mg_assemble_uri's normalize_path */
  normalizePath?: boolean;
}

/** Build a URI string from parts; the inverse of parseUri for what parseUri returns. */
export function assembleUri(parts: Partial<Uri>, opts?: AssembleOptions): { ok: true; value: string } | { ok: false; error: string } {
  const scheme = parts.scheme ?? "";
  const user = parts.user ?? "";
  const password = parts.password ?? "";
  const host = parts.host ?? "";
  const port = parts.port ?? 0;
  let path = parts.path ?? "";
  const query = parts.query ?? "";
  const fragment = parts.fragment ?? "";
  if (scheme.length > 0 && !isScheme(scheme)) return { ok: false, error: `bad scheme "${scheme}"` };
  if (!Number.isInteger(port) || port < 0 || port > 65535) return { ok: false, error: `port ${port} out of range 0..65535` };
  if (host.length === 0 && (user.length > 0 || password.length > 0 || port !== 0)) return { ok: false, error: "user info or port without a host" };
  const ipv6 = host.indexOf(":") >= 0;
  if (ipv6 && !isIPv6(host)) return { ok: false, error: `bad IPv6 host "${host}"` };
  if (!ipv6 && firstBad(host, 0, host.length, "") >= 0) return { ok: false, error: `bad character in host "${host}"` };
  if (firstBad(user, 0, user.length, "") >= 0) return { ok: false, error: `bad character in user "${user}"` };
  if (firstBad(password, 0, password.length, ":") >= 0) return { ok: false, error: `bad character in password` };
  if (host.length > 0 && path.length > 0 && path.charCodeAt(0) !== 0x2f) return { ok: false, error: `path "${path}" must begin with "/" after a host` };
  if (opts?.normalizePath) path = removeDotSegments(path);
  if (firstBad(path, 0, path.length, ":@/") >= 0) return { ok: false, error: `bad character in path "${path}"` };
  if (firstBad(query, 0, query.length, ":@/?") >= 0) return { ok: false, error: `bad character in query "${query}"` };
  if (firstBad(fragment, 0, fragment.length, ":@/?") >= 0) return { ok: false, error: `bad character in fragment "${fragment}"` };
  let s = "";
  if (scheme.length > 0) s += scheme + (host.length > 0 ? "://" : ":");
  // Without a scheme "user:pw@host" would read as scheme "user"; "//" marks the authority.
  else if (user.length > 0 || password.length > 0) s += "//";
  if (host.length > 0) {
    if (user.length > 0 || password.length > 0) s += user + (password.length > 0 ? ":" + password : "") + "@";
    s += ipv6 ? `[${host}]` : host;
    if (port !== 0) s += ":" + port;
  }
  s += path;
  if (query.length > 0) s += "?" + query;
  if (fragment.length > 0) s += "#" + fragment;
  return { ok: true, value: s };
}

/** True for a host that is an IP literal rather than a name to resolve. */
export function isIpLiteral(host: string): boolean {
  return isIPv4(host) || isIPv6(host);
}
