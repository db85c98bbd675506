// The setup state machine on a virtual clock (loopback platform) with the simulated radio:
// boot, saved-network order and retries, the portal session (each failure reason, success,
// linger), background retries that respect a person using the portal, portal timeout, link loss,
// on-demand portal, erase — and that no password ever reaches a log line.

import { createLoopbackPlatform, type LoopbackPlatform } from "../../host-sim/loopback";
import { MemoryStore } from "../../host-sim/store";
import { SimulatedWifi, type RadioConfig } from "../../host-sim/wifi";
import type { KeyValueStore, Platform } from "../../modules/core/platform";
import { DeviceSetup } from "../../src/setup/device-setup";
import { SAVED_NETWORKS_KEY, SavedNetworks } from "../../src/setup/saved-networks";
import { completeSetupConfig, type SetupConfigInput } from "../../src/setup/setup-config";

const PASSWORDS = ["home-password-1", "late-router-pw", "office-pass-99", "WRONG-password-x"];

function radio(): RadioConfig {
  return {
    mac: "24:6f:28:1a:2b:3c",
    scanDelayMs: 500,
    joinDelayMs: 1000,
    networks: [
      { ssid: "Home", rssi: -50, channel: 6, security: "wpa2", password: "home-password-1", address: "192.168.1.57" },
      { ssid: "Office", rssi: -70, channel: 1, security: "wpa2", password: "office-pass-99", address: "10.1.1.5" },
      { ssid: "Silent", rssi: -60, channel: 3, security: "wpa2", password: "silent-pass-1", behavior: "timeout" },
      { ssid: "Late", rssi: -55, channel: 1, security: "wpa2", password: "late-router-pw", appearsAfterMs: 120000, address: "192.168.8.20" },
      { ssid: "Open Cafe", rssi: -65, channel: 11, security: "open", address: "10.0.0.2" },
    ],
  };
}

class CountingStore implements KeyValueStore {
  writes = 0;
  private readonly inner = new MemoryStore();
  get(k: string) {
    return this.inner.get(k);
  }
  set(k: string, v: string) {
    this.writes++;
    this.inner.set(k, v);
  }
  delete(k: string) {
    this.writes++;
    this.inner.delete(k);
  }
  keys() {
    return this.inner.keys();
  }
}

interface Rig {
  loop: LoopbackPlatform;
  wifi: SimulatedWifi;
  setup: DeviceSetup;
  events: string[];
  store: CountingStore;
}

function rig(config: SetupConfigInput = {}, saved: { ssid: string; password: string; hidden?: boolean }[] = [], air = radio()): Rig {
  const loop = createLoopbackPlatform();
  const store = new CountingStore();
  const preload = new SavedNetworks(store);
  for (const n of [...saved].reverse()) preload.remember(n);
  store.writes = 0;
  const wifi = new SimulatedWifi(air, { timers: loop.timers, now: loop.now });
  const platform: Platform = { ...loop, wifi, store, log: loop.log };
  const events: string[] = [];
  const setup = new DeviceSetup(platform, completeSetupConfig({ joinTimeoutMs: 8000, retryDelayMs: 500, ...config }), {
    portalUp: (a) => events.push(`up ${a}`),
    portalDown: () => events.push("down"),
    restart: () => events.push("restart"),
    portalTimedOut: () => events.push("timeout"),
  });
  return { loop, wifi, setup, events, store };
}

function assertNoPasswordLogged(r: Rig): void {
  for (const line of r.loop.logs) for (const p of PASSWORDS) expect(line).not.toContain(p);
}

/** Advance in steps so interleaved timers fire in order. */
async function run(r: Rig, ms: number, step = 250): Promise<void> {
  for (let t = 0; t < ms; t += step) await r.loop.advance(Math.min(step, ms - t));
}

