// Percent-encoding (RFC 3986 section 2.1) and form encoding, including malformed escapes and
// bounded output.
import {
  MONGOOSE_URL_SAFE, urlDecode, urlDecodeInto, urlDecodeString, urlEncode, urlEncodeBytes, urlEncodeInto, urlEncodedLength,
} from "../../modules/util/url-encoding";
import { assertEqual, type Case, type SuiteFactory } from "../shared/suite";
import { ascii } from "./hex";

const factory: SuiteFactory = () => {
  const cases: Case[] = [];
  cases.push({
    name: "unreserved characters pass, everything else is %XX upper-case",
    run: () => {
      assertEqual(urlEncode("AZaz09-._~"), "AZaz09-._~");
      assertEqual(urlEncode("a b&c=d/e?f#g%h+i"), "a%20b%26c%3Dd%2Fe%3Ff%23g%25h%2Bi");
      assertEqual(urlEncode("!*'()"), "%21%2A%27%28%29");
      assertEqual(urlEncode("\u00e9\u20ac\ud83d\ude00"), "%C3%A9%E2%82%AC%F0%9F%98%80");
      assertEqual(urlEncode(""), "");
    },
  });
  cases.push({
    name: "form mode encodes space as + and + as %2B",
    run: () => {
      assertEqual(urlEncode("a b+c", { form: true }), "a+b%2Bc");
      assertEqual(urlDecodeString("a+b%2Bc", { form: true }), { ok: true, value: "a b+c" });
      assertEqual(urlDecodeString("a+b", { form: false }), { ok: true, value: "a+b" });
    },
  });
  cases.push({
    name: "Mongoose's safe set and custom safe sets; '%' is never safe",
    run: () => {
      assertEqual(urlEncode("/a b/(x);$,~._-", { safe: MONGOOSE_URL_SAFE }), "/a%20b/(x);$,~._-");
      assertEqual(urlEncode("a/b:c", { safe: "/" }), "a/b%3Ac");
      assertEqual(urlEncode("50%", { safe: "%" }), "50%25");
    },
  });
  cases.push({
    name: "decode hex digits in either case",
    run: () => {
      assertEqual(urlDecodeString("%41%6a%6A%e2%82%AC"), { ok: true, value: "Ajj\u20ac" });
      assertEqual(urlDecode("%00%ff%FF"), { ok: true, bytes: new Uint8Array([0, 255, 255]) });
    },
  });
  for (const [input, offset] of [["%", 0], ["%4", 0], ["ab%4", 2], ["%G1", 0], ["%1G", 0], ["x%%41", 1], ["%-1", 0], ["% 1", 0]] as const) {
    cases.push({
      name: `bad escape in ${JSON.stringify(input)} reported at ${offset}`,
      run: () => assertEqual(urlDecode(input), { ok: false, error: "bad-escape", offset }),
    });
  }
  cases.push({
    name: "decoding is bounded by maxBytes and by the caller's buffer",
    run: () => {
      assertEqual(urlDecode("abcdef", { maxBytes: 6 }).ok, true);
      assertEqual(urlDecode("abcdef", { maxBytes: 5 }), { ok: false, error: "too-long", offset: 5 });
      assertEqual(urlDecode("%41%42%43", { maxBytes: 2 }), { ok: false, error: "too-long", offset: 6 });
      const out = new Uint8Array(4).fill(0xee);
      assertEqual(urlDecodeInto("x=%41%42&y", 2, 8, out, 1), { ok: true, length: 2 });
      assertEqual(Array.from(out), [0xee, 0x41, 0x42, 0xee]);
      // the range ends inside an escape: malformed within the range even though the string continues
      assertEqual(urlDecodeInto("%41%42", 0, 5, out, 0), { ok: false, error: "bad-escape", offset: 3 });
    },
  });
  cases.push({
    name: "byte input and output",
    run: () => {
      assertEqual(urlDecode(ascii("a%20b")), { ok: true, bytes: ascii("a b") });
      assertEqual(urlEncodeBytes(new Uint8Array([0x20, 0x41, 0x80])), ascii("%20A%80"));
      assertEqual(urlEncodedLength(ascii("a b")), 5);
      const out = new Uint8Array(6);
      assertEqual(urlEncodeInto(ascii("a b"), out, 1), 6);
      let threw = false;
      try {
        urlEncodeInto(ascii("a b"), new Uint8Array(4), 0);
      } catch {
        threw = true;
      }
      assertEqual(threw, true);
    },
  });
  cases.push({
    name: "non-ASCII string input is taken as UTF-8; invalid UTF-8 after decoding becomes U+FFFD",
    run: () => {
      assertEqual(urlDecodeString("caf\u00e9%20ok"), { ok: true, value: "caf\u00e9 ok" });
      assertEqual(urlDecodeString("%C3"), { ok: true, value: "\ufffd" });
      assertEqual(urlDecodeInto("\u20ac", 0, 1, new Uint8Array(4), 0), { ok: false, error: "non-ascii", offset: 0 });
    },
  });
  return { name: "util/url-encoding", cases };
};
export default factory;
