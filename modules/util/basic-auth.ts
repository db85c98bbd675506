// HTTP Basic authentication credentials (RFC 7617): build "Basic base64(user:pass)" like
// mg_basic_auth_header, and parse it back like mg_parse_http_basic_auth, refusing anything
// malformed rather than passing half-decoded bytes to a password check.
import { base64Decode, base64EncodeString } from "./base64";
import { utf8Decode } from "./utf8";
import { isValidUtf8 } from "./utf8-validate";

/** Credentials longer than this are refused before decoding; no real client sends more. */
export const MAX_BASIC_CREDENTIALS = 1024;

export type BasicAuthResult =
  | { ok: true; user: string; password: string }
  | { ok: false; error: string };

/**
 * The Authorization header value for `user` and `password`. With `password` undefined, `user` is
 * taken as an already-joined "user:pass" pair (mg_basic_auth_header's NULL pass).
 */
export function basicAuthHeader(user: string, password?: string): string {
  return "Basic " + base64EncodeString(password === undefined ? user : `${user}:${password}`);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** Parse an Authorization header value ("Basic dXNlcjpwYXNz"). */
export function parseBasicAuth(value: string): BasicAuthResult {
  let i = 0;
  let end = value.length;
  while (i < end && isSpace(value.charCodeAt(i))) i++;
  while (end > i && isSpace(value.charCodeAt(end - 1))) end--;
  if (end - i < 6 || value.slice(i, i + 5).toLowerCase() !== "basic" || !isSpace(value.charCodeAt(i + 5))) {
    return { ok: false, error: "not Basic credentials" };
  }
  i += 6;
  while (i < end && isSpace(value.charCodeAt(i))) i++;
  if (i === end) return { ok: false, error: "empty Basic credentials" };
  if (end - i > MAX_BASIC_CREDENTIALS) return { ok: false, error: `Basic credentials longer than ${MAX_BASIC_CREDENTIALS} characters` };
  const decoded = base64Decode(value.slice(i, end));
  if (!decoded.ok) return { ok: false, error: `bad base64 in Basic credentials (${decoded.error} at ${decoded.offset})` };
  const bytes = decoded.bytes;
  if (!isValidUtf8(bytes)) return { ok: false, error: "Basic credentials are not UTF-8" };
  const colon = bytes.indexOf(0x3a);
  if (colon < 0) return { ok: false, error: "Basic credentials lack ':' between user and password" };
  for (let k = 0; k < bytes.length; k++) {
    if (bytes[k] < 0x20 || bytes[k] === 0x7f) return { ok: false, error: "control character in Basic credentials" };
  }
  return { ok: true, user: utf8Decode(bytes, 0, colon), password: utf8Decode(bytes, colon + 1) };
}
