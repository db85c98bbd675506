// utf8.ts against TextEncoder / TextDecoder on random input.
import fc from "fast-check";
import { utf8Decode, utf8Encode, utf8Length } from "../../modules/util/utf8";
import { isValidUtf8, utf8ValidPrefix } from "../../modules/util/utf8-validate";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const fatal = new TextDecoder("utf-8", { fatal: true });

function fatalOk(b: Uint8Array): boolean {
  try {
    fatal.decode(b);
    return true;
  } catch {
    return false;
  }
}

// Bytes biased towards UTF-8 lead/continuation bytes so ill-formed sequences are common.
const utf8ish = fc.array(
  fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0x80, max: 0xbf }), fc.integer({ min: 0xc0, max: 0xff })),
  { maxLength: 40 },
).map((a) => Uint8Array.from(a));

describe("utf8 vs TextEncoder/TextDecoder", () => {
  test("encode matches TextEncoder, including lone surrogates", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (s) => {
        const ours = utf8Encode(s);
        expect(Buffer.from(ours).equals(Buffer.from(encoder.encode(s)))).toBe(true);
        expect(utf8Length(s)).toBe(ours.length);
      }),
      { numRuns: 1000 },
    );
  });

  test("encode of long strings (past the index-loop cutoff) matches TextEncoder", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", minLength: 257, maxLength: 1200 }), (s) => {
        const ours = utf8Encode(s);
        expect(Buffer.from(ours).equals(Buffer.from(encoder.encode(s)))).toBe(true);
        expect(utf8Length(s)).toBe(ours.length);
      }),
      { numRuns: 200 },
    );
  });

  test("decode matches TextDecoder on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.oneof(utf8ish, fc.uint8Array({ maxLength: 40 })), (b) => {
        expect(utf8Decode(b)).toBe(decoder.decode(b));
      }),
      { numRuns: 3000 },
    );
  });

  test("validator agrees with a fatal TextDecoder", () => {
    fc.assert(
      fc.property(utf8ish, (b) => {
        expect(isValidUtf8(b)).toBe(fatalOk(b));
        const p = utf8ValidPrefix(b);
        expect(fatalOk(b.subarray(0, p))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
