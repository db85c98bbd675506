// WebSocket framing (RFC 6455 section 5), pure: no connection, no I/O.
//
// FrameDecoder is incremental: it is handed whatever bytes have arrived and reports one step at
// a time. Data frame payloads stream out as views of the caller's buffer, unmasked in place, so
// a large message is never copied by the decoder; control frames (at most 125 bytes) are
// gathered in a small scratch buffer and reported whole. Every rule a receiver must enforce is
// checked here, with the close code the RFC asks for, as early as the offending byte arrives:
// reserved bits, unknown opcodes, fragmented or oversized control frames, masking direction,
// fragment sequencing, the configured message size bound, UTF-8 in text messages (streaming,
// across frame boundaries) and close frame payloads.

import { CloseCode, parseClosePayload } from "./close";
import { Utf8Validator } from "./utf8-validator";
import { utf8Length, utf8Write } from "../util/utf8";

export const Opcode = {
  CONTINUATION: 0x0,
  TEXT: 0x1,
  BINARY: 0x2,
  CLOSE: 0x8,
  PING: 0x9,
  PONG: 0xa,
} as const;

export function isControlOpcode(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}

export function isKnownOpcode(opcode: number): boolean {
  return opcode <= 2 || (opcode >= 8 && opcode <= 10);
}

export const MAX_CONTROL_PAYLOAD = 125;
/** header bytes: 2, plus 2 or 8 for the extended length, plus 4 for a mask key */
export const MAX_HEADER_SIZE = 14;

// ---------------------------------------------------------------------------------------------
// Encoding

export function frameHeaderSize(payloadLength: number, masked: boolean): number {
  return (payloadLength < 126 ? 2 : payloadLength < 0x10000 ? 4 : 10) + (masked ? 4 : 0);
}

/**
 * Write a frame header into `out` at `offset`; returns the offset after it. `mask` (4 bytes)
 * is written as the masking key when given; the payload must then be masked with applyMask.
 * `rsv` is the three reserved bits (0..7), for extensions and for tests of peers.
 */
export function writeFrameHeader(
  out: Uint8Array,
  offset: number,
  fin: boolean,
  opcode: number,
  payloadLength: number,
  mask?: Uint8Array,
  rsv = 0,
): number {
  let o = offset;
  out[o++] = (fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0f);
  const m = mask ? 0x80 : 0;
  if (payloadLength < 126) out[o++] = m | payloadLength;
  else if (payloadLength < 0x10000) {
    out[o++] = m | 126;
    out[o++] = payloadLength >> 8;
    out[o++] = payloadLength & 0xff;
  } else {
    out[o++] = m | 127;
    const hi = Math.floor(payloadLength / 0x100000000);
    const lo = payloadLength >>> 0;
    out[o++] = hi >>> 24;
    out[o++] = (hi >>> 16) & 0xff;
    out[o++] = (hi >>> 8) & 0xff;
    out[o++] = hi & 0xff;
    out[o++] = lo >>> 24;
    out[o++] = (lo >>> 16) & 0xff;
    out[o++] = (lo >>> 8) & 0xff;
    out[o++] = lo & 0xff;
  }
  if (mask) {
    out[o++] = mask[0];
    out[o++] = mask[1];
    out[o++] = mask[2];
    out[o++] = mask[3];
  }
  return o;
}

/** XOR bytes [start, end) of `b` with the masking key; `phase` is the key index of b[start]. */
export function applyMask(b: Uint8Array, start: number, end: number, mask: Uint8Array, phase = 0): void {
  let i = start;
  let p = phase & 3;
  while (i < end && p !== 0) {
    b[i++] ^= mask[p];
    p = (p + 1) & 3;
  }
  const m0 = mask[0];
  const m1 = mask[1];
  const m2 = mask[2];
  const m3 = mask[3];
  const end4 = end - ((end - i) & 3);
  while (i < end4) {
    b[i] ^= m0;
    b[i + 1] ^= m1;
    b[i + 2] ^= m2;
    b[i + 3] ^= m3;
    i += 4;
  }
  while (i < end) {
    b[i] ^= mask[p];
    p = (p + 1) & 3;
    i++;
  }
}

