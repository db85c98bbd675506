// The captive DNS example on the device Platform inside the real XS engine (ESP32 and ESP8266
// socket sizes), its sockets bridged to Node, queried by dig and kdig over UDP and TCP.
import * as path from "node:path";
import * as dnsPacket from "dns-packet";
import { REPO_ROOT, XsRunner } from "../../host-sim/xs/runner";
import { dig, kdig, udpQuery } from "./peers";

const ENTRY = path.join(REPO_ROOT, "test/dns/captive-xs.scenario.ts");
const IP = "10.9.8.7";

describe.each([["esp32"], ["esp"]] as const)("captive DNS on XS (%s sizes)", (device) => {
  let runner: XsRunner;
  let port: number;

  beforeAll(async () => {
    runner = await XsRunner.start({ entry: ENTRY, device });
    ({ port } = await runner.call<{ port: number }>("main", { address: IP }));
  }, 30000);

  afterAll(async () => {
    await runner?.close();
  });

  afterEach(() => {
    expect(runner.errors).toEqual([]);
  });

  test("dig A over UDP with EDNS, and AAAA / TXT empty NOERROR", async () => {
    const a = await dig(port, "connectivitycheck.gstatic.com", "A");
    expect(a.warnings).toEqual([]);
    expect(a.answers).toEqual([{ name: "connectivitycheck.gstatic.com.", ttl: 30, type: "A", data: IP }]);
    expect(a.edns).toBe(true);
    for (const type of ["AAAA", "TXT"]) {
      const r = await dig(port, "captive.apple.com", type);
      expect(r.status).toBe("NOERROR");
      expect(r.counts.answer).toBe(0);
    }
  });

  test("kdig over TCP, with and without EDNS", async () => {
    for (const opts of [["+tcp"], ["+tcp", "+edns"]]) {
      const r = await kdig(port, "www.msftconnecttest.com", "A", opts);
      expect(r.warnings).toEqual([]);
      expect(r.tcp).toBe(true);
      expect(r.edns).toBe(opts.includes("+edns"));
      expect(r.answers[0].data).toBe(IP);
    }
  });

  test("a malformed query gets FORMERR", async () => {
    const reply = await udpQuery(port, Buffer.from("abcd01000001000000000000c00c00010001", "hex"));
    const m = dnsPacket.decode(reply) as dnsPacket.DecodedPacket & { rcode: string };
    expect(m.id).toBe(0xabcd);
    expect(m.rcode).toBe("FORMERR");
  });

  test("XS compute per answered query is metered", async () => {
    const before = runner.meters.compute;
    const n = 20;
    for (let i = 0; i < n; i++) {
      const q = dnsPacket.encode({ id: i, type: "query", flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: "A", name: `h${i}.example.com` }] });
      const m = dnsPacket.decode(await udpQuery(port, q));
      expect(m.answers![0]).toMatchObject({ data: IP });
    }
    const perQuery = (runner.meters.compute - before) / n;
    expect(perQuery).toBeGreaterThan(0);
  });
});
