// UTF-8 codec vectors: code point boundaries (RFC 3629), and ill-formed input — overlongs,
// surrogates, values past U+10FFFF, stray and missing continuation bytes — each maximal
// ill-formed subpart decoding to one U+FFFD, as the Unicode standard recommends (ch. 3, U+FFFD
// substitution) and TextDecoder does.
import { asciiDecode, utf8Decode, utf8Encode, utf8Length, utf8Write } from "../../modules/util/utf8";
import { assertEqual, type Case, type SuiteFactory } from "../shared/suite";
import { fromHex, toHex } from "./hex";

const R = "\ufffd";

const VALID: [string, string][] = [
  // string, UTF-8 hex
  ["", ""],
  ["A~", "417e"],
  ["\u007f", "7f"],
  ["\u0080", "c280"],
  ["\u00e9", "c3a9"],
  ["\u07ff", "dfbf"],
  ["\u0800", "e0a080"],
  ["\u20ac", "e282ac"],
  ["\ud7ff", "ed9fbf"],
  ["\ue000", "ee8080"],
  ["\ufeff", "efbbbf"],
  ["\uffff", "efbfbf"],
  ["\ud800\udc00", "f0908080"],
  ["\ud83d\ude00", "f09f9880"],
  ["\udbff\udfff", "f48fbfbf"],
];

const ILL_FORMED: [string, string][] = [
  // UTF-8 hex, decoded
  ["80", R],
  ["bf41", R + "A"],
  ["c080", R + R], // overlong NUL
  ["c1bf", R + R],
  ["e08080", R + R + R], // overlong 3-byte
  ["e09fbf", R + R + R],
  ["f0808080", R + R + R + R], // overlong 4-byte
  ["f08fbfbf", R + R + R + R],
  ["eda080", R + R + R], // high surrogate D800
  ["edbfbf", R + R + R], // low surrogate DFFF
  ["eda0bdedb880", R.repeat(6)], // CESU-8 pair
  ["f4908080", R + R + R + R], // U+110000
  ["f5808080", R + R + R + R],
  ["fe", R],
  ["ff", R],
  ["c3", R], // truncated at end
  ["e282", R],
  ["f09f98", R],
  ["e28241", R + "A"], // interrupted
  ["f09f9841", R + "A"],
  ["c3c3a9", R + "\u00e9"],
  ["e2e282ac", R + "\u20ac"],
  ["41c0af42", "A" + R + R + "B"], // overlong '/'
];

const factory: SuiteFactory = () => {
  const cases: Case[] = [];
  for (const [s, hex] of VALID) {
    cases.push({
      name: `U+${s.length ? s.codePointAt(0)!.toString(16).toUpperCase() : "(empty)"} <-> ${hex || "(empty)"}`,
      run: () => {
        assertEqual(toHex(utf8Encode(s)), hex);
        assertEqual(utf8Length(s), hex.length / 2);
        assertEqual(utf8Decode(fromHex(hex)), s);
      },
    });
  }
  for (const [hex, expected] of ILL_FORMED) {
    cases.push({
      name: `ill-formed ${hex} decodes to ${expected.length} code units`,
      run: () => assertEqual(utf8Decode(fromHex(hex)), expected),
    });
  }
  cases.push({
    name: "lone surrogates encode as U+FFFD",
    run: () => {
      assertEqual(toHex(utf8Encode("\ud800")), "efbfbd");
      assertEqual(toHex(utf8Encode("\udc00")), "efbfbd");
      assertEqual(toHex(utf8Encode("\ud800a")), "efbfbd61");
      assertEqual(toHex(utf8Encode("\udc00\ud800")), "efbfbdefbfbd");
      assertEqual(utf8Length("\udc00\ud800"), 6);
      assertEqual(utf8Length("\ud800"), 3);
    },
  });
  cases.push({
    name: "long strings (the code-point walk) encode exactly like short ones (the index loop)",
    run: () => {
      const unit = "a\u00e9\u20ac\ud83d\ude00\ud800z";
      const short = toHex(utf8Encode(unit));
      const long = unit.repeat(100);
      assertEqual(utf8Length(long), utf8Length(unit) * 100);
      assertEqual(toHex(utf8Encode(long)), short.repeat(100));
      const big = "x".repeat(200000);
      assertEqual(utf8Encode(big).length, 200000);
    },
  });
  cases.push({
    name: "decode a range; a sequence cut by the range end is one U+FFFD",
    run: () => {
      const b = fromHex("41e282ac42");
      assertEqual(utf8Decode(b, 1, 4), "\u20ac");
      assertEqual(utf8Decode(b, 1, 3), R);
      assertEqual(utf8Decode(b, 0, 1), "A");
      assertEqual(utf8Decode(b, 4), "B");
      assertEqual(utf8Decode(b, 2, 2), "");
    },
  });
  cases.push({
    name: "utf8Write at an offset returns the end offset",
    run: () => {
      const out = new Uint8Array(8).fill(0xee);
      assertEqual(utf8Write("\u00e9\ud83d\ude00", out, 1), 7);
      assertEqual(toHex(out), "eec3a9f09f9880ee");
    },
  });
  cases.push({
    name: "long mixed input spanning the decoder's internal chunks",
    run: () => {
      let s = "";
      for (let i = 0; i < 3000; i++) s += i % 3 === 0 ? "\ud83d\ude00" : i % 3 === 1 ? "x" : "\u00e9";
      const bytes = utf8Encode(s);
      assertEqual(bytes.length, utf8Length(s));
      assertEqual(utf8Decode(bytes), s);
      const ascii = new Uint8Array(5000).fill(0x61);
      assertEqual(utf8Decode(ascii).length, 5000);
    },
  });
  cases.push({
    name: "asciiDecode maps bytes 1:1 to code units (Latin-1)",
    run: () => {
      assertEqual(asciiDecode(fromHex("41e9ff00")), "A\u00e9\u00ff\u0000");
      assertEqual(asciiDecode(fromHex("414243"), 1, 2), "B");
    },
  });
  return { name: "util/utf8", cases };
};
export default factory;
