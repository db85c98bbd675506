// Captive DNS on host-sim against real clients: dig and kdig over UDP and TCP, with and without
// EDNS; raw hostile queries; every reply decoded again by tshark and dns-packet.
import * as dnsPacket from "dns-packet";
import { createHostPlatform } from "../../host-sim/platform";
import { startCaptiveDns } from "../../examples/captive-dns/main";
import { dig, kdig, tcpExchange, tsharkDecode, udpExchange, udpQuery, unframe } from "./peers";

const IP = "10.20.30.40";
const collected: Buffer[] = [];
// dns-packet's decoder reports rcode and opcode; its type declarations do not list them
type Decoded = dnsPacket.DecodedPacket & { rcode: string; opcode: string };
const dpDecode = (b: Uint8Array): Decoded => dnsPacket.decode(Buffer.from(b)) as Decoded;
const queries: string[] = [];

const platform = createHostPlatform({ logLevel: "silent" });
const server = startCaptiveDns(platform, {
  port: 0,
  bind: "127.0.0.1",
  address: IP,
  ttl: 42,
  overrides: { "portal.example": "10.0.0.9", "v6.example": ["10.0.0.10", "fd00::10"] },
  logQueries: false,
});
server.udp.handler = (c, ev) => {
  if (ev.type === "dns-message") queries.push(`${ev.replied} ${ev.message.questions[0]?.name}`);
};
const port = server.udp.local.port;
afterAll(() => server.mgr.close());

function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ""), "hex");
}

function randomName(): string {
  const label = () => Math.random().toString(36).slice(2, 2 + 3 + Math.floor(Math.random() * 8));
  return `${label()}.${label()}.${["com", "net", "org", "lan"][Math.floor(Math.random() * 4)]}`;
}

describe("captive DNS with dig", () => {
  test("A for random names answers the device address, authoritative, no recursion, EDNS echoed", async () => {
    for (let i = 0; i < 5; i++) {
      const name = randomName();
      const r = await dig(port, name, "A");
      expect(r.warnings).toEqual([]);
      expect(r.status).toBe("NOERROR");
      expect(r.flags).toEqual(expect.arrayContaining(["qr", "aa", "rd"]));
      expect(r.flags).not.toContain("ra");
      expect(r.answers).toEqual([{ name: `${name}.`, ttl: 42, type: "A", data: IP }]);
      // dig sends EDNS by default: the reply carries OPT, counted in ADDITIONAL
      expect(r.edns).toBe(true);
      expect(r.ednsUdp).toBe(1232);
      expect(r.counts).toEqual({ query: 1, answer: 1, authority: 0, additional: 1 });
    }
  });

  test("+noedns: no OPT in the reply, ADDITIONAL 0", async () => {
    const r = await dig(port, "connectivitycheck.gstatic.com", "A", ["+noedns"]);
    expect(r.warnings).toEqual([]);
    expect(r.edns).toBe(false);
    expect(r.counts).toEqual({ query: 1, answer: 1, authority: 0, additional: 0 });
    expect(r.answers[0].data).toBe(IP);
  });

  test.each(["AAAA", "TXT", "MX", "HTTPS", "SRV"])("%s: NOERROR with an empty answer, never silence", async (type) => {
    const r = await dig(port, randomName(), type);
    expect(r.warnings).toEqual([]);
    expect(r.status).toBe("NOERROR");
    expect(r.counts.answer).toBe(0);
    expect(r.edns).toBe(true);
  });

  test("+tcp: the same answers over DNS-over-TCP", async () => {
    const a = await dig(port, "captive.apple.com", "A", ["+tcp"]);
    expect(a.tcp).toBe(true);
    expect(a.warnings).toEqual([]);
    expect(a.answers[0]).toMatchObject({ type: "A", data: IP });
    const aaaa = await dig(port, "captive.apple.com", "AAAA", ["+tcp", "+noedns"]);
    expect(aaaa.status).toBe("NOERROR");
    expect(aaaa.counts).toEqual({ query: 1, answer: 0, authority: 0, additional: 0 });
  });

  test("+edns=1 gets BADVERS with an OPT record, and dig's retry at version 0 succeeds", async () => {
    const r = await dig(port, "www.example.com", "A", ["+edns=1", "+noednsnegotiation"]);
    expect(r.status).toBe("BADVERS");
    expect(r.edns).toBe(true);
    const retried = await dig(port, "www.example.com", "A", ["+edns=1"]);
    expect(retried.status).toBe("NOERROR");
    expect(retried.answers[0].data).toBe(IP);
  });

  test("+dnssec +nsid +cookie options are accepted and answered", async () => {
    const r = await dig(port, "example.org", "A", ["+dnssec", "+nsid", "+cookie", "+bufsize=4096"]);
    expect(r.warnings).toEqual([]);
    expect(r.answers[0].data).toBe(IP);
    expect(r.ednsUdp).toBe(1232);
  });

  test("overrides answer their own addresses, A and AAAA", async () => {
    expect((await dig(port, "Portal.Example", "A")).answers.map((a) => a.data)).toEqual(["10.0.0.9"]);
    expect((await dig(port, "v6.example", "A")).answers.map((a) => a.data)).toEqual(["10.0.0.10"]);
    expect((await dig(port, "v6.example", "AAAA")).answers.map((a) => a.data)).toEqual(["fd00::10"]);
    expect((await dig(port, "other.example", "AAAA")).counts.answer).toBe(0);
  });

  test("the handler sees every answered query", async () => {
    queries.length = 0;
    await dig(port, "seen.example", "A");
    expect(queries).toEqual(["true seen.example"]);
  });
});

