// Runs `host-sim/main.ts` (what `npm start` runs) as a child process with its own state
// directory, radio file and config, and follows what it prints: the portal URL, the DNS port,
// state changes. Used by the curl/dig tests and the browser test.
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { RadioConfig } from "../../host-sim/wifi";
import type { SetupConfigInput } from "../../src/setup/setup-config";

const ROOT = path.resolve(__dirname, "..", "..");

/** The shipped radio with shorter delays, so tests do not wait on simulated air time. */
export function fastRadio(): RadioConfig {
  const radio = JSON.parse(fs.readFileSync(path.join(ROOT, "host-sim", "radio.json"), "utf8")) as RadioConfig;
  radio.scanDelayMs = 100;
  radio.joinDelayMs = 300;
  return radio;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export class HostSim {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  private waiters: { re: RegExp; from: number; resolve: (m: RegExpExecArray) => void }[] = [];
  private exited: Promise<number | null>;

  /** the temporary directory start() made (state, radio, config), removed by cleanup() */
  tempRoot: string | undefined;

  constructor(readonly stateDir: string, radioFile: string, configFile: string, extraArgs: string[] = []) {
    const args = ["--import", "tsx", path.join(ROOT, "host-sim", "main.ts"), "--state", stateDir, "--radio", radioFile, "--config", configFile, "--http-port", "0", "--dns-port", "0", ...extraArgs];
    this.child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, MCNET_LOG: "info" } });
    this.child.stdout!.on("data", (d: Buffer) => {
      this.stdout += d.toString();
      this.check();
    });
    this.child.stderr!.on("data", (d: Buffer) => {
      this.stderr += d.toString();
    });
    this.exited = new Promise((resolve) => this.child.on("exit", (code) => resolve(code)));
  }

  static start(name: string, config: SetupConfigInput, radio: RadioConfig = fastRadio(), stateDir?: string): HostSim {
    const dir = tempDir(`mcnet-${name}-`);
    const radioFile = path.join(dir, "radio.json");
    const configFile = path.join(dir, "config.json");
    fs.writeFileSync(radioFile, JSON.stringify(radio));
    fs.writeFileSync(configFile, JSON.stringify(config));
    const state = stateDir ?? path.join(dir, "state");
    const sim = new HostSim(state, radioFile, configFile);
    sim.tempRoot = dir;
    return sim;
  }

  /** A second boot of the same device: same flash, radio and config. */
  reboot(): HostSim {
    const args = this.child.spawnargs;
    const radio = args[args.indexOf("--radio") + 1];
    const config = args[args.indexOf("--config") + 1];
    const next = new HostSim(this.stateDir, radio, config);
    next.tempRoot = this.tempRoot;
    return next;
  }

  cleanup(): void {
    if (this.tempRoot) fs.rmSync(this.tempRoot, { recursive: true, force: true });
  }

  /** Resolves with the first line matching `re` printed after offset `from` of stdout. */
  waitFor(re: RegExp, timeoutMs = 15000, from = 0): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`host-sim did not print ${re} within ${timeoutMs} ms\nstdout:\n${this.stdout}\nstderr:\n${this.stderr.slice(-4000)}`)), timeoutMs);
      this.waiters.push({ re, from, resolve: (m) => { clearTimeout(timer); resolve(m); } });
      this.check();
    });
  }

  /** The portal that opens (or opened) after stdout offset `from`. */
  async portal(from = 0, timeoutMs = 15000): Promise<{ url: string; port: number; dnsPort: number }> {
    const m = await this.waitFor(/^mcnet: portal-url (http:\/\/127\.0\.0\.1:(\d+)\/)$/m, timeoutMs, from);
    const d = await this.waitFor(/^mcnet: dns-port (\d+)$/m, timeoutMs, m.index);
    return { url: m[1], port: Number(m[2]), dnsPort: Number(d[1]) };
  }

  signal(sig: NodeJS.Signals): void {
    this.child.kill(sig);
  }

  async stop(sig: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(sig);
    return this.exited;
  }

  private check(): void {
    this.waiters = this.waiters.filter((w) => {
      const re = new RegExp(w.re.source, w.re.flags.includes("g") ? w.re.flags : w.re.flags + "g");
      re.lastIndex = Math.max(0, w.from);
      const m = re.exec(this.stdout);
      if (!m) return true;
      w.resolve(m);
      return false;
    });
  }
}
