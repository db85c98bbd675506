// TCP and UDP echo on one port: everything received is sent back (Mongoose's tcp_echo_server).
// Runs anywhere there is a Platform: `npm run example -- echo --port 7000` in host-sim.

import { Manager } from "../../modules/core/manager";
import type { Connection } from "../../modules/core/connection";
import type { McEvent } from "../../modules/core/events";
import type { Platform } from "../../modules/core/platform";

export interface EchoOptions {
  port: number;
  address?: string;
}

export function startEcho(platform: Platform, options: EchoOptions): { mgr: Manager; tcp: Connection; udp: Connection } {
  const mgr = new Manager(platform);
  const host = options.address ?? "0.0.0.0";
  const onTcp = (c: Connection, ev: McEvent) => {
    if (ev.type === "accept") platform.log("info", `tcp ${c.remote.address}:${c.remote.port} connected`);
    else if (ev.type === "recv") {
      // Echo and drop what was echoed; the core's backpressure keeps `send` bounded.
      c.write(c.recv.bytes);
      c.recv.clear();
    } else if (ev.type === "close" && c.listener) platform.log("info", `tcp ${c.remote.address}:${c.remote.port} closed${ev.error ? ` (${ev.error.code})` : ""}`);
  };
  const tcp = mgr.bind(`tcp://${host}:${options.port}`, onTcp);
  const udp = mgr.bind(`udp://${host}:${tcp.local.port}`, (c, ev) => {
    if (ev.type === "recv") {
      platform.log("info", `udp ${c.remote.address}:${c.remote.port} ${ev.bytes} bytes`);
      c.write(c.recv.bytes);
    }
  });
  return { mgr, tcp, udp };
}

export function main(platform: Platform, args: string[]): () => void {
  const portArg = args.indexOf("--port");
  const port = portArg >= 0 ? Number(args[portArg + 1]) : 7000;
  const { mgr, tcp } = startEcho(platform, { port });
  platform.log("info", `echo: tcp and udp on port ${tcp.local.port}`);
  return () => mgr.close();
}
