// Try the remembered networks in order (most recently successful first), each a bounded number
// of times, until one joins. Networks a fresh scan did not see are skipped (unless saved as
// hidden), so a device whose router is off reaches its portal in seconds, not after a timeout
// per network. Wrong password and not-found are final for this round; silence and other
// failures are retried.

import type { Timers, Wifi } from "../../modules/core/platform";
import type { SavedNetwork } from "./saved-networks";
import { StationJoin, type JoinResult } from "./station-join";

export interface CycleOptions {
  attemptsPerNetwork: number;
  joinTimeoutMs: number;
  /** pause between attempts, so a router that just refused gets a breath */
  retryDelayMs: number;
}

export type CycleResult =
  | { ok: true; join: StationJoin; result: Extract<JoinResult, { ok: true }>; network: SavedNetwork }
  | { ok: false; failures: Extract<JoinResult, { ok: false }>[] };

export class SavedNetworkCycle {
  private queue: SavedNetwork[] = [];
  private attempt = 0;
  private join: StationJoin | undefined;
  private pause: unknown;
  private stopped = false;
  private readonly failures: Extract<JoinResult, { ok: false }>[] = [];

  constructor(
    private readonly wifi: Wifi,
    private readonly timers: Timers,
    private readonly options: CycleOptions,
    private readonly done: (result: CycleResult) => void,
    /** the link of the network finally joined went down */
    private readonly lost: () => void,
  ) {}

  /** `visible`: SSIDs of a fresh scan, or undefined to try every saved network. */
  start(networks: SavedNetwork[], visible: ReadonlySet<string> | undefined): this {
    this.queue = networks.filter((n) => n.hidden || !visible || visible.has(n.ssid));
    for (const n of networks) {
      if (!this.queue.includes(n)) this.failures.push({ ok: false, ssid: n.ssid, reason: "not-found", message: "not seen in the last scan" });
    }
    this.next();
    return this;
  }

  cancel(): void {
    this.stopped = true;
    if (this.pause !== undefined) this.timers.clear(this.pause);
    this.pause = undefined;
    this.join?.cancel();
    this.join = undefined;
  }

  private next(): void {
    if (this.stopped) return;
    const network = this.queue[0];
    if (!network) {
      this.stopped = true;
      this.done({ ok: false, failures: this.failures });
      return;
    }
    this.attempt++;
    const join = new StationJoin(this.wifi, this.timers, { ssid: network.ssid, password: network.password }, this.options.joinTimeoutMs, {
      done: (result) => this.onResult(network, join, result),
      lost: () => this.lost(),
    });
    this.join = join;
    join.start();
  }

  private onResult(network: SavedNetwork, join: StationJoin, result: JoinResult): void {
    if (this.stopped) return;
    if (result.ok) {
      this.stopped = true;
      this.join = undefined;
      this.done({ ok: true, join, result, network });
      return;
    }
    const final = result.reason === "wrong-password" || result.reason === "not-found";
    if (final || this.attempt >= this.options.attemptsPerNetwork) {
      this.failures.push(result);
      this.queue.shift();
      this.attempt = 0;
    }
    this.pause = this.timers.set(() => {
      this.pause = undefined;
      this.next();
    }, this.options.retryDelayMs);
  }
}
