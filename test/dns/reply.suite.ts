// DNS reply builder and hosts table vectors, shared between jest (V8) and the XS runner.
import { assert, assertEqual, fail, type Case, type SuiteFactory } from "../shared/suite";
import { DnsFlag, DnsRcode, opcodeOf, rcodeOf } from "../../modules/dns/constants";
import { decode } from "../../modules/dns/decode";
import { encode } from "../../modules/dns/encode";
import { DnsError, type DnsMessage, type DnsRecord } from "../../modules/dns/message";
import { DnsReply, headerOnlyReply } from "../../modules/dns/reply";
import { HostsTable, hostsFromConfig, parseHosts } from "../../modules/dns/hosts";
import { buildQuery } from "../../modules/dns/query";
import { createQueryScan, scanSimpleQuery } from "../../modules/dns/scan";

function hex(t: string): Uint8Array {
  const clean = t.replace(/[^0-9a-f]/gi, "");
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

// dig 9.18: "Example.COM A", RD+AD, EDNS(0) 1232 with a client cookie
const DIG_QUERY = "554501200001000000000001074578616d706c6503434f4d000001000100002904d000000000000c000a00087c3d9c90a5c82c3e";

function query(name: string, type: string, opt?: { size: number; version?: number }, flags = DnsFlag.RD | DnsFlag.CD): { message: DnsMessage; packet: Uint8Array } {
  const additionals: DnsRecord[] = opt ? [{ type: "OPT", name: "", udpPayloadSize: opt.size, extendedRcode: 0, version: opt.version ?? 0, flags: 0, options: [] }] : [];
  const packet = encode({ id: 0x4242, flags, questions: [{ name, type }], answers: [], authorities: [], additionals });
  if (packet instanceof DnsError) fail(packet.message);
  const r = decode(packet);
  if (!r.ok) fail(r.error.message);
  return { message: r.message, packet };
}

function parsed(b: Uint8Array): DnsMessage {
  const r = decode(b);
  if (!r.ok) fail(`reply does not decode: ${r.error.code} ${r.error.message}`);
  return r.message;
}

const factory: SuiteFactory = () => {
  const cases: Case[] = [
    {
      name: "a reply copies id, RD, CD and the question, sets QR, and answers",
      run() {
        const q = query("Www.Example.com", "A");
        const r = new DnsReply(q.message, q.packet, false, { authoritative: true });
        assert(r.answer({ name: "Www.Example.com", type: "A", ttl: 60, data: "192.0.2.1" }), "answer");
        const m = parsed(r.finish());
        assertEqual(m.id, 0x4242);
        assertEqual(m.flags, DnsFlag.QR | DnsFlag.AA | DnsFlag.RD | DnsFlag.CD);
        assertEqual(m.questions, [{ name: "Www.Example.com", type: "A", class: 1 }]);
        assertEqual(m.answers, [{ name: "Www.Example.com", type: "A", class: 1, ttl: 60, data: "192.0.2.1" }]);
        assertEqual(m.additionals, []);
      },
    },
    {
      name: "an EDNS query gets an OPT record last, counted, with mcnet's payload size",
      run() {
        const q = query("a.example", "AAAA", { size: 4096 });
        const r = new DnsReply(q.message, q.packet, false);
        const m = parsed(r.finish());
        assertEqual(m.answers.length, 0);
        assertEqual(m.additionals, [{ type: "OPT", name: "", udpPayloadSize: 1232, extendedRcode: 0, version: 0, flags: 0, options: [] }]);
        assertEqual(rcodeOf(m.flags), DnsRcode.NOERROR);
      },
    },
    {
      name: "OPT stays last even after additional records",
      run() {
        const q = query("mx.example", "MX", { size: 1232 });
        const r = new DnsReply(q.message, q.packet, false);
        r.answer({ name: "mx.example", type: "MX", data: { preference: 1, exchange: "mail.mx.example" } });
        r.additional({ name: "mail.mx.example", type: "A", data: "192.0.2.9" });
        const m = parsed(r.finish());
        assertEqual(m.additionals.map((x) => x.type), ["A", "OPT"]);
      },
    },
    {
      name: "BADVERS goes out as extended rcode 1 in the OPT record, header rcode 0",
      run() {
        const q = query("v.example", "A", { size: 1232, version: 1 });
        const r = new DnsReply(q.message, q.packet, false);
        r.rcode = DnsRcode.BADVERS;
        const m = parsed(r.finish());
        assertEqual(rcodeOf(m.flags), 0);
        const opt = m.additionals[0];
        if (opt.type !== "OPT") fail("OPT expected");
        assertEqual(opt.extendedRcode, 1);
        assertEqual(opt.version, 0);
      },
    },
    {
      name: "an extended rcode without EDNS degrades to SERVFAIL",
      run() {
        const q = query("v.example", "A");
        const r = new DnsReply(q.message, q.packet, false);
        r.rcode = DnsRcode.BADVERS;
        assertEqual(rcodeOf(parsed(r.finish()).flags), DnsRcode.SERVFAIL);
      },
    },
    {
      name: "UDP without EDNS stops at 512 bytes with TC; the OPT room is kept with EDNS",
      run() {
        for (const opt of [undefined, { size: 512 }, { size: 800 }]) {
          const q = query("t.example", "TXT", opt);
          const r = new DnsReply(q.message, q.packet, false);
          let added = 0;
          while (r.answer({ name: "t.example", type: "TXT", data: ["x".repeat(100)] })) added++;
          const b = r.finish();
          const limit = opt ? Math.max(512, opt.size) : 512;
          assert(b.length <= limit, `${b.length} <= ${limit}`);
          assert(b.length > limit - 130, "filled up");
          const m = parsed(b);
          assert((m.flags & DnsFlag.TC) !== 0, "TC set");
          assertEqual(m.answers.length, added);
          assertEqual(m.additionals.length, opt ? 1 : 0);
          assert(!r.answer({ name: "t.example", type: "A", data: "192.0.2.1" }), "no more answers once truncated");
        }
      },
    },
    {
      name: "dropped additional records do not set TC",
      run() {
        const q = query("t.example", "A");
        const r = new DnsReply(q.message, q.packet, false);
        r.answer({ name: "t.example", type: "A", data: "192.0.2.1" });
        while (r.additional({ name: "t.example", type: "TXT", data: ["y".repeat(200)] }));
        assertEqual(parsed(r.finish()).flags & DnsFlag.TC, 0);
      },
    },
    {
      name: "a caller-provided buffer is used as is; TCP replies carry a length prefix",
      run() {
        const q = query("tcp.example", "A");
        const out = new Uint8Array(600);
        const r = new DnsReply(q.message, q.packet, true, { out, tcpMax: 598 });
        r.answer({ name: "tcp.example", type: "A", data: "192.0.2.2" });
        const framed = r.wire();
        assert(framed.buffer === out.buffer, "built in place");
        assertEqual((framed[0] << 8) | framed[1], framed.length - 2);
        assertEqual(parsed(framed.subarray(2)).answers.length, 1);
      },
    },
    {
      name: "detach keeps a finished reply intact when its scratch buffer is reused",
      run() {
        const q = query("keep.example", "A");
        const scratch = new Uint8Array(600);
        const r = new DnsReply(q.message, q.packet, false, { out: scratch });
        r.answer({ name: "keep.example", type: "A", data: "192.0.2.3" });
        r.detach();
        scratch.fill(0xee);
        const m = parsed(r.finish());
        assertEqual(m.answers[0].name, "keep.example");
        const r2 = new DnsReply(q.message, q.packet, false, { out: scratch });
        const before = r2.finish();
        r2.detach();
        scratch.fill(0);
        assertEqual(parsed(r2.finish()).id, 0x4242);
        assertEqual(before.length, r2.finish().length);
      },
    },
    {
      name: "the opcode of the query is echoed",
      run() {
        const q = query("n.example", "SOA", undefined, 4 << 11);
        const m = parsed(new DnsReply(q.message, q.packet, false).finish());
        assertEqual(opcodeOf(m.flags), 4);
      },
    },
    {
      name: "header-only FORMERR reply, over UDP and TCP",
      run() {
        const udp = headerOnlyReply(0xbeef, DnsFlag.RD, DnsRcode.FORMERR, false);
        const m = parsed(udp);
        assertEqual(m.id, 0xbeef);
        assertEqual(m.flags, DnsFlag.QR | DnsFlag.RD | DnsRcode.FORMERR);
        assertEqual(m.questions.length, 0);
        const tcp = headerOnlyReply(1, 0, DnsRcode.FORMERR, true);
        assertEqual(tcp.length, 14);
        assertEqual(tcp[1], 12);
      },
    },
    {
      name: "buildQuery: RD, the question and an EDNS OPT",
      run() {
        const out = new Uint8Array(300);
        const b = buildQuery(out, 7, "example.com", "AAAA");
        if (b instanceof DnsError) fail(b.message);
        const m = parsed(b);
        assertEqual(m.flags, DnsFlag.RD);
        assertEqual(m.questions, [{ name: "example.com", type: "AAAA", class: 1 }]);
        assertEqual(m.additionals[0].type, "OPT");
        const plain = buildQuery(out, 7, "example.com", "A", { ednsPayload: 0, recursionDesired: false });
        if (plain instanceof DnsError) fail(plain.message);
        assertEqual(parsed(plain).additionals.length, 0);
        const bad = buildQuery(out, 7, "a..b", "A");
        assert(bad instanceof DnsError && bad.code === "bad-name", "bad name refused");
      },
    },
    {
      name: "scanSimpleQuery reads a dig query without decoding it",
      run() {
        const scan = createQueryScan();
        assert(scanSimpleQuery(hex(DIG_QUERY), scan), "accepted");
        assertEqual(scan, { id: 0x5545, flags: 0x0120, questionEnd: 29, qtype: 1, qclass: 1, ednsPayload: 1232, ednsVersion: 0 });
        const plain = hex("b76000200001000000000000017804746573740000100001");
        assert(scanSimpleQuery(plain, scan), "plain accepted");
        assertEqual(scan.ednsPayload, -1);
      },
    },
    {
      name: "scanSimpleQuery leaves every other shape to decode",
      run() {
        const scan = createQueryScan();
        const refused = [
          "000000000002000000000000 0161 00 0001 0001 0162 00 0001 0001", // two questions
          "000000000001000100000000 0161 00 0001 0001 c00c 0001 0001 00000000 0004 01020304", // an answer
          "000000000001000000000001 0161 00 0001 0001 0161 00 0001 0001 00000000 0000", // additional that is not OPT
          "000000000001000000000000 c00c 0001 0001", // pointer loop
          "000000000001000000000000 0161 00 0001", // question cut short
          "000000000001000000000001 00 0001 0001 00 0029 0200 00000000 0005 000a000200", // option runs past rdata
        ];
        for (const t of refused) assert(!scanSimpleQuery(hex(t), scan), `accepted ${t}`);
      },
    },
    {
      name: "a reply built from a scan equals one built from the decoded query",
      run() {
        const packet = hex(DIG_QUERY);
        const scan = createQueryScan();
        assert(scanSimpleQuery(packet, scan), "scan");
        const fromScan = new DnsReply(scan, packet, false, { authoritative: true });
        fromScan.answerQuestion("A", 30, new Uint8Array([192, 168, 4, 1]));
        const fromMessage = new DnsReply(parsed(packet), packet, false, { authoritative: true });
        fromMessage.answer({ name: "Example.COM", type: "A", ttl: 30, data: "192.168.4.1" });
        assertEqual(fromScan.finish(), fromMessage.finish());
        assertEqual(fromScan.queryEdnsVersion, 0);
        assertEqual(fromScan.question, undefined);
      },
    },
    {
      name: "answerQuestion points at the right question and answers ANY-class questions in IN",
      run() {
        const packet = encode({ id: 1, flags: 0, questions: [{ name: "one.example", type: "A" }, { name: "two.example", type: "A", class: 255 }], answers: [], authorities: [], additionals: [] });
        if (packet instanceof DnsError) fail(packet.message);
        const r = new DnsReply(parsed(packet), packet, false);
        assert(r.answerQuestion("A", 5, new Uint8Array([10, 0, 0, 2]), 1), "second question");
        assert(!r.answerQuestion("A", 5, new Uint8Array(4), 2), "no third question");
        const m = parsed(r.finish());
        assertEqual(m.answers, [{ name: "two.example", type: "A", class: 1, ttl: 5, data: "10.0.0.2" }]);
      },
    },
    {
      name: "hosts text: comments, aliases, both families, junk skipped",
      run() {
        const t = parseHosts(
          "127.0.0.1\tlocalhost\n# 10.0.0.1 commented.out\n10.0.0.2 nas NAS.lan  # the nas\n::1 localhost ip6-localhost\n300.1.1.1 bad\nnot-an-ip name\n10.0.0.3\n10.0.0.4 a..b good\r\n",
        );
        assertEqual(t.lookup("localhost", "A"), ["127.0.0.1"]);
        assertEqual(t.lookup("LOCALHOST.", "AAAA"), ["::1"]);
        assertEqual(t.lookup("nas.lan", "A"), ["10.0.0.2"]);
        assertEqual(t.lookup("commented.out", "A"), undefined);
        assertEqual(t.lookup("bad", "A"), undefined);
        assertEqual(t.lookup("name", "A"), undefined);
        assertEqual(t.lookup("good", "A"), ["10.0.0.4"]);
        assertEqual(t.lookup("a..b", "A"), undefined);
        assertEqual(t.lookup("nas", "MX"), []);
      },
    },
    {
      name: "hosts table bounds names and addresses per name",
      run() {
        const t = new HostsTable({ maxNames: 2, maxAddresses: 2 });
        assert(t.add("a", "10.0.0.1") && t.add("a", "10.0.0.2"), "two addresses");
        assert(!t.add("a", "10.0.0.3"), "third refused");
        assert(t.add("a", "10.0.0.1"), "duplicate is fine");
        assert(t.add("b", "10.0.0.1"), "second name");
        assert(!t.add("c", "10.0.0.1"), "third name refused");
        assertEqual(t.size, 2);
        let long = "";
        for (let i = 0; i < 2000; i++) long += "x";
        assertEqual(parseHosts(`10.0.0.1 ${long}\n10.0.0.2 ok`, { maxLine: 100 }).lookup("ok", "A"), ["10.0.0.2"]);
      },
    },
    {
      name: "hosts from a config object",
      run() {
        const t = hostsFromConfig({ "printer.lan": "192.168.1.9", nas: ["10.0.0.2", "fd00::2", "junk"] });
        assertEqual(t.lookup("printer.lan", "A"), ["192.168.1.9"]);
        assertEqual(t.lookup("nas", "AAAA"), ["fd00::2"]);
        assertEqual(t.lookup("nas", "A"), ["10.0.0.2"]);
      },
    },
  ];
  return { name: "dns reply and hosts", cases };
};

export default factory;
