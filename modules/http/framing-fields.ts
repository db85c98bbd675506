// The header fields that decide how a message is framed and what happens to the connection
// (Content-Length, Transfer-Encoding, Connection, Upgrade, Expect, Host), read straight from the
// field bytes as each line completes, so a conflicting or malformed one is refused at once.

import { CHAR_CLASS, C_TOKEN, HTAB, SP } from "./chars";
import type { HttpErrorCode } from "./message";

export interface FieldError {
  readonly code: HttpErrorCode;
  readonly status: number;
  readonly reason: string;
}

const DUPLICATE_CL: FieldError = { code: "bad-content-length", status: 400, reason: "more than one Content-Length" };
const BAD_CL: FieldError = { code: "bad-content-length", status: 400, reason: "invalid Content-Length" };
const CL_AND_TE: FieldError = { code: "content-length-and-chunked", status: 400, reason: "Content-Length together with Transfer-Encoding" };
const BAD_TE: FieldError = { code: "bad-transfer-encoding", status: 400, reason: "invalid Transfer-Encoding" };
const CHUNKED_NOT_LAST: FieldError = { code: "bad-transfer-encoding", status: 400, reason: "a transfer coding after chunked" };

/** Content-Length beyond this cannot be counted exactly in a double. */
export const MAX_LENGTH = 0x1fffffffffffff;

function lowerIs(b: Uint8Array, s: number, e: number, word: string): boolean {
  if (e - s !== word.length) return false;
  for (let i = 0; i < word.length; i++) {
    let c = b[s + i];
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== word.charCodeAt(i)) return false;
  }
  return true;
}

function isWs(c: number): boolean {
  return c === SP || c === HTAB;
}

export class FramingFields {
  /** -1 when absent */
  contentLength = -1;
  transferEncoding = false;
  chunkedCount = 0;
  chunkedLast = false;
  /** a transfer coding other than chunked was listed */
  otherCoding = false;
  close = false;
  keepAlive = false;
  upgradeToken = false;
  upgradeField = false;
  expectContinue = false;
  hosts = 0;

  reset(): void {
    this.contentLength = -1;
    this.transferEncoding = false;
    this.chunkedCount = 0;
    this.chunkedLast = false;
    this.otherCoding = false;
    this.close = false;
    this.keepAlive = false;
    this.upgradeToken = false;
    this.upgradeField = false;
    this.expectContinue = false;
    this.hosts = 0;
  }

  /**
   * Take one field line: name bytes [ns, ne), value bytes [vs, ve) without surrounding OWS,
   * `rawEnd` where the value ended before trailing OWS was trimmed.
   */
  add(b: Uint8Array, ns: number, ne: number, vs: number, ve: number, rawEnd: number, request: boolean): FieldError | undefined {
    switch (b[ns] | 0x20) {
      case 0x63: // c
        if (lowerIs(b, ns, ne, "content-length")) return this.addContentLength(b, vs, ve);
        if (lowerIs(b, ns, ne, "connection")) this.addConnection(b, vs, ve);
        break;
      case 0x74: // t
        if (lowerIs(b, ns, ne, "transfer-encoding")) return this.addTransferEncoding(b, vs, rawEnd, request);
        break;
      case 0x75: // u
        if (lowerIs(b, ns, ne, "upgrade")) this.upgradeField = true;
        break;
      case 0x65: // e
        if (lowerIs(b, ns, ne, "expect") && lowerIs(b, vs, ve, "100-continue")) this.expectContinue = true;
        break;
      case 0x68: // h
        if (lowerIs(b, ns, ne, "host")) this.hosts++;
        break;
    }
    return undefined;
  }

  private addContentLength(b: Uint8Array, vs: number, ve: number): FieldError | undefined {
    // A repeated Content-Length is refused even with an equal value, as llhttp does: it is
    // the classic desync lever, and no honest sender repeats it.
    if (this.contentLength >= 0) return DUPLICATE_CL;
    if (this.transferEncoding) return CL_AND_TE;
    if (vs === ve) return BAD_CL;
    let v = 0;
    for (let i = vs; i < ve; i++) {
      const c = b[i];
      if (c < 0x30 || c > 0x39) return BAD_CL;
      v = v * 10 + (c - 0x30);
      if (v > MAX_LENGTH) return BAD_CL;
    }
    this.contentLength = v;
    return undefined;
  }

  private addTransferEncoding(b: Uint8Array, vs: number, ve: number, request: boolean): FieldError | undefined {
    if (this.contentLength >= 0) return CL_AND_TE;
    this.transferEncoding = true;
    let i = vs;
    while (i <= ve) {
      // one list element: OWS token [OWS ";" parameters] OWS
      while (i < ve && isWs(b[i])) i++;
      if (i === ve || b[i] === 0x2c) {
        i++; // empty element (RFC 9110 §5.6.1: ignored)
        continue;
      }
      const s = i;
      while (i < ve && CHAR_CLASS[b[i]] & C_TOKEN) i++;
      const e = i;
      if (e === s) return BAD_TE;
      // "chunked<HTAB>" is valid OWS to RFC 9110 but not chunked to llhttp (Node): two parsers
      // disagreeing on chunked is a desync, so refuse it rather than pick a side
      while (i < ve && isWs(b[i])) if (b[i++] === HTAB) return BAD_TE;
      let params = false;
      if (i < ve && b[i] === 0x3b) {
        params = true;
        while (i < ve && b[i] !== 0x2c) i++;
      }
      if (i < ve && b[i] !== 0x2c) return BAD_TE;
      i++;
      // RFC 9112 §6.1: in a request, chunked is the final coding and is applied once
      if (request && this.chunkedLast) return CHUNKED_NOT_LAST;
      if (!params && lowerIs(b, s, e, "chunked")) {
        this.chunkedCount++;
        this.chunkedLast = true;
      } else {
        this.otherCoding = true;
        this.chunkedLast = false;
      }
    }
    return undefined;
  }

  private addConnection(b: Uint8Array, vs: number, ve: number): void {
    let s = vs;
    for (let i = vs; i <= ve; i++) {
      if (i < ve && b[i] !== 0x2c) continue;
      let a = s;
      let e = i;
      while (a < e && isWs(b[a])) a++;
      while (e > a && isWs(b[e - 1])) e--;
      if (lowerIs(b, a, e, "close")) this.close = true;
      else if (lowerIs(b, a, e, "keep-alive")) this.keepAlive = true;
      else if (lowerIs(b, a, e, "upgrade")) this.upgradeToken = true;
      s = i + 1;
    }
  }
}
