// The device Platform's services on XS (targets/scenarios/platform-checks.ts over
// targets/moddable/platform.ts): native crypt and pure-JS digests against known vectors, the
// Preference-backed store within ESP32 and ESP8266 limits and across a restart, Wi-Fi over the
// simulated radio, Timer and the clock.

import { createHash } from "node:crypto";
import * as path from "node:path";
import type { BridgeOptions } from "../../host-sim/xs/bridge";
import { REPO_ROOT, XsRunner } from "../../host-sim/xs/runner";

const ENTRY = path.join(REPO_ROOT, "targets/scenarios/platform-checks.ts");

async function withRunner<T>(options: Partial<Parameters<typeof XsRunner.start>[0]>, fn: (r: XsRunner) => Promise<T>): Promise<T> {
  const runner = await XsRunner.start({ entry: ENTRY, ...options });
  try {
    const value = await fn(runner);
    expect(runner.errors).toEqual([]);
    return value;
  } finally {
    await runner.close();
  }
}

async function settle<T>(runner: XsRunner, key: string, done: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const all = await runner.call<Record<string, unknown>>("main", { step: "results" });
    const v = all[key] as T;
    if (v !== undefined && done(v)) return v;
    if (Date.now() > deadline) throw new Error(`${key}: no result; last ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test("digests: native crypt (bridged) and pure fallback agree with node:crypto", async () => {
  await withRunner({}, async (r) => {
    const out = await r.call<Record<string, string>>("main", { step: "digests" });
    for (const [alg, node] of [["MD5", "md5"], ["SHA1", "sha1"], ["SHA256", "sha256"]]) {
      const abc = createHash(node).update("abc").digest("hex");
      const a1000 = createHash(node).update("a".repeat(1000)).digest("hex");
      expect(out[`native ${alg}`]).toBe(abc);
      expect(out[`pure ${alg}`]).toBe(abc);
      expect(out[`native ${alg} 1000`]).toBe(a1000);
      expect(out[`pure ${alg} 1000`]).toBe(a1000);
    }
  });
});

test.each([["esp32"], ["esp"]] as const)("store (%s limits): long keys and values survive a restart of the XS machine", async (device) => {
  const flash: NonNullable<BridgeOptions["preferences"]> = new Map();
  const values: Record<string, string> = {
    "wifi/ssid": "Café Ünïcode 😀",
    "wifi/password": "correct horse battery staple",
    // ESP8266's store tops out at 64 chunks of 63 bytes
    "portal/notes": "x".repeat(device === "esp" ? 2000 : 5000) + "é".repeat(300),
  };
  await withRunner({ device, preferences: flash }, async (r) => {
    const { keys } = await r.call<{ keys: string[] }>("main", { step: "store", device, values });
    expect(keys).toEqual(Object.keys(values).sort());
  });
  // every raw Preference entry respects the port's limits (the XS Preference would have thrown)
  const nameLimit = device === "esp" ? 32 : 15;
  for (const name of flash.keys()) expect(name.split("\u0000")[1].length).toBeLessThanOrEqual(nameLimit);
  const again = await withRunner({ device, preferences: flash }, (r) => r.call<Record<string, string>>("main", { step: "store-read", device }));
  expect(again).toEqual(values);
});

test("wifi: AP with station, scan, and joins that succeed, are refused, or find nothing", async () => {
  const radio = {
    networks: [
      { ssid: "home", password: "letmein123", rssi: -40, channel: 6, authentication: "wpa2_psk" },
      { ssid: "cafe", rssi: -70, channel: 11, authentication: "none" },
    ],
    mac: "24:0A:C4:12:34:56",
  };
  await withRunner({ radio }, async (r) => {
    await r.call("main", { step: "wifi", join: [{ ssid: "home", password: "wrong-one" }, { ssid: "nowhere" }, { ssid: "home", password: "letmein123" }] });
    const log = await settle<unknown[]>(r, "wifi", (v) => v.includes("done"));
    expect(log[0]).toEqual({ mac: "24:0a:c4:12:34:56" });
    expect(log[1]).toEqual({ ap: { address: "192.168.4.1" } });
    expect(log[2]).toEqual({
      scan: [
        { ssid: "home", bssid: "02:00:00:00:00:01", rssi: -40, channel: 6, security: "wpa2" },
        { ssid: "cafe", bssid: "02:00:00:00:00:02", rssi: -70, channel: 11, security: "open" },
      ],
    });
    const statuses = log.slice(3, -1);
    expect(statuses).toEqual([
      { ssid: "home", status: { state: "connecting" } },
      { ssid: "home", status: { state: "failed", reason: "wrong-password" } },
      { ssid: "nowhere", status: { state: "connecting" } },
      { ssid: "nowhere", status: { state: "failed", reason: "other", message: "disconnected before an address was assigned" } },
      { ssid: "home", status: { state: "connecting" } },
      { ssid: "home", status: { state: "connected", address: "192.168.1.50" } },
    ]);
  });
});

test("timers and clock: one-shot, cleared, repeating; log lines reach trace()", async () => {
  await withRunner({}, async (r) => {
    await r.call("main", { step: "timers" });
    const fired = await settle<string[]>(r, "timers", (v) => v.includes("done"));
    // order between the repeating and the one-shot timer depends on load; their own order does not
    expect(fired.filter((f) => f.startsWith("repeat"))).toEqual(["repeat 1", "repeat 2", "repeat 3"]);
    expect(fired).toContain("once after >=20ms");
    expect(fired).not.toContain("cancelled one fired");
    expect(fired[fired.length - 1]).toBe("done");
    expect(fired).toHaveLength(5);
    expect(r.output).toContain("[mcnet info] timers started");
    expect(r.output.some((l) => /^\[mcnet debug\] now \d+ time plausible$/.test(l))).toBe(true);
  });
});
