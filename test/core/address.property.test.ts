// IP literal parsers against node:net's isIPv4/isIPv6, and parseAddress on random input.
import { isIPv4 as nodeIsIPv4, isIPv6 as nodeIsIPv6 } from "node:net";
import fc from "fast-check";
import { formatAddress, formatIPv6, isIPv4, isIPv6, parseAddress, parseIPv6 } from "../../modules/core/address";

const v6chars = fc.constantFrom("0", "1", "a", "f", "F", "g", ":", ":", ":", ".", "9", "ffff", "255", "1.2.3.4", "::");
const v6ish = fc.array(v6chars, { maxLength: 14 }).map((a) => a.join(""));
const v4chars = fc.constantFrom("0", "1", "2", "5", "9", ".", ".", "25", "255", "256", "00", "x");
const v4ish = fc.array(v4chars, { maxLength: 10 }).map((a) => a.join(""));

describe("address literals vs node:net", () => {
  test("isIPv6 agrees with net.isIPv6 on near-miss strings", () => {
    fc.assert(fc.property(v6ish, (s) => expect(isIPv6(s)).toBe(nodeIsIPv6(s))), { numRuns: 5000 });
  });

  test("isIPv4 agrees with net.isIPv4 on near-miss strings", () => {
    fc.assert(fc.property(v4ish, (s) => expect(isIPv4(s)).toBe(nodeIsIPv4(s))), { numRuns: 3000 });
  });

  test("generated IPv6 addresses parse, and their RFC 5952 form parses to the same bytes", () => {
    fc.assert(
      fc.property(fc.ipV6(), (s) => {
        const b = parseIPv6(s);
        expect(b).toBeDefined();
        // Round trip through node's canonical text: URL serializes IPv6 hosts per RFC 5952.
        const canon = new URL(`http://[${s}]/`).hostname.slice(1, -1);
        expect(Buffer.from(parseIPv6(canon)!).equals(Buffer.from(b!))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  test("formatIPv6 matches WHATWG URL's IPv6 serializer (apart from IPv4-mapped text)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.nat(16), (b, zeros) => {
        b.fill(0, 16 - zeros); // make zero runs common
        const text = formatIPv6(b);
        expect(Buffer.from(parseIPv6(text)!).equals(Buffer.from(b))).toBe(true);
        if (!text.startsWith("::ffff:") || !text.includes(".")) expect(new URL(`http://[${text}]/`).hostname).toBe(`[${text}]`);
      }),
      { numRuns: 2000 },
    );
  });

  test("parseAddress never throws and round-trips what it accepts", () => {
    const piece = fc.constantFrom("tcp://", "udp://", "http://", "[", "]", "::1", ":", "80", "65536", "1.2.3.4", "host", "-", ".", " ", "0");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }).map((a) => a.join("")), (s) => {
        const r = parseAddress(s);
        if (r.ok) {
          expect(r.port).toBeGreaterThanOrEqual(0);
          expect(r.port).toBeLessThanOrEqual(65535);
          if (r.host !== "") expect(parseAddress(formatAddress(r.proto, r.host, r.port))).toEqual(r);
        } else expect(r.error.length).toBeGreaterThan(0);
      }),
      { numRuns: 3000 },
    );
  });
});
