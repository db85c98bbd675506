// The simulated Wi-Fi radio behind the XS run's "wifi" and "net" modules: which networks are in
// range and which password each takes. Outcomes follow what Moddable reports on ESP32: "connect"
// then "gotIP" on success; "disconnect" with -1 when the password is rejected, 0 otherwise.

export interface SimulatedNetwork {
  ssid: string;
  bssid?: string;
  rssi?: number;
  channel?: number;
  /** Moddable's authentication names: "none", "wep", "wpa_psk", "wpa2_psk", "wpa_wpa2_psk" */
  authentication?: string;
  password?: string;
  hidden?: boolean;
}

export interface RadioOptions {
  networks?: SimulatedNetwork[];
  mac?: string;
  /** address the station gets from a network's DHCP */
  stationAddress?: string;
  /** address of the soft AP (ESP-IDF's default) */
  apAddress?: string;
  /** how long association takes */
  connectDelayMs?: number;
}

export type RadioNotify = (event: { t: string; [field: string]: unknown }) => void;

export class SimulatedRadio {
  private readonly options: Required<RadioOptions>;
  private mode = 1;
  private station: SimulatedNetwork | undefined;
  private ap: { ssid: string; channel: number } | undefined;
  private pending: ReturnType<typeof setTimeout> | undefined;

  constructor(options: RadioOptions = {}) {
    this.options = {
      networks: options.networks ?? [],
      mac: options.mac ?? "24:0a:c4:00:00:01",
      stationAddress: options.stationAddress ?? "192.168.1.50",
      apAddress: options.apAddress ?? "192.168.4.1",
      connectDelayMs: options.connectDelayMs ?? 5,
    };
  }

  getMode(): number {
    return this.mode;
  }

  setMode(mode: number): void {
    this.mode = mode;
  }

  scan(hidden: boolean, channel: number | undefined, notify: RadioNotify): void {
    const items = this.options.networks
      .filter((n) => (hidden || !n.hidden) && (channel === undefined || (n.channel ?? 1) === channel))
      .map((n, i) => ({
        ssid: n.hidden ? "" : n.ssid,
        rssi: n.rssi ?? -50,
        channel: n.channel ?? 1,
        hidden: !!n.hidden,
        bssid: (n.bssid ?? `02:00:00:00:00:${(i + 1).toString(16).padStart(2, "0")}`).split(":").map((h) => parseInt(h, 16)),
        authentication: n.authentication ?? (n.password ? "wpa2_psk" : "none"),
      }));
    setTimeout(() => notify({ t: "wifi.scan", items }), this.options.connectDelayMs);
  }

  connect(ssid: string, password: string | undefined, notify: RadioNotify): void {
    this.disconnect(notify);
    this.mode = this.ap ? 3 : 1;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      const network = this.options.networks.find((n) => n.ssid === ssid);
      if (!network) {
        notify({ t: "wifi.notify", message: "disconnect", value: 0 });
        return;
      }
      if ((network.password ?? "") !== (password ?? "")) {
        notify({ t: "wifi.notify", message: "disconnect", value: -1 });
        return;
      }
      this.station = network;
      notify({ t: "wifi.notify", message: "connect" });
      notify({ t: "wifi.notify", message: "gotIP" });
    }, this.options.connectDelayMs);
  }

  disconnect(notify: RadioNotify): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = undefined;
    if (this.station) {
      this.station = undefined;
      notify({ t: "wifi.notify", message: "disconnect", value: 0 });
    }
  }

  accessPoint(ssid: string, channel: number, station: boolean): void {
    this.ap = { ssid, channel };
    this.mode = station ? 3 : 2;
  }

  get(property: string, iface?: string): string | number | undefined {
    const which = iface ?? (this.mode === 2 ? "ap" : "station");
    switch (property) {
      case "IP":
        if (which === "ap") return this.ap ? this.options.apAddress : undefined;
        return this.station ? this.options.stationAddress : undefined;
      case "MAC":
        return this.options.mac;
      case "SSID":
        return which === "ap" ? this.ap?.ssid : this.station?.ssid;
      case "BSSID":
        return this.station?.bssid;
      case "RSSI":
        return this.station ? (this.station.rssi ?? -50) : undefined;
      case "CHANNEL":
        return which === "ap" ? this.ap?.channel : this.station?.channel;
      default:
        return undefined;
    }
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = undefined;
  }
}
