// The portal's cost: the bytes a phone downloads to show the setup page (gzip from flash against
// the plain sources, measured here), and XS's deterministic meters (compute, heap slots) for one
// full portal session run inside the real XS engine — probes, DNS, page and assets, scan, a wrong
// and a right password, status polling until the device is a station — against the same firmware
// booting into its portal with no request at all, and against the echo example's boot (both
// measured in this run). Then the firmware's live heap at rest in device bytes against the
// ESP8266's heap (method: bench/live-heap.ts), with ESP8266 socket sizes.
import * as dgram from "node:dgram";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import dnsPacket from "dns-packet";
import { REPO_ROOT, runXsScenario, type Meters, type XsRunner } from "../host-sim/xs/runner";
import { portalAssets } from "../src/portal/generated-assets";
import { ESP8266, closeAll, fmt as fmtBytes, httpKeepAliveMidRequest, measureScenario, printBaseline, printHeapHeader, printHeapRow, printKeys, printPerConnection, socketStandIn } from "./live-heap";

const SCENARIO = path.join(REPO_ROOT, "bench", "portal-scenario.ts");
const ECHO = path.join(REPO_ROOT, "targets", "scenarios", "echo.ts");

const RADIO = {
  mac: "24:6f:28:1a:2b:3c",
  connectDelayMs: 20,
  stationAddress: "192.168.1.57",
  networks: [
    { ssid: "HomeNet", password: "correct horse battery", rssi: -48, channel: 6, authentication: "wpa2_psk" },
    { ssid: "Café – “Free” Wi-Fi ☕", rssi: -63, channel: 1, authentication: "none" },
    { ssid: "<script>alert(1)</script>", password: "not-a-trap-123", rssi: -67, channel: 3, authentication: "wpa2_psk" },
    { ssid: "Neighbour 5G 🚀📶", password: "rocket-science", rssi: -79, channel: 36, authentication: "wpa2_psk" },
  ],
};

interface Got {
  status: number;
  body: Buffer;
  wire: number;
}

function request(port: number, method: string, pathName: string, headers: Record<string, string> = {}, body?: string): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path: pathName, headers: { "Accept-Encoding": "gzip", ...headers }, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", () => {
        const b = Buffer.concat(parts);
        resolve({ status: res.statusCode ?? 0, body: b, wire: b.length });
      });
    });
    req.on("error", reject);
    req.setTimeout(10000, () => req.destroy(new Error(`${method} ${pathName}: timeout`)));
    req.end(body);
  });
}

function dnsQuery(port: number, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket("udp4");
    const t = setTimeout(() => {
      s.close();
      reject(new Error("no DNS answer"));
    }, 3000);
    s.on("message", (m) => {
      clearTimeout(t);
      s.close();
      const a = dnsPacket.decode(m).answers?.[0];
      resolve(a && a.type === "A" ? String(a.data) : "");
    });
    s.send(dnsPacket.encode({ type: "query", id: 7, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: "A", name }] }), port, "127.0.0.1");
  });
}

async function poll(port: number, done: (s: { attempt?: { state: string } }) => boolean): Promise<number> {
  let n = 0;
  for (;;) {
    n++;
    const r = await request(port, "GET", "/status", { Host: `127.0.0.1:${port}`, Accept: "application/json" });
    if (done(JSON.parse(r.body.toString()))) return n;
    await new Promise((res) => setTimeout(res, 20));
  }
}

async function phaseOf(runner: XsRunner): Promise<string> {
  return (await runner.call<{ phase: string }>("state")).phase;
}

