// Live-heap measurement for the XS benches (xs-meters, portal): run a device scenario in xsnap,
// take a census of the live heap at chosen moments (host-sim/xs/live-heap.ts: a full collection,
// then exactly what survived, read from an xsnap snapshot), and print it as device bytes against
// the ESP8266's 32 KB.
//
// What the figures mean:
//  - Baseline: the heap right after the bundle is loaded, before main() runs. Every module body
//    has run, which a device build does at preload time: on a device that state (modules,
//    classes, tables, and the XS built-ins) is in flash, not in the 32 KB heap.
//  - Every row is that state's live heap MINUS the baseline: what the scenario allocated at run
//    time, i.e. what a device keeps in RAM.
//  - Device bytes: live slots x 16 (32-bit XS) + live chunks converted to 32-bit (chunk headers 8
//    bytes, chunks of slots or slot pointers halve, bytecode left out: in flash on a device). The
//    host xsnap is 64-bit: a slot is 32 bytes there ("host B" column). String literals copied at
//    run time count here but stay in flash on a device: the chunk figure is an upper bound.
//  - Each state is left alone for REST_MS first, past the Manager's 1 s poll that gives idle
//    connections' buffers back: "at rest".
//  - Sockets are the XS run's ECMA-419 stand-ins (host-sim/xs/embedded/), written in JS. On a
//    device a socket is a native object: about 3 slots (instance, host data, `target`), its
//    state (lwIP pcb, buffers) outside the JS heap. socketStandIn() measures the stand-in, so the
//    per-connection figures can be given both as measured and as a device estimate.

import * as dgram from "node:dgram";
import * as net from "node:net";
import * as path from "node:path";
import dnsPacket from "dns-packet";
import WebSocket from "ws";
import { heapDelta, type LiveHeap } from "../host-sim/xs/live-heap";
import { REPO_ROOT, XsRunner, type XsRunOptions } from "../host-sim/xs/runner";

export interface HeapRow {
  scenario: string;
  state: string;
  /** live heap minus the loaded-code baseline */
  delta: LiveHeap;
  /** connections held open in this state (for the per-connection figure) */
  connections: number;
}

export type Snap = (state: string, connections?: number) => Promise<HeapRow>;

/** How long a state is left alone before its census: past the Manager's 1 s poll, which trims
 * the buffers of connections that hold nothing. */
export const REST_MS = 1100;

/** The ESP8266 build's whole JS heap (targets/esp8266/manifest.json creation.static) and what is
 * left of it for slots and chunks once the machine's fixed parts are taken: the stack (256 slots)
 * and the key array (32 runtime keys x 4 bytes). Preloaded objects that are not frozen also take a
 * 4-byte alias pointer each; that count needs an mcconfig build and is not included. */
export const ESP8266 = {
  heap: 32768,
  stack: 256 * 16,
  keys: 32 * 4,
  runtimeKeys: 32,
  get available(): number {
    return this.heap - this.stack - this.keys;
  },
};

/** What one socket costs on a device: a native host object of ~3 slots (instance, host data,
 * `target` property); the lwIP record and buffers are in the system heap, not XS's. */
export const NATIVE_SOCKET_BYTES = 3 * 16;

/** Start `options.entry` in a fresh XS machine, take the baseline, call main(args), then let
 * `steps` drive it and snapshot the states it names. */
export async function measureScenario<T>(
  scenario: string,
  options: XsRunOptions & { args?: unknown },
  steps: (runner: XsRunner, value: T, snap: Snap) => Promise<void>,
): Promise<{ baseline: LiveHeap; rows: HeapRow[] }> {
  const runner = await XsRunner.start(options);
  const rows: HeapRow[] = [];
  try {
    const baseline = await runner.liveHeap();
    const value = await runner.call<T>("main", options.args);
    const snap: Snap = async (state, connections = 0) => {
      await new Promise((r) => setTimeout(r, REST_MS));
      const row = { scenario, state, delta: heapDelta(await runner.liveHeap(), baseline), connections };
      rows.push(row);
      return row;
    };
    await steps(runner, value, snap);
    if (runner.errors.length) throw new Error(`uncaught in XS:\n${runner.errors.join("\n")}`);
    return { baseline, rows };
  } finally {
    await runner.close();
  }
}

