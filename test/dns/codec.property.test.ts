// Differential property tests: mcnet's DNS codec against dns-packet. Random messages are encoded
// by each library and decoded by the other; both readings must agree with the original. Mutated
// and random packets must never make the codec throw.
import fc from "fast-check";
import * as dnsPacket from "dns-packet";
import { decode } from "../../modules/dns/decode";
import { encode } from "../../modules/dns/encode";
import { parseIPv6 } from "../../modules/dns/ip";
import { DnsError, type DnsMessage, type DnsRecord } from "../../modules/dns/message";
import { typeCode } from "../../modules/dns/constants";
import { createQueryScan, scanSimpleQuery } from "../../modules/dns/scan";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dpTypes = require("dns-packet/types");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dpClasses = require("dns-packet/classes");

// ---- generators ------------------------------------------------------------------------------

const labelChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
const label = fc.string({ unit: fc.constantFrom(...labelChars.split("")), minLength: 1, maxLength: 20 });
// names from a small pool per message so suffixes repeat and compression gets exercised
const namePool = fc.array(fc.array(label, { minLength: 0, maxLength: 4 }), { minLength: 1, maxLength: 4 });

function nameArb(pool: string[][]) {
  return fc.tuple(fc.constantFrom(...pool), fc.array(label, { maxLength: 2 })).map(([suffix, prefix]) => [...prefix, ...suffix].join("."));
}

const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const klass = fc.constantFrom(1, 3, 4, 255);
const bytes = (max: number) => fc.uint8Array({ maxLength: max });
const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join("."));
const ipv6 = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }).map((g) => g.map((x) => x.toString(16)).join(":"));
// codes dns-packet treats as opaque rdata (private use), so both sides agree they are raw
const rawType = fc.integer({ min: 65280, max: 65534 });

function recordArb(pool: string[][]): fc.Arbitrary<DnsRecord> {
  const n = nameArb(pool);
  const base = { name: n, class: klass, ttl: u32 };
  return fc.oneof(
    fc.record({ ...base, type: fc.constant("A" as const), data: ipv4 }),
    fc.record({ ...base, type: fc.constant("AAAA" as const), data: ipv6 }),
    fc.record({ ...base, type: fc.constantFrom("CNAME" as const, "NS" as const, "PTR" as const), data: n }),
    fc.record({ ...base, type: fc.constant("MX" as const), data: fc.record({ preference: u16, exchange: n }) }),
    fc.record({ ...base, type: fc.constant("TXT" as const), data: fc.array(bytes(255), { minLength: 1, maxLength: 3 }) }),
    fc.record({ ...base, type: fc.constant("SRV" as const), data: fc.record({ priority: u16, weight: u16, port: u16, target: n }) }),
    fc.record({
      ...base,
      type: fc.constant("SOA" as const),
      data: fc.record({ mname: n, rname: n, serial: u32, refresh: u32, retry: u32, expire: u32, minimum: u32 }),
    }),
    fc.record({ ...base, type: rawType.map((c) => `TYPE${c}` as `TYPE${number}`), data: bytes(40) }),
  ) as fc.Arbitrary<DnsRecord>;
}

const optArb: fc.Arbitrary<DnsRecord> = fc.record({
  type: fc.constant("OPT" as const),
  name: fc.constant(""),
  udpPayloadSize: fc.integer({ min: 1, max: 0xffff }), // dns-packet writes 0 as 4096
  extendedRcode: fc.nat(255),
  version: fc.nat(255),
  flags: u16,
  // codes dns-packet does not interpret, so its view of the option is just code + bytes
  options: fc.array(fc.record({ code: fc.constantFrom(3, 9, 10, 13, 15, 65001), data: bytes(16) }), { maxLength: 3 }),
});

