// XS's own meters for the echo scenarios: compute (XS's deterministic count of work — the same on
// every machine, unlike wall time), the heap slots in use, and the bytes XS reserved. Each scenario
// runs in a fresh xsnap worker, twice: mcnet's echo (examples/echo on targets/moddable/platform)
// and a bare echo straight on the ECMA-419 classes; the ratio is mcnet's cost over the sockets'.
// Both include the XS side of the bridge (framing each socket event), which a device does in C;
// how Node splits the stream into reads varies a little from run to run, and so do the figures.
//
// Add a scenario: one entry in SCENARIOS (a device entry point under targets/scenarios and a
// driver), or call runXsScenario() from another bench.

import * as path from "node:path";
import { patternBytes, tcpEcho, udpEcho } from "../host-sim/xs/echo-drivers";
import { REPO_ROOT, runXsScenario, type Meters, type XsRunner } from "../host-sim/xs/runner";

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
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
