// IP ACLs in Mongoose's syntax: last match wins, partial IPv4 networks, IPv6 entries, and
// malformed lists reported with the entry at fault.
import { aclAllows, checkIpAcl, parseAcl } from "../../modules/core/acl";
import { assert, assertEqual, fail, type Case, type SuiteFactory } from "../shared/suite";

// [acl, address, expected mg_check_ip_acl result]
const CHECKS: [string, string | number, -1 | 0 | 1][] = [
  ["", "1.2.3.4", 1],
  ["", "::1", 1],
  ["-0.0.0.0/0,+192.168/16", "192.168.1.1", 1],
  ["-0.0.0.0/0,+192.168/16", "192.169.1.1", 0],
  ["-0.0.0.0/0,+192.168/16", "10.0.0.1", 0],
  ["+192.168/16,-0.0.0.0/0", "192.168.1.1", 0], // last match wins
  ["-1.2.3.4", "1.2.3.4", 0],
  ["-1.2.3.4", "1.2.3.5", 0], // a non-empty list denies what nothing matched
  ["+0.0.0.0/0,-1.2.3.4", "1.2.3.5", 1],
  ["+0.0.0.0/0,-1.2.3.4", "1.2.3.4", 0],
  ["+10/8", "10.255.0.1", 1],
  ["+10/8", "11.0.0.1", 0],
  ["+10", "10.1.2.3", 1], // a bare partial network covers the octets written
  ["+192.168", "192.168.7.7", 1],
  ["+192.168.1", "192.168.2.1", 0],
  ["+172.16.0.0/12", "172.31.255.255", 1],
  ["+172.16.0.0/12", "172.32.0.0", 0],
  ["+192.168.1.77/24", "192.168.1.1", 1], // host bits in the entry are ignored
  ["+1.2.3.4/32", "1.2.3.4", 1],
  ["+1.2.3.4/31", "1.2.3.5", 1],
  ["+1.2.3.4/31", "1.2.3.6", 0],
  ["+127.0.0.1", 0x7f000001, 1], // host-order number, the seed's shape
  ["+127.0.0.1", 0x7f000002, 0],
  ["-0.0.0.0/0,+::1/128", "::1", 1],
  ["+::1/128", "::2", 0],
  ["+0.0.0.0/0,-fe80::/10", "fe80::1", 0],
  ["+0.0.0.0/0,-fe80::/10,+::/0", "febf::1", 1],
  ["+::/0,-fe80::/10", "fec0::1", 1],
  ["+::/0,-fe80::/10", "fe80::abcd", 0],
  ["+2001:db8::/32", "2001:db8:ffff::1", 1],
  ["+2001:db8::/32", "2001:db9::1", 0],
  ["+::1", "::1", 1], // a bare IPv6 address is a /128
  ["+127.0.0.0/8", "::ffff:127.0.0.1", 1], // dual-stack sockets report IPv4 peers mapped
  ["+::ffff:10.0.0.0/104", "10.1.1.1", 1], // mapped entries are IPv4 rules
  ["+::ffff:10.0.0.0/104", "11.1.1.1", 0],
  ["+0.0.0.0/0", "::1", 0], // IPv4 rules do not match IPv6 peers
  ["+::/0", "1.2.3.4", 0],
  ["+0.0.0.0/0", "not-an-ip", 0],
  [" +10/8 , -10.1/16 ", "10.1.0.1", 0],
  [" +10/8 , -10.1/16 ", "10.2.0.1", 1],
  ["+1.2.3.4/33", "1.2.3.4", -1],
  ["1.2.3.4", "1.2.3.4", -1],
  ["+1.2.3.256", "1.2.3.4", -1],
  ["+1.2.3.4.5", "1.2.3.4", -1],
  ["+a.b.c.d", "1.2.3.4", -1],
  ["+1.2.3.4,", "1.2.3.4", -1],
  ["+1.2.3.4,,-5.6.7.8", "1.2.3.4", -1],
  ["+::1/129", "::1", -1],
  ["+:::1", "::1", -1],
  ["+1.2.3.4/", "1.2.3.4", -1],
  ["+1.2.3.4/x", "1.2.3.4", -1],
  ["+01.2.3.4", "1.2.3.4", -1],
];

const factory: SuiteFactory = () => {
  const cases: Case[] = [];
  for (const [acl, addr, expected] of CHECKS) {
    cases.push({
      name: `checkIpAcl("${acl}", ${typeof addr === "number" ? "0x" + addr.toString(16) : addr}) = ${expected}`,
      run: () => assertEqual(checkIpAcl(acl, addr), expected),
    });
  }
  cases.push({
    name: "parse errors name the bad entry and its position",
    run: () => {
      const r = parseAcl("+10/8,-192.168.1.300/24,+::1");
      if (r.ok) fail("accepted");
      assert(r.error.indexOf("entry 2") >= 0 && r.error.indexOf("-192.168.1.300/24") >= 0, r.error);
      const s = parseAcl("+10/8,10.0.0.1");
      if (s.ok) fail("accepted");
      assert(s.error.indexOf("'+'") >= 0 && s.error.indexOf("10.0.0.1") >= 0, s.error);
      const t = parseAcl("+1.2.3.4/40");
      if (t.ok) fail("accepted");
      assert(t.error.indexOf("prefix") >= 0, t.error);
    },
  });
  cases.push({
    name: "parsed ACL is reusable and exposes its entries",
    run: () => {
      const r = parseAcl("-0.0.0.0/0,+192.168/16,+fe80::/10");
      if (!r.ok) fail(r.error);
      assertEqual(r.acl.entries.length, 3);
      assertEqual(r.acl.entries[1].prefix, 16);
      assertEqual(Array.from(r.acl.entries[1].network), [192, 168, 0, 0]);
      assertEqual(r.acl.entries[2].family, 6);
      assertEqual(aclAllows(r.acl, "192.168.0.9"), true);
      assertEqual(aclAllows(r.acl, "8.8.8.8"), false);
      assertEqual(aclAllows(r.acl, "fe80::1"), true);
    },
  });
  cases.push({
    name: "oversized ACLs are refused",
    run: () => {
      const many: string[] = [];
      for (let i = 0; i < 300; i++) many.push(`+10.0.${i & 255}.0/24`);
      assertEqual(parseAcl(many.join(",")).ok, false);
      assertEqual(parseAcl("+" + "1".repeat(20000)).ok, false);
    },
  });
  return { name: "core/acl", cases };
};
export default factory;
