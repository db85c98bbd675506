// The device KeyValueStore (targets/moddable/preference-store.ts) over a Preference that enforces
// the ports' limits the way the device does (by throwing): ESP32 NVS (names 15 characters, values
// 4000 bytes) and ESP8266 (32, 63). Runs on V8 and, through test/xs/suites.test.ts, on XS.

import {
  ESP32_PREFERENCE_LIMITS,
  ESP8266_PREFERENCE_LIMITS,
  PreferenceStore,
  type PreferenceApi,
  type PreferenceLimits,
  type PreferenceValue,
} from "../../targets/moddable/preference-store";
import { utf8Length } from "../../modules/util/utf8";
import { assert, assertEqual, fail, type Case, type SuiteFactory } from "../shared/suite";

/** A Preference with the device's limits; `failAfter` makes the n-th next write fail (power cut). */
class LimitedPreference implements PreferenceApi {
  readonly entries = new Map<string, PreferenceValue>();
  writes = 0;
  failAfter = Infinity;

  constructor(readonly limits: PreferenceLimits) {}

  private name(domain: string, key: string): string {
    if (domain.length === 0 || domain.length > this.limits.name) throw new Error(`domain "${domain}" over ${this.limits.name}`);
    if (key.length === 0 || key.length > this.limits.name) throw new Error(`key "${key}" over ${this.limits.name}`);
    return `${domain}/${key}`;
  }

  get(domain: string, key: string): PreferenceValue | undefined {
    const v = this.entries.get(this.name(domain, key));
    return v instanceof ArrayBuffer ? v.slice(0) : v;
  }

  set(domain: string, key: string, value: PreferenceValue): void {
    const name = this.name(domain, key);
    const size = typeof value === "string" ? utf8Length(value) : value instanceof ArrayBuffer ? value.byteLength : 4;
    if (size > this.limits.value) throw new Error(`value of ${size} bytes over ${this.limits.value}`);
    if (this.writes >= this.failAfter) throw new Error("power cut");
    this.writes++;
    this.entries.set(name, value instanceof ArrayBuffer ? value.slice(0) : value);
  }

  delete(domain: string, key: string): void {
    if (this.writes >= this.failAfter) throw new Error("power cut");
    this.writes++;
    this.entries.delete(this.name(domain, key));
  }

  keys(domain: string): string[] {
    const prefix = `${domain}/`;
    return Array.from(this.entries.keys()).filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  }
}

function text(length: number, seed: number): string {
  // mixes 1-, 2-, 3- and 4-byte UTF-8 so chunk boundaries fall inside characters
  // (joined once: XS copies a string on every +=, which is quadratic for long ones)
  const alphabet = ["a", "Z", "7", "é", "ß", "€", "中", "😀", " ", "\n"];
  const parts: string[] = [];
  let n = 0;
  let x = seed;
  while (n < length) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const c = alphabet[x % alphabet.length];
    parts.push(c);
    n += c.length;
  }
  return parts.join("");
}

