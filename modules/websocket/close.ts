// Close frame payloads (RFC 6455 5.5.1, 7.4): an optional 2-byte status code followed by an
// optional UTF-8 reason, 125 bytes at most in all.

import { utf8Decode, utf8Length, utf8Write } from "../util/utf8";
import { isValidUtf8 } from "../util/utf8-validate";

export const CloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 1002,
  UNSUPPORTED_DATA: 1003,
  /** reported locally when a close frame carried no code; never sent */
  NO_STATUS: 1005,
  /** reported locally when the connection dropped without a close frame; never sent */
  ABNORMAL: 1006,
  INVALID_PAYLOAD: 1007,
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  MANDATORY_EXTENSION: 1010,
  INTERNAL_ERROR: 1011,
} as const;

/** Codes a peer may put on the wire: the registered ones (1004-1006 and 1015 are reserved
 *  for local use) and the ranges for libraries (3000-3999) and applications (4000-4999). */
export function isValidCloseCode(code: number): boolean {
  if (code >= 3000 && code <= 4999) return true;
  return code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006;
}

export const MAX_CLOSE_REASON = 123;

export type ClosePayload = { code: number; reason: string } | { error: number; message: string };

/** Parse a close frame payload; a missing code reads as 1005. Errors carry the close code
 *  the receiver must answer with (1002 for a bad code, 1007 for a reason that is not UTF-8). */
export function parseClosePayload(b: Uint8Array): ClosePayload {
  if (b.length === 0) return { code: CloseCode.NO_STATUS, reason: "" };
  if (b.length === 1) return { error: CloseCode.PROTOCOL_ERROR, message: "close payload of 1 byte" };
  if (b.length > 125) return { error: CloseCode.PROTOCOL_ERROR, message: "close payload over 125 bytes" };
  const code = (b[0] << 8) | b[1];
  if (!isValidCloseCode(code)) return { error: CloseCode.PROTOCOL_ERROR, message: `invalid close code ${code}` };
  if (!isValidUtf8(b, 2)) return { error: CloseCode.INVALID_PAYLOAD, message: "close reason is not UTF-8" };
  return { code, reason: utf8Decode(b, 2) };
}

/** Build a close payload. A reason too long for a control frame is cut at a code point. */
export function encodeClosePayload(code?: number, reason = ""): Uint8Array {
  if (code === undefined || code === CloseCode.NO_STATUS) return new Uint8Array(0);
  // No more UTF-16 units than bytes can fit, and no high surrogate left without its pair.
  let r = reason.length > MAX_CLOSE_REASON ? reason.slice(0, MAX_CLOSE_REASON) : reason;
  if (r.length > 0 && (r.charCodeAt(r.length - 1) & 0xfc00) === 0xd800) r = r.slice(0, -1);
  while (utf8Length(r) > MAX_CLOSE_REASON) {
    let cut = r.length - 1;
    // Keep surrogate pairs whole so the cut never leaves half a character.
    if (cut > 0 && (r.charCodeAt(cut) & 0xfc00) === 0xdc00) cut--;
    r = r.slice(0, cut);
  }
  const out = new Uint8Array(2 + utf8Length(r));
  out[0] = code >> 8;
  out[1] = code & 0xff;
  utf8Write(r, out, 2);
  return out;
}