describe("boot", () => {
  test("a blank device opens the portal at once: AP beside the station, named from the MAC", async () => {
    const r = rig();
    r.setup.start();
    await run(r, 10);
    expect(r.setup.phase).toBe("portal");
    expect(r.events).toEqual(["up 192.168.4.1"]);
    expect(r.wifi.state.ap).toMatchObject({ ssid: "mcnet-2B3C", station: true, channel: 1 });
    expect(r.setup.portalReason).toBe("no saved network");
  });

  test("AP name, password and channel come from the config", async () => {
    const r = rig({ ap: { ssid: "Kitchen Lamp", password: "lamp-setup-1", channel: 11 } });
    r.setup.start();
    await run(r, 10);
    expect(r.wifi.state.ap).toMatchObject({ ssid: "Kitchen Lamp", password: "(set)", channel: 11 });
  });

  test("a saved network in range is joined without a portal and without a flash write", async () => {
    const r = rig({}, [{ ssid: "Home", password: "home-password-1" }]);
    r.setup.start();
    await run(r, 3000);
    expect(r.setup.phase).toBe("station");
    expect(r.setup.station).toEqual({ ssid: "Home", address: "192.168.1.57", gateway: "192.168.1.1" });
    expect(r.events).toEqual([]);
    expect(r.store.writes).toBe(0);
    assertNoPasswordLogged(r);
  });

  test("saved networks out of range are skipped by the scan; the one that joins moves to the front", async () => {
    const r = rig({}, [
      { ssid: "Gone", password: "gone-password" },
      { ssid: "Office", password: "office-pass-99" },
      { ssid: "Home", password: "home-password-1" },
    ]);
    r.setup.start();
    await run(r, 3000);
    expect(r.setup.station?.ssid).toBe("Office");
    expect(r.wifi.state.joins.map((j) => j.ssid)).toEqual(["Office"]);
    expect(r.setup.saved.all().map((n) => n.ssid)).toEqual(["Office", "Gone", "Home"]);
    expect(r.store.writes).toBe(1);
  });

  test("a silent network is retried attemptsPerNetwork times, a wrong password once, then the portal opens", async () => {
    const r = rig({ attemptsPerNetwork: 3 }, [
      { ssid: "Silent", password: "silent-pass-1" },
      { ssid: "Office", password: "WRONG-password-x" },
    ]);
    r.setup.start();
    await run(r, 3 * 8000 + 3 * 500 + 1000 + 2000);
    expect(r.wifi.state.joins).toEqual([
      { ssid: "Office", result: "failed:wrong-password" },
    ]);
    expect(r.wifi.state.connects).toEqual({ Silent: 3, Office: 1 });
    expect(r.setup.phase).toBe("portal");
    expect(r.setup.portalReason).toBe("saved networks unreachable");
    assertNoPasswordLogged(r);
  });

  test("a saved hidden network is tried although no scan shows it", async () => {
    const air = radio();
    air.networks.push({ ssid: "Lab", rssi: -50, security: "wpa2", password: "lab-password-1", hidden: true, address: "172.16.0.9" });
    const r = rig({}, [{ ssid: "Lab", password: "lab-password-1", hidden: true }], air);
    r.setup.start();
    await run(r, 3000);
    expect(r.setup.station?.address).toBe("172.16.0.9");
  });
});