const messageArb: fc.Arbitrary<DnsMessage> = namePool.chain((pool) =>
  fc.record({
    id: u16,
    flags: u16,
    questions: fc.array(fc.record({ name: nameArb(pool), type: fc.integer({ min: 1, max: 0xffff }).filter((t) => t !== 41).map(codeName), class: klass }), { maxLength: 3 }),
    answers: fc.array(recordArb(pool), { maxLength: 5 }),
    authorities: fc.array(recordArb(pool), { maxLength: 3 }),
    additionals: fc.tuple(fc.array(recordArb(pool), { maxLength: 3 }), fc.option(optArb)).map(([rs, opt]) => (opt ? [...rs, opt] : rs)),
  }),
);

function codeName(code: number): string {
  return dpTypes.toString(code).startsWith("UNKNOWN_") ? `TYPE${code}` : typeCodeName(code);
}
function typeCodeName(code: number): string {
  // our table for the codes we structure, RFC 3597 names for the rest
  const names: Record<number, string> = { 1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 15: "MX", 16: "TXT", 28: "AAAA", 33: "SRV", 255: "ANY" };
  return names[code] ?? `TYPE${code}`;
}

// ---- normal form both libraries' readings are compared in ------------------------------------

function v6(s: string): number[] {
  const b = new Uint8Array(16);
  if (!parseIPv6(s, b, 0)) throw new Error(`bad v6 ${s}`);
  return Array.from(b);
}

function bytesOf(b: Uint8Array | string): number[] {
  return Array.from(typeof b === "string" ? Buffer.from(b) : b);
}

function normRecord(rr: DnsRecord): unknown {
  if (rr.type === "OPT") {
    return { type: 41, udp: rr.udpPayloadSize, ext: rr.extendedRcode, ver: rr.version, flags: rr.flags, options: rr.options.map((o) => ({ code: o.code, data: bytesOf(o.data) })) };
  }
  let data: unknown = rr.data;
  if (rr.type === "AAAA") data = v6(rr.data);
  else if (rr.type === "TXT") data = rr.data.map(bytesOf);
  else if (rr.data instanceof Uint8Array) data = bytesOf(rr.data);
  return { name: rr.name, type: typeCode(rr.type), class: rr.class ?? 1, ttl: rr.ttl ?? 0, data };
}

function norm(m: DnsMessage): unknown {
  return {
    id: m.id,
    flags: m.flags,
    questions: m.questions.map((q) => ({ name: q.name, type: typeCode(q.type), class: q.class ?? 1 })),
    answers: m.answers.map(normRecord),
    authorities: m.authorities.map(normRecord),
    additionals: m.additionals.map(normRecord),
  };
}

