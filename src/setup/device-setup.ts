// The device's connection life: join a remembered network at boot, otherwise open the setup AP
// and portal; while the portal is up, keep trying remembered networks in the background (the
// router that boots after the device) without disturbing a person who is using the portal; take
// a person's choice, report its outcome precisely, remember it atomically, keep the portal up
// long enough for the result to be read, then close it. The portal's DNS and HTTP servers are the
// caller's (hooks.portalUp/portalDown); this class owns the radio and the remembered networks.

import type { Platform, Wifi } from "../../modules/core/platform";
import { apSsidFromMac } from "./ap-name";
import { SavedNetworkCycle, type CycleResult } from "./saved-network-cycle";
import { SavedNetworks, type SavedNetwork } from "./saved-networks";
import { ScanCache } from "./scan-cache";
import type { SetupConfig } from "./setup-config";
import { StationJoin, type JoinFailure, type JoinResult } from "./station-join";
import { checkPassword, checkSsid, credentialMessages, type CredentialProblem } from "./wifi-credentials";

export type SetupPhase = "starting" | "joining" | "station" | "portal" | "offline" | "stopped";

export type AttemptView =
  | { seq: number; ssid: string; state: "joining" }
  | { seq: number; ssid: string; state: "connected"; address: string }
  | { seq: number; ssid: string; state: "failed"; reason: JoinFailure; message: string };

export type SubmitResult =
  | { ok: true; seq: number }
  | { ok: false; problem: CredentialProblem | "busy" | "no-portal"; message: string };

export interface StationView {
  ssid: string;
  address: string;
  gateway?: string;
}

export interface SetupHooks {
  /** the AP is up at `address`: start the catch-all DNS and the portal */
  portalUp(address: string): void;
  /** stop them */
  portalDown(): void;
  /** reboot the device (host-sim: start over with the same flash) */
  restart(): void;
  /** the portal closed after portalTimeoutMs without a person using it */
  portalTimedOut?(): void;
  /** phase, station or attempt changed */
  changed?(): void;
}

type TimerName = "retry" | "portalTimeout" | "close" | "linkLoss" | "reboot" | "reopen";

export class DeviceSetup {
  readonly saved: SavedNetworks;
  readonly scans: ScanCache;
  phase: SetupPhase = "starting";
  station: StationView | undefined;
  /** the latest join a person asked for (or a background join that ended the portal) */
  attempt: AttemptView | undefined;
  /** setup is done: OS connectivity probes get their "online" answer so the sheet closes */
  setupComplete = false;
  apAddress: string | undefined;
  apSsid: string | undefined;
  /** why the portal was opened (shown in /info) */
  portalReason: string | undefined;

  private readonly wifi: Wifi;
  private link: StationJoin | undefined;
  private cycle: SavedNetworkCycle | undefined;
  private userJoin: StationJoin | undefined;
  private readonly timers = new Map<TimerName, unknown>();
  private lastActivity = 0;
  private successAt = 0;
  private seenAt = 0;
  private lostAt = 0;
  private seq = 0;

  constructor(
    private readonly platform: Platform,
    readonly config: SetupConfig,
    private readonly hooks: SetupHooks,
  ) {
    if (!platform.wifi) throw new Error("device setup needs platform.wifi");
    this.wifi = platform.wifi;
    this.saved = new SavedNetworks(platform.store, config.maxSavedNetworks);
    this.scans = new ScanCache(this.wifi, () => platform.now(), platform.timers);
  }

  // ---- life cycle ------------------------------------------------------------------------------

  start(): void {
    if (this.phase !== "starting") return;
    if (this.saved.size === 0) {
      this.openPortal("no saved network");
      return;
    }
    this.joinSaved("boot");
  }

  stop(): void {
    if (this.phase === "stopped") return;
    for (const name of Array.from(this.timers.keys())) this.clearTimer(name);
    this.cycle?.cancel();
    this.cycle = undefined;
    this.userJoin?.cancel();
    this.userJoin = undefined;
    if (this.phase === "portal") this.takePortalDown();
    this.link = undefined;
    this.station = undefined;
    try {
      this.wifi.disconnect();
    } catch {
      // the radio is going away anyway
    }
    this.phase = "stopped";
  }

