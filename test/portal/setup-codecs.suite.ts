// The pure pieces of setup: the network list (dedupe, order, filter, bars, hostile SSIDs and
// their ids), escaping-safe JSON, the same-origin check, credential rules, the saved-network
// store format (including damaged flash), the AP name, the button's long-press logic, and the
// server-rendered page writer's escaping.
import type { KeyValueStore, WifiNetwork } from "../../modules/core/platform";
import { buildNetworkList, signalBars, ssidFromId, ssidId } from "../../src/portal/network-list";
import { isSameOrigin } from "../../src/portal/same-origin";
import { safeJson } from "../../src/portal/safe-json";
import { apSsidFromMac } from "../../src/setup/ap-name";
import { LongPress } from "../../src/setup/portal-button";
import { SAVED_NETWORKS_KEY, SavedNetworks } from "../../src/setup/saved-networks";
import { checkPassword, checkSsid } from "../../src/setup/wifi-credentials";
import { utf8Decode, utf8Encode } from "../../modules/util/utf8";
import { assert, assertEqual, type SuiteFactory } from "../shared/suite";

class MapStore implements KeyValueStore {
  readonly map = new Map<string, string>();
  get(k: string) {
    return this.map.get(k);
  }
  set(k: string, v: string) {
    this.map.set(k, v);
  }
  delete(k: string) {
    this.map.delete(k);
  }
  keys() {
    return Array.from(this.map.keys());
  }
}

const RAW_32 = utf8Decode(new Uint8Array([0xff, 0xfe, 0x00, 0x41, 0x0a, 0x0d, 0x09, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0xe2, 0x80, 0xae, 0x3c, 0x2f, 0x61, 0x3e, 0xc3, 0x28, 0x22, 0x27, 0x26, 0x5c, 0x7f, 0x80, 0x81, 0x42, 0x43, 0x44, 0x45]));

export const HOSTILE_SSIDS = [
  "<script>alert(1)</script>",
  'Quote" \'attr\' &amp; \\ <b>',
  "Café – “Free” Wi-Fi ☕",
  "Neighbour 5G 🚀📶",
  "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345",
  "😀😀😀😀😀😀😀😀",
  "\u202eevil\u2028line\u2029",
  RAW_32,
];

function net(ssid: string, rssi: number, security: WifiNetwork["security"] = "wpa2"): WifiNetwork {
  return { ssid, rssi, channel: 1, security };
}

