// Scan results shared by everyone who needs them: the portal's list, the background retry, the
// join that wants to know whether a network is in range. A radio runs one scan at a time and a
// scan takes the station off its channel for a moment, so callers asking together share one scan
// and a recent result is reused instead of scanning again.

import type { Timers, Wifi, WifiNetwork } from "../../modules/core/platform";

export interface ScanResult {
  networks: WifiNetwork[];
  /** monotonic ms when the scan finished */
  at: number;
  error?: string;
}

type Waiter = (result: ScanResult) => void;

export class ScanCache {
  private last: ScanResult | undefined;
  private waiters: Waiter[] | undefined;
  private watchdog: unknown;

  constructor(
    private readonly wifi: Wifi,
    private readonly now: () => number,
    private readonly timers: Timers,
    /** results kept from one scan; a crowded place must not fill the heap */
    private readonly maxNetworks = 40,
    /** a scan that never reports is given up after this long */
    private readonly scanTimeoutMs = 15000,
  ) {}

  get latest(): ScanResult | undefined {
    return this.last;
  }

  get scanning(): boolean {
    return this.waiters !== undefined;
  }

  /** A result no older than maxAgeMs, scanning when there is none. */
  get(maxAgeMs: number, done: Waiter): void {
    if (this.last && !this.last.error && this.now() - this.last.at <= maxAgeMs) {
      done(this.last);
      return;
    }
    if (this.waiters) {
      this.waiters.push(done);
      return;
    }
    this.waiters = [done];
    this.watchdog = this.timers.set(() => this.complete(undefined, "scan timed out"), this.scanTimeoutMs);
    try {
      this.wifi.scan((networks, error) => this.complete(networks, error));
    } catch (e) {
      this.complete(undefined, String((e as Error)?.message ?? e));
    }
  }

  /** true when the last successful scan saw `ssid` (undefined when there is no scan to ask) */
  saw(ssid: string): boolean | undefined {
    if (!this.last || this.last.error) return undefined;
    return this.last.networks.some((n) => n.ssid === ssid);
  }

  private complete(networks: WifiNetwork[] | undefined, error: string | undefined): void {
    const waiters = this.waiters;
    if (!waiters) return; // a late answer after the watchdog gave up
    this.waiters = undefined;
    if (this.watchdog !== undefined) this.timers.clear(this.watchdog);
    this.watchdog = undefined;
    const kept = networks ? this.keep(networks) : [];
    const result: ScanResult = error !== undefined || !networks ? { networks: this.last?.networks ?? [], at: this.now(), error: error ?? "scan failed" } : { networks: kept, at: this.now() };
    if (!result.error) this.last = result;
    for (const w of waiters) w(result);
  }

  /** the strongest maxNetworks entries */
  private keep(networks: WifiNetwork[]): WifiNetwork[] {
    const copy = networks.slice(0, 256).filter((n) => n && typeof n.ssid === "string" && typeof n.rssi === "number");
    copy.sort((a, b) => b.rssi - a.rssi);
    return copy.slice(0, this.maxNetworks);
  }
}
