// The echo example on the device Platform (targets/moddable/platform.ts, unchanged) inside the real
// XS engine, its sockets bridged to Node, driven by real node:net / node:dgram clients on loopback.
//
// The TCP clients read their whole echo before closing: Moddable's lwIP sockets treat the peer's
// FIN as an error (writes throw "not ready" from then on), so a half-closed peer gets nothing more
// on a device, and the bridged sockets behave the same.

import * as path from "node:path";
import { patternBytes, tcpEcho, udpEcho } from "../../host-sim/xs/echo-drivers";
import { REPO_ROOT, XsRunner } from "../../host-sim/xs/runner";

const ENTRY = path.join(REPO_ROOT, "targets/scenarios/echo.ts");

// ESP32's lwIP send buffer and receive window are 5744 bytes; ESP8266's 2920.
describe.each([["esp32"], ["esp"]] as const)("echo on XS over the bridged device platform (%s sizes)", (device) => {
  let runner: XsRunner;
  let port: number;

  beforeAll(async () => {
    runner = await XsRunner.start({ entry: ENTRY, device });
    ({ port } = await runner.call<{ port: number }>("main", { port: 0 }));
  }, 30000);

  afterAll(async () => {
    await runner?.close();
  });

  afterEach(() => {
    expect(runner.errors).toEqual([]);
  });

  test("the device platform is the one running", async () => {
    expect(port).toBeGreaterThan(0);
  });

  test("TCP: one client, small message", async () => {
    const r = await tcpEcho(port, Buffer.from("hello from node over XS\n"), { halfClose: false });
    expect(r.received.toString()).toBe("hello from node over XS\n");
  });

  test("TCP: the peer's FIN closes the server side", async () => {
    const r = await tcpEcho(port, Buffer.alloc(0));
    expect(r.received.length).toBe(0);
  });

  test("TCP: 256 KB echoed intact through the send-buffer backpressure", async () => {
    const payload = patternBytes(256 * 1024, 7);
    const r = await tcpEcho(port, payload, { chunk: 4096, halfClose: false });
    expect(r.received.length).toBe(payload.length);
    expect(r.received.equals(payload)).toBe(true);
  }, 30000);

  test("TCP: eight concurrent clients each get their own bytes back", async () => {
    const payloads = Array.from({ length: 8 }, (_, i) => patternBytes(20000 + i * 1000, i + 11));
    const results = await Promise.all(payloads.map((p) => tcpEcho(port, p, { chunk: 1500, halfClose: false })));
    results.forEach((r, i) => expect(r.received.equals(payloads[i])).toBe(true));
  }, 30000);

  test("UDP: datagrams come back to their sender unchanged", async () => {
    const replies = await udpEcho(port, 20, 512);
    expect(replies).toHaveLength(20);
    replies.forEach((m, i) => {
      expect(m.length).toBe(512);
      expect(m.readUInt32BE(0)).toBe(i);
    });
  });

  test("XS did the work: compute was metered", () => {
    expect(runner.meters.compute).toBeGreaterThan(0);
    expect(runner.meters.deliveries).toBeGreaterThan(10);
  });
});