const factory: SuiteFactory = () => ({
  name: "portal setup codecs",
  cases: [
    {
      name: "network list: one entry per SSID (the strongest), strongest first, weak and nameless dropped, bounded",
      run: () => {
        const list = buildNetworkList(
          [net("A", -80), net("B", -40), net("A", -60), net("", -30), net("Weak", -95), net("Open", -70, "open"), net("Corp", -50, "wpa2-enterprise")],
          { minRssi: -90, max: 10 },
        );
        assertEqual(list.map((n) => [n.ssid, n.rssi, n.bars, n.secure, n.joinable]), [
          ["B", -40, 4, true, true],
          ["Corp", -50, 4, true, false],
          ["A", -60, 3, true, true],
          ["Open", -70, 2, false, true],
        ]);
        const many: WifiNetwork[] = [];
        for (let i = 0; i < 100; i++) many.push(net(`n${i}`, -40 - (i % 40)));
        assertEqual(buildNetworkList(many, { minRssi: -90, max: 30 }).length, 30);
      },
    },
    {
      name: "signal bars by RSSI",
      run: () => assertEqual([-30, -55, -56, -67, -68, -77, -78, -90].map(signalBars), [4, 4, 3, 3, 2, 2, 1, 1]),
    },
    {
      name: "ids round-trip every hostile SSID exactly; malformed ids are refused",
      run: () => {
        for (const s of HOSTILE_SSIDS.filter((x) => x !== RAW_32)) {
          const id = ssidId(s);
          assert(/^[0-9a-f]*$/.test(id), "hex only");
          assertEqual(ssidFromId(id), s);
          assertEqual(ssidFromId(id.toUpperCase()), s);
        }
        // 32 bytes that are not UTF-8 decode to a longer name: listed, not joinable, its id refused
        assertEqual(utf8Encode(RAW_32).length > 32, true);
        assertEqual(ssidFromId(ssidId(RAW_32)), undefined);
        assertEqual(buildNetworkList([net(RAW_32, -50)], { minRssi: -90, max: 5 })[0].joinable, false);
        assertEqual(buildNetworkList([net(HOSTILE_SSIDS[0], -50)], { minRssi: -90, max: 5 })[0].joinable, true);
        for (const bad of ["", "4", "zz", "41g1", "41".repeat(33)]) assertEqual(ssidFromId(bad), undefined, bad);
      },
    },
    {
      name: "JSON carrying SSIDs has no raw < > & or line separators, and parses back to the same strings",
      run: () => {
        for (const s of HOSTILE_SSIDS) {
          const text = safeJson({ ssid: s });
          assert(!/[<>&\u2028\u2029]/.test(text), `inert: ${text}`);
          assertEqual(JSON.parse(text).ssid, s);
        }
      },
    },
    {
      name: "same-origin: own host and matching Origin (or Referer) pass; foreign or rebound hosts and 'null' fail",
      run: () => {
        const own = ["192.168.4.1", "127.0.0.1:8080"];
        assertEqual(isSameOrigin({ host: "192.168.4.1", origin: "http://192.168.4.1" }, own, true), true);
        assertEqual(isSameOrigin({ host: "127.0.0.1:8080", referer: "http://127.0.0.1:8080/info" }, own, true), true);
        assertEqual(isSameOrigin({ host: "192.168.4.1", origin: "http://evil.example" }, own, true), false);
        assertEqual(isSameOrigin({ host: "evil.example", origin: "http://evil.example" }, own, true), false);
        assertEqual(isSameOrigin({ host: "192.168.4.1", origin: "null" }, own, true), false);
        assertEqual(isSameOrigin({ host: "192.168.4.1", referer: "http://192.168.4.1.evil.example/" }, own, true), false);
        assertEqual(isSameOrigin({ host: "192.168.4.1" }, own, true), false);
        assertEqual(isSameOrigin({ host: "192.168.4.1" }, own, false), true);
        assertEqual(isSameOrigin({}, own, false), false);
      },
    },
    {
      name: "credentials: SSID 1..32 bytes; WPA passphrase 8..63 or 64 hex; WEP shorter; open takes none",
      run: () => {
        assertEqual(checkSsid(""), "ssid-empty");
        assertEqual(checkSsid("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"), undefined);
        assertEqual(checkSsid("😀😀😀😀😀😀😀😀"), undefined);
        assertEqual(checkSsid("😀😀😀😀😀😀😀😀x"), "ssid-too-long");
        assertEqual(checkPassword("", "wpa2"), "password-too-short");
        assertEqual(checkPassword("1234567", "wpa2"), "password-too-short");
        assertEqual(checkPassword("12345678", "wpa2"), undefined);
        assertEqual(checkPassword("x".repeat(63), "wpa3"), undefined);
        assertEqual(checkPassword("x".repeat(64), "wpa2"), "password-too-long");
        assertEqual(checkPassword("0123456789ABCDEF".repeat(4), "wpa2"), undefined);
        assertEqual(checkPassword("abcde", "wep"), undefined);
        assertEqual(checkPassword("", "open"), undefined);
        assertEqual(checkPassword("something", "open"), "password-not-allowed");
        assertEqual(checkPassword("", undefined), undefined);
        assertEqual(checkPassword("tab\there1", "wpa2"), "password-control-character");
      },
    },
    {
      name: "saved networks: most recent first, deduplicated, bounded, one atomic value",
      run: () => {
        const store = new MapStore();
        const s = new SavedNetworks(store, 3);
        s.remember({ ssid: "A", password: "aaaaaaaa" });
        s.remember({ ssid: "B", password: "bbbbbbbb" });
        s.remember({ ssid: "C", password: "cccccccc", hidden: true });
        s.remember({ ssid: "A", password: "a-new-password" });
        s.remember({ ssid: "D", password: "dddddddd" });
        assertEqual(s.all(), [
          { ssid: "D", password: "dddddddd" },
          { ssid: "A", password: "a-new-password" },
          { ssid: "C", password: "cccccccc", hidden: true },
        ]);
        assertEqual(store.keys(), [SAVED_NETWORKS_KEY]);
        assertEqual(new SavedNetworks(store, 3).all(), s.all());
      },
    },
    {
      name: "saved networks: damaged or foreign flash contents give an empty or filtered list, never a throw",
      run: () => {
        const bad = ["", "{", "null", "[]", '{"v":2,"networks":[]}', '{"v":1}', '{"v":1,"networks":{}}', '{"v":1,"networks":[1,null,"x"]}'];
        for (const text of bad) {
          const store = new MapStore();
          store.set(SAVED_NETWORKS_KEY, text);
          assertEqual(new SavedNetworks(store).all(), [], text);
        }
        const store = new MapStore();
        store.set(SAVED_NETWORKS_KEY, JSON.stringify({ v: 1, networks: [
          { ssid: "", password: "x" }, { ssid: "x".repeat(40), password: "y" }, { ssid: "ok", password: 5 },
          { ssid: "good", password: "goodpass" }, { ssid: "good", password: "dup" }, { ssid: "long", password: "p".repeat(200) },
        ] }));
        assertEqual(new SavedNetworks(store).all(), [{ ssid: "good", password: "goodpass" }]);
      },
    },
    {
      name: "AP name from the MAC",
      run: () => {
        assertEqual(apSsidFromMac("24:6f:28:1a:2b:3c"), "mcnet-2B3C");
        assertEqual(apSsidFromMac("24-6F-28-1A-2B-3C", "Lamp-"), "Lamp-2B3C");
        assertEqual(apSsidFromMac(""), "mcnet-0000");
      },
    },
    {
      name: "button: a hold fires once; bounces and taps do not",
      run: () => {
        const lp = new LongPress(3000, 50);
        let fired = 0;
        let t = 0;
        const feed = (pressed: boolean, ms: number) => {
          for (let end = t + ms; t < end; t += 10) if (lp.sample(pressed, t)) fired++;
        };
        for (let i = 0; i < 20; i++) feed(i % 2 === 0, 20); // contact bounce
        feed(false, 100);
        feed(true, 1000); // a tap
        feed(false, 100);
        assertEqual(fired, 0);
        feed(true, 3200);
        assertEqual(fired, 1);
        feed(true, 5000); // still held: no repeat
        assertEqual(fired, 1);
        feed(false, 100);
        feed(true, 3100);
        assertEqual(fired, 2);
      },
    },
  ],
});

export default factory;
