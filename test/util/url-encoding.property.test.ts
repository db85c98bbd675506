// Percent-encoding round trips and agreement with encodeURIComponent / decodeURIComponent.
import fc from "fast-check";
import { urlDecode, urlDecodeString, urlEncode, urlEncodeBytes } from "../../modules/util/url-encoding";

// Well-formed strings (no lone surrogates), which is what encodeURIComponent accepts.
const text = fc.string({ unit: "grapheme", maxLength: 60 });

describe("url encoding", () => {
  test("decode(encode(s)) = s, plain and form mode", () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(urlDecodeString(urlEncode(s))).toEqual({ ok: true, value: s });
        expect(urlDecodeString(urlEncode(s, { form: true }), { form: true })).toEqual({ ok: true, value: s });
      }),
      { numRuns: 500 },
    );
  });

  test("agrees with decodeURIComponent / encodeURIComponent", () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(decodeURIComponent(urlEncode(s))).toBe(s);
        expect(urlDecodeString(encodeURIComponent(s))).toEqual({ ok: true, value: s });
        // encodeURIComponent additionally leaves !'()* alone; with those as safe the outputs match
        expect(urlEncode(s, { safe: "-._~!'()*" })).toBe(encodeURIComponent(s));
      }),
      { numRuns: 500 },
    );
  });

  test("random bytes round-trip; encoded output is only unreserved characters and %XX", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const enc = urlEncodeBytes(bytes);
        expect(Buffer.from(enc).toString("latin1")).toMatch(/^([A-Za-z0-9\-._~]|%[0-9A-F]{2})*$/);
        const dec = urlDecode(enc);
        expect(dec.ok && Buffer.from(dec.bytes).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  test("hostile input never throws and malformed escapes are reported where decodeURIComponent throws", () => {
    const chars = fc.constantFrom("%", "2", "G", "a", "+", "f", " ", "%4", "%zz");
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 20 }).map((a) => a.join("")), (s) => {
        const r = urlDecode(s);
        const badEscape = /%(?![0-9A-Fa-f]{2})/.test(s);
        expect(r.ok).toBe(!badEscape);
        if (badEscape) expect(() => decodeURIComponent(s)).toThrow(URIError);
      }),
      { numRuns: 1000 },
    );
  });
});
