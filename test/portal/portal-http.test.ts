// The portal as a phone or laptop meets it, against `npm start`'s host-sim in a child process:
// each OS's real probe request sent by curl (Host, path, User-Agent) before and after setup, the
// catch-all DNS asked by dig and kdig, the pages and their escaping of hostile SSIDs, the join
// with a wrong then a right password, the portal shutting down, a reboot that joins without a
// portal, and the setup button + erase.
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { run } from "../helpers/run";
import { HostSim } from "./host-sim-process";
import { PROBE_TABLE } from "./probes.suite";

jest.setTimeout(60000);

const HOME_PASSWORD = "correct horse battery";
const WRONG_PASSWORD = "WrongPassword-7731";

interface Response {
  status: number;
  headers: Map<string, string>;
  body: Buffer;
}

async function curl(url: string, args: string[] = []): Promise<Response> {
  const r = await run("curl", ["-s", "-i", "--max-time", "10", ...args, url], { timeout: 15000 });
  if (r.code !== 0) throw new Error(`curl ${url} failed (${r.code}): ${r.stderr}`);
  const raw = r.stdoutBytes;
  const end = raw.indexOf("\r\n\r\n");
  const head = raw.subarray(0, end).toString("latin1").split("\r\n");
  const status = Number(head[0].split(" ")[1]);
  const headers = new Map<string, string>();
  for (const line of head.slice(1)) {
    const i = line.indexOf(":");
    headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return { status, headers, body: raw.subarray(end + 4) };
}

async function probe(port: number, p: (typeof PROBE_TABLE)[number]): Promise<Response> {
  return curl(`http://127.0.0.1:${port}${p.path}`, ["-H", `Host: ${p.host}`, "-A", p.userAgent]);
}

async function dig(port: number, name: string, type = "A"): Promise<{ code: number | null; out: string }> {
  const r = await run("dig", [`@127.0.0.1`, "-p", String(port), name, type, "+tries=1", "+time=1"], { timeout: 10000 });
  return { code: r.code, out: r.stdout };
}

async function pollJson(url: string, until: (v: any) => boolean, timeoutMs = 10000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await curl(url, ["-H", "Accept: application/json"]);
    const v = JSON.parse(r.body.toString());
    if (until(v)) return v;
    if (Date.now() > deadline) throw new Error(`${url}: condition not met; last ${JSON.stringify(v)}`);
    await new Promise((res) => setTimeout(res, 150));
  }
}

