// The Platform's Wifi over Moddable's "wifi" and "net" modules.
//   scan:    WiFi.scan calls back once per access point and then with null; a scan already running
//            throws, which is reported to `done` as an error rather than thrown.
//   AP:      WiFi.accessPoint({ssid, password, channel, hidden, max, station}); the AP's address
//            is Net.get("IP", "ap") (ESP-IDF's soft AP defaults to 192.168.4.1).
//   station: a WiFi instance reports "connect" (associated), "gotIP", "lostIP" and "disconnect"
//            (with -1 when the password was rejected). Association without an address is still
//            "connecting"; a join that never reports is left to the caller's timeout, as the
//            Platform contract says.

import type { Wifi, WifiAccessPointOptions, WifiNetwork, WifiSecurity, WifiStationStatus } from "../../modules/core/platform";

export interface WiFiModule {
  new (dictionary?: { ssid?: string; password?: string }, onNotify?: (message: string, value?: number) => void): { close(): void };
  mode: number;
  scan(dictionary: { hidden?: boolean; channel?: number }, callback: (item: WiFiScanItemLike | null) => void): void;
  connect(dictionary?: { ssid?: string; password?: string }): void;
  disconnect(): void;
  accessPoint(dictionary: { ssid: string; password?: string; channel?: number; hidden?: boolean; max?: number; station?: boolean }): void;
}

export interface WiFiScanItemLike {
  ssid: string;
  rssi: number;
  channel: number;
  bssid: ArrayBuffer;
  authentication?: string;
}

export interface NetModule {
  get(property: string, iface?: "station" | "ap" | "ethernet"): string | number | string[] | undefined;
}

const DEFAULT_AP_ADDRESS = "192.168.4.1";

/** Moddable's authentication names (ESP-IDF's auth modes) as the Platform's security kinds. */
export function securityOf(authentication: string | undefined): WifiSecurity {
  switch (authentication) {
    case undefined:
    case "none":
    case "open":
      return "open";
    case "wep":
      return "wep";
    case "wpa_psk":
      return "wpa";
    case "wpa3_psk":
    case "wpa2_wpa3_psk":
      return "wpa3";
    case "wpa2_enterprise":
    case "wpa_enterprise":
      return "wpa2-enterprise";
    default:
      return "wpa2";
  }
}

function hexPair(n: number): string {
  return (n < 16 ? "0" : "") + n.toString(16);
}

export function macString(bytes: ArrayBuffer): string {
  const b = new Uint8Array(bytes);
  let s = "";
  for (let i = 0; i < b.length; i++) s += (i ? ":" : "") + hexPair(b[i]);
  return s;
}

export class ModdableWifi implements Wifi {
  private monitor: { close(): void } | undefined;
  /** identifies the current join, so a superseded one stops reporting */
  private join: object | undefined;

  constructor(
    private readonly WiFi: WiFiModule,
    private readonly Net: NetModule,
  ) {}

  mac(): string {
    const mac = this.Net.get("MAC", "station");
    return typeof mac === "string" ? mac.toLowerCase() : "00:00:00:00:00:00";
  }

  scan(done: (networks: WifiNetwork[] | undefined, error?: string) => void): void {
    const found: WifiNetwork[] = [];
    try {
      this.WiFi.scan({}, (item) => {
        if (item === null) {
          done(found);
          return;
        }
        // bound what a crowded street can make us allocate
        if (found.length >= 64) return;
        found.push({
          ssid: item.ssid,
          bssid: item.bssid ? macString(item.bssid) : undefined,
          rssi: item.rssi,
          channel: item.channel,
          security: securityOf(item.authentication),
        });
      });
    } catch (e) {
      done(undefined, (e as Error).message);
    }
  }

  startAccessPoint(options: WifiAccessPointOptions): { address: string } {
    this.WiFi.accessPoint({
      ssid: options.ssid,
      password: options.password || undefined,
      channel: options.channel ?? 1,
      hidden: options.hidden ?? false,
      max: options.maxClients ?? 4,
      station: options.station ?? false,
    });
    const address = this.Net.get("IP", "ap");
    return { address: typeof address === "string" && address ? address : DEFAULT_AP_ADDRESS };
  }

  stopAccessPoint(): void {
    this.WiFi.mode = 1;
  }

  connect(options: { ssid: string; password?: string }, onStatus: (status: WifiStationStatus) => void): void {
    this.monitor?.close();
    let connected = false;
    const join = {};
    this.join = join;
    onStatus({ state: "connecting" });
    this.monitor = new this.WiFi({ ssid: options.ssid, password: options.password || undefined }, (message, value) => {
      if (this.join !== join) return;
      if (message === "gotIP") {
        connected = true;
        const address = this.Net.get("IP", "station");
        onStatus({ state: "connected", address: typeof address === "string" ? address : "" });
      } else if (message === "lostIP" || message === "disconnect") {
        if (connected) {
          connected = false;
          onStatus({ state: "disconnected" });
        } else if (message === "disconnect") {
          if (value === -1) onStatus({ state: "failed", reason: "wrong-password" });
          else onStatus({ state: "failed", reason: "other", message: "disconnected before an address was assigned" });
        }
      }
    });
  }

  disconnect(): void {
    const monitor = this.monitor;
    this.monitor = undefined;
    this.join = undefined;
    monitor?.close();
    this.WiFi.disconnect();
  }
}
