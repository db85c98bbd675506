// One attempt to join a network as a station, with a deadline. The radio may answer (connected,
// failed with a reason) or never answer (a router that drops the association silently); the
// deadline turns silence into a "timeout" failure. Exactly one result is reported, and after a
// success the link's later loss is reported separately, so the caller can tell "this join
// failed" from "the network went away".

import type { Timers, Wifi, WifiStationStatus } from "../../modules/core/platform";

export type JoinFailure = "wrong-password" | "not-found" | "timeout" | "other";

export type JoinResult =
  | { ok: true; ssid: string; address: string; gateway?: string; netmask?: string }
  | { ok: false; ssid: string; reason: JoinFailure; message: string };

export interface JoinRequest {
  ssid: string;
  password?: string;
}

export interface JoinHandlers {
  done(result: JoinResult): void;
  /** the link of a successful join went down */
  lost?(): void;
}

export class StationJoin {
  private finished = false;
  private linked = false;
  private cancelled = false;
  private timer: unknown;

  constructor(
    private readonly wifi: Wifi,
    private readonly timers: Timers,
    private readonly request: JoinRequest,
    private readonly timeoutMs: number,
    private readonly handlers: JoinHandlers,
  ) {}

  start(): this {
    const { ssid, password } = this.request;
    this.timer = this.timers.set(() => {
      this.timer = undefined;
      if (this.finished) return;
      this.wifi.disconnect();
      this.finish({ ok: false, ssid, reason: "timeout", message: `no answer from "${ssid}" within ${Math.round(this.timeoutMs / 1000)} s` });
    }, this.timeoutMs);
    try {
      this.wifi.connect(password ? { ssid, password } : { ssid }, (s) => this.onStatus(s));
    } catch (e) {
      this.finish({ ok: false, ssid, reason: "other", message: String((e as Error)?.message ?? e) });
    }
    return this;
  }

  /** Give up (a newer request wins); nothing is reported after this. */
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    const wasOpen = !this.finished;
    this.clearTimer();
    this.finished = true;
    if (wasOpen) this.wifi.disconnect();
  }

  get isLinked(): boolean {
    return this.linked && !this.cancelled;
  }

  private onStatus(s: WifiStationStatus): void {
    if (this.cancelled) return;
    const ssid = this.request.ssid;
    if (s.state === "connected") {
      if (this.finished) return;
      this.linked = true;
      this.finish({ ok: true, ssid, address: s.address, gateway: s.gateway, netmask: s.netmask });
    } else if (s.state === "failed") {
      if (this.finished) return;
      this.finish({ ok: false, ssid, reason: s.reason, message: s.message ?? s.reason });
    } else if (s.state === "disconnected") {
      if (this.linked) {
        this.linked = false;
        this.handlers.lost?.();
      } else if (!this.finished) {
        this.finish({ ok: false, ssid, reason: "other", message: "disconnected while joining" });
      }
    }
  }

  private finish(result: JoinResult): void {
    if (this.finished) return;
    this.finished = true;
    this.clearTimer();
    this.handlers.done(result);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
  }
}
