// Base64 against Node's Buffer on random inputs.
import fc from "fast-check";
import { base64Decode, base64Encode, base64EncodeString, base64DecodeString } from "../../modules/util/base64";

describe("base64 vs Buffer", () => {
  test("standard encoding matches Buffer and decodes back", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const enc = base64Encode(bytes);
        expect(enc).toBe(Buffer.from(bytes).toString("base64"));
        const dec = base64Decode(enc);
        expect(dec.ok && Buffer.from(dec.bytes).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  test("URL-safe encoding matches Buffer's base64url and decodes back", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const enc = base64Encode(bytes, "url");
        expect(enc).toBe(Buffer.from(bytes).toString("base64url"));
        const dec = base64Decode(enc, "url");
        expect(dec.ok && Buffer.from(dec.bytes).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  test("strings round-trip as UTF-8 like Buffer", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 50 }), (s) => {
        expect(base64EncodeString(s)).toBe(Buffer.from(s, "utf8").toString("base64"));
        expect(base64DecodeString(base64EncodeString(s))).toEqual({ ok: true, value: s });
      }),
      { numRuns: 300 },
    );
  });

  test("whatever the decoder accepts, Buffer decodes to the same bytes", () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=".split("");
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 24 }).map((a) => a.join("")), (text) => {
        const dec = base64Decode(text);
        if (dec.ok) {
          expect(Buffer.from(dec.bytes).equals(Buffer.from(text, "base64"))).toBe(true);
          // and only canonical text is accepted: re-encoding gives the input back (modulo padding)
          expect(base64Encode(dec.bytes).replace(/=+$/, "")).toBe(text.replace(/=+$/, ""));
        }
      }),
      { numRuns: 2000 },
    );
  });
});