  /** Open the portal on demand (API call, button); a running station link stays up. */
  openPortal(reason = "requested"): void {
    if (this.phase === "portal" || this.phase === "stopped") return;
    this.cycle?.cancel();
    this.cycle = undefined;
    this.clearTimer("retry");
    this.clearTimer("linkLoss");
    this.clearTimer("reopen");
    const ap = this.config.ap;
    const ssid = ap.ssid ?? apSsidFromMac(this.wifi.mac(), ap.ssidPrefix);
    let address: string;
    try {
      address = this.wifi.startAccessPoint({
        ssid,
        password: ap.password || undefined,
        channel: ap.channel,
        hidden: ap.hidden,
        maxClients: ap.maxClients,
        station: true,
      }).address;
    } catch (e) {
      this.log("error", `setup AP "${ssid}" failed to start: ${(e as Error).message}`);
      this.phase = this.station ? "station" : "offline";
      this.setTimer("reopen", Math.max(this.config.retryDelayMs, 5000), () => this.openPortal(reason));
      this.changed();
      return;
    }
    this.apSsid = ssid;
    this.apAddress = address;
    this.portalReason = reason;
    this.phase = "portal";
    this.setupComplete = false;
    this.attempt = undefined;
    this.successAt = 0;
    this.seenAt = 0;
    this.lastActivity = this.now();
    this.log("info", `setup portal open (${reason}): AP "${ssid}" at ${address}`);
    try {
      this.hooks.portalUp(address);
    } catch (e) {
      this.log("error", `portal servers failed to start: ${(e as Error).message}`);
    }
    this.armPortalTimeout();
    if (this.config.backgroundRetryMs > 0) this.setRepeat("retry", this.config.backgroundRetryMs, () => this.backgroundRetry());
    this.scans.get(this.config.scanMaxAgeMs, () => this.changed());
    this.changed();
  }

  /** Close the portal now (setup done, timeout, or an API call). */
  closePortal(why: string): void {
    if (this.phase !== "portal") return;
    this.clearTimer("close");
    this.clearTimer("portalTimeout");
    this.clearTimer("retry");
    this.cycle?.cancel();
    this.cycle = undefined;
    this.takePortalDown();
    this.log("info", `setup portal closed (${why})`);
    if (this.station) {
      this.phase = "station";
    } else {
      this.phase = "offline";
      if (this.saved.size > 0 && this.config.backgroundRetryMs > 0) this.setRepeat("retry", this.config.backgroundRetryMs, () => this.offlineRetry());
    }
    this.changed();
  }

  // ---- what the portal asks --------------------------------------------------------------------

  /** A person chose a network. The outcome arrives in `attempt` (poll it through /status). */
  submit(request: { ssid: string; password: string; hidden?: boolean }): SubmitResult {
    if (this.phase !== "portal") return { ok: false, problem: "no-portal", message: "The setup portal is closed." };
    if (this.attempt?.state === "joining") return { ok: false, problem: "busy", message: `Still joining "${this.attempt.ssid}".` };
    if (this.setupComplete) return { ok: false, problem: "busy", message: "Setup is complete." };
    const ssidProblem = checkSsid(request.ssid);
    if (ssidProblem) return { ok: false, problem: ssidProblem, message: credentialMessages[ssidProblem] };
    const seen = this.scans.latest?.networks.find((n) => n.ssid === request.ssid);
    const passwordProblem = checkPassword(request.password, request.hidden ? undefined : seen?.security);
    if (passwordProblem) return { ok: false, problem: passwordProblem, message: credentialMessages[passwordProblem] };
    this.noteActivity();
    this.cycle?.cancel();
    this.cycle = undefined;
    this.dropLink();
    const seq = ++this.seq;
    const network: SavedNetwork = { ssid: request.ssid, password: request.password, hidden: request.hidden === true || undefined };
    this.attempt = { seq, ssid: request.ssid, state: "joining" };
    this.log("info", `portal: joining "${request.ssid}"`);
    const join = new StationJoin(this.wifi, this.platform.timers, { ssid: network.ssid, password: network.password }, this.config.joinTimeoutMs, {
      done: (result) => this.onUserJoin(seq, join, network, result),
      lost: () => this.onLinkLost(join),
    });
    this.userJoin = join;
    join.start();
    this.changed();
    return { ok: true, seq };
  }

  /** A person's request reached the portal: postpones the portal timeout and background joins. */
  noteActivity(): void {
    this.lastActivity = this.now();
  }

  /** The client fetched the final result: the portal may close soon. */
  noteResultSeen(): void {
    if (!this.setupComplete || this.seenAt !== 0 || this.phase !== "portal") return;
    this.seenAt = this.now();
    const at = Math.min(this.seenAt + this.config.seenGraceMs, this.successAt + this.config.lingerMs);
    this.setTimer("close", Math.max(0, at - this.now()), () => this.closePortal("setup complete"));
  }

