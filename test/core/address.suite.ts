// Connection address strings ("[tcp|udp]://[host]:port") and the IPv4/IPv6 literal parsers.
import { formatAddress, formatIPv4, formatIPv6, isIPv4, isIPv6, parseAddress, parseIPv4, parseIPv6, parsePort, type TransportProto } from "../../modules/core/address";
import { assert, assertEqual, fail, type Case, type SuiteFactory } from "../shared/suite";

const GOOD: [string, TransportProto, number, string][] = [
  // text, proto, port, host
  ["tcp://0.0.0.0:8080", "tcp", 8080, "0.0.0.0"],
  [":8080", "tcp", 8080, ""],
  ["8080", "tcp", 8080, ""],
  ["udp://127.0.0.1:0", "udp", 0, "127.0.0.1"],
  ["tcp://[::1]:80", "tcp", 80, "::1"],
  ["tcp://example.com:80", "tcp", 80, "example.com"],
  ["tcp://:80", "tcp", 80, ""],
  ["udp://:53", "udp", 53, ""],
  ["UDP://10.0.0.1:65535", "udp", 65535, "10.0.0.1"],
  ["tcp://[fe80::1:2]:443", "tcp", 443, "fe80::1:2"],
  ["tcp://[::ffff:192.0.2.1]:1", "tcp", 1, "::ffff:192.0.2.1"],
  ["localhost:1883", "tcp", 1883, "localhost"],
  ["tcp://my-host_1.local:8", "tcp", 8, "my-host_1.local"],
  ["tcp://8080", "tcp", 8080, ""],
];

const BAD: [string, RegExp][] = [
  ["", /empty/],
  ["tcp://1.2.3.4:65536", /out of range/],
  ["tcp://1.2.3.4:99999999", /bad port|out of range/],
  ["tcp://1.2.3.4:", /missing port/],
  ["tcp://1.2.3.4", /missing port/],
  ["tcp://example.com", /missing port/],
  ["tcp://", /missing port/],
  ["tcp://1.2.3.4:80x", /bad port/],
  ["tcp://1.2.3.4:-1", /bad port/],
  ["tcp://1.2.3.4: 80", /bad port/],
  ["tcp://[::1:80", /unterminated/],
  ["tcp://[::g]:80", /bad IPv6/],
  ["tcp://[1::2::3]:80", /bad IPv6/],
  ["tcp://[::1]", /missing port/],
  ["tcp://[::1]x80", /junk/],
  ["tcp://::1:80", /brackets/],
  ["tcp://256.0.0.1:80", /bad IPv4/],
  ["tcp://1.2.3:80", /bad IPv4/],
  ["tcp://01.2.3.4:80", /bad IPv4/],
  ["tcp://a b:80", /bad host/],
  ["tcp://-a.com:80", /bad host/],
  ["tcp://a..com:80", /bad host/],
  ["http://x:80", /unsupported scheme/],
  ["junk", /missing port/],
  ["tcp://" + "a".repeat(64) + ".com:80", /bad host/],
  ["tcp://" + "a".repeat(400) + ":80", /longer than/],
];

const V6: [string, string | undefined][] = [
  ["::", "00000000000000000000000000000000"],
  ["::1", "00000000000000000000000000000001"],
  ["1::", "00010000000000000000000000000000"],
  ["2001:db8::7", "20010db8000000000000000000000007"],
  ["2001:DB8:0:0:8:800:200C:417A", "20010db80000000000080800200c417a"], // RFC 4291 2.2
  ["2001:db8::8:800:200c:417a", "20010db80000000000080800200c417a"],
  ["ff01::101", "ff010000000000000000000000000101"],
  ["::13.1.68.3", "0000000000000000000000000d014403"],
  ["::ffff:129.144.52.38", "00000000000000000000ffff81903426"],
  ["1:2:3:4:5:6:7::", "00010002000300040005000600070000"],
  ["::2:3:4:5:6:7:8", "00000002000300040005000600070008"],
  ["1:2:3:4:5:6:1.2.3.4", "00010002000300040005000601020304"],
  ["1:2:3:4:5:6:7:8:9", undefined],
  ["1::2:3:4:5:6:7:8", undefined],
  ["1::2::3", undefined],
  [":1::", undefined],
  ["1:", undefined],
  [":", undefined],
  ["1:::2", undefined],
  ["12345::", undefined],
  ["::g", undefined],
  ["1:2:3:4:5:6:7:1.2.3.4", undefined],
  ["::1.2.3", undefined],
  ["::1.2.3.4:5", undefined],
  ["fe80::1%eth0", undefined],
  ["", undefined],
  [" ::1", undefined],
];