/** Device bytes one stand-in socket costs in the XS run (bench/xs-socket-cost.ts: sockets with
 * shared callbacks, one array item each to keep them). */
export async function socketStandIn(n = 4): Promise<number> {
  const { rows } = await measureScenario<{ port: number }>("stand-in", { entry: path.join(REPO_ROOT, "bench/xs-socket-cost.ts") }, async (_r, v, snap) => {
    await closeAll(await openEchoClients(v.port, 1));
    await snap("idle");
    const c = await openEchoClients(v.port, n);
    await snap("open", n);
    await closeAll(c);
  });
  return perConnection(rows[0], rows[1]).device - 16;
}

export function fmt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

export function printHeapHeader(): void {
  console.log(`${"scenario: state".padEnd(52)} | slots | device: slots B | chunks B |  total B | of ${fmt(ESP8266.available)} | host B (64-bit)`);
}

export function printHeapRow(r: HeapRow): void {
  const d = r.delta.device;
  const label = `${r.scenario}: ${r.state}`;
  console.log(
    `${label.padEnd(52)} | ${fmt(r.delta.slots).padStart(5)} | ${fmt(d.slotBytes).padStart(15)} | ${fmt(d.chunkBytes).padStart(8)} | ${fmt(d.total).padStart(8)} | ${`${((d.total / ESP8266.available) * 100).toFixed(0)}%`.padStart(9)} | ${fmt(r.delta.host.total).padStart(14)}`,
  );
}

export interface PerConnection {
  slots: number;
  /** measured device bytes per connection (with the XS run's socket stand-in) */
  device: number;
  arrayBuffers: number;
  strings: number;
}

/** Device bytes per connection between a row without the connections and one holding them. */
export function perConnection(without: HeapRow, withConns: HeapRow): PerConnection {
  const n = withConns.connections - without.connections || 1;
  return {
    slots: (withConns.delta.slots - without.delta.slots) / n,
    device: (withConns.delta.device.total - without.delta.device.total) / n,
    arrayBuffers: (withConns.delta.device.chunks.arrayBuffers - without.delta.device.chunks.arrayBuffers) / n,
    strings: (withConns.delta.device.chunks.strings - without.delta.device.chunks.strings) / n,
  };
}

/** Per-connection line: measured, and the device estimate with the stand-in socket replaced by a
 * native one. Returns the estimate. */
export function printPerConnection(label: string, without: HeapRow, withConns: HeapRow, standIn: number): number {
  const p = perConnection(without, withConns);
  const estimate = p.device - standIn + NATIVE_SOCKET_BYTES;
  console.log(
    `  ${label.padEnd(34)} ${fmt(p.device).padStart(6)} B measured (${p.slots.toFixed(1)} slots, ArrayBuffers ${fmt(p.arrayBuffers)} B, strings ${fmt(p.strings)} B) -> ~${fmt(estimate)} B on a device`,
  );
  return estimate;
}

/** How many connections fit in the ESP8266's heap next to `idle`, at `perConn` device bytes each,
 * leaving `headroom` bytes for the garbage a request makes between collections. */
export function printFit(label: string, idle: HeapRow, perConn: number, headroom: number): void {
  const free = ESP8266.available - idle.delta.device.total - headroom;
  const n = Math.floor(free / perConn);
  console.log(
    `  ${label.padEnd(34)} idle ${fmt(idle.delta.device.total).padStart(6)} B; with ${fmt(headroom)} B headroom, ${fmt(free)} B left: ${n > 0 ? `${n} connection${n === 1 ? "" : "s"} at ~${fmt(perConn)} B` : "no connection"}`,
  );
}

