// DNS codec vectors, shared between jest (V8) and the XS runner.
import { assert, assertEqual, fail, type Case, type SuiteFactory } from "../shared/suite";
import { DnsClass, DnsFlag, DnsType, opcodeOf, rcodeOf, typeCode, typeName, withCodes } from "../../modules/dns/constants";
import { decode, readHeader } from "../../modules/dns/decode";
import { encode, encodingLength } from "../../modules/dns/encode";
import { formatIPv6, parseIPv4, parseIPv6 } from "../../modules/dns/ip";
import { DnsError, type DnsMessage, type DnsRecord } from "../../modules/dns/message";
import { nameWireLength, readName, sameName, writeName } from "../../modules/dns/name";
import { DnsWriter, Section } from "../../modules/dns/writer";

function hex(s: string): Uint8Array {
  const clean = s.replace(/[^0-9a-f]/gi, "");
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function toHex(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
  return s;
}

function decoded(b: Uint8Array): DnsMessage {
  const r = decode(b);
  if (!r.ok) fail(`decode failed: ${r.error.code} ${r.error.message} at ${r.error.offset}`);
  return r.message;
}

function encoded(m: DnsMessage, out?: Uint8Array): Uint8Array {
  const r = encode(m, out);
  if (r instanceof DnsError) fail(`encode failed: ${r.code} ${r.message}`);
  return r;
}

function decodeError(b: Uint8Array): string {
  const r = decode(b);
  if (r.ok) fail("expected a decode error");
  return r.error.code;
}

function msg(partial: Partial<DnsMessage>): DnsMessage {
  return { id: 0, flags: 0, questions: [], answers: [], authorities: [], additionals: [], ...partial };
}

// A dig 9.18 query: "Example.COM A", RD+AD, EDNS(0) 1232 with a client cookie.
const DIG_QUERY = "554501200001000000000001074578616d706c6503434f4d000001000100002904d000000000000c000a00087c3d9c90a5c82c3e";
// A kdig 3.2 query: "www.example.org AAAA", EDNS 4096 with an empty NSID option.
const KDIG_QUERY = "d95e0120000100000000000103777777076578616d706c65036f726700001c0001000029100000000000000400030000";
// dig +noedns +norecurse "x.test TXT"
const DIG_PLAIN = "b76000200001000000000000017804746573740000100001";

const factory: SuiteFactory = () => {
  const cases: Case[] = [
    {
      name: "decodes a dig query with EDNS and a cookie",
      run() {
        const m = decoded(hex(DIG_QUERY));
        assertEqual(m.id, 0x5545);
        assert((m.flags & DnsFlag.RD) !== 0 && (m.flags & DnsFlag.AD) !== 0 && (m.flags & DnsFlag.QR) === 0, "flags");
        assertEqual(m.questions, [{ name: "Example.COM", type: "A", class: DnsClass.IN }]);
        assertEqual(m.additionals.length, 1);
        const opt = m.additionals[0];
        if (opt.type !== "OPT") fail("expected OPT");
        assertEqual(opt.udpPayloadSize, 1232);
        assertEqual(opt.version, 0);
        assertEqual(opt.flags, 0);
        assertEqual(opt.options.length, 1);
        assertEqual(opt.options[0].code, 10);
        assertEqual(toHex(opt.options[0].data), "7c3d9c90a5c82c3e");
      },
    },
    {
      name: "decodes a kdig AAAA query with an empty NSID option",
      run() {
        const m = decoded(hex(KDIG_QUERY));
        assertEqual(m.questions[0], { name: "www.example.org", type: "AAAA", class: 1 });
        const opt = m.additionals[0];
        if (opt.type !== "OPT") fail("expected OPT");
        assertEqual(opt.udpPayloadSize, 4096);
        assertEqual(opt.options[0].code, 3);
        assertEqual(opt.options[0].data.length, 0);
      },
    },
    {
      name: "re-encodes captured queries byte for byte",
      run() {
        for (const q of [DIG_QUERY, KDIG_QUERY, DIG_PLAIN]) assertEqual(toHex(encoded(decoded(hex(q)))), q, q);
      },
    },
    {
      name: "encodes a query exactly as RFC 1035 lays it out",
      run() {
        const b = encoded(msg({ id: 0xabcd, flags: DnsFlag.RD, questions: [{ name: "example.com", type: "A" }] }));
        assertEqual(toHex(b), "abcd01000001000000000000076578616d706c6503636f6d0000010001");
        assertEqual(encodingLength(msg({ questions: [{ name: "example.com", type: "A" }] })), b.length);
      },
    },
    {
      name: "compresses repeated names and suffixes",
      run() {
        const b = encoded(
          msg({
            id: 1,
            flags: DnsFlag.QR,
            questions: [{ name: "www.example.com", type: "A" }],
            answers: [
              { name: "www.example.com", type: "CNAME", ttl: 60, data: "web.example.com" },
              { name: "web.example.com", type: "A", ttl: 60, data: "192.0.2.1" },
            ],
          }),
        );
        // question name at 12; answer 1 owner = pointer c00c; CNAME rdata "web" + pointer to "example.com" (offset 16 = 0x10)
        assertEqual(
          toHex(b),
          "000180000001000200000000" +
            "03777777076578616d706c6503636f6d0000010001" +
            "c00c000500010000003c000603776562c010" +
            "c02d000100010000003c0004c0000201",
        );
        const m = decoded(b);
        assertEqual(m.answers[0], { name: "www.example.com", type: "CNAME", class: 1, ttl: 60, data: "web.example.com" });
        assertEqual(m.answers[1], { name: "web.example.com", type: "A", class: 1, ttl: 60, data: "192.0.2.1" });
        assert(b.length < encodingLength(m), "compressed is shorter than the bound");
      },
    },
    {
      name: "keeps the case of names when compressing",
      run() {
        const b = encoded(msg({ questions: [{ name: "A.Example.com", type: "A" }], answers: [{ name: "a.example.com", type: "A", data: "1.2.3.4" }] }));
        const m = decoded(b);
        assertEqual(m.answers[0].name, "a.example.com");
        assertEqual(m.questions[0].name, "A.Example.com");
      },
    },
    {
      name: "round-trips every structured record type",
      run() {
        const records: DnsRecord[] = [
          { name: "a.test", type: "A", class: 1, ttl: 1, data: "10.0.0.1" },
          { name: "a.test", type: "AAAA", class: 1, ttl: 2, data: "2001:db8::8:800:200c:417a" },
          { name: "c.test", type: "CNAME", class: 1, ttl: 3, data: "a.test" },
          { name: "test", type: "NS", class: 1, ttl: 4, data: "ns1.test" },
          { name: "1.0.0.10.in-addr.arpa", type: "PTR", class: 1, ttl: 5, data: "a.test" },
          { name: "test", type: "MX", class: 1, ttl: 6, data: { preference: 10, exchange: "mx.test" } },
          { name: "test", type: "TXT", class: 1, ttl: 7, data: [new Uint8Array([104, 105]), new Uint8Array(0), new Uint8Array([0, 255])] },
          { name: "_http._tcp.test", type: "SRV", class: 1, ttl: 8, data: { priority: 1, weight: 2, port: 8080, target: "a.test" } },
          {
            name: "test",
            type: "SOA",
            class: 1,
            ttl: 9,
            data: { mname: "ns1.test", rname: "admin.test", serial: 4294967295, refresh: 3600, retry: 600, expire: 86400, minimum: 30 },
          },
          { name: "test", type: "TYPE65", class: 1, ttl: 10, data: new Uint8Array([0, 1, 0]) },
        ];
        const opt: DnsRecord = { type: "OPT", name: "", udpPayloadSize: 1232, extendedRcode: 1, version: 0, flags: 0x8000, options: [{ code: 10, data: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) }] };
        const m = decoded(encoded(msg({ id: 7, flags: 0x8580, answers: records, additionals: [opt] })));
        assertEqual(m.answers, records);
        assertEqual(m.additionals, [opt]);
        assertEqual(m.flags, 0x8580);
      },
    },
    {
      name: "TXT strings given as text are UTF-8 encoded",
      run() {
        const m = decoded(encoded(msg({ answers: [{ name: "t", type: "TXT", data: ["v=spf1 -all", "é"] }] })));
        const rr = m.answers[0];
        if (rr.type !== "TXT") fail("TXT expected");
        assertEqual(rr.data, [new Uint8Array([118, 61, 115, 112, 102, 49, 32, 45, 97, 108, 108]), new Uint8Array([0xc3, 0xa9])]);
      },
    },
    {
      name: "escapes unprintable, dot and backslash bytes in labels",
      run() {
        const b = hex("0000000000010000000000000461 2e 5c 20 00 00010001".replace(/ /g, ""));
        const m = decoded(b);
        assertEqual(m.questions[0].name, "a\\.\\\\\\032");
        assertEqual(toHex(encoded(m)), toHex(b));
        assertEqual(nameWireLength("a\\.b.c"), 7);
        assertEqual(nameWireLength("\\065bc"), 5);
      },
    },
    {
      name: "accepts a trailing dot and the root name",
      run() {
        const out = new Uint8Array(64);
        const end = writeName("example.com.", out, 0, 64);
        assertEqual(end, 13);
        assertEqual(writeName(".", out, 0, 64), 1);
        assertEqual(writeName("", out, 0, 64), 1);
        assertEqual(out[0], 0);
        assert(sameName("Example.COM.", "example.com"), "sameName ignores case and the final dot");
      },
    },
    {
      name: "rejects invalid names on encode with a typed error",
      run() {
        const out = new Uint8Array(600);
        for (const bad of ["a..b", ".a", "x".repeat(64), `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(62)}`, "a\\25", "a\\999"]) {
          const r = writeName(bad, out, 0, 600);
          if (typeof r === "number") fail(`accepted ${bad}`);
          assertEqual(r.code, "bad-name", bad);
        }
        // 253 characters of name text = 255 bytes on the wire, the maximum
        const longest = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}`;
        assertEqual(writeName(longest, out, 0, 600), 255);
      },
    },
    {
      name: "encode reports bad addresses and values instead of throwing",
      run() {
        const cases: Array<[DnsRecord, string]> = [
          [{ name: "a", type: "A", data: "1.2.3" }, "bad-address"],
          [{ name: "a", type: "A", data: "01.2.3.4" }, "bad-address"],
          [{ name: "a", type: "AAAA", data: "1:2:3" }, "bad-address"],
          [{ name: "a", type: "A", ttl: -1, data: "1.2.3.4" }, "bad-value"],
          [{ name: "a", type: "MX", data: { preference: 70000, exchange: "b" } }, "bad-value"],
          [{ name: "a", type: "TXT", data: ["x".repeat(256)] }, "bad-value"],
          [{ name: "a", type: "TYPE70000" as "TYPE1", data: new Uint8Array(1) }, "bad-value"],
          [{ type: "OPT", name: "a", udpPayloadSize: 512, extendedRcode: 0, version: 0, flags: 0, options: [] }, "bad-opt"],
        ];
        for (const [rr, code] of cases) {
          const r = encode(msg({ answers: [rr] }));
          if (!(r instanceof DnsError)) fail(`accepted ${JSON.stringify(rr)}`);
          assertEqual(r.code, code, JSON.stringify(rr));
        }
      },
    },
    {
      name: "encode into a caller buffer: fits exactly or says no-space",
      run() {
        const m = msg({ id: 9, questions: [{ name: "example.com", type: "A" }] });
        const out = new Uint8Array(40);
        const b = encoded(m, out);
        assert(b.buffer === out.buffer, "writes into the caller's buffer");
        assertEqual(b.length, 29);
        const small = encode(m, new Uint8Array(28));
        if (!(small instanceof DnsError)) fail("expected no-space");
        assertEqual(small.code, "no-space");
      },
    },
    {
      name: "writer rolls back a record that passes the limit",
      run() {
        const out = new Uint8Array(512);
        const w = new DnsWriter(out, 0, 60);
        assert(w.header(1, DnsFlag.QR), "header");
        assert(w.question({ name: "example.com", type: "TXT" }), "question");
        assert(w.record(Section.ANSWER, { name: "example.com", type: "TXT", data: ["short"] }), "first fits");
        const before = w.length;
        assert(!w.record(Section.ANSWER, { name: "example.com", type: "TXT", data: ["x".repeat(40)] }), "second does not fit");
        assertEqual(w.error?.code, "no-space");
        assertEqual(w.length, before);
        const m = decoded(w.finish());
        assertEqual(m.answers.length, 1);
        assert(!w.record(Section.ANSWER, { name: "a", type: "A", data: "1.1.1.1" }) || true, "writer stays usable");
      },
    },
    {
      name: "writer copies a query's question section verbatim and compresses answers against it",
      run() {
        const query = hex(DIG_QUERY);
        const out = new Uint8Array(512);
        const w = new DnsWriter(out, 2);
        w.header(0x5545, DnsFlag.QR | DnsFlag.AA);
        assert(w.copyQuestions(query, 1), "copy");
        assert(w.record(Section.ANSWER, { name: "Example.COM", type: "A", ttl: 30, data: "192.168.4.1" }), "answer");
        const b = w.finish();
        assertEqual(toHex(b.subarray(12, 29)), toHex(query.subarray(12, 29)));
        // answer owner compressed to a pointer at the question name
        assertEqual(toHex(b.subarray(29, 31)), "c00c");
        const m = decoded(b);
        assertEqual(m.answers[0].name, "Example.COM");
        assertEqual(m.answers[0].type, "A");
      },
    },
    {
      name: "writer enforces section order",
      run() {
        const w = new DnsWriter(new Uint8Array(100));
        w.header(0, 0);
        assert(w.record(Section.ADDITIONAL, { name: "", type: "A", data: "1.1.1.1" }), "additional");
        assert(!w.record(Section.ANSWER, { name: "", type: "A", data: "1.1.1.1" }), "answer after additional refused");
        assert(!w.question({ name: "a", type: "A" }), "question after records refused");
      },
    },
    {
      name: "decode rejects truncation at every length with a typed error",
      run() {
        const full = encoded(
          msg({
            id: 3,
            flags: 0x8180,
            questions: [{ name: "www.example.com", type: "A" }],
            answers: [
              { name: "www.example.com", type: "CNAME", ttl: 60, data: "web.example.com" },
              { name: "web.example.com", type: "MX", ttl: 60, data: { preference: 5, exchange: "mx.example.com" } },
            ],
            additionals: [{ type: "OPT", name: "", udpPayloadSize: 512, extendedRcode: 0, version: 0, flags: 0, options: [{ code: 12, data: new Uint8Array(3) }] }],
          }),
        );
        for (let n = 0; n < full.length; n++) {
          const r = decode(full.subarray(0, n));
          if (r.ok) fail(`accepted a packet cut to ${n} bytes`);
          if (n >= 12) assertEqual(r.id, 3, `id kept at ${n}`);
          else assertEqual(r.id, undefined);
        }
        assert(decode(full).ok, "the whole packet decodes");
      },
    },
    {
      name: "decode refuses pointer loops, forward pointers and self pointers",
      run() {
        // question name is a pointer to itself
        assertEqual(decodeError(hex("000000000001000000000000c00c00010001")), "bad-pointer");
        // pointer forward to a later label
        assertEqual(decodeError(hex("000000000001000000000000c00e00000161000001 0001".replace(" ", ""))), "bad-pointer");
        // two names pointing at each other: second question -> first, first -> second
        assertEqual(decodeError(hex("000000000002000000000000c01200010001c00c00010001")), "bad-pointer");
      },
    },
    {
      name: "decode refuses names longer than 255 bytes, even built from pointers",
      run() {
        // 4 questions: each a 63-byte label pointing at the previous question's name
        const parts = ["000000000004000000000000"];
        const label = "3f" + "61".repeat(63);
        parts.push(label + "00" + "00010001"); // q1 at 12: 65 bytes name
        let prev = 12;
        let at = 12 + 65 + 4;
        for (let i = 0; i < 3; i++) {
          parts.push(label + "c0" + prev.toString(16).padStart(2, "0") + "00010001");
          prev = at;
          at += 64 + 2 + 4;
        }
        assertEqual(decodeError(hex(parts.join(""))), "name-too-long");
      },
    },
    {
      name: "decode refuses reserved label types and bad rdata lengths",
      run() {
        assertEqual(decodeError(hex("000000000001000000000000400000010001")), "bad-label");
        // an A record with 3 bytes of rdata
        assertEqual(decodeError(hex("000080000000000100000000 00 0001 0001 00000000 0003 010203".replace(/ /g, ""))), "bad-rdata");
        // a CNAME whose name runs past its rdata length
        assertEqual(decodeError(hex("000080000000000100000000 00 0005 0001 00000000 0002 0161 00".replace(/ /g, ""))), "bad-rdata");
        // TXT string longer than the rdata
        assertEqual(decodeError(hex("000080000000000100000000 00 0010 0001 00000000 0002 0561".replace(/ /g, ""))), "bad-rdata");
      },
    },
    {
      name: "decode bounds counts before allocating",
      run() {
        assertEqual(decodeError(hex("0000000000ff000000000000")), "too-many-records");
        assertEqual(decodeError(hex("000000000001000000000101")), "too-many-records");
        assertEqual(decodeError(hex("000000000002000000000000 00 0001 0001".replace(/ /g, ""))), "truncated");
        const r = decode(hex("0000000000ff000000000000"), { maxQuestions: 300 });
        if (r.ok) fail("cannot hold 255 questions");
        assertEqual(r.error.code, "truncated");
      },
    },
    {
      name: "decode refuses OPT outside the additional section, twice, or not at the root",
      run() {
        const opt = "0000290200000000000000";
        assertEqual(decodeError(hex("000000000000000100000000" + opt)), "bad-opt");
        assertEqual(decodeError(hex("000000000000000000000002" + opt + opt)), "bad-opt");
        assertEqual(decodeError(hex("000000000000000000000001 0161 00 0029 0200 00000000 0000".replace(/ /g, ""))), "bad-opt");
        // an option cut short inside the OPT rdata
        assertEqual(decodeError(hex("000000000000000000000001 00 0029 0200 00000000 0003 000a00".replace(/ /g, ""))), "bad-opt");
      },
    },
    {
      name: "unknown types keep raw rdata; ANY in an answer is raw too",
      run() {
        const m = decoded(hex("000080000000000200000000 00 ff00 0001 00000005 0002 abcd 00 00ff 0001 00000000 0001 07".replace(/ /g, "")));
        assertEqual(m.answers[0], { name: "", type: "TYPE65280", class: 1, ttl: 5, data: new Uint8Array([0xab, 0xcd]) });
        assertEqual(m.answers[1].type, "TYPE255");
      },
    },
    {
      name: "decode ignores trailing bytes and reports the length used",
      run() {
        const b = hex(DIG_PLAIN + "deadbeef");
        const r = decode(b);
        if (!r.ok) fail("decode failed");
        assertEqual(r.length, b.length - 4);
      },
    },
    {
      name: "readName follows a pointer and reports where the name ended",
      run() {
        const b = hex("000000000000000000000000 03 666f6f 00 03 626172 c00c".replace(/ /g, ""));
        assertEqual(readName(b, 12), "foo");
        assertEqual(readName(b, 17), "bar.foo");
      },
    },
    {
      name: "header helpers: opcode, rcode, flags",
      run() {
        const f = withCodes(DnsFlag.QR | DnsFlag.RD, 5, 3);
        assertEqual(opcodeOf(f), 5);
        assertEqual(rcodeOf(f), 3);
        assertEqual(f & DnsFlag.RD, DnsFlag.RD);
        assertEqual(readHeader(hex(DIG_PLAIN))?.qdcount, 1);
        assertEqual(readHeader(new Uint8Array(11)), undefined);
      },
    },
    {
      name: "type names: known, RFC 3597 and invalid",
      run() {
        assertEqual(typeName(1), "A");
        assertEqual(typeName(65), "TYPE65");
        assertEqual(typeCode("aaaa"), DnsType.AAAA);
        assertEqual(typeCode("TYPE65535"), 65535);
        assertEqual(typeCode("TYPE65536"), -1);
        assertEqual(typeCode("HINFO"), -1);
      },
    },
    {
      name: "IPv4 and IPv6 text forms",
      run() {
        const b = new Uint8Array(16);
        assert(parseIPv4("255.255.255.255", b, 0), "max");
        assert(!parseIPv4("256.1.1.1", b, 0) && !parseIPv4("1.1.1.1.", b, 0) && !parseIPv4("1..1.1", b, 0), "invalid v4");
        const v6: Array<[string, string]> = [
          ["::", "::"],
          ["::1", "::1"],
          ["2001:DB8:0:0:0:0:0:1", "2001:db8::1"],
          ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
          ["2001:0db8:0000:0001:0001:0001:0001:0001", "2001:db8:0:1:1:1:1:1"],
          ["fe80::", "fe80::"],
          ["::ffff:192.0.2.1", "::ffff:c000:201"],
          ["1:0:0:2:0:0:0:3", "1:0:0:2::3"],
        ];
        for (const [input, canonical] of v6) {
          assert(parseIPv6(input, b, 0), input);
          assertEqual(formatIPv6(b, 0), canonical, input);
        }
        for (const bad of ["", ":", ":::", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "1:2:3:4:5:6:7", "g::", "1:", "::1.2.3"]) {
          assert(!parseIPv6(bad, b, 0), `accepted ${bad}`);
        }
      },
    },
  ];
  return { name: "dns codec", cases };
};

export default factory;
