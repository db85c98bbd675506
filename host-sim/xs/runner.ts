// Runs a bundle inside the real XS engine with its sockets, timers, preferences and radio
// bridged to Node, and carries host events into XS.
//
// Events are batched: whatever Node observed while XS was busy goes in one delivery. After each
// delivery XS answers what it read (acks reopen receive windows), when it next needs waking
// (its earliest timer), the values of exposed functions the host called, and any exception that
// escaped an application callback (collected in `errors`; tests assert there are none).

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { XsHostBridge, type BridgeOptions, type HostEvent } from "./bridge";
import { bundleForXs, type BundleKind } from "./bundle";
import { ESP32, ESP8266, type DeviceProfile } from "./embedded/profile";
import type { RadioOptions } from "./radio";
import { parseSnapshot, type LiveHeap } from "./live-heap";
import { decodeFrame, encodeFrame } from "./wire";
import { XsnapWorker, type XsMeters } from "./xsnap-worker";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
let snapshots = 0;

export interface XsRunOptions {
  /** a module whose default export is the scenario (kind "scenario") or a SuiteFactory (kind "suite") */
  entry: string;
  kind?: BundleKind;
  /** device sizes to emulate: "esp32" (default) or "esp" (ESP8266) */
  device?: "esp32" | "esp";
  radio?: RadioOptions;
  preferences?: BridgeOptions["preferences"];
  /** what "mc/config" exports inside XS */
  config?: Record<string, unknown>;
  onReport?: BridgeOptions["onReport"];
  /** every line XS prints (trace / print); kept in `output` too */
  onPrint?: (line: string) => void;
  meteringLimit?: number;
  /** already-built bundle source (skips esbuild) */
  source?: string;
}

export interface Meters extends XsMeters {
  /** the largest currentHeapCount seen after any delivery */
  peakHeapCount: number;
  deliveries: number;
}

interface Waiter {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export class XsRunner {
  readonly worker: XsnapWorker;
  readonly bridge: XsHostBridge;
  readonly output: string[] = [];
  /** exceptions that escaped application callbacks inside XS */
  readonly errors: string[] = [];
  readonly meters: Meters = { compute: 0, allocate: 0, currentHeapCount: 0, peakHeapCount: 0, deliveries: 0 };

  private events: HostEvent[] = [];
  private parts: Uint8Array[] = [];
  private partsLength = 0;
  private calls: Waiter[] = [];
  private delivering = false;
  private scheduled = false;
  private wakeTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private failure: Error | undefined;

  private constructor(options: XsRunOptions) {
    const profile: DeviceProfile = options.device === "esp" ? ESP8266 : ESP32;
    this.bridge = new XsHostBridge({
      profile,
      readableRoots: [REPO_ROOT, path.resolve(REPO_ROOT, "..", "shared")],
      fileBase: REPO_ROOT,
      radio: options.radio,
      preferences: options.preferences,
      config: options.config,
      onReport: options.onReport,
    });
    this.worker = new XsnapWorker({
      name: path.basename(options.entry).replace(/[^A-Za-z0-9_.]/g, "_"),
      meteringLimit: options.meteringLimit,
      onCommand: (request) => this.bridge.handle(request),
      onPrint: (line) => {
        this.output.push(line);
        options.onPrint?.(line);
      },
    });
    this.bridge.connect((event, payload) => this.push(event, payload));
  }

  /** Bundle `entry`, start an XS machine, load the bundle and set the device profile. */
  static async start(options: XsRunOptions): Promise<XsRunner> {
    const source = options.source ?? (await bundleForXs({ entry: options.entry, kind: options.kind ?? "scenario" }));
    const runner = new XsRunner(options);
    try {
      const loaded = await runner.worker.evaluate(source);
      runner.account(loaded.meters);
      await runner.call("bridge.profile", options.device === "esp" ? ESP8266 : ESP32);
    } catch (e) {
      await runner.close();
      throw e;
    }
    return runner;
  }

