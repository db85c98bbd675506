// Drives the xsnap-worker binary (the real XS engine, built by @agoric/xsnap) over its netstring
// pipes directly. @agoric/xsnap's own JS API is not used: it needs @endo/init, whose lockdown
// would freeze the realm of the process that imports it (jest's, or a bench's).
//
// Protocol (xsnap-worker.c): the parent writes netstrings on fd 3 and reads them on fd 4.
//   "e<source>"  evaluate a script            "?<bytes>"  call globalThis.handleCommand(ArrayBuffer)
//   "q"          quit
// The worker answers ".<meters JSON>\x01<reply>" or "!<error>". While it runs, XS may call the
// global issueCommand(ArrayBuffer): the worker writes "?<bytes>" and blocks until the parent
// writes "/<reply>" — so a command from XS is answered in the middle of a delivery.

import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Readable, Writable } from "node:stream";

const ROOT = path.resolve(__dirname, "..", "..");
export const XSNAP_WORKER = path.join(
  ROOT,
  "node_modules/@agoric/xsnap/xsnap-native/xsnap/build/bin/lin/release/xsnap-worker",
);

/** What xsnap reports after every delivery. `compute` is XS's deterministic meter (roughly: bytecodes
 * and native calls executed); `allocate` the bytes of the heap XS has reserved; `currentHeapCount`
 * the slots in use. */
export interface XsMeters {
  compute: number;
  allocate: number;
  currentHeapCount: number;
}

export interface XsDelivery {
  reply: Uint8Array;
  meters: XsMeters;
}

/** Answers an issueCommand() from XS; may be async (XS stays blocked until it resolves). */
export type XsCommandHandler = (request: Uint8Array) => Uint8Array | Promise<Uint8Array>;

export interface XsnapWorkerOptions {
  name?: string;
  /** compute meter limit per delivery; XS aborts a delivery that exceeds it (exit code 17) */
  meteringLimit?: number;
  onCommand?: XsCommandHandler;
  /** each line XS prints with print() / trace() */
  onPrint?: (line: string) => void;
}

const EXIT_REASONS: Record<number, string> = {
  1: "bad argument usage",
  2: "I/O error",
  11: "not enough memory",
  12: "stack overflow",
  15: "unhandled exception",
  16: "property (key) name space exhausted",
  17: "too much computation",
};

const COLON = 0x3a;
const COMMA = 0x2c;

/** Incremental netstring splitter ("<len>:<bytes>,"). */
class NetstringReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer, onMessage: (message: Buffer) => void): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      const colon = this.pending.indexOf(COLON);
      if (colon < 0) return;
      const length = Number(this.pending.toString("latin1", 0, colon));
      if (!Number.isInteger(length) || colon > 10) throw new Error("xsnap: malformed netstring length");
      const end = colon + 1 + length;
      if (this.pending.length < end + 1) return;
      if (this.pending[end] !== COMMA) throw new Error("xsnap: malformed netstring trailer");
      const message = this.pending.subarray(colon + 1, end);
      this.pending = this.pending.subarray(end + 1);
      onMessage(message);
    }
  }
}

function netstring(prefix: string, body?: Uint8Array): Buffer {
  const head = Buffer.from(prefix, "latin1");
  const length = head.length + (body ? body.length : 0);
  return Buffer.concat([Buffer.from(`${length}:`, "latin1"), head, body ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : Buffer.alloc(0), Buffer.from(",")]);
}

interface Pending {
  resolve: (d: XsDelivery) => void;
  reject: (e: Error) => void;
}

export class XsnapWorker {
  readonly name: string;
  private readonly child: ChildProcess;
  private readonly toXs: Writable;
  private readonly reader = new NetstringReader();
  private readonly onCommand: XsCommandHandler;
  private readonly onPrint: (line: string) => void;
  /** deliveries in order; only the head is in flight */
  private readonly queue: { message: Buffer; pending: Pending }[] = [];
  private inFlight: Pending | undefined;
  private exited: Error | undefined;
  private readonly exitPromise: Promise<void>;
  private stderrTail = "";
  private stdoutPartial = "";
  /** meters summed over every delivery so far */
  readonly totals: XsMeters = { compute: 0, allocate: 0, currentHeapCount: 0 };

