// The frame codec on its own: header encodings at every length boundary, masking, incremental
// decoding at any split, and the receiver's checks with their close codes.
import { assert, assertEqual, type Case, type SuiteFactory } from "../shared/suite";
import {
  applyMask,
  encodeFrame,
  FrameDecoder,
  FrameStep,
  frameHeaderSize,
  Opcode,
  writeFrameHeader,
  type FrameDecoderOptions,
} from "../../modules/websocket/frame";
import { encodeClosePayload, isValidCloseCode, parseClosePayload } from "../../modules/websocket/close";
import { utf8Decode, utf8Encode } from "../../modules/util/utf8";
import { concat } from "./conformance-cases";

const MASK = new Uint8Array([0x37, 0xfa, 0x21, 0x3d]);

interface Decoded {
  frames: { opcode: number; fin: boolean; rsv: number; payload: Uint8Array }[];
  error?: number;
  message?: string;
}

/** Decode `input` fed in pieces of `piece` bytes (0: all at once), collecting whole frames. */
function decode(input: Uint8Array, piece: number, options: Partial<FrameDecoderOptions> = {}): Decoded {
  const d = new FrameDecoder({ expectMasked: true, maxMessageSize: 1 << 20, ...options });
  const out: Decoded = { frames: [] };
  const data = input.slice(); // the decoder unmasks in place
  let current: Uint8Array[] = [];
  const step = piece > 0 ? piece : data.length || 1;
  for (let off = 0; off < data.length || off === 0; off += step) {
    const end = Math.min(data.length, off + step);
    let pos = off;
    for (;;) {
      pos += d.next(data, pos, end);
      if (d.step === FrameStep.NEED_MORE) break;
      if (d.step === FrameStep.ERROR) {
        out.error = d.errorCode;
        out.message = d.errorMessage;
        return out;
      }
      if (d.step === FrameStep.HEADER) current = [];
      else if (d.step === FrameStep.DATA) {
        current.push(d.payload.slice());
        if (d.frameEnd) out.frames.push({ opcode: d.opcode, fin: d.fin, rsv: d.rsv, payload: concat(current) });
      } else if (d.step === FrameStep.CONTROL) {
        out.frames.push({ opcode: d.opcode, fin: d.fin, rsv: d.rsv, payload: d.payload.slice() });
      }
    }
    if (data.length === 0) break;
  }
  return out;
}

function bytes(n: number, seed = 1): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

function hex(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += (x < 16 ? "0" : "") + x.toString(16);
  return s;
}

