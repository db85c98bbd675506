// `npm start [-- options]`: the setup firmware (src/main) on this PC. The radio is simulated
// from a JSON file (host-sim/radio.json by default, re-read when it changes); flash is a file in
// a state directory, so stopping and starting again with the same directory is a reboot, and a
// fresh directory is a blank device. Sockets are real: the portal and the catch-all DNS listen on
// 127.0.0.1 (8080 and 5353 unless told otherwise).
//
//   --state DIR         flash lives in DIR/flash.json (or $MCNET_STATE_DIR; default: per-user data dir)
//   --radio FILE        the simulated air (default host-sim/radio.json)
//   --config FILE       JSON setup config (timeouts, AP name/password/channel, ...), see src/setup/setup-config.ts
//   --listen ADDR       address the portal and DNS bind (default 127.0.0.1)
//   --http-port N       portal port (default 8080; 0 picks a free one)
//   --dns-port N        DNS port (default 5353; 0 picks a free one)
//   --ap-ssid NAME --ap-password PW --channel N --portal-timeout SECONDS
//
// Signals: SIGUSR1 = the setup button (open the portal), SIGHUP = reboot, SIGINT/SIGTERM = power off.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Platform } from "../modules/core/platform";
import { startDevice, type Device } from "../src/main";
import type { SetupConfigInput } from "../src/setup/setup-config";
import { createHostPlatform, hostTimers } from "./platform";
import { FileStore } from "./store";
import { SimulatedWifi } from "./wifi";

interface Args {
  state: string;
  radio: string;
  config: SetupConfigInput;
}

function defaultStateDir(): string {
  const home = os.homedir();
  if (process.platform === "darwin") return path.join(home, "Library", "Application Support", "mcnet");
  if (process.platform === "win32") return path.join(process.env.APPDATA ?? path.join(home, "AppData", "Roaming"), "mcnet");
  return path.join(process.env.XDG_DATA_HOME ?? path.join(home, ".local", "share"), "mcnet");
}

function usage(message: string): never {
  process.stderr.write(`${message}\nsee the header of host-sim/main.ts for the options\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const opts = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) usage(`unexpected argument ${a}`);
    const eq = a.indexOf("=");
    if (eq > 0) opts.set(a.slice(2, eq), a.slice(eq + 1));
    else {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      opts.set(a.slice(2), argv[++i]);
    }
  }
  const known = ["state", "radio", "config", "listen", "http-port", "dns-port", "ap-ssid", "ap-password", "channel", "portal-timeout"];
  for (const k of opts.keys()) if (!known.includes(k)) usage(`unknown option --${k}`);
  const num = (k: string): number | undefined => {
    const v = opts.get(k);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) usage(`--${k} must be a whole number`);
    return n;
  };
  let config: SetupConfigInput = {};
  const configFile = opts.get("config");
  if (configFile) config = JSON.parse(fs.readFileSync(configFile, "utf8")) as SetupConfigInput;
  const ap = { ...config.ap };
  if (opts.has("ap-ssid")) ap.ssid = opts.get("ap-ssid");
  if (opts.has("ap-password")) ap.password = opts.get("ap-password");
  if (opts.has("channel")) ap.channel = num("channel");
  config = {
    ...config,
    ap,
    listenAddress: opts.get("listen") ?? config.listenAddress ?? "127.0.0.1",
    httpPort: num("http-port") ?? config.httpPort ?? 8080,
    dnsPort: num("dns-port") ?? config.dnsPort ?? 5353,
  };
  const timeout = num("portal-timeout");
  if (timeout !== undefined) config.portalTimeoutMs = timeout * 1000;
  return {
    state: path.resolve(opts.get("state") ?? process.env.MCNET_STATE_DIR ?? defaultStateDir()),
    radio: path.resolve(opts.get("radio") ?? path.join(__dirname, "radio.json")),
    config,
  };
}

const args = parseArgs(process.argv.slice(2));
const flashFile = path.join(args.state, "flash.json");
const say = (line: string) => process.stdout.write(`mcnet: ${line}\n`);

let device: Device | undefined;
let wifi: SimulatedWifi | undefined;
let lastPhase = "";
let lastPortal = "";

function report(d: Device): void {
  const s = d.setup;
  const p = d.portal();
  const key = p ? `${p.http.local.port}/${p.dns.local.port}` : "";
  if (p && key !== lastPortal) {
    lastPortal = key;
    const host = d.config.listenAddress;
    say(`portal open: AP "${s.apSsid}" at ${s.apAddress}`);
    say(`portal-url http://${host}:${p.http.local.port}/`);
    say(`dns-port ${p.dns.local.port}`);
    say(`try: dig @${host} -p ${p.dns.local.port} anything.example`);
  } else if (!p && lastPortal) {
    lastPortal = "";
    say("portal closed");
  }
  const phase = s.phase === "station" && s.station ? `station "${s.station.ssid}" ${s.station.address}` : s.phase;
  if (phase !== lastPhase) {
    lastPhase = phase;
    say(`state ${phase}`);
  }
}

/** Power on: a fresh chip (radio state) reading the same flash. */
function powerOn(): void {
  const platform0 = createHostPlatform({ store: new FileStore(flashFile) });
  wifi = SimulatedWifi.fromFile(args.radio, {
    timers: hostTimers,
    now: () => platform0.now(),
    log: (m) => platform0.log("info", m),
  });
  const platform: Platform = { ...platform0, wifi };
  device = startDevice(platform, {
    config: args.config,
    portalOrigin: (port) => `http://${args.config.listenAddress === "0.0.0.0" ? "127.0.0.1" : args.config.listenAddress}:${port}`,
    restart: () => setTimeout(reboot, 0),
    onChange: report,
    onPortalTimeout: () => say("portal timed out"),
  });
  report(device);
}

function powerOff(): void {
  device?.stop();
  device = undefined;
  wifi?.close();
  wifi = undefined;
  lastPhase = "";
  lastPortal = "";
}

function reboot(): void {
  say("reboot");
  powerOff();
  powerOn();
}

say(`flash ${flashFile}`);
say(`radio ${args.radio}`);
powerOn();

process.on("SIGUSR1", () => {
  say("setup button");
  device?.openPortal();
});
process.on("SIGHUP", reboot);
const shutdown = () => {
  powerOff();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
