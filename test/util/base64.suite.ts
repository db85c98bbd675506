// Base64 against RFC 4648 section 10 vectors, the URL-safe alphabet (section 5), and strict
// rejection of malformed input with the offending offset.
import {
  base64Decode, base64DecodeInto, base64DecodeString, base64DecodedLength, base64Encode, base64EncodeBytes,
  base64EncodeInto, base64EncodeString, base64EncodedLength,
} from "../../modules/util/base64";
import { assertEqual, fail, type Case, type SuiteFactory } from "../shared/suite";
import { ascii } from "./hex";

const RFC4648: [string, string][] = [
  ["", ""],
  ["f", "Zg=="],
  ["fo", "Zm8="],
  ["foo", "Zm9v"],
  ["foob", "Zm9vYg=="],
  ["fooba", "Zm9vYmE="],
  ["foobar", "Zm9vYmFy"],
];

const BAD: [string, string, number][] = [
  // input, error, offset
  ["Zm9v!", "invalid-character", 4],
  ["Zm 9v", "invalid-character", 2],
  ["Zm9v\n", "invalid-character", 4],
  ["Z", "invalid-length", 0],
  ["Zm9vY", "invalid-length", 4],
  ["Zg=", "invalid-padding", 2],
  ["Zg===", "invalid-padding", 3],
  ["Z===", "invalid-padding", 1],
  ["Zg==Zg==", "invalid-padding", 2],
  ["=Zg=", "invalid-padding", 0],
  ["Zh==", "non-canonical", 1], // 'h' leaves non-zero bits below the last byte
  ["Zm9=", "non-canonical", 2],
  ["Zm-_", "invalid-character", 2], // URL-safe characters in the standard alphabet
  ["Zm9v\u00e9", "invalid-character", 4],
];

const factory: SuiteFactory = () => {
  const cases: Case[] = [];
  for (const [plain, enc] of RFC4648) {
    cases.push({
      name: `RFC 4648 BASE64("${plain}") = "${enc}"`,
      run: () => {
        assertEqual(base64Encode(ascii(plain)), enc);
        assertEqual(base64EncodeString(plain), enc);
        assertEqual(base64EncodedLength(plain.length), enc.length);
        const d = base64Decode(enc);
        if (!d.ok) fail(`decode failed: ${d.error}`);
        assertEqual(d.bytes, ascii(plain));
        // padding is optional on input
        const unpadded = enc.replace(/=+$/, "");
        const u = base64DecodeString(unpadded);
        assertEqual(u, { ok: true, value: plain });
        // bytes in as well as strings
        assertEqual(base64Decode(ascii(enc)), { ok: true, bytes: ascii(plain) });
      },
    });
  }
  cases.push({
    name: "URL-safe alphabet uses - and _ and omits padding by default",
    run: () => {
      const bytes = new Uint8Array([0xfb, 0xff, 0xbf, 0xfe]);
      assertEqual(base64Encode(bytes), "+/+//g==");
      assertEqual(base64Encode(bytes, "url"), "-_-__g");
      assertEqual(base64Encode(bytes, "url", true), "-_-__g==");
      assertEqual(base64Decode("-_-__g", "url"), { ok: true, bytes });
      assertEqual(base64Decode("-_-__g==", "url"), { ok: true, bytes });
      const wrong = base64Decode("+/+//g==", "url");
      assertEqual(wrong.ok ? "accepted" : wrong.error, "invalid-character");
    },
  });
  for (const [input, error, offset] of BAD) {
    cases.push({
      name: `rejects ${JSON.stringify(input)} (${error})`,
      run: () => assertEqual(base64Decode(input), { ok: false, error, offset } as ReturnType<typeof base64Decode>),
    });
  }
  cases.push({
    name: "all byte values round-trip, every length mod 3",
    run: () => {
      const all = new Uint8Array(256);
      for (let i = 0; i < 256; i++) all[i] = i;
      for (const n of [254, 255, 256]) {
        const part = all.subarray(0, n);
        for (const v of ["standard", "url"] as const) {
          const enc = base64Encode(part, v);
          assertEqual(base64Decode(enc, v), { ok: true, bytes: part }, `${v} ${n}`);
        }
      }
    },
  });
  cases.push({
    name: "encode into a caller buffer; too small is refused before writing",
    run: () => {
      const out = new Uint8Array(10).fill(0x2a);
      const end = base64EncodeInto(ascii("foob"), out, 1);
      assertEqual(end, 9);
      assertEqual(String.fromCharCode(...out), "*Zm9vYg==*");
      assertEqual(base64EncodeBytes(ascii("fo")), ascii("Zm8="));
      let threw = false;
      try {
        base64EncodeInto(ascii("foob"), new Uint8Array(7), 0);
      } catch {
        threw = true;
      }
      assertEqual(threw, true);
    },
  });
  cases.push({
    name: "decode into a caller buffer is bounded",
    run: () => {
      const out = new Uint8Array(8).fill(0xee);
      assertEqual(base64DecodeInto("Zm9vYmFy", out, 2), { ok: true, length: 6 });
      assertEqual(Array.from(out.subarray(2)), Array.from(ascii("foobar")));
      const small = new Uint8Array(5).fill(0xee);
      const r = base64DecodeInto("Zm9vYmFy", small, 0);
      assertEqual(r.ok, false);
      assertEqual(Array.from(small), [0xee, 0xee, 0xee, 0xee, 0xee], "nothing written on overflow");
      assertEqual(base64Decode("Zm9vYmFy", "standard", 5).ok, false);
      assertEqual(base64DecodedLength("Zm9vYg"), 4);
      assertEqual(base64DecodedLength("Zm9vYg=="), 4);
    },
  });
  cases.push({
    name: "strings are UTF-8",
    run: () => {
      assertEqual(base64EncodeString("\u00e9\u20ac\ud83d\ude00"), "w6nigqzwn5iA");
      assertEqual(base64DecodeString("w6nigqzwn5iA"), { ok: true, value: "\u00e9\u20ac\ud83d\ude00" });
    },
  });
  return { name: "util/base64", cases };
};
export default factory;
