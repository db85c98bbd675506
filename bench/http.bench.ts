// HTTP keep-alive "hello" throughput: wrk -c50 against mcnet's server on host-sim, node:http,
// and a bare node:net responder that parses nothing (the ceiling for any JS server on this
// machine), all in this process, measured in alternation, best run of each kept. The figure is
// the ratio mcnet / node:http (goal: at least 1.2).
//
// mcnet is bundled with esbuild (ESM) first, as the firmware build bundles it: run through tsx's
// per-file CommonJS transform, every use of an imported binding becomes a getter call, which
// measures the loader rather than the server.
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { spawn } from "node:child_process";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const DURATION = Number(process.env.HTTP_BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.HTTP_BENCH_ROUNDS ?? 3);
const CONNECTIONS = 50;

interface Run {
  rps: number;
  /** server CPU (this process, user + system) per request, microseconds */
  cpuPerRequest: number;
}

function wrk(port: number): Promise<Run> {
  const cpu0 = process.cpuUsage();
  return new Promise((resolve, reject) => {
    const p = spawn("wrk", ["-t2", `-c${CONNECTIONS}`, `-d${DURATION}s`, `http://127.0.0.1:${port}/hello`], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.on("error", reject);
    p.on("close", () => {
      const cpu = process.cpuUsage(cpu0);
      const m = /Requests\/sec:\s+([\d.]+)/.exec(out);
      const total = /(\d+) requests in/.exec(out);
      const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(out);
      if (!m) return reject(new Error(`wrk output not understood:\n${out}`));
      if (errors) process.stdout.write(`  (wrk reported: ${errors[0]})\n`);
      resolve({ rps: Number(m[1]), cpuPerRequest: (cpu.user + cpu.system) / Math.max(1, Number(total?.[1] ?? 1)) });
    });
  });
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)));
}

const RESPONSE = Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello");

async function main() {
  // node:http, the baseline
  const nodeServer = http.createServer((_req, res) => {
    res.writeHead(200, { "Content-Length": 5, "Content-Type": "text/plain" });
    res.end("hello");
  });
  nodeServer.keepAliveTimeout = 30_000;
  const nodePort = await listen(nodeServer);

  // a responder that only counts request ends ("\r\n\r\n"): no parsing at all
  const bare = net.createServer((s) => {
    s.setNoDelay(true);
    let tail = 0;
    s.on("data", (d: Buffer) => {
      let n = 0;
      for (let i = 0; i < d.length; i++) {
        const c = d[i];
        tail = c === (tail === 0 || tail === 2 ? 13 : 10) ? tail + 1 : c === 13 ? 1 : 0;
        if (tail === 4) {
          n++;
          tail = 0;
        }
      }
      if (n === 1) s.write(RESPONSE);
      else if (n > 1) s.write(Buffer.concat(Array(n).fill(RESPONSE)));
    });
    s.on("error", () => s.destroy());
  });
  const barePort = await listen(bare);

  // mcnet
  const bundle = path.join(os.tmpdir(), `mcnet-http-bench-${process.pid}.mjs`);
  await build({
    stdin: {
      contents: [
        'import { createHostPlatform } from "./host-sim/platform";',
        'import { Manager } from "./modules/core/manager";',
        'import { attach } from "./modules/http/server";',
        'import { reply } from "./modules/http/reply";',
        "export function start() {",
        '  const mgr = new Manager(createHostPlatform({ logLevel: "warn" }));',
        '  const l = mgr.bind("tcp://127.0.0.1:0", (c, ev) => { if (ev.type === "http-request") reply(c, 200, "hello", "Content-Type: text/plain"); });',
        "  attach(l, { accessLog: false, maxConnections: 256 });",
        "  return { mgr, port: l.local.port };",
        "}",
      ].join("\n"),
      resolveDir: path.resolve(__dirname, ".."),
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: bundle,
    logLevel: "warning",
  });
  const { mgr, port: mcnetPort } = (await import(pathToFileURL(bundle).href)).start();

  const rows: Record<string, Run[]> = { "node:http": [], "mcnet http": [], "bare node:net": [] };
  for (let round = 0; round < ROUNDS; round++) {
    rows["node:http"].push(await wrk(nodePort));
    rows["mcnet http"].push(await wrk(mcnetPort));
    rows["bare node:net"].push(await wrk(barePort));
  }
  const best = (k: string) => Math.max(...rows[k].map((r) => r.rps));
  const cpu = (k: string) => Math.min(...rows[k].map((r) => r.cpuPerRequest));
  console.log(`wrk -t2 -c${CONNECTIONS} -d${DURATION}s keep-alive GET /hello, best of ${ROUNDS}`);
  console.log(`  ${"server".padEnd(14)} ${"req/s".padStart(8)}   ${"CPU µs/req".padStart(10)}   runs (req/s)`);
  for (const k of Object.keys(rows)) {
    console.log(`  ${k.padEnd(14)} ${best(k).toFixed(0).padStart(8)}   ${cpu(k).toFixed(2).padStart(10)}   ${rows[k].map((r) => r.rps.toFixed(0)).join(", ")}`);
  }
  console.log(`  ratio mcnet/node:http req/s        ${(best("mcnet http") / best("node:http")).toFixed(2)}  (goal >= 1.2)`);
  console.log(`  ratio node:http/mcnet CPU per req  ${(cpu("node:http") / cpu("mcnet http")).toFixed(2)}  (same goal, less sensitive to machine load)`);
  console.log(`  ratio mcnet/bare node:net req/s    ${(best("mcnet http") / best("bare node:net")).toFixed(2)}  (the ceiling for a JS server here)`);
  mgr.close();
  fs.rmSync(bundle, { force: true });
  nodeServer.close();
  bare.close();
  process.exit(0);
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
