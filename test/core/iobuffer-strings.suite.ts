// IOBuffer.append(string): the one-pass ASCII copy and its fallback to UTF-8 must agree with
// utf8Encode byte for byte, and a string that does not fit must leave the buffer as it was.
import { IOBuffer } from "../../modules/core/iobuffer";
import { utf8Encode } from "../../modules/util/utf8";
import { assert, assertEqual, type SuiteFactory } from "../shared/suite";

function appended(prefix: number[], s: string, limit = 4096): { ok: boolean; bytes: number[] } {
  const b = new IOBuffer(0, limit);
  b.append(new Uint8Array(prefix));
  const ok = b.append(s);
  return { ok, bytes: Array.from(b.bytes) };
}

const suite: SuiteFactory = () => ({
  name: "IOBuffer strings",
  cases: [
    { name: "ASCII goes in as is, after what is there", run() {
      const r = appended([1, 2], "HTTP/1.1 200 OK\r\n");
      assert(r.ok);
      assertEqual(r.bytes, [1, 2, ...Array.from(utf8Encode("HTTP/1.1 200 OK\r\n"))]);
    } },
    { name: "a non-ASCII character after an ASCII start: the whole string as UTF-8", run() {
      for (const s of ["abc é", "Content-Disposition: ∑ x", "head 😀 tail", "x\u0080", "\u00ff"]) {
        const r = appended([9], s);
        assert(r.ok, s);
        assertEqual(r.bytes, [9, ...Array.from(utf8Encode(s))], s);
      }
    } },
    { name: "a lone surrogate becomes U+FFFD, as utf8Encode does", run() {
      const r = appended([], "a\ud800b");
      assertEqual(r.bytes, [0x61, 0xef, 0xbf, 0xbd, 0x62]);
    } },
    { name: "long strings (past the index-loop length) are encoded the same", run() {
      const ascii = "0123456789".repeat(40);
      const mixed = ascii + "é" + ascii;
      assertEqual(appended([], ascii).bytes, Array.from(utf8Encode(ascii)));
      assertEqual(appended([], mixed).bytes, Array.from(utf8Encode(mixed)));
    } },
    { name: "a string whose characters fit but whose UTF-8 does not: false, nothing appended", run() {
      const b = new IOBuffer(0, 8);
      assert(b.append("ab"));
      assert(!b.append("cdefé!")); // 6 characters fit in the 6 bytes left, 7 UTF-8 bytes do not
      assertEqual(Array.from(b.bytes), [0x61, 0x62]);
      assert(b.append("cdefé")); // exactly 6 bytes
      assertEqual(b.length, 8);
      assert(!b.append("x"));
      assertEqual(b.length, 8);
    } },
  ],
});
export default suite;