describe("captive DNS with kdig", () => {
  test.each([
    ["A", []],
    ["A", ["+tcp"]],
    ["AAAA", ["+edns"]],
    ["TXT", ["+edns", "+tcp"]],
    ["A", ["+noedns"]],
    ["A", ["+edns", "+nsid", "+bufsize=512"]],
  ] as Array<[string, string[]]>)("%s %j", async (type, opts) => {
    const name = randomName();
    const r = await kdig(port, name, type, opts);
    expect(r.warnings).toEqual([]);
    expect(r.status).toBe("NOERROR");
    expect(r.flags).toEqual(expect.arrayContaining(["qr", "aa"]));
    expect(r.flags).not.toContain("ra");
    expect(r.tcp).toBe(opts.includes("+tcp"));
    expect(r.edns).toBe(opts.includes("+edns"));
    if (type === "A") expect(r.answers).toEqual([{ name: `${name}.`, ttl: 42, type: "A", data: IP }]);
    else expect(r.counts.answer).toBe(0);
  });
});

describe("captive DNS on hostile and unusual queries", () => {
  test("a response (QR=1) is never answered", async () => {
    const got = await udpExchange(port, hex("1234 8100 0001 0000 0000 0000 01 61 00 0001 0001"));
    expect(got).toEqual([]);
  });

  test("garbage after a readable header gets FORMERR with the same id; short junk gets nothing", async () => {
    const got = await udpExchange(port, hex("beef 0100 0001 0000 0000 0000 3f 61 62"));
    expect(got.length).toBe(1);
    collected.push(got[0]);
    const m = dpDecode(got[0]);
    expect(m.id).toBe(0xbeef);
    expect(m.rcode).toBe("FORMERR");
    expect(m.flag_qr).toBe(true);
    expect(await udpExchange(port, hex("0102 0304 05"))).toEqual([]);
  });

  test("a compression loop in the question gets FORMERR", async () => {
    const reply = await udpQuery(port, hex("0a0b 0100 0001 0000 0000 0000 c00c 0001 0001"));
    collected.push(reply);
    expect(dpDecode(reply).rcode).toBe("FORMERR");
  });

  test("two questions get FORMERR; opcode STATUS gets NOTIMP", async () => {
    const two = await udpQuery(port, hex("0001 0100 0002 0000 0000 0000 0161 00 0001 0001 0162 00 0001 0001"));
    collected.push(two);
    expect(dpDecode(two).rcode).toBe("FORMERR");
    const status = await udpQuery(port, hex("0002 1000 0001 0000 0000 0000 0161 00 0001 0001"));
    collected.push(status);
    const m = dpDecode(status);
    expect(m.rcode).toBe("NOTIMP");
    expect(m.opcode).toBe("STATUS");
  });

  test("a CHAOS-class query is refused, ANY gets the A record", async () => {
    const ch = await udpQuery(port, hex("0003 0000 0001 0000 0000 0000 07 76657273696f6e 0462696e64 00 0010 0003"));
    collected.push(ch);
    expect(dpDecode(ch).rcode).toBe("REFUSED");
    const any = await udpQuery(port, hex("0004 0100 0001 0000 0000 0000 0161 00 00ff 0001"));
    collected.push(any);
    expect(dnsPacket.decode(any).answers).toEqual([expect.objectContaining({ type: "A", data: IP })]);
  });

  test("a maximal name with EDNS still fits in 512 bytes and decodes", async () => {
    const labels = ["a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61)];
    const q = dnsPacket.encode({ id: 5, type: "query", flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: "A", name: labels.join(".") }], additionals: [{ type: "OPT", name: ".", udpPayloadSize: 512 } as dnsPacket.Answer] });
    const reply = await udpQuery(port, q);
    collected.push(reply);
    expect(reply.length).toBeLessThanOrEqual(512);
    const m = dnsPacket.decode(reply);
    expect(m.answers![0]).toMatchObject({ name: labels.join("."), data: IP });
    expect(m.additionals![0].type).toBe("OPT");
  });

  test("TCP: pipelined queries in one segment get one framed reply each, in order", async () => {
    const q = (id: number, name: string) => {
      const m = dnsPacket.encode({ id, type: "query", flags: 0, questions: [{ type: "A", name }] });
      const f = Buffer.alloc(2 + m.length);
      f.writeUInt16BE(m.length, 0);
      m.copy(f, 2);
      return f;
    };
    const r = await tcpExchange(server.tcp.local.port, Buffer.concat([q(1, "one.test"), q(2, "two.test"), q(3, "three.test")]));
    const replies = unframe(r.data);
    expect(replies.map((b) => dnsPacket.decode(b).id)).toEqual([1, 2, 3]);
    collected.push(...replies);
  });

  test("TCP: a frame too short to be DNS closes the connection", async () => {
    const r = await tcpExchange(server.tcp.local.port, hex("0003 010203"));
    expect(r.closed).toBe(true);
    expect(r.data.length).toBe(0);
  });

  test("the server keeps serving after all of that", async () => {
    expect((await dig(port, "still.alive", "A")).answers[0].data).toBe(IP);
  });
});

