// ACL matching against node:net's BlockList on random subnets and addresses.
import { BlockList } from "node:net";
import fc from "fast-check";
import { aclAllows, parseAcl } from "../../modules/core/acl";

const v4 = fc.ipV4();
const v6 = fc.ipV6();

describe("acl vs net.BlockList", () => {
  test("IPv4: an address is allowed by '+net/p' exactly when BlockList's subnet holds it", () => {
    fc.assert(
      fc.property(v4, fc.integer({ min: 0, max: 32 }), fc.array(v4, { minLength: 1, maxLength: 10 }), (net, prefix, addrs) => {
        const r = parseAcl(`+${net}/${prefix}`);
        if (!r.ok) throw new Error(r.error);
        const bl = new BlockList();
        bl.addSubnet(net, prefix, "ipv4");
        // addresses inside the subnet too, by sharing the network's leading octets
        const inside = net.split(".").slice(0, Math.floor(prefix / 8)).concat(["0", "0", "0", "0"]).slice(0, 4).join(".");
        for (const a of [...addrs, net, inside]) expect(aclAllows(r.acl, a)).toBe(bl.check(a, "ipv4"));
      }),
      { numRuns: 500 },
    );
  });

  test("IPv6: '+net/p' matches BlockList's subnet", () => {
    fc.assert(
      fc.property(v6, fc.integer({ min: 0, max: 128 }), fc.array(v6, { minLength: 1, maxLength: 10 }), (net, prefix, addrs) => {
        const r = parseAcl(`+${net}/${prefix}`);
        if (!r.ok) throw new Error(r.error);
        const bl = new BlockList();
        bl.addSubnet(net, prefix, "ipv6");
        for (const a of [...addrs, net]) {
          // mapped IPv4 addresses are matched as IPv4 by design; skip them here
          if (/^(0{0,4}:){0,5}:?ffff:/i.test(a) || a.includes(".")) continue;
          if (r.acl.entries[0].family === 4) continue;
          expect(aclAllows(r.acl, a)).toBe(bl.check(a, "ipv6"));
        }
      }),
      { numRuns: 500 },
    );
  });

  test("last match wins over a random list", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), v4, fc.integer({ min: 0, max: 32 })), { minLength: 1, maxLength: 8 }),
        v4,
        (rules, addr) => {
          const r = parseAcl(rules.map(([allow, n, p]) => `${allow ? "+" : "-"}${n}/${p}`).join(","));
          if (!r.ok) throw new Error(r.error);
          let expected = false;
          for (const [allow, n, p] of rules) {
            const bl = new BlockList();
            bl.addSubnet(n, p, "ipv4");
            if (bl.check(addr, "ipv4")) expected = allow;
          }
          expect(aclAllows(r.acl, addr)).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