function root(n: string): string {
  return n === "." ? "" : n;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
function normDp(p: any): unknown {
  const rec = (a: any) => {
    if (a.type === "OPT") {
      return { type: 41, udp: a.udpPayloadSize, ext: a.extendedRcode, ver: a.ednsVersion, flags: a.flags, options: a.options.map((o: any) => ({ code: o.code, data: bytesOf(o.data) })) };
    }
    const type = dpTypes.toType(a.type);
    let data = a.data;
    if (a.type === "AAAA") data = v6(a.data);
    else if (a.type === "TXT") data = a.data.map(bytesOf);
    else if (Buffer.isBuffer(a.data)) data = bytesOf(a.data);
    else if (a.type === "CNAME" || a.type === "NS" || a.type === "PTR") data = root(a.data);
    else if (a.type === "MX") data = { preference: a.data.preference, exchange: root(a.data.exchange) };
    else if (a.type === "SRV") data = { ...a.data, target: root(a.data.target) };
    else if (a.type === "SOA") data = { ...a.data, mname: root(a.data.mname), rname: root(a.data.rname) };
    return { name: root(a.name), type, class: dpClasses.toClass(a.class) | (a.flush ? 0x8000 : 0), ttl: a.ttl, data };
  };
  return {
    id: p.id,
    flags: p.flags | (p.type === "response" ? 0x8000 : 0),
    questions: p.questions.map((q: any) => ({ name: root(q.name), type: dpTypes.toType(q.type), class: dpClasses.toClass(q.class) })),
    answers: p.answers.map(rec),
    authorities: p.authorities.map(rec),
    additionals: p.additionals.map(rec),
  };
}

function toDp(m: DnsMessage): any {
  const rec = (rr: DnsRecord): any => {
    if (rr.type === "OPT") {
      return { type: "OPT", name: ".", udpPayloadSize: rr.udpPayloadSize, extendedRcode: rr.extendedRcode, ednsVersion: rr.version, flags: rr.flags, options: rr.options.map((o) => ({ code: o.code, data: Buffer.from(o.data) })) };
    }
    const type = typeCode(rr.type);
    let data: any = rr.data;
    if (rr.type === "TXT") data = rr.data.map((s) => Buffer.from(s as Uint8Array));
    else if (rr.data instanceof Uint8Array) data = Buffer.from(rr.data);
    return { name: rr.name || ".", type: dpTypes.toString(type), class: dpClasses.toString(rr.class ?? 1), ttl: rr.ttl ?? 0, data };
  };
  return {
    id: m.id,
    type: m.flags & 0x8000 ? "response" : "query",
    flags: m.flags & 0x7fff,
    questions: m.questions.map((q) => ({ name: q.name || ".", type: dpTypes.toString(typeCode(q.type)), class: dpClasses.toString(q.class ?? 1) })),
    answers: m.answers.map(rec),
    authorities: m.authorities.map(rec),
    additionals: m.additionals.map(rec),
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

function ours(m: DnsMessage): Uint8Array {
  const b = encode(m);
  if (b instanceof DnsError) throw new Error(`encode: ${b.code} ${b.message}`);
  return b;
}

// ---- properties ------------------------------------------------------------------------------

describe("dns codec vs dns-packet", () => {
  test("mcnet encodes, dns-packet decodes the same message", () => {
    fc.assert(
      fc.property(messageArb, (m) => {
        const wire = ours(m);
        expect(normDp(dnsPacket.decode(Buffer.from(wire)))).toEqual(norm(m));
      }),
      { numRuns: 400 },
    );
  });

  test("dns-packet encodes, mcnet decodes the same message", () => {
    fc.assert(
      fc.property(messageArb, (m) => {
        const wire = dnsPacket.encode(toDp(m));
        const r = decode(new Uint8Array(wire));
        if (!r.ok) throw new Error(`decode: ${r.error.code} ${r.error.message}`);
        expect(r.length).toBe(wire.length);
        expect(norm(r.message)).toEqual(norm(m));
      }),
      { numRuns: 400 },
    );
  });

  test("mcnet round-trips its own encoding, never longer than dns-packet's", () => {
    fc.assert(
      fc.property(messageArb, (m) => {
        const wire = ours(m);
        const r = decode(wire);
        if (!r.ok) throw new Error(`decode: ${r.error.code}`);
        expect(norm(r.message)).toEqual(norm(m));
        expect(wire.length).toBeLessThanOrEqual(dnsPacket.encodingLength(toDp(m)));
      }),
      { numRuns: 300 },
    );
  });
});

describe("dns codec on hostile input", () => {
  const mutation = fc.record({
    at: fc.nat(),
    kind: fc.constantFrom("flip", "set", "cut", "insert", "pointer"),
    value: fc.nat(255),
  });

  test("mutated packets decode or fail with a typed error, never throw", () => {
    fc.assert(
      fc.property(messageArb, fc.array(mutation, { minLength: 1, maxLength: 6 }), (m, muts) => {
        let b = Array.from(ours(m));
        for (const mu of muts) {
          const i = b.length ? mu.at % b.length : 0;
          if (mu.kind === "flip") b[i] ^= 1 << mu.value % 8;
          else if (mu.kind === "set") b[i] = mu.value;
          else if (mu.kind === "cut") b = b.slice(0, i);
          else if (mu.kind === "insert") b.splice(i, 0, mu.value);
          else b.splice(i, 2, 0xc0 | (mu.value & 0x3f), mu.value);
        }
        const r = decode(new Uint8Array(b));
        if (r.ok) {
          // whatever decodes must encode again without throwing
          const again = encode(r.message);
          if (again instanceof DnsError) expect(typeof again.code).toBe("string");
        } else {
          expect(r.error).toBeInstanceOf(DnsError);
        }
      }),
      { numRuns: 1500 },
    );
  });

  test("random bytes never make decode throw", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
        const r = decode(b);
        expect(typeof r.ok).toBe("boolean");
      }),
      { numRuns: 3000 },
    );
  });

  test("random headers with random counts fail fast", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 12 }), fc.uint8Array({ maxLength: 64 }), (h, rest) => {
        const b = new Uint8Array(h.length + rest.length);
        b.set(h);
        b.set(rest, 12);
        const r = decode(b);
        if (!r.ok) expect(r.id).toBe((h[0] << 8) | h[1]);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("the captive fast path's scan agrees with decode", () => {
  const simpleQuery: fc.Arbitrary<DnsMessage> = namePool.chain((pool) =>
    fc.record({
      id: u16,
      flags: u16,
      questions: fc.tuple(fc.record({ name: nameArb(pool), type: fc.constantFrom("A", "AAAA", "TXT", "ANY", "TYPE65"), class: klass })).map((q) => [...q]),
      answers: fc.constant([]),
      authorities: fc.constant([]),
      additionals: fc.option(optArb).map((o) => (o ? [o] : [])),
    }),
  );
  const scan = createQueryScan();

  test("every well-formed one-question query passes the scan with decode's reading", () => {
    fc.assert(
      fc.property(simpleQuery, (m) => {
        const wire = ours(m);
        expect(scanSimpleQuery(wire, scan)).toBe(true);
        const opt = m.additionals[0];
        expect(scan).toMatchObject({
          id: m.id,
          flags: m.flags,
          qtype: typeCode(m.questions[0].type),
          qclass: m.questions[0].class,
          ednsPayload: opt?.type === "OPT" ? opt.udpPayloadSize : -1,
          ednsVersion: opt?.type === "OPT" ? opt.version : 0,
          questionEnd: wire.length - (opt?.type === "OPT" ? 11 + opt.options.reduce((n, o) => n + 4 + o.data.length, 0) : 0),
        });
      }),
      { numRuns: 500 },
    );
  });

  test("whatever the scan accepts, decode accepts the same way (mutated and random packets)", () => {
    fc.assert(
      fc.property(simpleQuery, fc.array(fc.record({ at: fc.nat(), value: fc.nat(255), cut: fc.boolean() }), { minLength: 1, maxLength: 4 }), (m, muts) => {
        let b = Array.from(ours(m));
        for (const mu of muts) {
          const i = mu.at % b.length;
          if (mu.cut) b = b.slice(0, i);
          else b[i] = mu.value;
          if (b.length === 0) return;
        }
        const packet = new Uint8Array(b);
        if (!scanSimpleQuery(packet, scan)) return;
        const r = decode(packet);
        if (!r.ok) throw new Error(`scan accepted what decode refuses: ${r.error.code}`);
        expect(r.message.questions.length).toBe(1);
        expect(r.message.answers.length + r.message.authorities.length).toBe(0);
        expect(typeCode(r.message.questions[0].type)).toBe(scan.qtype);
        expect(r.message.questions[0].class).toBe(scan.qclass);
        const opt = r.message.additionals[0];
        expect(opt ? opt.type === "OPT" && opt.udpPayloadSize : -1).toBe(scan.ednsPayload);
      }),
      { numRuns: 3000 },
    );
  });
});
