// Captive DNS throughput on host-sim: dnsperf against mcnet's captive server and against a bare
// node:dgram responder (copy the query, flip QR, append one A record, no parsing) in the same
// run. The figure that matters is the ratio: what decoding, validating and building a proper
// reply through the Manager costs over the kernel and Node's own UDP path. Goal: >= 0.9.
// A third server, the Manager answering with the same blind copy as the bare responder ("core
// only"), splits the cost between the core + host platform and the DNS layer.
import * as dgram from "node:dgram";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawn } from "node:child_process";
import { createHostPlatform } from "../host-sim/platform";
import { REPO_ROOT, runXsScenario } from "../host-sim/xs/runner";
import { startCaptiveDns } from "../examples/captive-dns/main";
import { Manager } from "../modules/core/manager";

const SECONDS = Number(process.env.DNS_BENCH_SECONDS ?? 4);
const ROUNDS = 3;

function queryFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mcnet-dnsperf-"));
  const file = path.join(dir, "queries.txt");
  const lines: string[] = [];
  for (let i = 0; i < 20000; i++) {
    const name = `h${(i * 7919) % 100000}.${["example.com", "connectivitycheck.gstatic.com", "captive.apple.com", "msftconnecttest.com"][i % 4]}`;
    lines.push(`${name} ${i % 5 === 4 ? "AAAA" : "A"}`);
  }
  fs.writeFileSync(file, lines.join("\n") + "\n");
  return file;
}

interface PerfResult {
  qps: number;
  sent: number;
  completed: number;
  lost: number;
  latencyMs: number;
}

function dnsperf(port: number, file: string, edns: boolean): Promise<PerfResult> {
  return new Promise((resolve, reject) => {
    const args = ["-s", "127.0.0.1", "-p", String(port), "-d", file, "-l", String(SECONDS), "-c", "4", "-T", "1", "-q", "200", "-t", "2"];
    if (edns) args.push("-e");
    const p = spawn("dnsperf", args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (out += d));
    p.on("error", reject);
    p.on("close", () => {
      const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN);
      const r = {
        qps: num(/Queries per second:\s+([\d.]+)/),
        sent: num(/Queries sent:\s+(\d+)/),
        completed: num(/Queries completed:\s+(\d+)/),
        lost: num(/Queries lost:\s+(\d+)/),
        latencyMs: num(/Average Latency \(s\):\s+([\d.]+)/) * 1000,
      };
      if (Number.isNaN(r.qps)) reject(new Error(`dnsperf output not understood:\n${out}`));
      else resolve(r);
    });
  });
}

const ANSWER = new Uint8Array([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, 10, 20, 30, 40]);
const OPT = new Uint8Array([0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0]);

/** The query plus one A record (and OPT if asked), without parsing or checking anything. */
function blindReply(q: Uint8Array, r: Uint8Array): number {
  const hasOpt = q[11] > 0;
  // the question ends where the OPT record (11 bytes, the only additional dnsperf sends) starts
  const qEnd = hasOpt ? q.length - 11 : q.length;
  const isA = q[qEnd - 3] === 1 && q[qEnd - 4] === 0;
  r.set(q.subarray(0, qEnd));
  r[2] = 0x84 | (q[2] & 0x01);
  r[3] = 0;
  r[6] = 0;
  r[7] = isA ? 1 : 0;
  r[10] = 0;
  r[11] = hasOpt ? 1 : 0;
  let p = qEnd;
  if (isA) {
    r.set(ANSWER, p);
    p += ANSWER.length;
  }
  if (hasOpt) {
    r.set(OPT, p);
    p += OPT.length;
  }
  return p;
}

/** The baseline: node:dgram and blindReply. */
function bareResponder(): Promise<{ port: number; close: () => void }> {
  const s = dgram.createSocket("udp4");
  s.on("message", (q, rinfo) => {
    if (q.length < 12) return;
    const r = Buffer.allocUnsafe(q.length + ANSWER.length);
    s.send(r.subarray(0, blindReply(q, r)), rinfo.port, rinfo.address);
  });
  return new Promise((resolve) => s.bind(0, "127.0.0.1", () => resolve({ port: s.address().port, close: () => s.close() })));
}

