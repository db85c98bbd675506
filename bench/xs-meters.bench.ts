// XS's own meters for the echo scenarios: compute (XS's deterministic count of work — the same on
// every machine, unlike wall time), the heap slots in use, and the bytes XS reserved. Each scenario
// runs in a fresh xsnap worker, twice: mcnet's echo (examples/echo on targets/moddable/platform)
// and a bare echo straight on the ECMA-419 classes; the ratio is mcnet's cost over the sockets'.
// Both include the XS side of the bridge (framing each socket event), which a device does in C;
// how Node splits the stream into reads varies a little from run to run, and so do the figures.
//
// Add a scenario: one entry in SCENARIOS (a device entry point under targets/scenarios and a
// driver), or call runXsScenario() from another bench.
//
// Then the live heap at rest of each example (echo, captive DNS, HTTP, WebSocket), idle and
// holding connections, in device bytes against the ESP8266's heap: see bench/live-heap.ts for the
// method (full GC, census of a snapshot, 32-bit conversion, loaded code as the flash baseline).

import * as path from "node:path";
import { patternBytes, tcpEcho, udpEcho } from "../host-sim/xs/echo-drivers";
import { REPO_ROOT, runXsScenario, type Meters, type XsRunner } from "../host-sim/xs/runner";
import {
  ESP8266,
  NATIVE_SOCKET_BYTES,
  closeAll,
  closeWebSockets,
  dnsQueries,
  fmt as fmtBytes,
  httpKeepAliveMidRequest,
  measureScenario,
  openEchoClients,
  openWebSockets,
  printBaseline,
  printFit,
  printHeapHeader,
  printHeapRow,
  printKeys,
  printPerConnection,
  socketStandIn,
  type HeapRow,
} from "./live-heap";

interface Scenario {
  name: string;
  /** bytes (or datagrams) the driver moves, for the per-unit figure */
  units: number;
  unit: string;
  drive: (runner: XsRunner, value: { port: number }) => Promise<void>;
}

const expectEcho = async (port: number, payload: Buffer): Promise<void> => {
  const r = await tcpEcho(port, payload, { halfClose: false, chunk: 4096, timeoutMs: 60000 });
  if (!r.received.equals(payload)) throw new Error(`echo mismatch: ${r.received.length}/${payload.length} bytes`);
};

const SCENARIOS: Scenario[] = [
  { name: "idle (load + bind)", units: 0, unit: "", drive: async () => {} },
  { name: "tcp 1 KB, 1 client", units: 1024, unit: "B", drive: (_, v) => expectEcho(v.port, patternBytes(1024, 1)) },
  { name: "tcp 256 KB, 1 client", units: 256 * 1024, unit: "B", drive: (_, v) => expectEcho(v.port, patternBytes(256 * 1024, 2)) },
  {
    name: "tcp 8 clients x 16 KB",
    units: 8 * 16 * 1024,
    unit: "B",
    drive: async (_, v) => {
      await Promise.all(Array.from({ length: 8 }, (_x, i) => expectEcho(v.port, patternBytes(16 * 1024, 10 + i))));
    },
  },
  {
    name: "udp 100 x 512 B",
    units: 100,
    unit: "datagram",
    drive: async (_, v) => {
      const replies = await udpEcho(v.port, 100, 512);
      if (replies.length !== 100) throw new Error("udp echo lost datagrams");
    },
  },
];

const ENTRIES = {
  mcnet: path.join(REPO_ROOT, "targets/scenarios/echo.ts"),
  bare: path.join(REPO_ROOT, "targets/scenarios/bare-echo.ts"),
};

function traffic(total: Meters, setup: Meters): number {
  return total.compute - setup.compute;
}

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}

const scenario = (file: string): string => path.join(REPO_ROOT, "targets/scenarios", file);

/** Connections held open in the "with connections" rows. */
const N = 4;
/** Room kept free for what a request allocates and holds while it is handled, and for the
 * collector to work in: an assumption, not a measurement. */
const HEADROOM = 4096;