/** Keys created at run time across `rows` (XS keeps every key; the ESP8266 build allows 32). */
export function printKeys(rows: HeapRow[]): void {
  const most = rows.reduce((m, r) => Math.max(m, r.delta.keys), 0);
  console.log(`  property-name keys created at run time: at most ${most} in any state above (the ESP8266 build allows ${ESP8266.runtimeKeys}, and never frees one)`);
}

export function printBaseline(scenario: string, baseline: LiveHeap): void {
  console.log(`  ${scenario.padEnd(34)} ${fmt(baseline.device.total).padStart(7)} B as data + ${fmt(baseline.host.chunks.bytecode).padStart(7)} B bytecode (host copy): flash on a device`);
}

// ---- drivers (real clients on loopback) ------------------------------------------------------

const settle = (ms = 60): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Open `n` TCP connections, send `hello` on each and wait for the echo; they stay open. */
export async function openEchoClients(port: number, n: number): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  for (let i = 0; i < n; i++) {
    const s = net.connect(port, "127.0.0.1");
    await new Promise<void>((resolve, reject) => {
      s.once("error", reject);
      s.once("connect", () => {
        s.write("hello");
        s.once("data", () => resolve());
      });
    });
    sockets.push(s);
  }
  await settle();
  return sockets;
}

export async function closeAll(sockets: { destroy(): void }[]): Promise<void> {
  for (const s of sockets) s.destroy();
  await settle(150);
}

/** `count` A queries over UDP, one after the other, each for a different name. */
export async function dnsQueries(port: number, count: number): Promise<void> {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((r) => s.bind(0, "127.0.0.1", () => r()));
  try {
    for (let i = 0; i < count; i++) {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`DNS query ${i}: no answer`)), 3000);
        s.once("message", (m) => {
          clearTimeout(t);
          const a = dnsPacket.decode(m).answers?.[0];
          if (!a || a.type !== "A") reject(new Error(`DNS query ${i}: no A answer`));
          else resolve();
        });
        s.send(dnsPacket.encode({ type: "query", id: i, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: "A", name: `host-${i}.example.com` }] }), port, "127.0.0.1");
      });
    }
  } finally {
    s.close();
  }
  await settle();
}

/** `n` keep-alive connections: one full request/response each, then the first lines of a second
 * request, so the server holds a parser mid-head on every one. */
export async function httpKeepAliveMidRequest(port: number, n: number, target = "/", host = `127.0.0.1:${port}`): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  for (let i = 0; i < n; i++) {
    const s = net.connect(port, "127.0.0.1");
    await new Promise<void>((resolve, reject) => {
      let got = "";
      s.once("error", reject);
      s.on("data", (d) => {
        got += d.toString("latin1");
        const head = got.indexOf("\r\n\r\n");
        const len = /content-length:\s*(\d+)/i.exec(got);
        if (head >= 0 && len && got.length >= head + 4 + Number(len[1])) resolve();
      });
      s.once("connect", () => s.write(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: mcnet-bench\r\nAccept: */*\r\n\r\n`));
    });
    s.removeAllListeners("data");
    s.write(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: mcnet-bench\r\n`);
    sockets.push(s);
  }
  await settle();
  return sockets;
}

/** `n` WebSocket connections, each echoing one text message; they stay open. */
export async function openWebSockets(port: number, n: number): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < n; i++) {
    const w = new WebSocket(`ws://127.0.0.1:${port}/echo`);
    await new Promise<void>((resolve, reject) => {
      w.once("error", reject);
      w.once("open", () => {
        w.send(`hello ${i}`);
        w.once("message", () => resolve());
      });
    });
    sockets.push(w);
  }
  await settle();
  return sockets;
}

export async function closeWebSockets(sockets: WebSocket[]): Promise<void> {
  for (const w of sockets) w.terminate();
  await settle(150);
}