  /** Call a function the bundle exposed; resolves with its (JSON) result after the delivery. */
  call<T = unknown>(name: string, args?: unknown): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => {
      this.calls.push({ resolve: resolve as (v: unknown) => void, reject });
      this.push({ t: "call", name, args: args ?? null });
    });
  }

  /** Resolve once `predicate()` holds, checking after each delivery; reject after `timeoutMs`. */
  async until(predicate: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
    const start = Date.now();
    while (!predicate()) {
      if (this.failure) throw this.failure;
      if (Date.now() - start > timeoutMs) throw new Error(`XS run: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** The live heap once every event Node has observed so far is delivered: a full collection, then a
   * census of what survived (live-heap.ts). Not counted in `meters`. */
  async liveHeap(): Promise<LiveHeap> {
    await this.until(() => !this.delivering && !this.scheduled && this.events.length === 0, 10000, "XS at rest");
    const file = path.join(os.tmpdir(), `mcnet-xs-heap-${process.pid}-${++snapshots}.xss`);
    try {
      await this.worker.snapshot(file);
      return parseSnapshot(fs.readFileSync(file));
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.bridge.dispose();
    await this.worker.close();
    const error = this.failure ?? new Error("XS run closed");
    for (const c of this.calls.splice(0)) c.reject(error);
  }

  private push(event: HostEvent, payload?: Uint8Array): void {
    if (this.closed) return;
    if (payload) {
      event.off = this.partsLength;
      event.len = payload.length;
      this.parts.push(payload);
      this.partsLength += payload.length;
    }
    this.events.push(event);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.delivering || this.closed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.delivering || this.closed || this.events.length === 0) return;
    this.delivering = true;
    const events = this.events;
    const calls = this.calls.splice(0, events.filter((e) => e.t === "call").length);
    const payload = new Uint8Array(this.partsLength);
    let at = 0;
    for (const p of this.parts) {
      payload.set(p, at);
      at += p.length;
    }
    this.events = [];
    this.parts = [];
    this.partsLength = 0;
    try {
      const { reply, meters } = await this.worker.command(encodeFrame({ events }, payload));
      this.account(meters);
      const answer = decodeFrame<{ acks: [number, number][]; wake: number; results: { ok: boolean; value?: unknown; error?: string }[]; errors: string[] }>(reply).header;
      for (const [id, count] of answer.acks) this.bridge.acknowledge(id, count);
      this.errors.push(...answer.errors);
      answer.results.forEach((r, i) => {
        if (r.ok) calls[i]?.resolve(r.value);
        else calls[i]?.reject(new Error(`XS: ${r.error}`));
      });
      this.arm(answer.wake);
    } catch (e) {
      this.failure = e as Error;
      for (const c of calls) c.reject(this.failure);
      for (const c of this.calls.splice(0)) c.reject(this.failure);
    } finally {
      this.delivering = false;
    }
    if (this.events.length > 0 && !this.failure) this.schedule();
  }

  private arm(wake: number): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    if (wake < 0 || this.closed) return;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.push({ t: "timer" });
    }, Math.min(wake, 2 ** 31 - 1));
  }

  private account(m: XsMeters): void {
    this.meters.compute += m.compute;
    this.meters.allocate = m.allocate;
    this.meters.currentHeapCount = m.currentHeapCount;
    this.meters.peakHeapCount = Math.max(this.meters.peakHeapCount, m.currentHeapCount);
    this.meters.deliveries++;
  }
}

export interface XsScenarioResult<T> {
  value: T;
  /** everything XS executed, from loading the bundle to the last delivery */
  meters: Meters;
  /** the part of `meters` spent loading the bundle and running main() */
  setup: Meters;
  output: string[];
}

/**
 * Run a scenario inside XS and report its meters: start the bundle, call its "main" with `args`,
 * let `drive(runner, value)` exercise it from Node (real clients on loopback), then close.
 * The meters cover everything XS executed, from loading the bundle to the last delivery.
 */
export async function runXsScenario<T, R = void>(
  options: XsRunOptions & { args?: unknown },
  drive?: (runner: XsRunner, value: T) => Promise<R>,
): Promise<XsScenarioResult<T> & { driven: R | undefined }> {
  const runner = await XsRunner.start(options);
  try {
    const value = await runner.call<T>("main", options.args);
    const setup = { ...runner.meters };
    const driven = drive ? await drive(runner, value) : undefined;
    if (runner.errors.length) throw new Error(`uncaught in XS:\n${runner.errors.join("\n")}`);
    return { value, driven, setup, meters: { ...runner.meters }, output: runner.output };
  } finally {
    await runner.close();
  }
}