function hex(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
  return s;
}

const factory: SuiteFactory = () => {
  const cases: Case[] = [];
  for (const [text, proto, port, host] of GOOD) {
    cases.push({
      name: `parseAddress accepts "${text}"`,
      run: () => assertEqual(parseAddress(text), { ok: true, proto, host, port }),
    });
  }
  for (const [text, re] of BAD) {
    cases.push({
      name: `parseAddress rejects "${text.length > 40 ? text.slice(0, 40) + "…" : text}"`,
      run: () => {
        const r = parseAddress(text);
        if (r.ok) fail(`accepted as ${JSON.stringify(r)}`);
        assert(re.test(r.error), `error "${r.error}" does not match ${re}`);
      },
    });
  }
  cases.push({
    name: "parseAddress default protocol applies only without a scheme",
    run: () => {
      assertEqual(parseAddress(":53", "udp"), { ok: true, proto: "udp", host: "", port: 53 });
      assertEqual(parseAddress("tcp://:53", "udp"), { ok: true, proto: "tcp", host: "", port: 53 });
    },
  });
  cases.push({
    name: "parseAddress on a non-string reports an error",
    run: () => assertEqual(parseAddress(42 as unknown as string).ok, false),
  });
  cases.push({
    name: "parseIPv4 dotted quads",
    run: () => {
      assertEqual(parseIPv4("0.0.0.0"), 0);
      assertEqual(parseIPv4("127.0.0.1"), 0x7f000001);
      assertEqual(parseIPv4("255.255.255.255"), 0xffffffff);
      assertEqual(parseIPv4("192.168.1.10"), 0xc0a8010a);
      for (const bad of ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-4", "01.2.3.4", "1.2.3.4 ", "a.b.c.d", "1..2.3", "1.2.3.4.", "0x1.2.3.4", "1000.1.1.1"]) {
        assertEqual(parseIPv4(bad), undefined, bad);
        assertEqual(isIPv4(bad), false, bad);
      }
    },
  });
  for (const [text, expected] of V6) {
    cases.push({
      name: `parseIPv6 "${text}" -> ${expected === undefined ? "invalid" : expected}`,
      run: () => {
        const r = parseIPv6(text);
        assertEqual(r === undefined ? undefined : hex(r), expected);
        assertEqual(isIPv6(text), expected !== undefined);
      },
    });
  }
  cases.push({
    name: "parsePort bounds",
    run: () => {
      assertEqual(parsePort("0"), 0);
      assertEqual(parsePort("65535"), 65535);
      assertEqual(parsePort("65536"), undefined);
      assertEqual(parsePort(""), undefined);
      assertEqual(parsePort("+1"), undefined);
      assertEqual(parsePort("123456"), undefined);
    },
  });
  cases.push({
    name: "formatAddress round-trips through parseAddress",
    run: () => {
      for (const [proto, host, port] of [["tcp", "::1", 80], ["udp", "10.0.0.1", 53], ["tcp", "example.com", 8080]] as const) {
        const text = formatAddress(proto, host, port);
        assertEqual(parseAddress(text), { ok: true, proto, host, port }, text);
      }
      assertEqual(formatAddress("tcp", "::1", 80), "tcp://[::1]:80");
    },
  });
  cases.push({
    name: "formatIPv4 / formatIPv6 (RFC 5952 canonical text)",
    run: () => {
      assertEqual(formatIPv4(0x7f000001), "127.0.0.1");
      assertEqual(formatIPv4(0xffffffff), "255.255.255.255");
      const v: [string, string][] = [
        ["2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
        ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"], // first of equal runs
        ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"], // a single zero group stays
        ["2001:DB8::AB", "2001:db8::ab"],
        ["::", "::"],
        ["::1", "::1"],
        ["1::", "1::"],
        ["1:0:0:2:0:0:0:3", "1:0:0:2::3"], // the longest run wins
        ["::ffff:192.0.2.1", "::ffff:192.0.2.1"],
        ["::ffff:c000:0201", "::ffff:192.0.2.1"],
      ];
      for (const [input, canon] of v) {
        const b = parseIPv6(input);
        if (b === undefined) fail(`${input} did not parse`);
        assertEqual(formatIPv6(b), canon, input);
      }
    },
  });
  return { name: "core/address", cases };
};
export default factory;