  forget(ssid: string): boolean {
    const gone = this.saved.forget(ssid);
    if (gone) this.log("info", `forgot "${ssid}"`);
    return gone;
  }

  /** Forget every network and reboot into the portal. */
  erase(): void {
    this.saved.clear();
    this.log("warn", "saved networks erased; restarting");
    this.scheduleRestart();
  }

  scheduleRestart(delayMs = 300): void {
    // The delay lets the HTTP reply that asked for it reach the client first.
    this.setTimer("reboot", delayMs, () => this.hooks.restart());
  }

  // ---- joins -----------------------------------------------------------------------------------

  private onUserJoin(seq: number, join: StationJoin, network: SavedNetwork, result: JoinResult): void {
    if (this.userJoin !== join) return;
    this.userJoin = undefined;
    if (this.phase !== "portal") return;
    if (!result.ok) {
      const reason = this.refineFailure(result.reason, network);
      const message = reason === "not-found" && result.reason !== "not-found" ? `"${network.ssid}" is not in range` : result.message;
      this.attempt = { seq, ssid: network.ssid, state: "failed", reason, message };
      this.log("info", `portal: joining "${network.ssid}" failed: ${reason}`);
      this.noteActivity();
      this.changed();
      return;
    }
    try {
      this.saved.remember(network);
    } catch (e) {
      this.log("error", `could not save "${network.ssid}": ${(e as Error).message}`);
    }
    this.linkUp(join, result);
    this.attempt = { seq, ssid: network.ssid, state: "connected", address: result.address };
    this.completeSetup();
  }

  /** The radio says "other" where the truth is "not in range" (Moddable reports no reason). */
  private refineFailure(reason: JoinFailure, network: SavedNetwork): JoinFailure {
    if ((reason === "other" || reason === "timeout") && !network.hidden && this.scans.saw(network.ssid) === false) return "not-found";
    return reason;
  }

  private joinSaved(purpose: "boot" | "link-loss"): void {
    this.phase = "joining";
    this.changed();
    this.scans.get(0, (scan) => {
      if (this.phase !== "joining") return;
      const visible = scan.error ? undefined : new Set(scan.networks.map((n) => n.ssid));
      this.runCycle(visible, this.config.attemptsPerNetwork, (outcome) => {
        if (this.phase !== "joining") return;
        if (outcome.ok) {
          this.onSavedJoined(outcome);
          this.phase = "station";
          this.changed();
          return;
        }
        if (purpose === "link-loss" && this.now() - this.lostAt < this.config.linkLossGraceMs) {
          this.setTimer("linkLoss", Math.max(this.config.retryDelayMs, 2000), () => this.joinSaved("link-loss"));
          return;
        }
        this.log("info", `no saved network joined (${outcome.failures.map((f) => `${f.ssid}: ${f.reason}`).join(", ") || "none saved"})`);
        this.openPortal(purpose === "boot" ? "saved networks unreachable" : "link lost");
      });
    });
  }

  private runCycle(visible: ReadonlySet<string> | undefined, attempts: number, done: (r: CycleResult) => void): void {
    this.cycle?.cancel();
    const cycle: SavedNetworkCycle = new SavedNetworkCycle(
      this.wifi,
      this.platform.timers,
      { attemptsPerNetwork: attempts, joinTimeoutMs: this.config.joinTimeoutMs, retryDelayMs: this.config.retryDelayMs },
      (r) => {
        if (this.cycle === cycle) this.cycle = undefined;
        done(r);
      },
      () => {
        // the link the cycle established went down later
        if (this.link) this.onLinkLost(this.link);
      },
    );
    this.cycle = cycle;
    cycle.start(this.saved.all(), visible);
  }

  private onSavedJoined(outcome: Extract<CycleResult, { ok: true }>): void {
    this.linkUp(outcome.join, outcome.result);
    // Keep "most recently successful first" without a flash write on every ordinary boot.
    if (this.saved.all()[0]?.ssid !== outcome.network.ssid) {
      try {
        this.saved.remember(outcome.network);
      } catch (e) {
        this.log("error", `could not reorder saved networks: ${(e as Error).message}`);
      }
    }
  }