  constructor(options: XsnapWorkerOptions = {}) {
    this.name = options.name ?? "mcnet";
    this.onCommand = options.onCommand ?? ((request) => request);
    this.onPrint = options.onPrint ?? (() => {});
    if (!fs.existsSync(XSNAP_WORKER)) throw new Error(`xsnap-worker binary missing at ${XSNAP_WORKER} (npm install builds it)`);
    const args = [this.name, "-l", String(options.meteringLimit ?? 1_000_000_000)];
    this.child = spawn(XSNAP_WORKER, args, { stdio: ["ignore", "pipe", "pipe", "pipe", "pipe"] });
    const stdio = this.child.stdio as unknown as [null, Readable, Readable, Writable, Readable];
    this.toXs = stdio[3];
    this.toXs.on("error", () => {});
    stdio[1].setEncoding("utf8");
    stdio[1].on("data", (text: string) => this.printed(text));
    stdio[2].setEncoding("utf8");
    stdio[2].on("data", (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-2000);
    });
    stdio[4].on("data", (chunk: Buffer) => {
      try {
        this.reader.push(chunk, (m) => this.received(m));
      } catch (e) {
        this.fail(e as Error);
      }
    });
    this.exitPromise = new Promise((resolve) => {
      this.child.on("exit", (code, signal) => {
        const reason = signal ? `signal ${signal}` : `exit code ${code}${code && EXIT_REASONS[code] ? ` (${EXIT_REASONS[code]})` : ""}`;
        this.fail(new Error(`xsnap worker ${this.name} ended: ${reason}${this.stderrTail ? `\n${this.stderrTail.trim()}` : ""}`));
        resolve();
      });
    });
  }

  /** Evaluate a script in the global scope (a bundle, or an expression). */
  evaluate(source: string): Promise<XsDelivery> {
    return this.deliver(netstring("e", Buffer.from(source, "utf8")));
  }

  /** Write a snapshot of the machine to `file` (xsnap collects garbage first); resolves with its size.
   * Between deliveries, like any other message: the machine is at rest. */
  async snapshot(file: string): Promise<number> {
    const { reply } = await this.deliver(netstring("w", Buffer.from(file, "utf8")));
    return Number(Buffer.from(reply).toString("latin1"));
  }

  /** Call globalThis.handleCommand(bytes) inside XS and return what it answers. */
  command(bytes: Uint8Array): Promise<XsDelivery> {
    return this.deliver(netstring("?", bytes));
  }

  get alive(): boolean {
    return this.exited === undefined;
  }

  /** Ask XS to quit; kill it if it does not within `graceMs`. */
  async close(graceMs = 2000): Promise<void> {
    if (this.exited) return;
    this.toXs.write(netstring("q"));
    this.toXs.end();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await this.exitPromise;
    clearTimeout(timer);
  }

  kill(): void {
    if (!this.exited) this.child.kill("SIGKILL");
  }

  private deliver(message: Buffer): Promise<XsDelivery> {
    return new Promise((resolve, reject) => {
      if (this.exited) {
        reject(this.exited);
        return;
      }
      this.queue.push({ message, pending: { resolve, reject } });
      this.pump();
    });
  }

  private pump(): void {
    if (this.inFlight || this.queue.length === 0) return;
    const next = this.queue.shift()!;
    this.inFlight = next.pending;
    this.toXs.write(next.message);
  }

  private received(message: Buffer): void {
    const kind = message[0];
    if (kind === 0x3f /* ? */) {
      this.answer(message.subarray(1));
      return;
    }
    const pending = this.inFlight;
    this.inFlight = undefined;
    if (!pending) {
      this.fail(new Error(`xsnap: unexpected message ${String.fromCharCode(kind)}`));
      return;
    }
    if (kind === 0x2e /* . */) {
      const sep = message.indexOf(1, 1);
      const meters = sep < 0 ? { compute: 0, allocate: 0, currentHeapCount: 0 } : parseMeters(message.toString("utf8", 1, sep));
      this.totals.compute += meters.compute;
      this.totals.allocate = meters.allocate;
      this.totals.currentHeapCount = meters.currentHeapCount;
      pending.resolve({ reply: new Uint8Array(message.subarray(sep < 0 ? 1 : sep + 1)), meters });
    } else if (kind === 0x21 /* ! */) {
      pending.reject(new Error(`XS exception in ${this.name}: ${message.toString("utf8", 1)}`));
    } else {
      pending.reject(new Error(`xsnap: unknown reply ${String.fromCharCode(kind)}`));
    }
    this.pump();
  }

  private answer(request: Uint8Array): void {
    let result: Uint8Array | Promise<Uint8Array>;
    try {
      result = this.onCommand(new Uint8Array(request));
    } catch (e) {
      this.fail(e as Error);
      return;
    }
    const reply = (bytes: Uint8Array): void => {
      if (!this.exited) this.toXs.write(netstring("/", bytes));
    };
    if (result instanceof Uint8Array) reply(result);
    else result.then(reply, (e: Error) => this.fail(e));
  }

  private printed(text: string): void {
    const lines = (this.stdoutPartial + text).split("\n");
    this.stdoutPartial = lines.pop() ?? "";
    for (const line of lines) this.onPrint(line);
  }

  private fail(error: Error): void {
    if (!this.exited) this.exited = error;
    if (this.stdoutPartial) {
      this.onPrint(this.stdoutPartial);
      this.stdoutPartial = "";
    }
    const pending = this.inFlight;
    this.inFlight = undefined;
    pending?.reject(error);
    for (const q of this.queue.splice(0)) q.pending.reject(error);
    if (this.child.exitCode === null && !this.child.killed) this.child.kill("SIGKILL");
  }
}

function parseMeters(json: string): XsMeters {
  const m = JSON.parse(json) as Partial<XsMeters>;
  return { compute: m.compute ?? 0, allocate: m.allocate ?? 0, currentHeapCount: m.currentHeapCount ?? 0 };
}