/** The Manager on the host platform with blindReply: what the core costs before any DNS work. */
function coreOnlyResponder(): { port: number; close: () => void } {
  const mgr = new Manager(createHostPlatform({ logLevel: "warn" }));
  const out = new Uint8Array(600);
  const c = mgr.bind("udp://127.0.0.1:0", (conn, ev) => {
    if (ev.type === "recv" && conn.recv.length >= 12) conn.write(out.subarray(0, blindReply(conn.recv.bytes, out)));
  });
  return { port: c.local.port, close: () => mgr.close() };
}

/** One query at a time to the captive server running inside XS; resolves when answered. */
function ask(port: number, id: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket("udp4");
    const q = Buffer.from(`${id.toString(16).padStart(4, "0")}01000001000000000000` + "0568656c6c6f076578616d706c6503636f6d0000010001", "hex");
    const t = setTimeout(() => {
      s.close();
      reject(new Error("no reply from XS"));
    }, 2000);
    s.on("message", () => {
      clearTimeout(t);
      s.close();
      resolve();
    });
    s.send(q, port, "127.0.0.1");
  });
}

/** XS's deterministic compute meter per answered query (machine-independent). */
async function xsComputePerQuery(device: "esp32" | "esp", n: number): Promise<number> {
  const r = await runXsScenario<{ port: number }, number>(
    { entry: path.join(REPO_ROOT, "test/dns/captive-xs.scenario.ts"), device, args: { address: "10.20.30.40" } },
    async (runner, { port }) => {
      await ask(port, 0); // warm-up: first-use costs
      const before = runner.meters.compute;
      for (let i = 1; i <= n; i++) await ask(port, i);
      return (runner.meters.compute - before) / n;
    },
  );
  return r.driven!;
}

async function main() {
  const file = queryFile();
  const bare = await bareResponder();
  const core = coreOnlyResponder();
  const captive = startCaptiveDns(createHostPlatform({ logLevel: "warn" }), { port: 0, bind: "127.0.0.1", address: "10.20.30.40", logQueries: false });
  const port = captive.udp.local.port;
  const best: Record<string, PerfResult> = {};
  const keep = (name: string, r: PerfResult) => {
    if (!best[name] || r.qps > best[name].qps) best[name] = r;
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (const edns of [false, true]) {
      keep(`bare${edns ? "+edns" : ""}`, await dnsperf(bare.port, file, edns));
      keep(`core${edns ? "+edns" : ""}`, await dnsperf(core.port, file, edns));
      keep(`mcnet${edns ? "+edns" : ""}`, await dnsperf(port, file, edns));
    }
  }
  console.log(`dnsperf, ${SECONDS} s per run, 4 clients, 200 outstanding, best of ${ROUNDS}`);
  for (const name of ["bare", "core", "mcnet", "bare+edns", "core+edns", "mcnet+edns"]) {
    const r = best[name];
    console.log(`  ${name.padEnd(11)} ${r.qps.toFixed(0).padStart(7)} qps  lost ${r.lost}/${r.sent}  avg latency ${r.latencyMs.toFixed(2)} ms`);
  }
  const ratio = (a: string, b: string) => (best[a].qps / best[b].qps).toFixed(2);
  console.log(`  ratio mcnet/bare        ${ratio("mcnet", "bare")}   (core only/bare ${ratio("core", "bare")}, mcnet/core only ${ratio("mcnet", "core")})`);
  console.log(`  ratio mcnet/bare (EDNS) ${ratio("mcnet+edns", "bare+edns")}   (core only/bare ${ratio("core+edns", "bare+edns")}, mcnet/core only ${ratio("mcnet+edns", "core+edns")})`);
  for (const device of ["esp32", "esp"] as const) {
    console.log(`  XS compute per answered A query (${device} sizes): ${(await xsComputePerQuery(device, 200)).toFixed(0)}`);
  }
  captive.mgr.close();
  core.close();
  bare.close();
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