function cases(label: string, limits: PreferenceLimits): Case[] {
  const make = () => {
    const pref = new LimitedPreference(limits);
    return { pref, store: new PreferenceStore(pref, { domain: "mcnet", limits }) };
  };
  // several chunks' worth of UTF-8 (a character here is 1 to 4 bytes); kept modest because XS's
  // charCodeAt walks the string, so encoding a long string is quadratic there
  const big = limits.value * 2 + 17;
  return [
    {
      name: `${label}: short key and value round-trip`,
      run() {
        const { store } = make();
        store.set("ssid", "home");
        assertEqual(store.get("ssid"), "home");
        assertEqual(store.get("missing"), undefined);
      },
    },
    {
      name: `${label}: keys longer than the port's names work`,
      run() {
        const { store, pref } = make();
        const key = "wifi/networks/saved/0/password";
        store.set(key, "secret");
        assertEqual(store.get(key), "secret");
        for (const name of pref.entries.keys()) assert(name.length - "mcnet/".length <= limits.name, `raw name ${name}`);
      },
    },
    {
      name: `${label}: a value of ${big} characters (multi-byte UTF-8) is chunked and comes back exact`,
      run() {
        const { store, pref } = make();
        const value = text(big, 3);
        store.set("portal/page", value);
        assertEqual(store.get("portal/page"), value);
        assert(pref.entries.size > 2, "stored in several Preference values");
      },
    },
    {
      name: `${label}: overwriting long with short and back leaves no stale chunks`,
      run() {
        const { store, pref } = make();
        store.set("k", text(big, 1));
        const longEntries = pref.entries.size;
        store.set("k", "short");
        assertEqual(store.get("k"), "short");
        assertEqual(pref.entries.size, 1, "one header, no chunks");
        store.set("k", text(big, 2));
        assertEqual(store.get("k"), text(big, 2));
        assertEqual(pref.entries.size, longEntries, "same number of entries as the first long value");
      },
    },
    {
      name: `${label}: delete removes the header and every chunk`,
      run() {
        const { store, pref } = make();
        store.set("a", text(big, 4));
        store.set("b", "kept");
        store.delete("a");
        assertEqual(store.get("a"), undefined);
        assertEqual(store.get("b"), "kept");
        assertEqual(pref.entries.size, 1);
        store.delete("never-set");
      },
    },
    {
      name: `${label}: keys() lists the original keys and ignores foreign entries in the domain`,
      run() {
        const { store, pref } = make();
        const keys = ["one", "two/with/slashes", "three é", "a-key-that-is-clearly-longer-than-fifteen"].filter((k) => utf8Length(k) <= store.maxKeyBytes);
        for (const k of keys) store.set(k, text(k.length * 20, k.length));
        pref.set("mcnet", "foreign", "not ours");
        assertEqual(store.keys().sort(), [...keys].sort());
      },
    },
    {
      name: `${label}: 100 keys side by side`,
      run() {
        const { store } = make();
        for (let i = 0; i < 100; i++) store.set(`key ${i}`, `value ${i}`);
        for (let i = 0; i < 100; i++) assertEqual(store.get(`key ${i}`), `value ${i}`);
        assertEqual(store.keys().length, 100);
      },
    },
    {
      name: `${label}: limits are typed errors and leave the old value`,
      run() {
        const { store } = make();
        store.set("k", "old");
        let threw = false;
        try {
          store.set("k", "x".repeat(store.maxValueBytes + 1));
        } catch (e) {
          threw = e instanceof RangeError;
        }
        assert(threw, "value over maxValueBytes throws RangeError");
        threw = false;
        try {
          store.set("k".repeat(store.maxKeyBytes + 1), "v");
        } catch (e) {
          threw = e instanceof RangeError;
        }
        assert(threw, "key over maxKeyBytes throws RangeError");
        assertEqual(store.get("k"), "old");
      },
    },
    {
      name: `${label}: a power cut at any write of a set leaves the old value or the new one`,
      run() {
        const before = text(limits.value + 5, 5);
        const after = text(limits.value * 2 + 1, 6);
        // count the writes a full set takes, then cut the power at each one in turn
        const probe = make();
        probe.store.set("k", before);
        const start = probe.pref.writes;
        probe.store.set("k", after);
        const total = probe.pref.writes - start;
        assert(total > 2, "the set takes several writes");
        for (let cut = 0; cut < total; cut++) {
          const { store, pref } = make();
          store.set("k", before);
          pref.failAfter = pref.writes + cut;
          try {
            store.set("k", after);
            fail(`write ${cut} should have failed`);
          } catch (e) {
            if (!(e instanceof Error) || e.message !== "power cut") throw e;
          }
          pref.failAfter = Infinity;
          const seen = new PreferenceStore(pref, { domain: "mcnet", limits }).get("k");
          assert(seen === before || seen === after, `cut at write ${cut}: torn value (${seen?.length} characters)`);
          // and the store still works after the reboot
          store.set("k", "recovered");
          assertEqual(store.get("k"), "recovered");
        }
      },
    },
  ];
}

const suite: SuiteFactory = () => ({
  name: "device store over Preference (ESP32 and ESP8266 limits)",
  cases: [
    ...cases("ESP32", ESP32_PREFERENCE_LIMITS),
    ...cases("ESP8266", ESP8266_PREFERENCE_LIMITS),
    {
      name: "a domain longer than the port allows is rejected up front",
      run() {
        let threw = false;
        try {
          new PreferenceStore(new LimitedPreference(ESP32_PREFERENCE_LIMITS), { domain: "a-domain-of-twenty", limits: ESP32_PREFERENCE_LIMITS });
        } catch (e) {
          threw = e instanceof RangeError;
        }
        assert(threw, "RangeError");
      },
    },
  ],
});

export default suite;