/** One person setting the device up, start to finish. Returns requests made and bytes received. */
async function session(runner: XsRunner, v: { port: number; dnsPort: number }): Promise<{ requests: number; bytes: number }> {
  const own = { Host: `127.0.0.1:${v.port}` };
  let requests = 0;
  let bytes = 0;
  const get = async (p: string, h: Record<string, string> = own) => {
    const r = await request(v.port, "GET", p, h);
    requests++;
    bytes += r.wire;
    return r;
  };
  if ((await dnsQuery(v.dnsPort, "connectivitycheck.gstatic.com")) !== "192.168.4.1") throw new Error("DNS catch-all");
  for (const [host, p, ua] of [
    ["connectivitycheck.gstatic.com", "/generate_204", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/60.0.3112.32 Safari/537.36"],
    ["captive.apple.com", "/hotspot-detect.html", "CaptiveNetworkSupport-481.100.2 wispr"],
    ["www.msftconnecttest.com", "/connecttest.txt", "Microsoft NCSI"],
  ]) {
    if ((await get(p, { Host: host, "User-Agent": ua })).status !== 302) throw new Error(`probe ${host} not redirected`);
  }
  for (const p of ["/", "/portal.css", "/portal.js", "/api/scan", "/captive-portal/api", "/setup"]) {
    if ((await get(p)).status !== 200) throw new Error(`GET ${p}`);
  }
  const post = async (password: string) => {
    const r = await request(v.port, "POST", "/connect", { ...own, Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" }, `net=${Buffer.from("HomeNet").toString("hex")}&password=${encodeURIComponent(password)}`);
    requests++;
    bytes += r.wire;
    if (r.status !== 202) throw new Error(`POST /connect: ${r.status} ${r.body}`);
  };
  await post("WrongPassword-7731");
  requests += await poll(v.port, (s) => s.attempt?.state === "failed");
  await post("correct horse battery");
  requests += await poll(v.port, (s) => s.attempt?.state === "connected");
  // The portal closes shortly after the result was read; the device is then a station.
  const start = Date.now();
  while ((await phaseOf(runner)) !== "station") {
    if (Date.now() - start > 10000) throw new Error("the portal did not close");
    await new Promise((res) => setTimeout(res, 20));
  }
  return { requests, bytes };
}

/** Steady-state XS compute per request (average of `n` after a warm-up), one connection each. */
async function perRequest(runner: XsRunner, port: number, p: string, host: string, n = 20): Promise<number> {
  await request(port, "GET", p, { Host: host });
  const before = runner.meters.compute;
  for (let i = 0; i < n; i++) await request(port, "GET", p, { Host: host });
  // let the deliveries that close the last connection be counted too
  await new Promise((res) => setTimeout(res, 50));
  await runner.call("state");
  return (runner.meters.compute - before) / n;
}

const STEADY: [string, string, (port: number) => string][] = [
  ["404 (the HTTP server's floor)", "/no-such-page", (p) => `127.0.0.1:${p}`],
  ["OS probe -> redirect", "/generate_204", () => "connectivitycheck.gstatic.com"],
  ["foreign host -> redirect", "/some/page", () => "example.com"],
  ["page (gzip from flash)", "/", (p) => `127.0.0.1:${p}`],
  ["/api/scan (cached scan, JSON)", "/api/scan", (p) => `127.0.0.1:${p}`],
  ["/status (JSON)", "/status", (p) => `127.0.0.1:${p}`],
  ["/setup (no-JS page, escaped)", "/setup", (p) => `127.0.0.1:${p}`],
];

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}

/** The portal's live heap: booted, a phone holding keep-alive connections mid-request, after a
 * whole setup session (the portal closed, the device a station). */
async function liveHeap(): Promise<void> {
  const n = 4;
  console.log(`\nPortal live heap at rest, device bytes (of ${fmtBytes(ESP8266.available)} B an ESP8266 leaves for slots and chunks; method: bench/live-heap.ts)`);
  const standIn = await socketStandIn(n);
  let stats: { requests: number; bytes: number } | undefined;
  const r = await measureScenario<{ port: number; dnsPort: number }>("portal", { entry: SCENARIO, radio: RADIO, device: "esp" }, async (runner, v, snap) => {
    await snap("booted into the portal (AP, DNS, HTTP)");
    const own = `127.0.0.1:${v.port}`;
    for (const p of ["/", "/portal.css", "/portal.js", "/api/scan"]) await request(v.port, "GET", p, { Host: own });
    await dnsQuery(v.dnsPort, "connectivitycheck.gstatic.com");
    await snap("page, assets, scan and a DNS query served");
    const held = await httpKeepAliveMidRequest(v.port, n, "/status", own);
    await snap(`+ ${n} keep-alive connections mid-request`, n);
    await closeAll(held);
    stats = await session(runner, v);
    await snap("after a full setup session (station)");
  });
  printHeapHeader();
  for (const row of r.rows) printHeapRow(row);
  printKeys(r.rows);
  console.log(`  (the session: ${stats?.requests} HTTP requests + 1 DNS query; the socket stand-in costs ${fmtBytes(standIn)} B per socket in the XS run)`);
  printPerConnection("portal HTTP connection", r.rows[1], r.rows[2], standIn);
  printBaseline("portal firmware", r.baseline);
}

async function main(): Promise<void> {
  console.log("Portal page bytes (what a phone downloads for the setup page; gzip is what flash holds and sends)");
  let raw = 0;
  let gz = 0;
  for (const a of portalAssets) {
    const src = fs.statSync(path.join(REPO_ROOT, "src", "portal", "assets", a.file)).size;
    raw += src;
    gz += a.gzip.length;
    console.log(`  ${a.path.padEnd(12)} ${String(src).padStart(6)} B source  ${String(a.gzip.length).padStart(6)} B gzip  ratio ${(a.gzip.length / src).toFixed(2)}`);
  }
  console.log(`  page total   ${String(raw).padStart(6)} B source  ${String(gz).padStart(6)} B gzip  ratio ${(gz / raw).toFixed(2)}`);

  const echo = await runXsScenario<{ port: number }>({ entry: ECHO, args: { port: 0 } });
  const idle = await runXsScenario<{ port: number; dnsPort: number }>({ entry: SCENARIO, radio: RADIO });
  const full = await runXsScenario<{ port: number; dnsPort: number }, { requests: number; bytes: number }>({ entry: SCENARIO, radio: RADIO }, session);
  const stats = full.driven!;
  const sessionCompute = full.meters.compute - full.setup.compute;
  const row = (name: string, m: Meters, extra = "") =>
    console.log(`  ${name.padEnd(32)} compute ${fmt(m.compute).padStart(11)}  heap slots peak ${fmt(m.peakHeapCount).padStart(8)}${extra}`);
  console.log("\nXS meters (real XS engine, ESP32 sizes; compute is XS's deterministic count; heap slots peak counts");
  console.log("garbage not yet collected, and module code that a device build preloads into flash)");
  row("echo example: boot + bind", echo.setup);
  row("portal: boot into the portal", idle.setup, `  (x${(idle.setup.compute / echo.setup.compute).toFixed(2)} echo's compute, x${(idle.setup.peakHeapCount / echo.setup.peakHeapCount).toFixed(2)} its heap)`);
  row("portal: one full setup session", full.meters, `  (x${(full.meters.peakHeapCount / idle.setup.peakHeapCount).toFixed(2)} the idle portal's heap)`);
  console.log(`  session: ${stats.requests} HTTP requests + 1 DNS query, ${fmt(stats.bytes)} B of bodies received; compute ${fmt(sessionCompute)} (${fmt(Math.round(sessionCompute / stats.requests))} per request, x${(sessionCompute / idle.setup.compute).toFixed(2)} the boot)`);

  console.log("\nXS compute per request, steady state (new connection each, average of 20), against the 404 floor");
  await runXsScenario<{ port: number; dnsPort: number }>({ entry: SCENARIO, radio: RADIO }, async (runner, v) => {
    let floor = 0;
    for (const [name, p, host] of STEADY) {
      const c = await perRequest(runner, v.port, p, host(v.port));
      if (!floor) floor = c;
      console.log(`  ${name.padEnd(32)} ${fmt(Math.round(c)).padStart(8)}  x${(c / floor).toFixed(2)}`);
    }
  });
  await liveHeap();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
