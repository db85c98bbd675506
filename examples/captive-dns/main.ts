// Captive-portal DNS server (Mongoose's captive_dns_server, done right): every A query, over UDP
// or TCP, is answered with one address; every other query gets a well-formed empty answer.
//   npm run example -- captive-dns --port 5353 --ip 192.168.4.1 [--ttl 30] [--bind 0.0.0.0]
//                                  [--override name=address ...] [--quiet]

import { Manager } from "../../modules/core/manager";
import type { Connection } from "../../modules/core/connection";
import type { McEvent } from "../../modules/core/events";
import type { Platform } from "../../modules/core/platform";
import { captive, type CaptiveOptions } from "../../modules/dns/captive";

export interface CaptiveDnsOptions extends CaptiveOptions {
  port: number;
  /** listen address (default 0.0.0.0) */
  bind?: string;
  /** log every query (default true) */
  logQueries?: boolean;
}

export function startCaptiveDns(platform: Platform, options: CaptiveDnsOptions): { mgr: Manager; udp: Connection; tcp: Connection } {
  const mgr = new Manager(platform);
  const host = options.bind ?? "0.0.0.0";
  const log = options.logQueries ?? true;
  const onEvent = (c: Connection, ev: McEvent) => {
    if (ev.type === "dns-message" && log) {
      const q = ev.message.questions[0];
      platform.log("info", `${ev.tcp ? "tcp" : "udp"} ${c.remote.address}:${c.remote.port} ${q ? `${q.type} ${q.name}` : "(no question)"}`);
    }
  };
  const { udp, tcp } = bindUdpAndTcp(mgr, host, options.port, onEvent);
  captive(udp, options);
  captive(tcp, options);
  return { mgr, udp, tcp };
}

/** UDP and TCP on one port; with port 0, the ephemeral port UDP got (retried if TCP has it taken). */
export function bindUdpAndTcp(mgr: Manager, host: string, port: number, handler: (c: Connection, ev: McEvent) => void): { udp: Connection; tcp: Connection } {
  for (let attempt = 0; ; attempt++) {
    const udp = mgr.bind(`udp://${host}:${port}`, handler);
    try {
      return { udp, tcp: mgr.bind(`tcp://${host}:${udp.local.port}`, handler) };
    } catch (e) {
      udp.close();
      if (port !== 0 || attempt >= 10) throw e;
    }
  }
}

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export function main(platform: Platform, args: string[]): () => void {
  const overrides: Record<string, string[]> = {};
  args.forEach((a, i) => {
    if (a !== "--override") return;
    const [name, address] = (args[i + 1] ?? "").split("=");
    if (name && address) (overrides[name] ??= []).push(address);
  });
  const { mgr, udp } = startCaptiveDns(platform, {
    port: Number(arg(args, "--port") ?? 5353),
    address: arg(args, "--ip") ?? "192.168.4.1",
    ttl: arg(args, "--ttl") !== undefined ? Number(arg(args, "--ttl")) : undefined,
    bind: arg(args, "--bind"),
    overrides,
    logQueries: !args.includes("--quiet"),
  });
  platform.log("info", `captive-dns: udp and tcp on port ${udp.local.port}, answering ${arg(args, "--ip") ?? "192.168.4.1"}`);
  return () => mgr.close();
}