describe("portal session", () => {
  async function portal(config: SetupConfigInput = {}): Promise<Rig> {
    const r = rig({ lingerMs: 30000, seenGraceMs: 4000, ...config });
    r.setup.start();
    await run(r, 1000);
    expect(r.setup.phase).toBe("portal");
    return r;
  }

  test("wrong password: a precise failure, nothing saved, the portal stays", async () => {
    const r = await portal();
    const s = r.setup.submit({ ssid: "Home", password: "WRONG-password-x" });
    expect(s).toEqual({ ok: true, seq: 1 });
    expect(r.setup.attempt).toEqual({ seq: 1, ssid: "Home", state: "joining" });
    await run(r, 1500);
    expect(r.setup.attempt).toMatchObject({ seq: 1, state: "failed", reason: "wrong-password" });
    expect(r.setup.saved.size).toBe(0);
    expect(r.setup.phase).toBe("portal");
    expect(r.setup.setupComplete).toBe(false);
  });

  test("right password: connected with its address, stored, probes turn online, portal closes once the result was read", async () => {
    const r = await portal();
    r.setup.submit({ ssid: "Home", password: "home-password-1" });
    await run(r, 1500);
    expect(r.setup.attempt).toEqual({ seq: 1, ssid: "Home", state: "connected", address: "192.168.1.57" });
    expect(r.setup.setupComplete).toBe(true);
    expect(new SavedNetworks(r.store).all()).toEqual([{ ssid: "Home", password: "home-password-1" }]);
    expect(JSON.parse(r.store.get(SAVED_NETWORKS_KEY)!).v).toBe(1);
    await run(r, 10000);
    expect(r.setup.phase).toBe("portal"); // nobody has read the result yet
    r.setup.noteResultSeen();
    await run(r, 3500);
    expect(r.setup.phase).toBe("portal");
    await run(r, 1000);
    expect(r.setup.phase).toBe("station");
    expect(r.events).toEqual(["up 192.168.4.1", "down"]);
    expect(r.wifi.state.ap).toBeUndefined();
    assertNoPasswordLogged(r);
  });

  test("a result nobody reads still closes the portal after lingerMs", async () => {
    const r = await portal({ lingerMs: 20000 });
    r.setup.submit({ ssid: "Open Cafe", password: "" });
    await run(r, 1500);
    expect(r.setup.setupComplete).toBe(true);
    await run(r, 18000);
    expect(r.setup.phase).toBe("portal");
    await run(r, 2500);
    expect(r.setup.phase).toBe("station");
  });

  test("a network that is not in range: not-found", async () => {
    const r = await portal();
    r.setup.submit({ ssid: "Nowhere", password: "whatever-pass", hidden: true });
    await run(r, 1500);
    expect(r.setup.attempt).toMatchObject({ state: "failed", reason: "not-found" });
  });

  test("a network that never answers: timeout after joinTimeoutMs", async () => {
    const r = await portal({ joinTimeoutMs: 6000 });
    r.setup.submit({ ssid: "Silent", password: "silent-pass-1" });
    await run(r, 5500);
    expect(r.setup.attempt?.state).toBe("joining");
    await run(r, 1000);
    expect(r.setup.attempt).toMatchObject({ state: "failed", reason: "timeout" });
    expect(r.wifi.state.station.state).toBe("disconnected");
  });

  test("a radio that only says 'other' for a name the scan did not see reports not-found", async () => {
    const air = radio();
    const r = rig({}, [], air);
    r.setup.start();
    await run(r, 1000);
    const realConnect = r.wifi.connect.bind(r.wifi);
    r.wifi.connect = (o, cb) => realConnect(o, (s) => cb(s.state === "failed" ? { state: "failed", reason: "other" } : s));
    r.setup.submit({ ssid: "Nowhere", password: "whatever-pass" });
    await run(r, 1500);
    expect(r.setup.attempt).toMatchObject({ state: "failed", reason: "not-found" });
  });

  test("requests are checked before the radio is touched; a second request while joining is refused", async () => {
    const r = await portal();
    expect(r.setup.submit({ ssid: "Home", password: "short" })).toMatchObject({ ok: false, problem: "password-too-short" });
    expect(r.setup.submit({ ssid: "Open Cafe", password: "not-needed-here" })).toMatchObject({ ok: false, problem: "password-not-allowed" });
    expect(r.setup.submit({ ssid: "", password: "" })).toMatchObject({ ok: false, problem: "ssid-empty" });
    expect(r.setup.submit({ ssid: "x".repeat(33), password: "" })).toMatchObject({ ok: false, problem: "ssid-too-long" });
    expect(r.setup.submit({ ssid: "Home", password: "z".repeat(64) })).toMatchObject({ ok: false, problem: "password-too-long" });
    expect(r.setup.submit({ ssid: "Home", password: "ab\ncdefghij" })).toMatchObject({ ok: false, problem: "password-control-character" });
    expect(r.wifi.state.station.state).toBe("disconnected");
    expect(r.setup.submit({ ssid: "Home", password: "0123456789abcdef".repeat(4) })).toMatchObject({ ok: true });
    expect(r.setup.submit({ ssid: "Office", password: "office-pass-99" })).toMatchObject({ ok: false, problem: "busy" });
  });

  test("after a failure the person can try again", async () => {
    const r = await portal();
    r.setup.submit({ ssid: "Office", password: "WRONG-password-x" });
    await run(r, 1500);
    expect(r.setup.submit({ ssid: "Office", password: "office-pass-99" })).toEqual({ ok: true, seq: 2 });
    await run(r, 1500);
    expect(r.setup.attempt).toMatchObject({ seq: 2, state: "connected", address: "10.1.1.5" });
  });
});