  private backgroundRetry(): void {
    if (this.phase !== "portal" || this.setupComplete || this.cycle || this.userJoin) return;
    if (this.saved.size === 0) return;
    if (this.now() - this.lastActivity < this.config.quietMs) return;
    this.scans.get(0, (scan) => {
      if (this.phase !== "portal" || this.setupComplete || this.cycle || this.userJoin || scan.error) return;
      if (this.now() - this.lastActivity < this.config.quietMs) return;
      const visible = new Set(scan.networks.map((n) => n.ssid));
      // Only leave the AP's channel when a remembered network is actually there.
      if (!this.saved.all().some((n) => visible.has(n.ssid))) return;
      this.log("info", "portal: a saved network is in range, trying it in the background");
      this.runCycle(visible, 1, (outcome) => {
        if (!outcome.ok || this.phase !== "portal" || this.setupComplete || this.userJoin) {
          if (outcome.ok) outcome.join.cancel();
          return;
        }
        this.onSavedJoined(outcome);
        this.attempt = { seq: ++this.seq, ssid: outcome.network.ssid, state: "connected", address: outcome.result.address };
        this.completeSetup();
      });
    });
  }

  private offlineRetry(): void {
    if (this.phase !== "offline" || this.cycle || this.saved.size === 0) return;
    this.scans.get(0, (scan) => {
      if (this.phase !== "offline" || this.cycle) return;
      const visible = scan.error ? undefined : new Set(scan.networks.map((n) => n.ssid));
      this.runCycle(visible, 1, (outcome) => {
        if (!outcome.ok) return;
        if (this.phase !== "offline") {
          outcome.join.cancel();
          return;
        }
        this.clearTimer("retry");
        this.onSavedJoined(outcome);
        this.phase = "station";
        this.changed();
      });
    });
  }

  private linkUp(join: StationJoin, result: Extract<JoinResult, { ok: true }>): void {
    this.link = join;
    this.station = { ssid: result.ssid, address: result.address, gateway: result.gateway };
    this.log("info", `joined "${result.ssid}" as ${result.address}`);
  }

  private dropLink(): void {
    this.link?.cancel();
    this.link = undefined;
    this.station = undefined;
  }

  private onLinkLost(join: StationJoin): void {
    if (this.link !== join) return;
    this.log("warn", `lost the link to "${this.station?.ssid}"`);
    this.link = undefined;
    this.station = undefined;
    if (this.phase === "station") {
      this.lostAt = this.now();
      this.joinSaved("link-loss");
    } else {
      this.changed();
    }
  }

  private completeSetup(): void {
    this.setupComplete = true;
    this.successAt = this.now();
    this.seenAt = 0;
    this.clearTimer("retry");
    this.clearTimer("portalTimeout");
    this.setTimer("close", this.config.lingerMs, () => this.closePortal("setup complete"));
    this.changed();
  }

  // ---- portal timeout --------------------------------------------------------------------------

  private armPortalTimeout(): void {
    const limit = this.config.portalTimeoutMs;
    if (limit <= 0) return;
    const due = this.lastActivity + limit - this.now();
    this.setTimer("portalTimeout", Math.max(0, due), () => {
      if (this.phase !== "portal" || this.setupComplete) return;
      if (this.userJoin || this.now() - this.lastActivity < limit) {
        this.armPortalTimeout();
        return;
      }
      this.closePortal("timeout");
      this.hooks.portalTimedOut?.();
    });
  }

  private takePortalDown(): void {
    try {
      this.hooks.portalDown();
    } catch (e) {
      this.log("error", `portal servers failed to stop: ${(e as Error).message}`);
    }
    try {
      this.wifi.stopAccessPoint();
    } catch (e) {
      this.log("error", `setup AP failed to stop: ${(e as Error).message}`);
    }
    this.apAddress = undefined;
  }

  // ---- plumbing --------------------------------------------------------------------------------

  private now(): number {
    return this.platform.now();
  }

  private log(level: "debug" | "info" | "warn" | "error", message: string): void {
    this.platform.log(level, message);
  }

  private changed(): void {
    this.hooks.changed?.();
  }

  private setTimer(name: TimerName, delay: number, fn: () => void): void {
    this.clearTimer(name);
    this.timers.set(name, this.platform.timers.set(() => {
      this.timers.delete(name);
      fn();
    }, delay));
  }

  private setRepeat(name: TimerName, interval: number, fn: () => void): void {
    this.clearTimer(name);
    this.timers.set(name, this.platform.timers.repeat(fn, interval));
  }

  private clearTimer(name: TimerName): void {
    const t = this.timers.get(name);
    if (t !== undefined) this.platform.timers.clear(t);
    this.timers.delete(name);
  }
}
