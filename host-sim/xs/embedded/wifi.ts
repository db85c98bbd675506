// "wifi" for the XS run, with the API and messages of Moddable's ESP32 wifi module: a WiFi
// instance reports "connect", "gotIP", "lostIP" and "disconnect" (second argument -1 when the
// password was rejected) to its callback; static scan / connect / disconnect / accessPoint.
// The radio is the host's simulation (networks in range, which passwords they take).

import { call, invoke, on, type BridgeEvent } from "./host";

export interface WiFiScanItem {
  ssid: string;
  rssi: number;
  channel: number;
  hidden: boolean;
  bssid: ArrayBuffer;
  authentication: string;
}

export type WiFiCallback = (message: string, value?: number) => void;

const monitors = new Set<WiFi>();
let scanCallback: ((item: WiFiScanItem | null) => void) | undefined;

function checkSsid(ssid: unknown): string {
  if (typeof ssid !== "string" || ssid.length === 0) throw new Error("ssid required");
  if (new TextEncoder().encode(ssid).length > 32) throw new Error("ssid too long - 32 bytes max");
  return ssid;
}

export default class WiFi {
  #callback: WiFiCallback | undefined;

  static readonly Mode = Object.freeze({ off: -5, none: 0, station: 1, accessPoint: 2 });
  static readonly gotIP = "gotIP";
  static readonly lostIP = "lostIP";
  static readonly connected = "connect";
  static readonly disconnected = "disconnect";

  constructor(dictionary?: { ssid?: string; password?: string; bssid?: ArrayBuffer }, onNotify?: WiFiCallback) {
    if (dictionary) WiFi.connect(dictionary);
    if (onNotify) this.onNotify = onNotify;
  }

  set onNotify(callback: WiFiCallback | undefined) {
    this.#callback = typeof callback === "function" ? callback : undefined;
    if (this.#callback) monitors.add(this);
    else monitors.delete(this);
  }

  close(): void {
    this.#callback = undefined;
    monitors.delete(this);
  }

  static get mode(): number {
    return call({ op: "wifi.mode" }).header.mode as number;
  }

  static set mode(mode: number) {
    if (mode !== 1 && mode !== 2 && mode !== 3 && mode !== 0) throw new Error("invalid mode");
    call({ op: "wifi.mode", mode });
  }

  static scan(dictionary: { hidden?: boolean; channel?: number }, callback: (item: WiFiScanItem | null) => void): void {
    if (scanCallback) throw new Error("already scanning");
    if (typeof callback !== "function") throw new TypeError("callback required");
    call({ op: "wifi.scan", hidden: !!dictionary?.hidden, channel: dictionary?.channel });
    scanCallback = callback;
  }

  static connect(dictionary?: { ssid?: string; password?: string; bssid?: ArrayBuffer; channel?: number }): void {
    if (!dictionary) {
      call({ op: "wifi.disconnect" });
      return;
    }
    const ssid = checkSsid(dictionary.ssid);
    const password = dictionary.password;
    if (password !== undefined && new TextEncoder().encode(password).length > 64) throw new Error("password too long - 64 bytes max");
    if (dictionary.channel !== undefined && (dictionary.channel < 1 || dictionary.channel > 13)) throw new Error("invalid channel");
    call({ op: "wifi.connect", ssid, password });
  }

  static disconnect(): void {
    WiFi.connect();
  }

  static accessPoint(dictionary: { ssid: string; password?: string; channel?: number; hidden?: boolean; interval?: number; max?: number; station?: boolean }): void {
    const ssid = checkSsid(dictionary?.ssid);
    const password = dictionary.password;
    if (password !== undefined) {
      const n = new TextEncoder().encode(password).length;
      if (n > 64) throw new Error("password too long - 64 bytes max");
      if (n < 8) throw new Error("password too short - 8 bytes min");
    }
    const channel = dictionary.channel ?? 1;
    if (!Number.isInteger(channel) || channel < 1 || channel > 13) throw new Error("invalid channel");
    call({ op: "wifi.ap", ssid, password, channel, hidden: !!dictionary.hidden, max: dictionary.max ?? 4, station: !!dictionary.station });
  }

  /** @internal */
  static notify(event: BridgeEvent): void {
    const message = event.message as string;
    const value = event.value as number | undefined;
    for (const m of Array.from(monitors)) {
      const cb = m.#callback;
      if (cb) invoke("wifi", () => (value === undefined ? cb.call(m, message) : cb.call(m, message, value)));
    }
  }

  /** @internal */
  static scanned(event: BridgeEvent): void {
    const callback = scanCallback;
    scanCallback = undefined;
    if (!callback) return;
    for (const item of event.items as (Omit<WiFiScanItem, "bssid"> & { bssid: number[] })[]) {
      invoke("wifi scan", () => callback({ ...item, bssid: Uint8Array.from(item.bssid).buffer as ArrayBuffer }));
    }
    invoke("wifi scan", () => callback(null));
  }
}

on("wifi.notify", WiFi.notify);
on("wifi.scan", WiFi.scanned);
