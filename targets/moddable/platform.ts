// The Platform on a Moddable device (ESP32, ESP8266, and Moddable's Linux simulator): the
// ECMA-419 socket classes are Moddable's own, passed through untouched; timers are Moddable's
// Timer; the clock is Time.ticks; the store is Preference within the port's size limits; Wi-Fi is
// the "wifi" module; digests are native crypt with a pure-JS fallback; the log goes to trace().
//
// The XS run (host-sim/xs) bundles this same file with the Moddable module names bound to
// bridged implementations, so CI executes it in the real XS engine.
//
// Nothing runs at module load (no native calls), so this module can be preloaded.

// Host-side programs (tests that bundle this file for XS) type-check it too; they need the ambient
// Moddable declarations that the device tsconfig picks up from targets/types.
/// <reference path="../types/moddable.d.ts" />

import TCP from "embedded:io/socket/tcp";
import UDP from "embedded:io/socket/udp";
import Listener from "embedded:io/socket/listener";
import Timer from "timer";
import Time from "time";
import Preference from "preference";
import WiFi from "wifi";
// eslint-disable-next-line no-restricted-imports -- Moddable's "net" (Net.get), not Node's
import Net from "net";
import { Digest } from "crypt";
import type {
  KeyValueStore,
  ListenerConstructor,
  LogLevel,
  Platform,
  TCPConstructor,
  Timers,
  UDPConstructor,
} from "../../modules/core/platform";
import { createDigest, type NativeDigestClass } from "./digest";
import { ESP32_PREFERENCE_LIMITS, PreferenceStore, type PreferenceLimits } from "./preference-store";
import { ModdableWifi } from "./wifi";

export interface ModdablePlatformOptions {
  /** name reported by platform.name */
  name?: string;
  /** Preference domain of the store (at most `preferenceLimits.name` characters) */
  preferenceDomain?: string;
  /** ESP32_PREFERENCE_LIMITS (default) or ESP8266_PREFERENCE_LIMITS */
  preferenceLimits?: PreferenceLimits;
  /** a store to use instead of Preference */
  store?: KeyValueStore;
  /** false: pure-JS digests only (a build without the crypt module) */
  nativeDigests?: boolean;
  /** false: no Wi-Fi (a wired or simulator build) */
  wifi?: boolean;
  /** least severe level written to trace() */
  logLevel?: LogLevel;
  /** a better entropy source than Math.random, if the build has one (e.g. a native esp_random) */
  random?: (count: number) => Uint8Array;
}

const LEVELS: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export const moddableTimers: Timers = {
  set: (callback, delay, repeat) => Timer.set(() => callback(), delay, repeat),
  repeat: (callback, interval) => Timer.repeat(() => callback(), interval),
  clear: (id) => {
    if (id !== undefined) Timer.clear(id as object);
  },
};

/** Time.ticks is a 32-bit counter on the ports (wraps after ~49.7 days); widen it so now() never
 * goes backwards. Signed or unsigned, the wrapped difference is right modulo 2^32. */
function monotonicClock(): () => number {
  let last = Time.ticks;
  let total = 0;
  return () => {
    const raw = Time.ticks;
    total += (raw - last) >>> 0;
    last = raw;
    return total;
  };
}

function mathRandomBytes(count: number): Uint8Array {
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.floor(Math.random() * 256);
  return out;
}

export function createModdablePlatform(options: ModdablePlatformOptions = {}): Platform {
  const now = monotonicClock();
  const min = LEVELS[options.logLevel ?? "info"];
  const store = options.store ?? new PreferenceStore(Preference, { domain: options.preferenceDomain ?? "mcnet", limits: options.preferenceLimits ?? ESP32_PREFERENCE_LIMITS });
  const digest = createDigest(options.nativeDigests === false ? undefined : (Digest as NativeDigestClass));
  return {
    name: options.name ?? "moddable",
    // modules/core/platform.ts describes these classes. Only TCP needs a cast: its `from` option
    // takes Moddable's TCP type, and mcnet's TCPSocket (write() returning void) is not that type
    // nominally, though it is the very object at run time.
    TCP: TCP as unknown as TCPConstructor,
    UDP: UDP satisfies UDPConstructor,
    Listener: Listener satisfies ListenerConstructor,
    timers: moddableTimers,
    now,
    time: () => Date.now(),
    randomBytes: options.random ?? mathRandomBytes,
    digest,
    store,
    wifi: options.wifi === false ? undefined : new ModdableWifi(WiFi, Net),
    log(level, message) {
      if (LEVELS[level] >= min) trace(`[mcnet ${level}] ${message}\n`);
    },
  };
}
