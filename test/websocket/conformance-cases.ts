// A conformance battery in the spirit of the Autobahn case groups (framing, pings, reserved
// bits, opcodes, fragmentation, UTF-8, close handling, limits). Each case is what a client
// sends (masked frames, in separately written chunks) and what an RFC 6455 receiver must make of
// it: the messages and control frames it decodes, in order, and the close code it must fail
// with, if any. The same table drives the pure decoder (conformance.suite.ts, also on XS) and
// the running echo server over real sockets (conformance.wire.test.ts), where the expectations
// become the echo server's replies: each message echoed, each ping ponged, each close echoed,
// each failure a close frame with the code, then the TCP connection dropped.
//
// Pure: no Node APIs (the suite runs inside XS).

import { encodeFrame, Opcode, writeFrameHeader } from "../../modules/websocket/frame";
import { utf8Encode } from "../../modules/util/utf8";

/** the message bound the receiver under test is configured with */
export const CONFORMANCE_MAX_MESSAGE = 131072;

const MASK = new Uint8Array([0x1b, 0x9e, 0x40, 0xd7]);

export type Expectation =
  | { text: string }
  | { binary: Uint8Array }
  | { ping: Uint8Array }
  | { pong: Uint8Array }
  /** a close frame with this code (1005: no code) */
  | { close: number; reason?: string };

export interface ConformanceCase {
  id: string;
  title: string;
  /** bytes the client writes, one write per element */
  chunks: Uint8Array[];
  expect: Expectation[];
  /** the receiver must fail the connection with this close code after `expect` */
  fail?: number;
}

type Data = string | Uint8Array;

function bytesOf(d: Data): Uint8Array {
  return typeof d === "string" ? utf8Encode(d) : d;
}

function frame(opcode: number, payload: Data = "", o: { fin?: boolean; rsv?: number; mask?: boolean } = {}): Uint8Array {
  return encodeFrame(opcode, bytesOf(payload), { fin: o.fin, rsv: o.rsv, mask: o.mask === false ? undefined : MASK });
}

const text = (p: Data, o: { fin?: boolean; rsv?: number } = {}) => frame(Opcode.TEXT, p, o);
const binary = (p: Data, o: { fin?: boolean; rsv?: number } = {}) => frame(Opcode.BINARY, p, o);
const cont = (p: Data, o: { fin?: boolean; rsv?: number } = {}) => frame(Opcode.CONTINUATION, p, o);
const ping = (p: Data = "", o: { fin?: boolean; rsv?: number } = {}) => frame(Opcode.PING, p, o);
const pong = (p: Data = "", o: { fin?: boolean; rsv?: number } = {}) => frame(Opcode.PONG, p, o);
function close(code?: number, reason: Data = ""): Uint8Array {
  if (code === undefined) return frame(Opcode.CLOSE, "");
  const r = bytesOf(reason);
  const p = new Uint8Array(2 + r.length);
  p[0] = code >> 8;
  p[1] = code & 255;
  p.set(r, 2);
  return frame(Opcode.CLOSE, p);
}

/** the parts joined into one array */
export function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** split bytes into pieces of `size` */
function pieces(b: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, Math.min(b.length, i + size)));
  return out;
}

function fill(n: number, byte: number): Uint8Array {
  return new Uint8Array(n).fill(byte);
}

