// Real DNS peers for the integration tests: dig and kdig (output parsed), tshark (decodes replies
// written to a pcap), dnsmasq (an upstream with fixed answers), and raw datagram / TCP exchanges.
import * as dgram from "node:dgram";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { run } from "../helpers/run";

export interface DigAnswer {
  status: string;
  flags: string[];
  counts: { query: number; answer: number; authority: number; additional: number };
  edns: boolean;
  ednsUdp?: number;
  answers: Array<{ name: string; ttl: number; type: string; data: string }>;
  tcp: boolean;
  /** warnings other than "recursion requested but not available" */
  warnings: string[];
  raw: string;
}

function parseAnswerLines(section: string): DigAnswer["answers"] {
  const out: DigAnswer["answers"] = [];
  for (const line of section.split("\n")) {
    const m = /^(\S+)\s+(\d+)\s+IN\s+(\S+)\s+(.*)$/.exec(line.trim());
    if (m) out.push({ name: m[1], ttl: Number(m[2]), type: m[3], data: m[4].trim() });
  }
  return out;
}

/** dig @127.0.0.1 -p port name type [options]; "+tries=1 +time=2" keep a failure short. */
export async function dig(port: number, name: string, type: string, extra: string[] = []): Promise<DigAnswer> {
  const r = await run("dig", ["@127.0.0.1", "-p", String(port), "+tries=1", "+time=2", ...extra, name, type], { timeout: 8000 });
  const text = r.stdout + r.stderr;
  const header = /status: (\w+), id: \d+\n;; flags: ([a-z ]*); QUERY: (\d+), ANSWER: (\d+), AUTHORITY: (\d+), ADDITIONAL: (\d+)/.exec(text);
  if (!header) throw new Error(`dig gave no answer:\n${text}`);
  const answerSection = /;; ANSWER SECTION:\n([\s\S]*?)(\n\n|$)/.exec(text)?.[1] ?? "";
  const edns = /; EDNS: version: \d+, flags:[^;]*; udp: (\d+)/.exec(text);
  return {
    status: header[1],
    flags: header[2].trim().split(/\s+/).filter(Boolean),
    counts: { query: Number(header[3]), answer: Number(header[4]), authority: Number(header[5]), additional: Number(header[6]) },
    edns: !!edns,
    ednsUdp: edns ? Number(edns[1]) : undefined,
    answers: parseAnswerLines(answerSection),
    tcp: /\(TCP\)/.test(text),
    warnings: text.split("\n").filter((l) => /^;; (warning|error)|malformed|bad packet|mismatch|unexpected|;; Got/i.test(l) && !/recursion requested but not available/.test(l) && !/;; Got answer:/.test(l)),
    raw: text,
  };
}

export async function kdig(port: number, name: string, type: string, extra: string[] = []): Promise<DigAnswer> {
  const r = await run("kdig", ["@127.0.0.1", "-p", String(port), "+retry=0", "+timeout=2", ...extra, name, type], { timeout: 8000 });
  const text = r.stdout + r.stderr;
  const header = /status: (\w+); id: \d+\n;; Flags: ([a-z ]*); QUERY: (\d+); ANSWER: (\d+); AUTHORITY: (\d+); ADDITIONAL: (\d+)/.exec(text);
  if (!header) throw new Error(`kdig gave no answer:\n${text}`);
  const answerSection = /;; ANSWER SECTION:\n([\s\S]*?)(\n\n|$)/.exec(text)?.[1] ?? "";
  const edns = /;; Version: \d+; flags: [^;]*; UDP size: (\d+) B/.exec(text);
  return {
    status: header[1],
    flags: header[2].trim().split(/\s+/).filter(Boolean),
    counts: { query: Number(header[3]), answer: Number(header[4]), authority: Number(header[5]), additional: Number(header[6]) },
    edns: !!edns,
    ednsUdp: edns ? Number(edns[1]) : undefined,
    answers: parseAnswerLines(answerSection),
    tcp: /\(TCP\)/.test(text),
    warnings: text.split("\n").filter((l) => /^;; (warning|error)|malformed/i.test(l)),
    raw: text,
  };
}

/** Send one datagram and collect what comes back within `waitMs`. */
export function udpExchange(port: number, packet: Uint8Array, waitMs = 300, host = "127.0.0.1"): Promise<Buffer[]> {
  return new Promise((resolve) => {
    const s = dgram.createSocket("udp4");
    const got: Buffer[] = [];
    s.on("message", (m) => got.push(m));
    s.send(packet, port, host);
    setTimeout(() => {
      s.close();
      resolve(got);
    }, waitMs);
  });
}

/** Send one datagram and resolve with the first reply (or reject after `timeoutMs`). */
export function udpQuery(port: number, packet: Uint8Array, timeoutMs = 2000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket("udp4");
    const t = setTimeout(() => {
      s.close();
      reject(new Error("no reply"));
    }, timeoutMs);
    s.on("message", (m) => {
      clearTimeout(t);
      s.close();
      resolve(m);
    });
    s.send(packet, port, "127.0.0.1");
  });
}