export interface EncodeFrameOptions {
  /** default true */
  fin?: boolean;
  /** masking key (4 bytes); clients must mask every frame */
  mask?: Uint8Array;
  rsv?: number;
}

/** A whole frame in a new buffer (for control frames, tests and one-off sends). */
export function encodeFrame(opcode: number, payload: Uint8Array | string, options: EncodeFrameOptions = {}): Uint8Array {
  const n = typeof payload === "string" ? utf8Length(payload) : payload.length;
  const h = frameHeaderSize(n, !!options.mask);
  const out = new Uint8Array(h + n);
  writeFrameHeader(out, 0, options.fin !== false, opcode, n, options.mask, options.rsv);
  if (typeof payload === "string") utf8Write(payload, out, h);
  else out.set(payload, h);
  if (options.mask) applyMask(out, h, h + n, options.mask);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Decoding

export const FrameStep = {
  /** every byte handed in was consumed (a partial header is kept); feed more */
  NEED_MORE: 0,
  /** a data frame header was read: fin, rsv, opcode, length describe it */
  HEADER: 1,
  /** `payload` is the next chunk of the current data frame, unmasked in the caller's buffer;
   *  `frameEnd` marks the frame's last chunk, `messageEnd` the message's */
  DATA: 2,
  /** a whole control frame: `opcode`, `payload`; for close, `closeCode`/`closeReason` */
  CONTROL: 3,
  /** the stream violates the protocol: `errorCode` is the close code to send, `errorMessage`
   *  says why. The decoder stays failed. */
  ERROR: 4,
} as const;
export type FrameStepValue = (typeof FrameStep)[keyof typeof FrameStep];

export interface FrameDecoderOptions {
  /** true for a server (client frames must be masked), false for a client (server frames
   *  must not be) */
  expectMasked: boolean;
  /** largest message payload accepted, fragments summed (and so the largest frame) */
  maxMessageSize: number;
  /** reserved bits a negotiated extension gives meaning to (bitmask 0..7); none by default */
  allowedRsv?: number;
  /** check text messages are UTF-8 while they stream in (default true) */
  validateUtf8?: boolean;
}

const EMPTY = new Uint8Array(0);

export class FrameDecoder {
  step: FrameStepValue = FrameStep.NEED_MORE;
  // The current frame.
  fin = false;
  rsv = 0;
  opcode = 0;
  masked = false;
  /** payload length of the current frame */
  length = 0;
  // Step results.
  payload: Uint8Array = EMPTY;
  frameEnd = false;
  messageEnd = false;
  closeCode = 0;
  closeReason = "";
  errorCode = 0;
  errorMessage = "";
  /** TEXT or BINARY while a message is in progress (its first frame's opcode), else 0 */
  messageOpcode = 0;
  /** payload bytes of the current message announced so far */
  messageLength = 0;

  private readonly expectMasked: boolean;
  private readonly maxMessageSize: number;
  private readonly allowedRsv: number;
  private readonly validateUtf8: boolean;
  private readonly header = new Uint8Array(MAX_HEADER_SIZE);
  private headerHave = 0;
  private lengthChecked = false;
  private inPayload = false;
  private remaining = 0;
  private readonly mask = new Uint8Array(4);
  private maskPhase = 0;
  /** a control frame's payload, gathered across reads; made for the first one that has a payload
   * (most connections never receive one, and it is 125 bytes plus a typed array's slots) */
  private control: Uint8Array | undefined;
  private controlHave = 0;
  private readonly utf8 = new Utf8Validator();

  constructor(options: FrameDecoderOptions) {
    this.expectMasked = options.expectMasked;
    this.maxMessageSize = options.maxMessageSize;
    this.allowedRsv = options.allowedRsv ?? 0;
    this.validateUtf8 = options.validateUtf8 !== false;
  }

  get failed(): boolean {
    return this.errorCode !== 0;
  }

  /**
   * Decode from bytes [start, end) of `buf`; returns how many were consumed and sets `step`.
   * Call again with the rest until the step is NEED_MORE. Data payloads are unmasked in place,
   * so `buf` must be writable and not reused until the step's `payload` has been used.
   */
  next(buf: Uint8Array, start: number, end: number): number {
    this.payload = EMPTY;
    this.frameEnd = false;
    this.messageEnd = false;
    if (this.errorCode !== 0) {
      this.step = FrameStep.ERROR;
      return 0;
    }
    if (!this.inPayload) return this.readHeader(buf, start, end);
    return this.readPayload(buf, start, end);
  }

  private fail(code: number, message: string): void {
    this.errorCode = code;
    this.errorMessage = message;
    this.step = FrameStep.ERROR;
  }

  private readHeader(buf: Uint8Array, start: number, end: number): number {
    const h = this.header;
    let i = start;
    if (this.headerHave < 2) {
      while (this.headerHave < 2 && i < end) h[this.headerHave++] = buf[i++];
      if (this.headerHave < 2) {
        this.step = FrameStep.NEED_MORE;
        return i - start;
      }
      if (!this.checkFirstBytes(h[0], h[1])) return i - start;
    }
    // Gather the extended length and check it before the mask key, so an oversized or
    // malformed length fails as soon as it can be read.
    const len7 = h[1] & 0x7f;
    const lengthEnd = len7 === 126 ? 4 : len7 === 127 ? 10 : 2;
    const need = lengthEnd + (this.masked ? 4 : 0);
    while (this.headerHave < need && i < end) h[this.headerHave++] = buf[i++];
    let length = len7;
    if (len7 === 126) length = (h[2] << 8) | h[3];
    else if (len7 === 127 && this.headerHave >= lengthEnd) {
      const hi = ((h[2] << 24) | (h[3] << 16) | (h[4] << 8) | h[5]) >>> 0;
      const lo = ((h[6] << 24) | (h[7] << 16) | (h[8] << 8) | h[9]) >>> 0;
      length = hi * 0x100000000 + lo;
    }
    if (!this.lengthChecked && this.headerHave >= lengthEnd) {
      this.lengthChecked = true;
      if (!this.checkLength(length)) return i - start;
    }
    if (this.headerHave < need) {
      this.step = FrameStep.NEED_MORE;
      return i - start;
    }
    if (this.masked) {
      this.mask[0] = h[lengthEnd];
      this.mask[1] = h[lengthEnd + 1];
      this.mask[2] = h[lengthEnd + 2];
      this.mask[3] = h[lengthEnd + 3];
    }
    this.headerHave = 0;
    this.lengthChecked = false;
    this.length = length;
    this.remaining = length;
    this.maskPhase = 0;
    this.inPayload = true;
    if (isControlOpcode(this.opcode)) {
      // Control frames are reported whole; an empty one is complete already.
      this.controlHave = 0;
      if (length === 0) return i - start + this.finishControl();
      return i - start + this.readPayload(buf, i, end);
    }
    if (this.opcode !== Opcode.CONTINUATION) {
      this.messageOpcode = this.opcode;
      this.messageLength = 0;
      this.utf8.reset();
    }
    this.messageLength += length;
    this.step = FrameStep.HEADER;
    return i - start;
  }

  /** Checks on the payload length, as soon as its bytes are in. */
  private checkLength(length: number): boolean {
    if (this.header[1] === (this.masked ? 0xff : 0x7f) && this.header[2] & 0x80) {
      this.fail(CloseCode.PROTOCOL_ERROR, "64-bit length with the most significant bit set");
    } else if (!isControlOpcode(this.opcode)) {
      // A continuation adds to the message so far; a new message starts from nothing.
      const before = this.opcode === Opcode.CONTINUATION ? this.messageLength : 0;
      if (before + length > this.maxMessageSize) this.fail(CloseCode.MESSAGE_TOO_BIG, `message over ${this.maxMessageSize} bytes`);
    }
    return this.errorCode === 0;
  }

  /** Checks that need only the first two header bytes, so a bad stream fails at once. */
  private checkFirstBytes(b0: number, b1: number): boolean {
    this.fin = (b0 & 0x80) !== 0;
    this.rsv = (b0 >> 4) & 7;
    this.opcode = b0 & 0x0f;
    this.masked = (b1 & 0x80) !== 0;
    const len7 = b1 & 0x7f;
    if ((this.rsv & ~this.allowedRsv) !== 0) {
      this.fail(CloseCode.PROTOCOL_ERROR, `reserved bits ${this.rsv} set without an extension`);
    } else if (!isKnownOpcode(this.opcode)) {
      this.fail(CloseCode.PROTOCOL_ERROR, `unknown opcode ${this.opcode}`);
    } else if (this.masked !== this.expectMasked) {
      this.fail(CloseCode.PROTOCOL_ERROR, this.expectMasked ? "unmasked frame from a client" : "masked frame from a server");
    } else if (isControlOpcode(this.opcode)) {
      if (!this.fin) this.fail(CloseCode.PROTOCOL_ERROR, "fragmented control frame");
      else if (len7 > MAX_CONTROL_PAYLOAD) this.fail(CloseCode.PROTOCOL_ERROR, "control frame over 125 bytes");
    } else if (this.opcode === Opcode.CONTINUATION) {
      if (this.messageOpcode === 0) this.fail(CloseCode.PROTOCOL_ERROR, "continuation frame without a message to continue");
    } else if (this.messageOpcode !== 0) {
      this.fail(CloseCode.PROTOCOL_ERROR, "new data frame inside a fragmented message");
    }
    return this.errorCode === 0;
  }

  private readPayload(buf: Uint8Array, start: number, end: number): number {
    const n = Math.min(this.remaining, end - start);
    if (isControlOpcode(this.opcode)) {
      (this.control ??= new Uint8Array(MAX_CONTROL_PAYLOAD)).set(buf.subarray(start, start + n), this.controlHave);
      this.controlHave += n;
      this.remaining -= n;
      if (this.remaining > 0) {
        this.step = FrameStep.NEED_MORE;
        return n;
      }
      return n + this.finishControl();
    }
    if (n === 0 && this.remaining > 0) {
      this.step = FrameStep.NEED_MORE;
      return 0;
    }
    if (this.masked) {
      applyMask(buf, start, start + n, this.mask, this.maskPhase);
      this.maskPhase = (this.maskPhase + n) & 3;
    }
    this.remaining -= n;
    this.payload = buf.subarray(start, start + n);
    this.frameEnd = this.remaining === 0;
    this.messageEnd = this.frameEnd && this.fin;
    if (this.frameEnd) this.inPayload = false;
    if (this.validateUtf8 && this.messageOpcode === Opcode.TEXT) {
      if (!this.utf8.write(buf, start, start + n)) {
        this.fail(CloseCode.INVALID_PAYLOAD, "text message is not UTF-8");
        return n;
      }
      if (this.messageEnd && !this.utf8.complete) {
        this.fail(CloseCode.INVALID_PAYLOAD, "text message ends inside a UTF-8 sequence");
        return n;
      }
    }
    if (this.messageEnd) {
      this.messageOpcode = 0;
      this.messageLength = 0;
    }
    this.step = FrameStep.DATA;
    return n;
  }

  /** The whole control payload is in `control`: unmask, validate a close, report. */
  private finishControl(): number {
    this.inPayload = false;
    const p = this.control ? this.control.subarray(0, this.controlHave) : EMPTY;
    if (this.masked) applyMask(p, 0, p.length, this.mask);
    this.payload = p;
    this.frameEnd = true;
    if (this.opcode === Opcode.CLOSE) {
      const c = parseClosePayload(p);
      if ("error" in c) {
        this.fail(c.error, c.message);
        return 0;
      }
      this.closeCode = c.code;
      this.closeReason = c.reason;
    }
    this.step = FrameStep.CONTROL;
    return 0;
  }
}