function hex(s: string): Uint8Array {
  const t = s.replace(/\s+/g, "");
  const out = new Uint8Array(t.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(t.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const KOSME = hex("ceba e1bdb9 cf83 cebc ceb5");
/** U+03BA U+1F79 U+03C3 U+03BC U+03B5, as in Autobahn case 6.2 */
const KOSME_TEXT = "\u03ba\u1f79\u03c3\u03bc\u03b5";
const KOSME_SURROGATE = hex("cebae1bdb9cf83cebcceb5 eda080 656469746564");

export function conformanceCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  const add = (id: string, title: string, chunks: Uint8Array[], expect: Expectation[], fail?: number) =>
    cases.push({ id, title, chunks, expect, fail });
  const one = (...frames: Uint8Array[]) => [concat(frames)];

  // 1. Framing: every length encoding, text and binary, whole and split.
  const lengths = [0, 125, 126, 127, 128, 65535, 65536];
  lengths.forEach((n, i) => add(`1.1.${i + 1}`, `text, ${n} bytes`, one(text("*".repeat(n))), [{ text: "*".repeat(n) }]));
  lengths.forEach((n, i) => add(`1.2.${i + 1}`, `binary, ${n} bytes`, one(binary(fill(n, 0xfe))), [{ binary: fill(n, 0xfe) }]));
  add("1.3.1", "text of 65536 bytes written in 997-byte chunks", pieces(text("@".repeat(65536)), 997), [{ text: "@".repeat(65536) }]);
  add("1.3.2", "binary of 300 bytes written one byte at a time", pieces(binary(fill(300, 0x21)), 1), [{ binary: fill(300, 0x21) }]);
  add("1.3.3", "three messages in one write", one(text("a"), binary(hex("0001")), text("c")), [{ text: "a" }, { binary: hex("0001") }, { text: "c" }]);

  // 2. Pings and pongs.
  add("2.1", "ping, empty", one(ping()), [{ ping: new Uint8Array(0) }]);
  add("2.2", "ping with text payload", one(ping("Hello, world!")), [{ ping: utf8Encode("Hello, world!") }]);
  add("2.3", "ping with binary payload", one(ping(hex("00fffefdfcfb00ff"))), [{ ping: hex("00fffefdfcfb00ff") }]);
  add("2.4", "ping with 125-byte payload", one(ping(fill(125, 0xfe))), [{ ping: fill(125, 0xfe) }]);
  add("2.5", "ping with 126-byte payload", one(ping(fill(126, 0xfe))), [], 1002);
  add("2.6", "ping with 125-byte payload written one byte at a time", pieces(ping(fill(125, 0xfe)), 1), [{ ping: fill(125, 0xfe) }]);
  add("2.7", "unsolicited pong, empty", one(pong()), [{ pong: new Uint8Array(0) }]);
  add("2.8", "unsolicited pong with payload", one(pong("unsolicited pong payload")), [{ pong: utf8Encode("unsolicited pong payload") }]);
  add("2.9", "pong then ping", one(pong("pong"), ping("ping")), [{ pong: utf8Encode("pong") }, { ping: utf8Encode("ping") }]);
  const tenPings = Array.from({ length: 10 }, (_, i) => ping(`payload-${i}`));
  const tenExpect = Array.from({ length: 10 }, (_, i) => ({ ping: utf8Encode(`payload-${i}`) }));
  add("2.10", "ten pings in one write", one(...tenPings), tenExpect);
  add("2.11", "ten pings, one write each", tenPings, tenExpect);

  // 3. Reserved bits: fail with 1002, after answering what came before, and nothing after.
  add("3.1", "text with RSV=1", one(text("Hello", { rsv: 1 })), [], 1002);
  add("3.2", "text, then text with RSV=2, then ping", one(text("small"), text("small", { rsv: 2 }), ping()), [{ text: "small" }], 1002);
  add("3.3", "text, then text with RSV=3, then ping, one write each", [text("small"), text("small", { rsv: 3 }), ping()], [{ text: "small" }], 1002);
  add("3.4", "text, then text with RSV=4, then ping, byte by byte", pieces(concat([text("small"), text("small", { rsv: 4 }), ping()]), 1), [{ text: "small" }], 1002);
  add("3.5", "binary with RSV=5", one(binary(fill(8, 0xff), { rsv: 5 })), [], 1002);
  add("3.6", "ping with RSV=6", one(ping("Hello", { rsv: 6 })), [], 1002);
  add("3.7", "close with RSV=7", one(frame(Opcode.CLOSE, hex("03e8"), { rsv: 7 })), [], 1002);

  // 4. Reserved opcodes.
  [3, 4, 5, 6, 7].forEach((op, i) =>
    add(`4.1.${i + 1}`, `text, then reserved non-control opcode ${op}, then ping`, one(text("small"), frame(op, "x"), ping()), [{ text: "small" }], 1002));
  [11, 12, 13, 14, 15].forEach((op, i) =>
    add(`4.2.${i + 1}`, `text, then reserved control opcode ${op}, then ping`, one(text("small"), frame(op, "x"), ping()), [{ text: "small" }], 1002));

  // 5. Fragmentation.
  add("5.1", "ping in two fragments", one(ping("fragment1", { fin: false }), cont("fragment2")), [], 1002);
  add("5.2", "pong in two fragments", one(pong("fragment1", { fin: false }), cont("fragment2")), [], 1002);
  add("5.3", "text in two fragments", one(text("fragment1", { fin: false }), cont("fragment2")), [{ text: "fragment1fragment2" }]);
  add("5.4", "text in two fragments, one write each", [text("fragment1", { fin: false }), cont("fragment2")], [{ text: "fragment1fragment2" }]);
  add("5.5", "text in two fragments with a ping between", one(text("fragment1", { fin: false }), ping("p"), cont("fragment2")), [{ ping: utf8Encode("p") }, { text: "fragment1fragment2" }]);
  add("5.6", "text in two fragments with a ping between, byte by byte", pieces(concat([text("fragment1", { fin: false }), ping("p"), cont("fragment2")]), 1), [{ ping: utf8Encode("p") }, { text: "fragment1fragment2" }]);
  add("5.7", "continuation with FIN and nothing to continue", one(cont("non-continuation payload"), text("Hello")), [], 1002);
  add("5.8", "continuation without FIN and nothing to continue", one(cont("non-continuation payload", { fin: false }), text("Hello")), [], 1002);
  add("5.9", "text without FIN, then a new text", one(text("fragment1", { fin: false }), text("fragment2")), [], 1002);
  add("5.10", "binary in three fragments with a pong between", one(binary(hex("01"), { fin: false }), pong("x"), cont(hex("02"), { fin: false }), cont(hex("03"))), [{ pong: utf8Encode("x") }, { binary: hex("010203") }]);
  add("5.11", "text of three empty fragments", one(text("", { fin: false }), cont("", { fin: false }), cont("")), [{ text: "" }]);
  add("5.12", "text in 100 one-byte fragments", one(...Array.from({ length: 100 }, (_, i) => (i === 0 ? text("a", { fin: false }) : cont("a", { fin: i < 99 ? false : true })))), [{ text: "a".repeat(100) }]);
  add("5.13", "binary, then a fragmented text, then binary", one(binary(hex("aa")), text("x", { fin: false }), cont("y"), binary(hex("bb"))), [{ binary: hex("aa") }, { text: "xy" }, { binary: hex("bb") }]);

  // 6. UTF-8.
  add("6.1", "valid UTF-8 text", one(text(KOSME)), [{ text: KOSME_TEXT }]);
  add("6.2", "valid UTF-8, one fragment per code point", one(text(KOSME.subarray(0, 2), { fin: false }), cont(KOSME.subarray(2, 5), { fin: false }), cont(KOSME.subarray(5, 7), { fin: false }), cont(KOSME.subarray(7, 9), { fin: false }), cont(KOSME.subarray(9))), [{ text: KOSME_TEXT }]);
  add("6.3", "valid UTF-8, one fragment per byte", one(...Array.from(KOSME, (b, i) => (i === 0 ? text(hex("ce"), { fin: false }) : cont(new Uint8Array([b]), { fin: i < KOSME.length - 1 ? false : true })))), [{ text: KOSME_TEXT }]);
  add("6.4", "UTF-8 with a surrogate, one frame", one(text(KOSME_SURROGATE)), [], 1007);
  add("6.5", "UTF-8 with a surrogate, one fragment per byte", one(...Array.from(KOSME_SURROGATE, (b, i) => (i === 0 ? text(new Uint8Array([b]), { fin: false }) : cont(new Uint8Array([b]), { fin: i < KOSME_SURROGATE.length - 1 ? false : true })))), [], 1007);
  add("6.6", "fail fast: invalid byte in an unfinished first fragment", one(text(concat([KOSME, hex("ff")]), { fin: false })), [], 1007);
  add("6.7", "fail fast: invalid sequence split across two unfinished fragments", one(text(hex("cebae1bd"), { fin: false }), cont(hex("b9cf83eda0"), { fin: false })), [], 1007);
  add("6.8", "message ends inside a code point", one(text(hex("e282"), { fin: false }), cont("")), [], 1007);
  add("6.9", "binary may hold anything", one(binary(hex("eda080ff"))), [{ binary: hex("eda080ff") }]);
  const invalid: [string, string][] = [
    ["5-byte form", "f888808080"], ["6-byte form", "fc8480808080"], ["past U+10FFFF", "f4908080"], ["lone continuation", "80"],
    ["lone continuations", "80bf80bf"], ["lead byte then space", "c020"], ["truncated 3-byte at end", "e0a0"], ["truncated 4-byte at end", "f09080"],
    ["FE", "fe"], ["FF", "ff"], ["overlong slash", "c0af"], ["overlong 3-byte", "e080af"], ["overlong 4-byte", "f08080af"],
    ["overlong NUL", "c080"], ["surrogate D800", "eda080"], ["surrogate DFFF", "edbfbf"], ["surrogate pair", "eda080edb080"],
  ];
  invalid.forEach(([name, h], i) => add(`6.10.${i + 1}`, `invalid UTF-8: ${name}`, one(text(concat([utf8Encode("ok "), hex(h)]))), [], 1007));
  const valid: [string, string][] = [
    ["U+0080", "c280"], ["U+07FF", "dfbf"], ["U+0800", "e0a080"], ["U+D7FF", "ed9fbf"], ["U+E000", "ee8080"], ["U+FFFD", "efbfbd"],
    ["U+FFFF", "efbfbf"], ["U+10000", "f0908080"], ["U+10FFFF", "f48fbfbf"],
  ];
  valid.forEach(([name, h], i) => {
    const cp = parseInt(name.slice(2), 16);
    add(`6.11.${i + 1}`, `valid UTF-8 boundary ${name}`, one(text(hex(h))), [{ text: String.fromCodePoint(cp) }]);
  });

  // 7. Close handling.
  add("7.1", "close without a code", one(close()), [{ close: 1005 }]);
  add("7.2", "close, then text: nothing after the close", one(close(1000), text("Hello")), [{ close: 1000 }]);
  add("7.3", "close, then ping: no pong", one(close(1000), ping("x")), [{ close: 1000 }]);
  add("7.4", "unfinished fragmented text, then close", one(text("fragment1", { fin: false }), close(1000)), [{ close: 1000 }]);
  add("7.5", "close 1000 with a reason", one(close(1000, "Normal close")), [{ close: 1000, reason: "Normal close" }]);
  add("7.6", "close with a 1-byte payload", one(frame(Opcode.CLOSE, hex("03"))), [], 1002);
  add("7.7", "close with a 123-byte reason", one(close(1000, "*".repeat(123))), [{ close: 1000, reason: "*".repeat(123) }]);
  add("7.8", "close with a 124-byte reason (payload over 125)", one(close(1000, "*".repeat(124))), [], 1002);
  add("7.9", "close with a reason that is not UTF-8", one(close(1000, KOSME_SURROGATE)), [], 1007);
  [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999].forEach((code, i) =>
    add(`7.10.${i + 1}`, `close with valid code ${code}`, one(close(code)), [{ close: code }]));
  [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000].forEach((code, i) =>
    add(`7.11.${i + 1}`, `close with invalid code ${code}`, one(close(code)), [], 1002));

  // 8. Limits and masking.
  const max = CONFORMANCE_MAX_MESSAGE;
  add("8.1", "binary of exactly the message bound", one(binary(fill(max, 0x5a))), [{ binary: fill(max, 0x5a) }]);
  const overHead = new Uint8Array(14);
  writeFrameHeader(overHead, 0, true, Opcode.BINARY, max + 1, MASK);
  add("8.2", "a frame one byte over the bound: refused from its header alone", [overHead], [], 1009);
  add("8.3", "fragments summing one byte over the bound", one(binary(fill(max / 2, 1), { fin: false }), cont(fill(max / 2 + 1, 2))), [], 1009);
  add("8.4", "text, then a 64-bit length with the top bit set", one(text("a"), hex("82ff8000000000000001")), [{ text: "a" }], 1002);
  add("8.5", "unmasked text frame", one(frame(Opcode.TEXT, "Hello", { mask: false })), [], 1002);
  add("8.6", "unmasked ping", one(frame(Opcode.PING, "", { mask: false })), [], 1002);
  return cases;
}
