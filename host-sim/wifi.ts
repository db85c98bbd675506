// A simulated Wi-Fi radio for host-sim: the air around the device (networks with signal,
// security, the password each accepts, join delays, failures, a router that comes up late) is a
// JSON file, so `npm start` shows a realistic portal and tests script the world the device sees.
// It implements the Platform's Wifi interface with the device's timing model: every answer is
// asynchronous, a join either reports or stays silent (the caller's timeout decides), a new
// connect() abandons the previous attempt, and the AP runs beside the station when asked.

import * as fs from "node:fs";
import type {
  Timers, Wifi, WifiAccessPointOptions, WifiNetwork, WifiSecurity, WifiStationStatus,
} from "../modules/core/platform";
import { utf8Decode } from "../modules/util/utf8";

export interface SimNetwork {
  /** the SSID as text */
  ssid?: string;
  /** the SSID as raw bytes in hex, for names that are not UTF-8 (shown decoded with U+FFFD) */
  ssidHex?: string;
  bssid?: string;
  rssi: number;
  channel?: number;
  /** default "wpa2" */
  security?: WifiSecurity;
  /** the password the network accepts; ignored for open networks */
  password?: string;
  /** does not beacon: absent from scans, joinable by name */
  hidden?: boolean;
  /** the address DHCP hands the device (default 192.168.1.<n>) */
  address?: string;
  gateway?: string;
  netmask?: string;
  joinDelayMs?: number;
  /** "timeout": association never completes and nothing is reported; "reject": fails with "other" */
  behavior?: "ok" | "timeout" | "reject";
  /** the first N joins stay silent (a router still booting its DHCP server) */
  failFirst?: number;
  /** absent until this many ms after the radio started (the router that boots after the device) */
  appearsAfterMs?: number;
}

export interface RadioConfig {
  mac?: string;
  apAddress?: string;
  scanDelayMs?: number;
  joinDelayMs?: number;
  networks: SimNetwork[];
}

export interface SimulatedWifiOptions {
  timers: Timers;
  now: () => number;
  log?: (message: string) => void;
}

export interface RadioState {
  ap: (WifiAccessPointOptions & { address: string }) | undefined;
  station: { state: WifiStationStatus["state"]; ssid?: string; address?: string };
  scans: number;
  /** connect() calls per SSID, answered or not */
  connects: Record<string, number>;
  joins: { ssid: string; result: string }[];
}

const DEFAULT_MAC = "24:6f:28:1a:2b:3c";
const DEFAULT_AP_ADDRESS = "192.168.4.1";