const suite: SuiteFactory = () => {
  const cases: Case[] = [];
  const add = (name: string, run: () => void) => cases.push({ name, run });

  // --- encoding -------------------------------------------------------------------------------
  add("RFC 6455 5.7 examples encode byte for byte", () => {
    assertEqual(hex(encodeFrame(Opcode.TEXT, "Hello")), "810548656c6c6f");
    assertEqual(hex(encodeFrame(Opcode.TEXT, "Hello", { mask: new Uint8Array([0x37, 0xfa, 0x21, 0x3d]) })), "818537fa213d7f9f4d5158");
    assertEqual(hex(encodeFrame(Opcode.TEXT, "Hel", { fin: false })), "010348656c");
    assertEqual(hex(encodeFrame(Opcode.CONTINUATION, "lo")), "80026c6f");
    assertEqual(hex(encodeFrame(Opcode.PING, "Hello")), "890548656c6c6f");
    assertEqual(hex(encodeFrame(Opcode.PONG, "Hello", { mask: MASK })), "8a8537fa213d7f9f4d5158");
  });

  add("length encodings switch at 126 and 65536", () => {
    const cases: [number, string][] = [
      [0, "8200"],
      [125, "827d"],
      [126, "827e007e"],
      [65535, "827effff"],
      [65536, "827f0000000000010000"],
      [0x1234567, "827f0000000001234567"],
    ];
    for (const [n, head] of cases) {
      const out = new Uint8Array(14);
      const end = writeFrameHeader(out, 0, true, Opcode.BINARY, n);
      assertEqual(hex(out.subarray(0, end)), head, `length ${n}`);
      assertEqual(frameHeaderSize(n, false), end, `size ${n}`);
      assertEqual(frameHeaderSize(n, true), end + 4, `masked size ${n}`);
    }
    const out = new Uint8Array(14);
    const end = writeFrameHeader(out, 0, true, Opcode.BINARY, 2 ** 40 + 5);
    assertEqual(hex(out.subarray(0, end)), "827f0000010000000005", "length past 32 bits");
  });

  add("applyMask is its own inverse at every phase and length", () => {
    const src = bytes(37, 7);
    for (let phase = 0; phase < 4; phase++) {
      for (let len = 0; len <= src.length; len++) {
        const b = src.slice(0, len);
        applyMask(b, 0, len, MASK, phase);
        for (let i = 0; i < len; i++) assertEqual(b[i], src[i] ^ MASK[(phase + i) & 3], `byte ${i} phase ${phase}`);
        applyMask(b, 0, len, MASK, phase);
        assertEqual(b, src.slice(0, len));
      }
    }
  });

  // --- decoding -------------------------------------------------------------------------------
  add("decodes every length class, masked, whole and split at every piece size", () => {
    for (const n of [0, 1, 125, 126, 127, 65535, 65536, 70000]) {
      const payload = bytes(n, n + 1);
      const wire = encodeFrame(Opcode.BINARY, payload, { mask: MASK });
      for (const piece of n > 1000 ? [0, 1, 7, 4096] : [0, 1, 2, 3, 5, 13]) {
        const r = decode(wire, piece);
        assertEqual(r.error, undefined, `length ${n} piece ${piece}: ${r.message}`);
        assertEqual(r.frames.length, 1, `length ${n} piece ${piece}`);
        assertEqual(r.frames[0].payload, payload, `length ${n} piece ${piece}`);
      }
    }
  });

  add("a client decoder takes unmasked frames and refuses masked ones", () => {
    const plain = encodeFrame(Opcode.TEXT, "hi");
    const r = decode(plain, 0, { expectMasked: false });
    assertEqual(r.frames.length, 1);
    assertEqual(utf8Decode(r.frames[0].payload), "hi");
    assertEqual(decode(encodeFrame(Opcode.TEXT, "hi", { mask: MASK }), 0, { expectMasked: false }).error, 1002);
  });

  add("a server decoder refuses unmasked frames with 1002", () => {
    assertEqual(decode(encodeFrame(Opcode.TEXT, "hi"), 0).error, 1002);
    assertEqual(decode(encodeFrame(Opcode.PING, ""), 0).error, 1002);
  });

  add("several frames in one buffer come out in order", () => {
    const wire = concat([
      encodeFrame(Opcode.TEXT, "one", { mask: MASK }),
      encodeFrame(Opcode.PING, "p", { mask: MASK }),
      encodeFrame(Opcode.BINARY, new Uint8Array([1, 2, 3]), { mask: MASK }),
    ]);
    for (const piece of [0, 1, 4]) {
      const r = decode(wire, piece);
      assertEqual(r.frames.map((f) => f.opcode), [1, 9, 2], `piece ${piece}`);
      assertEqual(utf8Decode(r.frames[0].payload), "one");
      assertEqual(utf8Decode(r.frames[1].payload), "p");
      assertEqual(r.frames[2].payload, new Uint8Array([1, 2, 3]));
    }
  });

  add("data payloads are views of the input, unmasked in place", () => {
    const wire = encodeFrame(Opcode.BINARY, new Uint8Array([9, 8, 7, 6, 5]), { mask: MASK });
    const d = new FrameDecoder({ expectMasked: true, maxMessageSize: 100 });
    let pos = d.next(wire, 0, wire.length);
    assertEqual(d.step, FrameStep.HEADER);
    assertEqual(d.length, 5);
    pos += d.next(wire, pos, wire.length);
    assertEqual(d.step, FrameStep.DATA);
    assert(d.payload.buffer === wire.buffer, "payload is a view of the input");
    assertEqual(d.payload, new Uint8Array([9, 8, 7, 6, 5]));
    assert(d.frameEnd && d.messageEnd, "one-frame message ends");
    assertEqual(pos, wire.length);
  });

  add("reserved bits fail with 1002 unless an extension allows them", () => {
    for (let rsv = 1; rsv < 8; rsv++) {
      const wire = encodeFrame(Opcode.TEXT, "x", { mask: MASK, rsv });
      assertEqual(decode(wire, 0).error, 1002, `rsv ${rsv}`);
    }
    const r = decode(encodeFrame(Opcode.TEXT, "x", { mask: MASK, rsv: 4 }), 0, { allowedRsv: 4 });
    assertEqual(r.error, undefined);
    assertEqual(r.frames[0].rsv, 4);
  });

  add("reserved opcodes fail with 1002", () => {
    for (const op of [3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf]) {
      assertEqual(decode(encodeFrame(op, "", { mask: MASK }), 0).error, 1002, `opcode ${op}`);
    }
  });

  add("control frames: over 125 bytes or fragmented fail with 1002, 125 passes", () => {
    assertEqual(decode(encodeFrame(Opcode.PING, bytes(126), { mask: MASK }), 0).error, 1002);
    assertEqual(decode(encodeFrame(Opcode.PONG, bytes(126), { mask: MASK }), 0).error, 1002);
    assertEqual(decode(encodeFrame(Opcode.PING, "x", { mask: MASK, fin: false }), 0).error, 1002);
    const r = decode(encodeFrame(Opcode.PING, bytes(125), { mask: MASK }), 1);
    assertEqual(r.frames[0].payload, bytes(125));
  });

  add("the error is reported on the first two bytes, before the rest arrives", () => {
    const d = new FrameDecoder({ expectMasked: true, maxMessageSize: 100 });
    d.next(new Uint8Array([0x81 | 0x40, 0x80 | 126]), 0, 2);
    assertEqual(d.step, FrameStep.ERROR);
    assertEqual(d.errorCode, 1002);
    assertEqual(d.next(new Uint8Array([0]), 0, 1), 0, "a failed decoder consumes nothing");
    assertEqual(d.step, FrameStep.ERROR);
  });

  add("a frame over the message bound fails with 1009 from its header alone", () => {
    const d = new FrameDecoder({ expectMasked: true, maxMessageSize: 1000 });
    const head = new Uint8Array(8);
    writeFrameHeader(head, 0, true, Opcode.BINARY, 1001, MASK);
    d.next(head, 0, 8);
    assertEqual(d.step, FrameStep.ERROR);
    assertEqual(d.errorCode, 1009);
    assertEqual(decode(encodeFrame(Opcode.BINARY, bytes(1000), { mask: MASK }), 0, { maxMessageSize: 1000 }).error, undefined);
  });

  add("fragments are summed against the message bound", () => {
    const wire = concat([
      encodeFrame(Opcode.TEXT, "a".repeat(600), { mask: MASK, fin: false }),
      encodeFrame(Opcode.CONTINUATION, "b".repeat(401), { mask: MASK }),
    ]);
    assertEqual(decode(wire, 0, { maxMessageSize: 1000 }).error, 1009);
    assertEqual(decode(wire, 0, { maxMessageSize: 1001 }).error, undefined);
  });

  add("small fragments (7-bit lengths) are summed against the bound too", () => {
    const parts = [encodeFrame(Opcode.BINARY, bytes(100), { mask: MASK, fin: false })];
    for (let i = 0; i < 9; i++) parts.push(encodeFrame(Opcode.CONTINUATION, bytes(100), { mask: MASK, fin: false }));
    parts.push(encodeFrame(Opcode.CONTINUATION, bytes(1), { mask: MASK }));
    assertEqual(decode(concat(parts), 0, { maxMessageSize: 1000 }).error, 1009);
    assertEqual(decode(concat(parts), 0, { maxMessageSize: 1001 }).error, undefined);
    const small = decode(encodeFrame(Opcode.TEXT, "x".repeat(101), { mask: MASK }), 1, { maxMessageSize: 100 });
    assertEqual(small.error, 1009, "one 7-bit frame over the bound");
  });

  add("a 64-bit length with its top bit set fails with 1002", () => {
    const head = new Uint8Array([0x82, 0x80 | 127, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4]);
    assertEqual(decode(head, 0, { maxMessageSize: Number.MAX_SAFE_INTEGER }).error, 1002);
  });

  add("a huge 64-bit length fails with 1009, not an allocation", () => {
    const head = new Uint8Array([0x82, 0x80 | 127, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4]);
    assertEqual(decode(head, 0).error, 1009);
  });

  add("fragment sequencing: stray continuation and interleaved data frames fail with 1002", () => {
    assertEqual(decode(encodeFrame(Opcode.CONTINUATION, "x", { mask: MASK }), 0).error, 1002);
    const twoStarts = concat([
      encodeFrame(Opcode.TEXT, "a", { mask: MASK, fin: false }),
      encodeFrame(Opcode.TEXT, "b", { mask: MASK }),
    ]);
    assertEqual(decode(twoStarts, 0).error, 1002);
    const ok = concat([
      encodeFrame(Opcode.BINARY, "a", { mask: MASK, fin: false }),
      encodeFrame(Opcode.PING, "p", { mask: MASK }),
      encodeFrame(Opcode.CONTINUATION, "b", { mask: MASK, fin: false }),
      encodeFrame(Opcode.CONTINUATION, "", { mask: MASK }),
      encodeFrame(Opcode.TEXT, "next", { mask: MASK }),
    ]);
    const r = decode(ok, 3);
    assertEqual(r.error, undefined, r.message);
    assertEqual(r.frames.map((f) => [f.opcode, f.fin]), [[2, false], [9, true], [0, false], [0, true], [1, true]]);
  });

  add("messageEnd and messageOpcode follow the fragments", () => {
    const wire = concat([
      encodeFrame(Opcode.TEXT, "ab", { mask: MASK, fin: false }),
      encodeFrame(Opcode.CONTINUATION, "cd", { mask: MASK }),
    ]);
    const d = new FrameDecoder({ expectMasked: true, maxMessageSize: 100 });
    const seen: string[] = [];
    let pos = 0;
    for (;;) {
      pos += d.next(wire, pos, wire.length);
      if (d.step === FrameStep.NEED_MORE) break;
      seen.push(`${d.step}:${d.opcode}:${d.messageOpcode}:${d.frameEnd ? "F" : "-"}${d.messageEnd ? "M" : "-"}`);
    }
    assertEqual(seen, ["1:1:1:--", "2:1:1:F-", "1:0:1:--", "2:0:0:FM"]);
  });

  add("text is checked as UTF-8 across fragments; binary is not", () => {
    const euro = utf8Encode("€"); // e2 82 ac, split over two frames
    const split = concat([
      encodeFrame(Opcode.TEXT, euro.subarray(0, 1), { mask: MASK, fin: false }),
      encodeFrame(Opcode.CONTINUATION, euro.subarray(1), { mask: MASK }),
    ]);
    assertEqual(decode(split, 1).error, undefined);
    const truncated = encodeFrame(Opcode.TEXT, euro.subarray(0, 2), { mask: MASK });
    assertEqual(decode(truncated, 0).error, 1007);
    assertEqual(decode(encodeFrame(Opcode.BINARY, euro.subarray(0, 2), { mask: MASK }), 0).error, undefined);
    assertEqual(decode(truncated, 0, { validateUtf8: false }).error, undefined);
  });

  // --- close payloads -------------------------------------------------------------------------
  add("close payload: code and reason parse; 1 byte and bad codes fail with 1002", () => {
    assertEqual(parseClosePayload(new Uint8Array(0)), { code: 1005, reason: "" });
    assertEqual(parseClosePayload(encodeClosePayload(1000, "bye")), { code: 1000, reason: "bye" });
    const one = parseClosePayload(new Uint8Array([3]));
    assert("error" in one && one.error === 1002, "1-byte close payload");
    for (const code of [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535]) {
      assert(!isValidCloseCode(code), `${code} invalid`);
      const r = parseClosePayload(new Uint8Array([code >> 8, code & 255]));
      assert("error" in r && r.error === 1002, `code ${code}`);
    }
    for (const code of [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999]) {
      assert(isValidCloseCode(code), `${code} valid`);
    }
  });

  add("close reason must be UTF-8 (1007)", () => {
    const r = parseClosePayload(new Uint8Array([0x03, 0xe8, 0xce, 0xba, 0xe1, 0xbd]));
    assert("error" in r && r.error === 1007, "truncated reason");
    const wire = encodeFrame(Opcode.CLOSE, new Uint8Array([0x03, 0xe8, 0xff]), { mask: MASK });
    assertEqual(decode(wire, 0).error, 1007);
  });

  add("close frames decode with their code and reason", () => {
    const d = new FrameDecoder({ expectMasked: true, maxMessageSize: 100 });
    const wire = encodeFrame(Opcode.CLOSE, encodeClosePayload(4001, "κόσμε"), { mask: MASK });
    for (let i = 0; i < wire.length; i++) {
      d.next(wire, i, i + 1);
      if (i < wire.length - 1) assertEqual(d.step, FrameStep.NEED_MORE, `byte ${i}`);
    }
    assertEqual(d.step, FrameStep.CONTROL);
    assertEqual(d.closeCode, 4001);
    assertEqual(d.closeReason, "κόσμε");
  });

  add("encodeClosePayload cuts long reasons at a character, within 125 bytes", () => {
    const p = encodeClosePayload(1000, "é".repeat(100));
    assertEqual(p.length, 2 + 122);
    const q = encodeClosePayload(1000, "😀".repeat(40));
    assertEqual(q.length, 2 + 120);
    const r = parseClosePayload(q);
    assert("code" in r && r.reason === "😀".repeat(30), "cut at a surrogate pair");
    assertEqual(encodeClosePayload(undefined).length, 0);
    assertEqual(encodeClosePayload(1005, "ignored").length, 0);
  });

  return { name: "websocket frame codec", cases };
};

export default suite;