/** Write bytes to a TCP server and collect everything until it closes or `waitMs` passes. */
export function tcpExchange(port: number, data: Uint8Array, waitMs = 500): Promise<{ data: Buffer; closed: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let closed = false;
    const s = net.connect(port, "127.0.0.1", () => s.write(data));
    s.on("data", (d) => chunks.push(d));
    s.on("error", () => {});
    s.on("close", () => {
      closed = true;
    });
    setTimeout(() => {
      s.destroy();
      resolve({ data: Buffer.concat(chunks), closed });
    }, waitMs);
  });
}

/** Split a TCP byte stream into length-prefixed DNS messages. */
export function unframe(stream: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let p = 0;
  while (p + 2 <= stream.length) {
    const n = stream.readUInt16BE(p);
    if (p + 2 + n > stream.length) break;
    out.push(stream.subarray(p + 2, p + 2 + n));
    p += 2 + n;
  }
  return out;
}

/**
 * Decode DNS replies with tshark: they are written to a pcap as UDP datagrams from port 53
 * (raw IPv4 link type), then dissected. Returns tshark's verbose text and per-frame problems.
 */
export async function tsharkDecode(replies: Uint8Array[]): Promise<{ text: string; frames: number; problems: string[] }> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mcnet-dns-")), "replies.pcap");
  const parts: Buffer[] = [];
  const global = Buffer.alloc(24);
  global.writeUInt32LE(0xa1b2c3d4, 0);
  global.writeUInt16LE(2, 4);
  global.writeUInt16LE(4, 6);
  global.writeUInt32LE(65535, 16);
  global.writeUInt32LE(101, 20); // LINKTYPE_RAW
  parts.push(global);
  replies.forEach((payload, i) => {
    const ip = Buffer.alloc(28);
    const total = 28 + payload.length;
    ip[0] = 0x45;
    ip.writeUInt16BE(total, 2);
    ip[8] = 64;
    ip[9] = 17;
    ip.set([127, 0, 0, 1], 12);
    ip.set([127, 0, 0, 1], 16);
    let sum = 0;
    for (let k = 0; k < 20; k += 2) sum += ip.readUInt16BE(k);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
    ip.writeUInt16BE(~sum & 0xffff, 10);
    ip.writeUInt16BE(53, 20);
    ip.writeUInt16BE(40000 + i, 22);
    ip.writeUInt16BE(8 + payload.length, 24);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(1700000000 + i, 0);
    rec.writeUInt32LE(total, 8);
    rec.writeUInt32LE(total, 12);
    parts.push(rec, ip, Buffer.from(payload));
  });
  fs.writeFileSync(file, Buffer.concat(parts));
  const r = await run("tshark", ["-n", "-r", file, "-V"], { timeout: 30000, env: { ...process.env, HOME: os.tmpdir() } });
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  if (r.code !== 0) throw new Error(`tshark failed: ${r.stderr}`);
  const frames = r.stdout.split("\n").filter((l) => l.startsWith("Frame ")).length;
  const problems = r.stdout.split("\n").filter((l) => /Malformed|Expert Info \((Warning|Error)|\[Malformed/.test(l));
  return { text: r.stdout, frames, problems };
}

/** A port nobody is bound to right now (UDP and TCP), for a peer that needs one on its command line. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = net.createServer();
      s.once("error", reject);
      s.listen(0, "127.0.0.1", () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const u = dgram.createSocket("udp4");
      u.once("error", () => resolve(false));
      u.bind(port, "127.0.0.1", () => u.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
}

export interface Dnsmasq {
  port: number;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** dnsmasq on 127.0.0.1:<free port> answering only from its command line (no upstream, no hosts). */
export async function startDnsmasq(records: string[]): Promise<Dnsmasq> {
  const port = await freePort();
  const proc = spawn(
    "dnsmasq",
    ["--keep-in-foreground", "--no-daemon", "--no-resolv", "--no-hosts", "--no-poll", "--listen-address=127.0.0.1", "--bind-interfaces", `--port=${port}`, "--user=root", "--pid-file=", "--log-facility=-", ...records],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  proc.stdout!.on("data", (d) => (output += d));
  proc.stderr!.on("data", (d) => (output += d));
  // ready when it answers
  const deadline = Date.now() + 5000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`dnsmasq exited: ${output}`);
    const probe = Buffer.from("000001000001000000000000056d636e6574000001" + "0001", "hex");
    const got = await udpExchange(port, probe, 100);
    if (got.length > 0) break;
    if (Date.now() > deadline) throw new Error(`dnsmasq did not start: ${output}`);
  }
  return {
    port,
    proc,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once("exit", () => resolve());
        proc.kill("SIGTERM");
      }),
  };
}