function hexBytes(hex: string): Uint8Array {
  const clean = hex.replace(/[^0-9a-fA-F]/g, "");
  const out = new Uint8Array(clean.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** The SSID as a device reports it: raw bytes decoded as UTF-8, bad sequences as U+FFFD. */
export function simSsid(n: SimNetwork): string {
  if (n.ssidHex !== undefined) return utf8Decode(hexBytes(n.ssidHex));
  return n.ssid ?? "";
}

function validateRadio(raw: unknown, source: string): RadioConfig {
  if (!raw || typeof raw !== "object" || !Array.isArray((raw as RadioConfig).networks)) {
    throw new Error(`${source}: a radio config needs a "networks" array`);
  }
  const cfg = raw as RadioConfig;
  for (const [i, n] of cfg.networks.entries()) {
    if (typeof n !== "object" || n === null) throw new Error(`${source}: networks[${i}] is not an object`);
    if (typeof n.rssi !== "number") throw new Error(`${source}: networks[${i}].rssi must be a number`);
    if (n.ssid === undefined && n.ssidHex === undefined) throw new Error(`${source}: networks[${i}] needs ssid or ssidHex`);
  }
  return cfg;
}

export function loadRadioFile(file: string): RadioConfig {
  return validateRadio(JSON.parse(fs.readFileSync(file, "utf8")), file);
}

export class SimulatedWifi implements Wifi {
  private radio: RadioConfig;
  private readonly opts: SimulatedWifiOptions;
  private readonly bootAt: number;
  private readonly attempts = new Map<string, number>();
  private attempt = 0;
  private listener: ((s: WifiStationStatus) => void) | undefined;
  private pending: unknown[] = [];
  private watch: { file: string; mtime: number; timer: unknown } | undefined;
  readonly state: RadioState = { ap: undefined, station: { state: "disconnected" }, scans: 0, connects: {}, joins: [] };

  constructor(radio: RadioConfig, options: SimulatedWifiOptions) {
    this.radio = validateRadio(radio, "radio");
    this.opts = options;
    this.bootAt = options.now();
  }

  /** A radio read from a file and re-read whenever the file changes, so a test (or a person)
   * can switch a router on or off while the device runs. */
  static fromFile(file: string, options: SimulatedWifiOptions, pollMs = 250): SimulatedWifi {
    const wifi = new SimulatedWifi(loadRadioFile(file), options);
    const mtime = fs.statSync(file).mtimeMs;
    const timer = options.timers.repeat(() => wifi.reloadIfChanged(), pollMs);
    wifi.watch = { file, mtime, timer };
    return wifi;
  }

  /** Stop watching the radio file and drop pending callbacks (the device powers off). */
  close(): void {
    if (this.watch) this.opts.timers.clear(this.watch.timer);
    this.watch = undefined;
    for (const t of this.pending) this.opts.timers.clear(t);
    this.pending = [];
    this.listener = undefined;
  }

  /** Replace the air around the device; a station on a network that vanished loses its link. */
  setRadio(radio: RadioConfig): void {
    this.radio = validateRadio(radio, "radio");
    this.checkLink();
  }

  mac(): string {
    return this.radio.mac ?? DEFAULT_MAC;
  }

  scan(done: (networks: WifiNetwork[] | undefined, error?: string) => void): void {
    this.state.scans++;
    this.later(this.radio.scanDelayMs ?? 600, () => {
      const seen = this.visible().filter((n) => !n.hidden);
      done(seen.map((n, i) => ({
        ssid: simSsid(n),
        bssid: n.bssid ?? `02:00:00:00:00:${(i + 16).toString(16).padStart(2, "0")}`,
        rssi: n.rssi,
        channel: n.channel ?? 1,
        security: n.security ?? "wpa2",
      })));
    });
  }

  startAccessPoint(options: WifiAccessPointOptions): { address: string } {
    const ssidBytes = Buffer.byteLength(options.ssid, "utf8");
    if (ssidBytes < 1 || ssidBytes > 32) throw new Error("ssid must be 1 to 32 bytes");
    if (options.password !== undefined && options.password !== "" && (options.password.length < 8 || options.password.length > 63)) {
      throw new Error("AP password must be 8 to 63 characters");
    }
    if (options.channel !== undefined && (options.channel < 1 || options.channel > 13)) throw new Error("invalid channel");
    const address = this.radio.apAddress ?? DEFAULT_AP_ADDRESS;
    this.state.ap = { ...options, password: options.password ? "(set)" : undefined, address };
    this.opts.log?.(`radio: AP "${options.ssid}" up on channel ${options.channel ?? 1} at ${address}${options.password ? " (WPA2)" : " (open)"}`);
    if (!options.station) this.disconnect();
    return { address };
  }

  stopAccessPoint(): void {
    if (this.state.ap) this.opts.log?.(`radio: AP "${this.state.ap.ssid}" down`);
    this.state.ap = undefined;
  }

  connect(options: { ssid: string; password?: string }, onStatus: (status: WifiStationStatus) => void): void {
    if (this.state.ap && !this.state.ap.station) throw new Error("station interface is off while the AP runs without station: true");
    this.abandon();
    this.state.connects[options.ssid] = (this.state.connects[options.ssid] ?? 0) + 1;
    const id = ++this.attempt;
    this.listener = onStatus;
    this.state.station = { state: "connecting", ssid: options.ssid };
    const report = (s: WifiStationStatus) => {
      if (id !== this.attempt) return;
      this.state.station = { state: s.state, ssid: options.ssid, address: s.state === "connected" ? s.address : undefined };
      const result = s.state === "failed" ? `failed:${s.reason}` : s.state;
      if (s.state !== "connecting") this.state.joins.push({ ssid: options.ssid, result });
      onStatus(s);
    };
    this.later(0, () => report({ state: "connecting" }));
    const candidates = this.visible().filter((n) => simSsid(n) === options.ssid).sort((a, b) => b.rssi - a.rssi);
    const net = candidates[0];
    const delay = net?.joinDelayMs ?? this.radio.joinDelayMs ?? 1500;
    if (!net) {
      // A device scans every channel for the SSID before giving up.
      this.later(delay, () => report({ state: "failed", reason: "not-found", message: `no network named "${options.ssid}" in range` }));
      return;
    }
    const count = (this.attempts.get(options.ssid) ?? 0) + 1;
    this.attempts.set(options.ssid, count);
    if (net.behavior === "timeout" || count <= (net.failFirst ?? 0)) return; // silent: the caller's timeout decides
    if (net.behavior === "reject") {
      this.later(delay, () => report({ state: "failed", reason: "other", message: "association rejected" }));
      return;
    }
    const security = net.security ?? "wpa2";
    if (security !== "open" && (options.password ?? "") !== (net.password ?? "")) {
      this.later(delay, () => report({ state: "failed", reason: "wrong-password", message: "4-way handshake failed" }));
      return;
    }
    const index = this.radio.networks.indexOf(net);
    this.later(delay, () => report({
      state: "connected",
      address: net.address ?? `192.168.1.${100 + (index % 100)}`,
      gateway: net.gateway ?? "192.168.1.1",
      netmask: net.netmask ?? "255.255.255.0",
    }));
  }

  disconnect(): void {
    const was = this.state.station.state;
    const listener = this.listener;
    this.abandon();
    this.state.station = { state: "disconnected" };
    if (was === "connected" && listener) listener({ state: "disconnected" });
  }

  /** the networks on the air right now */
  private visible(): SimNetwork[] {
    const age = this.opts.now() - this.bootAt;
    return this.radio.networks.filter((n) => (n.appearsAfterMs ?? 0) <= age);
  }

  private abandon(): void {
    this.attempt++;
    this.listener = undefined;
  }

  private later(ms: number, fn: () => void): void {
    const t = this.opts.timers.set(() => {
      this.pending = this.pending.filter((x) => x !== t);
      fn();
    }, ms);
    this.pending.push(t);
  }

  private reloadIfChanged(): void {
    if (!this.watch) return;
    let mtime: number;
    try {
      mtime = fs.statSync(this.watch.file).mtimeMs;
    } catch {
      return;
    }
    if (mtime === this.watch.mtime) return;
    this.watch.mtime = mtime;
    try {
      this.radio = loadRadioFile(this.watch.file);
      this.opts.log?.(`radio: reloaded ${this.watch.file}`);
    } catch (e) {
      this.opts.log?.(`radio: ignoring ${this.watch.file}: ${(e as Error).message}`);
      return;
    }
    this.checkLink();
  }

  private checkLink(): void {
    const st = this.state.station;
    if (st.state !== "connected") return;
    if (this.visible().some((n) => simSsid(n) === st.ssid)) return;
    const listener = this.listener;
    this.abandon();
    this.state.station = { state: "disconnected" };
    this.opts.log?.(`radio: lost "${st.ssid}"`);
    listener?.({ state: "disconnected" });
  }
}