describe("while the portal is up", () => {
  test("the router that boots after the device is joined in the background once nobody uses the portal", async () => {
    const r = rig({ backgroundRetryMs: 10000, quietMs: 20000, lingerMs: 5000, portalTimeoutMs: 0 }, [{ ssid: "Late", password: "late-router-pw" }]);
    r.setup.start();
    await run(r, 3000);
    expect(r.setup.phase).toBe("portal");
    const scansBefore = r.wifi.state.scans;
    // Before the router is up: background scans happen, but no join leaves the AP's channel.
    await run(r, 60000);
    expect(r.wifi.state.scans).toBeGreaterThan(scansBefore);
    expect(r.wifi.state.joins).toEqual([]);
    // The router is up at 120 s, but a person is using the portal: no join while they are active.
    for (let t = 0; t < 90000; t += 5000) {
      r.setup.noteActivity();
      await run(r, 5000);
    }
    expect(r.wifi.state.joins).toEqual([]);
    expect(r.setup.phase).toBe("portal");
    // They stop; after quietMs the background retry joins, and the portal winds down.
    await run(r, 35000);
    expect(r.wifi.state.joins).toEqual([{ ssid: "Late", result: "connected" }]);
    expect(r.setup.attempt).toMatchObject({ state: "connected", ssid: "Late", address: "192.168.8.20" });
    expect(r.setup.setupComplete).toBe(true);
    await run(r, 6000);
    expect(r.setup.phase).toBe("station");
    expect(r.events).toEqual(["up 192.168.4.1", "down"]);
  });

  test("portal timeout: closes after portalTimeoutMs without a person, then keeps retrying saved networks offline", async () => {
    const r = rig({ portalTimeoutMs: 60000, backgroundRetryMs: 15000, quietMs: 1000000 }, [{ ssid: "Late", password: "late-router-pw" }]);
    r.setup.start();
    await run(r, 3000);
    await run(r, 30000);
    r.setup.noteActivity(); // a request postpones the timeout
    await run(r, 50000);
    expect(r.setup.phase).toBe("portal");
    await run(r, 12000);
    expect(r.setup.phase).toBe("offline");
    expect(r.events).toEqual(["up 192.168.4.1", "down", "timeout"]);
    await run(r, 60000); // Late appears at 120 s
    expect(r.setup.phase).toBe("station");
    expect(r.setup.station?.ssid).toBe("Late");
  });

  test("the on-demand portal keeps the station link; closing it returns to station", async () => {
    const r = rig({}, [{ ssid: "Home", password: "home-password-1" }]);
    r.setup.start();
    await run(r, 3000);
    expect(r.setup.phase).toBe("station");
    r.setup.openPortal("button");
    await run(r, 100);
    expect(r.setup.phase).toBe("portal");
    expect(r.setup.setupComplete).toBe(false);
    expect(r.wifi.state.station.state).toBe("connected");
    r.setup.closePortal("requested");
    expect(r.setup.phase).toBe("station");
    expect(r.wifi.state.ap).toBeUndefined();
  });
});

describe("link loss and erase", () => {
  test("a station that loses its network retries through the grace period, then opens the portal; the router's return ends it", async () => {
    const r = rig({ linkLossGraceMs: 20000, backgroundRetryMs: 10000, quietMs: 5000, lingerMs: 2000 }, [{ ssid: "Home", password: "home-password-1" }]);
    r.setup.start();
    await run(r, 3000);
    expect(r.setup.phase).toBe("station");
    const air = radio();
    const home = air.networks.shift()!;
    r.wifi.setRadio(air);
    await run(r, 100);
    expect(r.setup.phase).toBe("joining");
    await run(r, 15000);
    expect(r.setup.phase).toBe("joining");
    await run(r, 10000);
    expect(r.setup.phase).toBe("portal");
    expect(r.setup.portalReason).toBe("link lost");
    air.networks.unshift(home);
    r.wifi.setRadio(air);
    await run(r, 20000);
    expect(r.setup.station?.ssid).toBe("Home");
    await run(r, 3000);
    expect(r.setup.phase).toBe("station");
  });

  test("erase forgets every network and asks for a restart after the reply had time to go out", async () => {
    const r = rig({}, [{ ssid: "Home", password: "home-password-1" }, { ssid: "Office", password: "office-pass-99" }]);
    r.setup.start();
    await run(r, 3000);
    r.setup.erase();
    expect(r.store.get(SAVED_NETWORKS_KEY)).toBeUndefined();
    expect(r.events).toEqual([]);
    await run(r, 400);
    expect(r.events).toEqual(["restart"]);
  });

  test("forget removes one network", async () => {
    const r = rig({}, [{ ssid: "Home", password: "home-password-1" }, { ssid: "Office", password: "office-pass-99" }]);
    expect(r.setup.forget("Office")).toBe(true);
    expect(r.setup.forget("Office")).toBe(false);
    expect(new SavedNetworks(r.store).all().map((n) => n.ssid)).toEqual(["Home"]);
  });
});
