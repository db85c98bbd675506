// The streaming UTF-8 validator: valid boundaries, every class of invalid sequence (in the
// spirit of Autobahn's case group 6), each fed whole, split in two at every position and byte by
// byte, and the exact byte at which a stream becomes invalid (fail-fast).
import { assert, assertEqual, type Case, type SuiteFactory } from "../shared/suite";
import { Utf8Validator } from "../../modules/websocket/utf8-validator";

function isValidUtf8(b: Uint8Array): boolean {
  const v = new Utf8Validator();
  return v.write(b) && v.complete;
}

function h(s: string): Uint8Array {
  const t = s.replace(/\s+/g, "");
  const out = new Uint8Array(t.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(t.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const VALID: [string, string][] = [
  ["empty", ""],
  ["ASCII", "48656c6c6f2d c2b5 40 c39f c3b6 c3a4 c3bc c3a0 c3a1 2d5554462d382121"],
  ["κόσμε", "ceba e1bdb9 cf83 cebc ceb5"],
  ["first 1-byte", "00"],
  ["first 2-byte U+0080", "c280"],
  ["first 3-byte U+0800", "e0a080"],
  ["first 4-byte U+10000", "f0908080"],
  ["last 1-byte", "7f"],
  ["last 2-byte U+07FF", "dfbf"],
  ["last 3-byte U+FFFF", "efbfbf"],
  ["last code point U+10FFFF", "f48fbfbf"],
  ["U+D7FF before the surrogates", "ed9fbf"],
  ["U+E000 after the surrogates", "ee8080"],
  ["U+FFFD", "efbfbd"],
  ["noncharacters U+FFFE U+1FFFF U+10FFFE", "efbfbe f09fbfbf f48fbfbe"],
  ["emoji", "f09f9880 f09f9a80"],
  ["NUL inside text", "610062"],
];

/** [name, bytes, index of the byte at which the stream becomes invalid (length: only at the end)] */
const INVALID: [string, string, number][] = [
  ["κόσμε then a surrogate (6.3.1)", "cebae1bdb9cf83cebcceb5 eda080 6564697465 64", 12],
  ["5-byte form", "f888808080", 0],
  ["6-byte form", "fc8480808080", 0],
  ["past U+10FFFF", "f4908080", 1],
  ["F5 lead", "f5808080", 0],
  ["F7 BF BF BF", "f7bfbfbf", 0],
  ["lone continuation 80", "80", 0],
  ["lone continuation BF", "bf", 0],
  ["continuations after ASCII", "61 80bf80", 1],
  ["2-byte lead then space", "c020", 0],
  ["3-byte lead then space", "e020", 1],
  ["4-byte lead then space", "f020", 1],
  ["truncated 2-byte", "c2", 1],
  ["truncated 3-byte", "e0a0", 2],
  ["truncated 4-byte", "f09080", 3],
  ["truncated after text", "6869 f48fbf", 5],
  ["FE", "fe", 0],
  ["FF", "ff", 0],
  ["FE FE FF FF", "fefeffff", 0],
  ["overlong slash C0 AF", "c0af", 0],
  ["overlong slash E0 80 AF", "e080af", 1],
  ["overlong slash F0 80 80 AF", "f08080af", 1],
  ["overlong max C1 BF", "c1bf", 0],
  ["overlong max E0 9F BF", "e09fbf", 1],
  ["overlong max F0 8F BF BF", "f08fbfbf", 1],
  ["overlong NUL C0 80", "c080", 0],
  ["surrogate D800", "eda080", 1],
  ["surrogate DB7F", "edadbf", 1],
  ["surrogate DC00", "edb080", 1],
  ["surrogate DFFF", "edbfbf", 1],
  ["surrogate pair D800 DC00", "eda080edb080", 1],
  ["valid then bad in the middle", "cebae1bdb9 ff cf83", 5],
];

function failIndex(b: Uint8Array): number {
  const v = new Utf8Validator();
  for (let i = 0; i < b.length; i++) if (!v.write(b, i, i + 1)) return i;
  return v.complete ? -1 : b.length;
}

const suite: SuiteFactory = () => {
  const cases: Case[] = [];
  for (const [name, hex] of VALID) {
    cases.push({
      name: `valid: ${name}`,
      run() {
        const b = h(hex);
        assert(isValidUtf8(b), "whole");
        assertEqual(failIndex(b), -1, "byte by byte");
        for (let cut = 0; cut <= b.length; cut++) {
          const v = new Utf8Validator();
          assert(v.write(b, 0, cut) && v.write(b, cut, b.length) && v.complete, `split at ${cut}`);
        }
      },
    });
  }
  for (const [name, hex, at] of INVALID) {
    cases.push({
      name: `invalid: ${name}`,
      run() {
        const b = h(hex);
        assert(!isValidUtf8(b), "whole");
        assertEqual(failIndex(b), at, "first invalid byte");
        for (let cut = 0; cut <= b.length; cut++) {
          const v = new Utf8Validator();
          const ok = v.write(b, 0, cut) && v.write(b, cut, b.length) && v.complete;
          assert(!ok, `split at ${cut}`);
        }
      },
    });
  }
  cases.push({
    name: "a failed validator stays failed until reset",
    run() {
      const v = new Utf8Validator();
      assert(!v.write(h("ff")), "ff fails");
      assert(!v.write(h("41")), "still failed");
      assert(!v.valid && !v.complete, "state");
      v.reset();
      assert(v.write(h("41")) && v.complete, "after reset");
    },
  });
  cases.push({
    name: "state survives a long ASCII run between the bytes of nothing",
    run() {
      const v = new Utf8Validator();
      const ascii = new Uint8Array(1000).fill(0x61);
      assert(v.write(ascii), "ascii");
      assert(v.write(h("e2")) && !v.complete, "lead byte pending");
      assert(v.write(h("82")) && !v.complete, "one continuation");
      assert(v.write(h("ac")) && v.complete, "euro sign complete");
    },
  });
  return { name: "websocket UTF-8 validator", cases };
};

export default suite;