describe("every reply decodes cleanly elsewhere", () => {
  beforeAll(async () => {
    // a spread of ordinary replies too, captured off the wire
    const d = (id: number, name: string, type: dnsPacket.RecordType, edns: boolean) =>
      dnsPacket.encode({ id, type: "query", flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name }], additionals: edns ? [{ type: "OPT", name: ".", udpPayloadSize: 4096 } as dnsPacket.Answer] : [] });
    let id = 100;
    for (const type of ["A", "AAAA", "TXT", "MX", "SRV"] as dnsPacket.RecordType[]) {
      for (const edns of [false, true]) collected.push(await udpQuery(port, d(id++, randomName(), type, edns)));
    }
  });

  test("tshark dissects every reply without malformed-packet or warning expert info", async () => {
    const r = await tsharkDecode(collected);
    expect(r.frames).toBe(collected.length);
    expect(r.problems).toEqual([]);
    expect(r.text.split("\n").filter((l) => /Domain Name System \(response\)/.test(l)).length).toBe(collected.length);
  });

  test("dns-packet decodes every reply, counts match the sections", () => {
    for (const b of collected) {
      const m = dnsPacket.decode(b);
      expect(m.type).toBe("response");
      expect(b.readUInt16BE(6)).toBe(m.answers!.length);
      expect(dnsPacket.decode.bytes).toBe(b.length);
    }
  });
});
