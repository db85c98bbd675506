// Property tests (fast-check) for the pure codec: the streaming validator agrees with a strict
// reference decoder at any split, and frames round-trip through the decoder at any chunking.
import fc from "fast-check";
import { Utf8Validator } from "../../modules/websocket/utf8-validator";
import { encodeFrame, FrameDecoder, FrameStep, Opcode } from "../../modules/websocket/frame";

const strict = new TextDecoder("utf-8", { fatal: true });
function referenceValid(b: Uint8Array): boolean {
  try {
    strict.decode(b);
    return true;
  } catch {
    return false;
  }
}

// Bytes biased toward the interesting lead and continuation ranges.
const utf8ish = fc.array(
  fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x80, 0xbf, 0x9f, 0xa0, 0x8f, 0x90, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5)),
  { maxLength: 24 },
).map((a) => Uint8Array.from(a));

test("streaming validator matches a strict decoder at any split", () => {
  fc.assert(
    fc.property(utf8ish, fc.array(fc.nat(), { maxLength: 4 }), (b, cuts) => {
      const points = cuts.map((c) => c % (b.length + 1)).sort((x, y) => x - y);
      const v = new Utf8Validator();
      let prev = 0;
      let ok = true;
      for (const p of [...points, b.length]) {
        ok = v.write(b, prev, p) && ok;
        prev = p;
      }
      expect(ok && v.complete).toBe(referenceValid(b));
    }),
    { numRuns: 5000 },
  );
});

test("valid strings are accepted in every chunking", () => {
  fc.assert(
    fc.property(fc.string({ unit: "grapheme", maxLength: 30 }), fc.integer({ min: 1, max: 7 }), (s, step) => {
      const b = new TextEncoder().encode(s);
      const v = new Utf8Validator();
      for (let i = 0; i < b.length; i += step) expect(v.write(b, i, Math.min(b.length, i + step))).toBe(true);
      expect(v.complete).toBe(true);
    }),
  );
});

test("frames round-trip through the decoder at any chunking", () => {
  const frame = fc.record({
    opcode: fc.constantFrom(Opcode.BINARY, Opcode.PING, Opcode.PONG),
    payload: fc.uint8Array({ maxLength: 300 }),
    mask: fc.uint8Array({ minLength: 4, maxLength: 4 }),
  }).map((f) => (f.opcode !== Opcode.BINARY && f.payload.length > 125 ? { ...f, payload: f.payload.subarray(0, 125) } : f));
  fc.assert(
    fc.property(fc.array(frame, { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 64 }), (frames, step) => {
      const parts = frames.map((f) => encodeFrame(f.opcode, f.payload, { mask: f.mask }));
      const wire = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) {
        wire.set(p, o);
        o += p.length;
      }
      const d = new FrameDecoder({ expectMasked: true, maxMessageSize: 1000 });
      const got: { opcode: number; payload: number[] }[] = [];
      let cur: number[] = [];
      for (let off = 0; off < wire.length; off += step) {
        const end = Math.min(wire.length, off + step);
        let pos = off;
        for (;;) {
          pos += d.next(wire, pos, end);
          if (d.step === FrameStep.NEED_MORE) break;
          if (d.step === FrameStep.ERROR) throw new Error(d.errorMessage);
          if (d.step === FrameStep.HEADER) cur = [];
          if (d.step === FrameStep.DATA) {
            cur.push(...d.payload);
            if (d.frameEnd) got.push({ opcode: d.opcode, payload: cur });
          }
          if (d.step === FrameStep.CONTROL) got.push({ opcode: d.opcode, payload: Array.from(d.payload) });
        }
        expect(pos).toBe(end);
      }
      expect(got).toEqual(frames.map((f) => ({ opcode: f.opcode, payload: Array.from(f.payload) })));
    }),
    { numRuns: 500 },
  );
});

test("the decoder never throws on arbitrary bytes", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), fc.integer({ min: 1, max: 16 }), (b, masked, step) => {
      const d = new FrameDecoder({ expectMasked: masked, maxMessageSize: 64 });
      for (let off = 0; off < b.length; off += step) {
        const end = Math.min(b.length, off + step);
        let pos = off;
        let guard = 0;
        for (;;) {
          pos += d.next(b, pos, end);
          if (d.step === FrameStep.NEED_MORE || d.step === FrameStep.ERROR) break;
          if (++guard > 1000) throw new Error("decoder does not progress");
        }
        if (d.step === FrameStep.ERROR) {
          expect([1002, 1007, 1009]).toContain(d.errorCode);
          return;
        }
      }
    }),
    { numRuns: 3000 },
  );
});
