// The firmware itself on XS: targets/moddable/main.ts (the manifest's creation.main) with its
// config from "mc/config", over the bridged device Platform and a simulated radio with no saved
// network. It must open the setup portal: the catch-all DNS answers with the AP address and the
// portal page is served, to real clients on loopback.

import * as dgram from "node:dgram";
import * as http from "node:http";
import * as net from "node:net";
import * as path from "node:path";
import * as dnsPacket from "dns-packet";
import { REPO_ROOT, XsRunner } from "../../host-sim/xs/runner";

async function freePort(kind: "tcp" | "udp"): Promise<number> {
  if (kind === "tcp") {
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
    const port = (s.address() as net.AddressInfo).port;
    await new Promise((r) => s.close(r));
    return port;
  }
  const u = dgram.createSocket("udp4");
  await new Promise<void>((r) => u.bind(0, "127.0.0.1", () => r()));
  const port = u.address().port;
  await new Promise<void>((r) => u.close(() => r()));
  return port;
}

function get(port: number, p: string, host: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: p, headers: { Host: host }, timeout: 3000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
  });
}

function query(port: number, name: string): Promise<dnsPacket.Packet> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket("udp4");
    const timer = setTimeout(() => {
      s.close();
      reject(new Error("no DNS answer"));
    }, 3000);
    s.on("message", (m) => {
      clearTimeout(timer);
      s.close();
      resolve(dnsPacket.decode(m));
    });
    s.send(dnsPacket.encode({ type: "query", id: 4242, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: "A", name }] }), port, "127.0.0.1");
  });
}

describe("the firmware (targets/moddable/main.ts) on XS", () => {
  let runner: XsRunner;
  let httpPort: number;
  let dnsPort: number;

  beforeAll(async () => {
    httpPort = await freePort("tcp");
    dnsPort = await freePort("udp");
    runner = await XsRunner.start({
      entry: path.join(REPO_ROOT, "targets/moddable/main.ts"),
      config: {
        mcnet: { listenAddress: "127.0.0.1", httpPort, dnsPort, deviceName: "xs-run device" },
        mcnetPreference: "esp32",
        mcnetLogLevel: "info",
        mcnetButtonPin: 0,
      },
      radio: { networks: [{ ssid: "neighbours", password: "not-ours-1", rssi: -60, channel: 3 }] },
    });
    await runner.call("main");
    await runner.until(() => runner.output.some((l) => l.includes("portal: http on")), 10000, "the portal to open");
  }, 30000);

  afterAll(async () => {
    await runner?.close();
  });

  afterEach(() => {
    expect(runner.errors).toEqual([]);
  });

  test("the catch-all DNS answers any name with the AP address", async () => {
    const reply = await query(dnsPort, "example.com");
    expect(reply.id).toBe(4242);
    expect(reply.answers?.[0]).toMatchObject({ type: "A", name: "example.com", data: "192.168.4.1" });
  });

  test("the portal page is served on the AP's own address", async () => {
    const res = await get(httpPort, "/", `192.168.4.1:${httpPort}`);
    expect(res.status).toBe(200);
    expect(String(res.headers["content-type"])).toMatch(/text\/html/);
    expect(res.body.length).toBeGreaterThan(100);
  });

  test("an OS connectivity probe for a foreign host is sent to the portal", async () => {
    const res = await get(httpPort, "/generate_204", "connectivitycheck.gstatic.com");
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`http://192.168.4.1:${httpPort}/`);
  });

  test("holding the setup button (GPIO 0, wired to ground) for 3 s opens the portal", async () => {
    const line = "setup button held: opening the portal";
    expect(runner.output.some((l) => l.includes(line))).toBe(false);
    await runner.call("digital.set", { pin: 0, level: 0 });
    await runner.until(() => runner.output.some((l) => l.includes(line)), 8000, "the button's long press");
    await runner.call("digital.set", { pin: 0, level: 1 });
  }, 15000);
});
