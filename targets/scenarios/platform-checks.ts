// Exercises the device Platform's non-socket services (digests, store, Wi-Fi, timers, clock, log)
// so the XS run can check them from the host (test/xs/device-platform.test.ts). main(args) runs one
// step: "digests" and "store" answer at once; "wifi" and "timers" start work whose results a
// later "results" step returns.

import type { Platform, WifiNetwork, WifiStationStatus } from "../../modules/core/platform";
import { createModdablePlatform } from "../moddable/platform";
import { ESP8266_PREFERENCE_LIMITS } from "../moddable/preference-store";

interface Args {
  step: "digests" | "store" | "store-read" | "wifi" | "timers" | "results";
  device?: "esp32" | "esp";
  values?: Record<string, string>;
  join?: { ssid: string; password?: string }[];
}

const results: Record<string, unknown> = {};
let platform: Platform | undefined;

function hex(b: ArrayBuffer): string {
  const u = new Uint8Array(b);
  let s = "";
  for (let i = 0; i < u.length; i++) s += (u[i] < 16 ? "0" : "") + u[i].toString(16);
  return s;
}

function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

function get(device: Args["device"]): Platform {
  platform ??= createModdablePlatform({
    name: `moddable ${device ?? "esp32"} (XS run)`,
    preferenceLimits: device === "esp" ? ESP8266_PREFERENCE_LIMITS : undefined,
    logLevel: "debug",
  });
  return platform;
}

export default function main(args: Args): unknown {
  const p = get(args.device);
  switch (args.step) {
    case "digests": {
      const pure = createModdablePlatform({ nativeDigests: false, store: p.store, wifi: false });
      const out: Record<string, string> = {};
      for (const alg of ["MD5", "SHA1", "SHA256"] as const) {
        // parts split mid-way and mixed kinds, as the WebSocket handshake passes them
        out[`native ${alg}`] = hex(p.digest(alg, ascii("ab"), ascii("c").buffer as ArrayBuffer));
        out[`pure ${alg}`] = hex(pure.digest(alg, ascii("ab"), ascii("c").buffer as ArrayBuffer));
        out[`native ${alg} 1000`] = hex(p.digest(alg, new Uint8Array(1000).fill(0x61)));
        out[`pure ${alg} 1000`] = hex(pure.digest(alg, new Uint8Array(1000).fill(0x61)));
      }
      return out;
    }
    case "store": {
      for (const [k, v] of Object.entries(args.values ?? {})) p.store.set(k, v);
      return { keys: p.store.keys().sort() };
    }
    case "store-read": {
      const out: Record<string, string | undefined> = {};
      for (const k of p.store.keys()) out[k] = p.store.get(k);
      return out;
    }
    case "wifi": {
      const wifi = p.wifi!;
      const log: unknown[] = [];
      results.wifi = log;
      log.push({ mac: wifi.mac() });
      log.push({ ap: wifi.startAccessPoint({ ssid: "mcnet-setup", password: "portal-pass", channel: 6, station: true }) });
      wifi.scan((networks: WifiNetwork[] | undefined, error?: string) => {
        log.push({ scan: networks, error });
        const joins = [...(args.join ?? [])];
        const next = (): void => {
          const j = joins.shift();
          if (!j) {
            log.push("done");
            return;
          }
          wifi.connect(j, (status: WifiStationStatus) => {
            log.push({ ssid: j.ssid, status });
            if (status.state !== "connecting") next();
          });
        };
        next();
      });
      return "started";
    }
    case "timers": {
      const t = p.timers;
      const fired: string[] = [];
      results.timers = fired;
      const start = p.now();
      t.set(() => fired.push(`once after ${p.now() - start >= 20 ? ">=20" : "<20"}ms`), 20);
      const cancelled = t.set(() => fired.push("cancelled one fired"), 10);
      t.clear(cancelled);
      let n = 0;
      const rep = t.repeat(() => {
        n++;
        fired.push(`repeat ${n}`);
        if (n === 3) t.clear(rep);
      }, 5);
      t.set(() => fired.push("done"), 80);
      p.log("info", "timers started");
      p.log("debug", `now ${p.now()} time ${p.time() > 1.6e12 ? "plausible" : "wrong"}`);
      return "started";
    }
    case "results":
      return results;
  }
  return undefined;
}