describe("portal over real sockets (host-sim child, curl, dig, kdig)", () => {
  let sim: HostSim;
  let port: number;
  let dnsPort: number;
  let url: string;
  let rebooted: HostSim | undefined;

  beforeAll(async () => {
    sim = HostSim.start("http", { lingerMs: 30000, seenGraceMs: 1500, backgroundRetryMs: 0, joinTimeoutMs: 3000 });
    ({ port, dnsPort, url } = await sim.portal());
  });

  afterAll(async () => {
    await sim.stop();
    await rebooted?.stop();
    sim.cleanup();
  });

  test("before setup every OS probe is redirected to the portal, with a body", async () => {
    for (const p of PROBE_TABLE) {
      const r = await probe(port, p);
      expect([p.os, r.status]).toEqual([p.os, 302]);
      expect(r.headers.get("location")).toBe(url);
      expect(r.body.length).toBeGreaterThan(0);
      expect(r.body.toString()).toContain(`href="${url}"`);
    }
  });

  test("Windows' /redirect and any other host land on the portal", async () => {
    for (const [host, p] of [["www.msftconnecttest.com", "/redirect"], ["example.com", "/some/page?x=1"], ["neverssl.com", "/"]]) {
      const r = await curl(`http://127.0.0.1:${port}${p}`, ["-H", `Host: ${host}`]);
      expect(r.status).toBe(302);
      expect(r.headers.get("location")).toBe(url);
      expect(r.body.length).toBeGreaterThan(0);
    }
  });

  test("the catch-all DNS answers every name with the AP address (dig and kdig)", async () => {
    for (const name of ["anything.example", "connectivitycheck.gstatic.com", "captive.apple.com", "www.msftconnecttest.com"]) {
      const r = await run("dig", ["+short", "@127.0.0.1", "-p", String(dnsPort), name], { timeout: 10000 });
      expect(r.stdout.trim()).toBe("192.168.4.1");
    }
    const aaaa = await dig(dnsPort, "detectportal.firefox.com", "AAAA");
    expect(aaaa.out).toContain("status: NOERROR");
    expect(aaaa.out).toContain("ANSWER: 0");
    const k = await run("kdig", ["@127.0.0.1", "-p", String(dnsPort), "+edns", "www.apple.com", "A"], { timeout: 10000 });
    expect(k.stdout).toContain("NOERROR");
    expect(k.stdout).toMatch(/www\.apple\.com\.\s+\d+\s+IN\s+A\s+192\.168\.4\.1/);
  });

  test("the page is served gzipped from flash with an ETag; a revalidation gets 304", async () => {
    const r = await curl(url, ["-H", "Accept-Encoding: gzip"]);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-encoding")).toBe("gzip");
    expect(r.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = zlib.gunzipSync(r.body).toString();
    expect(html).toBe(fs.readFileSync(path.join(__dirname, "..", "..", "src", "portal", "assets", "index.html"), "utf8"));
    const etag = r.headers.get("etag")!;
    const again = await curl(url, ["-H", "Accept-Encoding: gzip", "-H", `If-None-Match: ${etag}`]);
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    for (const asset of ["portal.css", "portal.js"]) {
      const a = await curl(`${url}${asset}`, ["--compressed"]);
      expect(a.status).toBe(200);
      expect(a.headers.get("content-encoding")).toBe("gzip");
    }
  });

  test("a client that refuses gzip gets the no-JavaScript form instead", async () => {
    const r = await curl(url, ["-H", "Accept-Encoding: identity"]);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-encoding")).toBeUndefined();
    expect(r.body.toString()).toContain('<form method="post" action="/connect">');
  });

  test("/api/scan: deduplicated, strongest first, weak ones dropped, hostile names intact in JSON", async () => {
    const r = await curl(`${url}api/scan?refresh=1`);
    expect(r.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const text = r.body.toString();
    expect(text).not.toMatch(/[<>]/);
    const { networks } = JSON.parse(text);
    const names = networks.map((n: { ssid: string }) => n.ssid);
    expect(names.filter((n: string) => n === "HomeNet")).toHaveLength(1);
    expect(names).not.toContain("FarAway");
    expect(names).not.toContain("HiddenLab");
    expect(names).toContain("<script>alert(1)</script>");
    expect(names).toContain('Quote" \'attr\' &amp; \\ <b>');
    expect(names).toContain("Café – “Free” Wi-Fi ☕");
    const rssi = networks.map((n: { rssi: number }) => n.rssi);
    expect(rssi).toEqual([...rssi].sort((a: number, b: number) => b - a));
    expect(networks[0]).toMatchObject({ ssid: "HomeNet", bars: 4, secure: true, joinable: true, id: Buffer.from("HomeNet").toString("hex") });
  });

  test("the no-JS form escapes every SSID in text and attributes", async () => {
    const r = await curl(`${url}setup`);
    const html = r.body.toString();
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script>alert(1)");
    expect(html).toContain("Quote\" 'attr' &amp;amp; \\ &lt;b&gt;");
    expect(html).not.toContain("<b>");
    expect(html).toContain("Café – “Free” Wi-Fi ☕");
    for (const m of html.matchAll(/name="net"(?: disabled)? value="([^"]*)"/g)) expect(m[1]).toMatch(/^[0-9a-f]*$/);
    // the 32 raw bytes: controls shown as pictures, no NUL or ESC in the page, the bidi override defused
    expect(html).toContain("\ufffd\ufffd\u2400A\u240a\u240d\u2409\u241b[31m\ufffd&lt;/a&gt;");
    expect(html).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202e]/);
  });

  test("state-changing requests: POST only, foreign origins refused, no password in any log", async () => {
    const get = await curl(`${url}connect?net=486f6d654e6574&password=${WRONG_PASSWORD}`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    const foreign = await curl(`${url}connect`, ["-H", "Origin: http://evil.example", "--data", `net=486f6d654e6574&password=${WRONG_PASSWORD}`]);
    expect(foreign.status).toBe(403);
    const rebound = await curl(`http://127.0.0.1:${port}/erase`, ["-H", "Host: evil.example", "-H", "Origin: http://evil.example", "-X", "POST"]);
    expect(rebound.status).toBe(302); // a foreign name never reaches the portal's routes
    for (const args of [["-X", "POST"], ["-X", "POST", "-H", "Origin: http://evil.example"], ["-X", "POST", "-H", "Origin: null"]]) {
      expect((await curl(`${url}erase`, args)).status).toBe(403);
      expect((await curl(`${url}restart`, args)).status).toBe(403);
    }
    expect((await curl(`${url}erase`)).status).toBe(405);
    expect(sim.stderr).toContain('"GET /connect?… HTTP/1.1" 405');
    expect(sim.stderr).not.toContain(WRONG_PASSWORD);
  });

  test("a wrong password: precise failure, nothing saved", async () => {
    const r = await curl(`${url}connect`, ["-H", "Accept: application/json", "-H", `Origin: ${url.slice(0, -1)}`, "--data-urlencode", "net=486f6d654e6574", "--data-urlencode", `password=${WRONG_PASSWORD}`]);
    expect(r.status).toBe(202);
    const { seq } = JSON.parse(r.body.toString());
    const status = await pollJson(`${url}status`, (v) => v.attempt?.seq === seq && v.attempt.state !== "joining");
    expect(status.attempt).toMatchObject({ ssid: "HomeNet", state: "failed", reason: "wrong-password" });
    const saved = await curl(`${url}networks`, ["-H", "Accept: application/json"]);
    expect(JSON.parse(saved.body.toString())).toEqual({ networks: [] });
    expect(sim.stderr).not.toContain(WRONG_PASSWORD);
  });

  test("the right password joins; probes then get each vendor's exact online answer; the portal closes once the result is read", async () => {
    const r = await curl(`${url}connect`, ["-H", "Accept: application/json", "--data-urlencode", "net=486f6d654e6574", "--data-urlencode", `password=${HOME_PASSWORD}`]);
    expect(r.status).toBe(202);
    // /captive-portal/api turns false at success, without counting as "result read"
    const api = await pollJson(`${url}captive-portal/api`, (v) => v.captive === false);
    expect(api).toEqual({ captive: false, "user-portal-url": url });
    for (const p of PROBE_TABLE) {
      const a = await probe(port, p);
      expect([p.os, a.status, a.body.toString()]).toEqual([p.os, p.online.status, p.online.body]);
    }
    const before = sim.stdout.length;
    const status = await pollJson(`${url}status`, (v) => v.attempt?.state === "connected");
    expect(status.attempt).toMatchObject({ ssid: "HomeNet", address: "192.168.1.57" });
    expect(status.setupComplete).toBe(true);
    await sim.waitFor(/^mcnet: portal closed$/m, 10000, before);
    await sim.waitFor(/^mcnet: state station "HomeNet" 192\.168\.1\.57$/m, 10000, before);
    const refused = await run("curl", ["-s", "--max-time", "3", url], { timeout: 8000 });
    expect(refused.code).toBe(7); // connection refused: the HTTP portal is gone
    const quiet = await dig(dnsPort, "anything.example");
    expect(quiet.out).not.toContain("192.168.4.1"); // and so is the DNS catch-all
    expect(sim.stderr).not.toContain(HOME_PASSWORD);
    const flash = JSON.parse(fs.readFileSync(path.join(sim.stateDir, "flash.json"), "utf8"));
    expect(JSON.parse(flash["wifi.networks"]).networks).toEqual([{ ssid: "HomeNet", password: HOME_PASSWORD }]);
  });

  test("after a reboot the device joins the saved network without a portal; the button reopens it and erase starts over", async () => {
    await sim.stop("SIGKILL");
    rebooted = sim.reboot();
    await rebooted.waitFor(/^mcnet: state station "HomeNet" 192\.168\.1\.57$/m, 15000);
    expect(rebooted.stdout).not.toContain("portal open");
    const mark = rebooted.stdout.length;
    rebooted.signal("SIGUSR1");
    const p = await rebooted.portal(mark);
    const info = await curl(`${p.url}api/info`);
    expect(JSON.parse(info.body.toString())).toMatchObject({ phase: "portal", station: "HomeNet (192.168.1.57)", savedNetworks: 1 });
    const page = await curl(`${p.url}networks`);
    expect(page.body.toString()).toContain(`name="id" value="${Buffer.from("HomeNet").toString("hex")}"`);
    const origin = ["-H", `Origin: ${p.url.slice(0, -1)}`];
    const forget = await curl(`${p.url}networks/forget`, [...origin, "--data", `id=${Buffer.from("HomeNet").toString("hex")}`]);
    expect(forget.status).toBe(303);
    expect(forget.headers.get("location")).toBe("/networks");
    expect(JSON.parse((await curl(`${p.url}networks`, ["-H", "Accept: application/json"])).body.toString())).toEqual({ networks: [] });
    expect((await curl(`${p.url}networks/forget`, [...origin, "--data", "id=zz"])).status).toBe(404);
    const erase = await curl(`${p.url}erase`, ["-X", "POST", "-H", `Origin: ${p.url.slice(0, -1)}`, "-H", "Accept: application/json"]);
    expect(erase.status).toBe(202);
    await rebooted.waitFor(/^mcnet: reboot$/m, 10000, mark);
    await rebooted.portal(rebooted.stdout.lastIndexOf("mcnet: reboot"));
    const flash = JSON.parse(fs.readFileSync(path.join(rebooted.stateDir, "flash.json"), "utf8"));
    expect(flash["wifi.networks"]).toBeUndefined();
  });
});
