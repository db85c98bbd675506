// MD5 (RFC 1321 appendix A.5 test suite), SHA-1 and SHA-256 (FIPS 180 examples, NIST CSRC
// example values), one-shot and incremental with awkward chunk boundaries.
import { Md5, md5 } from "../../modules/util/md5";
import { Sha1, sha1 } from "../../modules/util/sha1";
import { Sha256, sha256 } from "../../modules/util/sha256";
import { assertEqual, type Case, type SuiteFactory } from "../shared/suite";
import { ascii, toHex } from "./hex";

const MD5_RFC1321: [string, string][] = [
  ["", "d41d8cd98f00b204e9800998ecf8427e"],
  ["a", "0cc175b9c0f1b6a831c399e269772661"],
  ["abc", "900150983cd24fb0d6963f7d28e17f72"],
  ["message digest", "f96b697d7cb7938d525a2f31aaf161d0"],
  ["abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"],
  ["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"],
  ["12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a"],
];

const ABC448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
const ABC896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

const SHA1_FIPS: [string, string][] = [
  ["abc", "a9993e364706816aba3e25717850c26c9cd0d89d"],
  ["", "da39a3ee5e6b4b0d3255bfef95601890afd80709"],
  [ABC448, "84983e441c3bd26ebaae4aa1f95129e5e54670f1"],
  [ABC896, "a49b2446a02c645bf419f995b67091253a04a259"],
  ["The quick brown fox jumps over the lazy dog", "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"],
];

const SHA256_FIPS: [string, string][] = [
  ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
  ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
  [ABC448, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"],
  [ABC896, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"],
];

const MILLION_A = {
  md5: "7707d6ae4e027c70eea2a935c2296f21",
  sha1: "34aa973cd4c4daa4f61eeb2bdbad27316534016f",
  sha256: "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
};

interface Hasher {
  update(data: Uint8Array | string, start?: number, end?: number): unknown;
  digest(out?: Uint8Array, offset?: number): Uint8Array;
}

/** The million-'a' message fed as 1000 updates of a reused 1000-byte buffer. */
function millionA(h: Hasher): string {
  const chunk = new Uint8Array(1000).fill(0x61);
  for (let i = 0; i < 1000; i++) h.update(chunk);
  return toHex(h.digest());
}

/** Feed `data` in chunks of the given sizes (cycled), exercising every partial-block path. */
function chunked(h: Hasher, data: Uint8Array, sizes: number[]): string {
  let i = 0;
  let k = 0;
  while (i < data.length) {
    const n = sizes[k++ % sizes.length];
    h.update(data, i, Math.min(data.length, i + n));
    i += n;
  }
  return toHex(h.digest());
}

const factory: SuiteFactory = () => {
  const cases: Case[] = [];
  for (const [msg, hex] of MD5_RFC1321) {
    cases.push({ name: `md5 RFC 1321 "${msg.slice(0, 20)}"`, run: () => assertEqual(toHex(md5(ascii(msg))), hex) });
  }
  for (const [msg, hex] of SHA1_FIPS) {
    cases.push({ name: `sha1 "${msg.slice(0, 20)}" (${msg.length} bytes)`, run: () => assertEqual(toHex(sha1(ascii(msg))), hex) });
  }
  for (const [msg, hex] of SHA256_FIPS) {
    cases.push({ name: `sha256 "${msg.slice(0, 20)}" (${msg.length} bytes)`, run: () => assertEqual(toHex(sha256(ascii(msg))), hex) });
  }
  cases.push({ name: "md5 million 'a' incremental", run: () => assertEqual(millionA(new Md5()), MILLION_A.md5) });
  cases.push({ name: "sha1 million 'a' incremental", run: () => assertEqual(millionA(new Sha1()), MILLION_A.sha1) });
  cases.push({ name: "sha256 million 'a' incremental", run: () => assertEqual(millionA(new Sha256()), MILLION_A.sha256) });

  cases.push({
    name: "chunked updates across block and padding boundaries equal one-shot",
    run: () => {
      for (const len of [55, 56, 63, 64, 65, 119, 120, 128, 200]) {
        const data = new Uint8Array(len);
        for (let i = 0; i < len; i++) data[i] = (i * 7 + 3) & 0xff;
        for (const sizes of [[1], [3, 61], [63, 2], [64], [65, 1, 0]]) {
          assertEqual(chunked(new Md5(), data, sizes), toHex(md5(data)), `md5 len ${len} sizes ${sizes}`);
          assertEqual(chunked(new Sha1(), data, sizes), toHex(sha1(data)), `sha1 len ${len} sizes ${sizes}`);
          assertEqual(chunked(new Sha256(), data, sizes), toHex(sha256(data)), `sha256 len ${len} sizes ${sizes}`);
        }
      }
    },
  });
  cases.push({
    name: "digest() resets the instance for the next message",
    run: () => {
      const h = new Sha1();
      h.update("garbage that must not leak into the next digest");
      h.digest();
      h.update("abc");
      assertEqual(toHex(h.digest()), SHA1_FIPS[0][1]);
      const m = new Md5();
      m.update("x");
      m.reset().update("abc");
      assertEqual(toHex(m.digest()), MD5_RFC1321[2][1]);
    },
  });
  cases.push({
    name: "digest into a caller buffer at an offset; strings hash as UTF-8",
    run: () => {
      const out = new Uint8Array(40).fill(0xee);
      new Sha256().update("abc").digest(out, 4);
      assertEqual(toHex(out.subarray(4, 36)), SHA256_FIPS[0][1]);
      assertEqual(out[3], 0xee);
      assertEqual(out[36], 0xee);
      // "é" is C3 A9 in UTF-8
      assertEqual(toHex(md5("\u00e9")), toHex(md5(new Uint8Array([0xc3, 0xa9]))));
      let threw = false;
      try {
        new Md5().digest(new Uint8Array(15));
      } catch {
        threw = true;
      }
      assertEqual(threw, true, "too-small output must be refused");
    },
  });
  cases.push({
    name: "update range outside the array is clamped",
    run: () => {
      const data = ascii("xxabcxx");
      assertEqual(toHex(new Sha1().update(data, 2, 5).digest()), SHA1_FIPS[0][1]);
      assertEqual(toHex(new Sha1().update(data, 5, 2).digest()), SHA1_FIPS[1][1]);
      assertEqual(toHex(new Sha1().update(ascii("abc"), -5, 99).digest()), SHA1_FIPS[0][1]);
    },
  });
  return { name: "util/digest", cases };
};
export default factory;