async function liveHeap(): Promise<void> {
  console.log("\nLive heap at rest, in device bytes (32-bit XS: slots x 16 + chunks, bytecode in flash), minus the heap");
  console.log(`right after the modules loaded (flash on a device). ESP8266: ${fmtBytes(ESP8266.heap)} B static heap - ${fmtBytes(ESP8266.stack)} B stack - ${fmtBytes(ESP8266.keys)} B keys = ${fmtBytes(ESP8266.available)} B for slots and chunks.`);
  const standIn = await socketStandIn(N);
  const results: { label: string; idle: HeapRow; busy?: HeapRow; closed?: HeapRow; baseline: Parameters<typeof printBaseline>[1] }[] = [];

  const echo = await measureScenario<{ port: number }>("echo", { entry: scenario("echo.ts"), args: { port: 0 } }, async (_r, v, snap) => {
    await snap("idle (TCP + UDP bound)");
    const c = await openEchoClients(v.port, N);
    await snap(`${N} clients connected`, N);
    await closeAll(c);
    await snap("all closed again");
  });
  results.push({ label: "echo", idle: echo.rows[0], busy: echo.rows[1], closed: echo.rows[2], baseline: echo.baseline });

  const bare = await measureScenario<{ port: number }>("bare ECMA-419 echo (no mcnet)", { entry: scenario("bare-echo.ts") }, async (_r, v, snap) => {
    await snap("idle");
    const c = await openEchoClients(v.port, N);
    await snap(`${N} clients connected`, N);
    await closeAll(c);
    await snap("all closed again");
  });
  results.push({ label: "bare ECMA-419 echo", idle: bare.rows[0], busy: bare.rows[1], closed: bare.rows[2], baseline: bare.baseline });

  const dns = await measureScenario<{ port: number }>("captive DNS", { entry: scenario("captive-dns.ts") }, async (_r, v, snap) => {
    await snap("idle (UDP + TCP bound)");
    await dnsQueries(v.port, 100);
    await snap("after 100 queries");
  });
  results.push({ label: "captive DNS", idle: dns.rows[0], baseline: dns.baseline });

  const http = await measureScenario<{ port: number }>("HTTP server", { entry: scenario("http-hello.ts") }, async (_r, v, snap) => {
    await snap("idle");
    const c = await httpKeepAliveMidRequest(v.port, N);
    await snap(`${N} keep-alive, each mid-request`, N);
    await closeAll(c);
    await snap("all closed again");
  });
  results.push({ label: "HTTP server", idle: http.rows[0], busy: http.rows[1], closed: http.rows[2], baseline: http.baseline });

  const ws = await measureScenario<{ port: number }>("WebSocket echo", { entry: scenario("websocket-echo.ts") }, async (_r, v, snap) => {
    await snap("idle");
    const c = await openWebSockets(v.port, N);
    await snap(`${N} connections open`, N);
    await closeWebSockets(c);
    await snap("all closed again");
  });
  results.push({ label: "WebSocket echo", idle: ws.rows[0], busy: ws.rows[1], closed: ws.rows[2], baseline: ws.baseline });

  printHeapHeader();
  for (const r of [echo, bare, dns, http, ws]) for (const row of r.rows) printHeapRow(row);
  printKeys([echo, bare, dns, http, ws].flatMap((r) => r.rows));

  console.log(`\nPer extra connection (between "all closed again" and the row holding ${N}). The XS run's JS socket stand-in`);
  console.log(`costs ${fmtBytes(standIn)} B per socket (bench/xs-socket-cost.ts); a device's native socket ~${NATIVE_SOCKET_BYTES} B: the estimate swaps one for the other.`);
  const estimates = new Map<string, number>();
  for (const r of results) if (r.busy && r.closed) estimates.set(r.label, printPerConnection(r.label, r.closed, r.busy, standIn));

  console.log(`\nESP8266 fit (${fmtBytes(ESP8266.available)} B, ${fmtBytes(HEADROOM)} B kept as headroom):`);
  for (const r of results) {
    const per = estimates.get(r.label);
    if (per !== undefined) printFit(r.label, r.idle, per, HEADROOM);
    else console.log(`  ${r.label.padEnd(34)} idle ${fmtBytes(r.idle.delta.device.total).padStart(6)} B`);
  }
  console.log("\nLoaded code (the baseline above; a device keeps it in flash):");
  for (const r of results) printBaseline(r.label, r.baseline);
}

async function main(): Promise<void> {
  console.log("XS meters per echo scenario (fresh xsnap worker each; compute is XS's deterministic meter)");
  console.log("scenario                  | impl  | setup compute | traffic compute | per unit     | heap slots (peak) | ratio mcnet/bare");
  for (const s of SCENARIOS) {
    const row: Record<string, { total: Meters; setup: Meters }> = {};
    for (const impl of ["bare", "mcnet"] as const) {
      const r = await runXsScenario<{ port: number }>({ entry: ENTRIES[impl], args: { port: 0 } }, (runner, value) => s.drive(runner, value));
      row[impl] = { total: r.meters, setup: r.setup };
    }
    const bare = traffic(row.bare.total, row.bare.setup);
    const mcnet = traffic(row.mcnet.total, row.mcnet.setup);
    for (const impl of ["bare", "mcnet"] as const) {
      const t = traffic(row[impl].total, row[impl].setup);
      const per = s.units ? `${(t / s.units).toFixed(1)}/${s.unit}` : "-";
      const ratio = impl === "mcnet" ? (bare > 0 ? (mcnet / bare).toFixed(2) : (row.mcnet.setup.compute / row.bare.setup.compute).toFixed(2) + " (setup)") : "1.00";
      console.log(
        `${s.name.padEnd(25)} | ${impl.padEnd(5)} | ${fmt(row[impl].setup.compute).padStart(13)} | ${fmt(t).padStart(15)} | ${per.padEnd(12)} | ${fmt(row[impl].total.peakHeapCount).padStart(17)} | ${ratio}`,
      );
    }
  }
  await liveHeap();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
