// WebSocket echo server: every text and binary message on any path comes back as it was sent.
// It is an HTTP server with WebSocket enabled (mg_set_protocol_http_websocket): a plain GET gets
// a short page, an upgrade request on any path becomes an echoing WebSocket.
// `npm run example -- websocket-echo --port 8000 [--max-message BYTES]` in host-sim.

import { Manager } from "../../modules/core/manager";
import type { Connection } from "../../modules/core/connection";
import type { McEvent } from "../../modules/core/events";
import type { Platform } from "../../modules/core/platform";
import { attach } from "../../modules/http/server";
import { reply } from "../../modules/http/reply";
import * as ws from "../../modules/websocket/websocket";

export interface WebSocketEchoOptions {
  port: number;
  address?: string;
  maxMessageSize?: number;
  /** subprotocols to accept, in preference order */
  protocols?: string[];
  /** concurrent connections (default 64) */
  maxConnections?: number;
  /** log each connection's open and close */
  verbose?: boolean;
}

export function startWebSocketEcho(platform: Platform, options: WebSocketEchoOptions): { mgr: Manager; listener: Connection } {
  const maxMessageSize = options.maxMessageSize ?? 1 << 20;
  // The send side must hold a whole echoed message, and recv a read's worth.
  const mgr = new Manager(platform, { limits: { sendLimit: maxMessageSize * 2 + 65536, sendHighWater: maxMessageSize + 16384 } });
  const handler = (c: Connection, ev: McEvent) => {
    if (ev.type === "ws-message") ws.send(c, ev.data, ev.opcode);
    else if (ev.type === "http-request") reply(c, 200, "WebSocket echo server: connect with ws:// on any path\n");
    else if (ev.type === "ws-open" && options.verbose) platform.log("info", `ws ${c.remote.address}:${c.remote.port} open ${ev.request?.target ?? ""}`);
    else if (ev.type === "ws-close" && options.verbose) platform.log("info", `ws ${c.remote.address}:${c.remote.port} closed ${ev.code}${ev.reason ? ` ${ev.reason}` : ""}`);
  };
  const listener = mgr.bind(`tcp://${options.address ?? "0.0.0.0"}:${options.port}`, handler);
  attach(listener, { maxConnections: options.maxConnections ?? 64, accessLog: options.verbose ?? false });
  ws.enableWebSocket(listener, { maxMessageSize, protocols: options.protocols });
  return { mgr, listener };
}

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export function main(platform: Platform, args: string[]): () => void {
  const port = Number(arg(args, "--port") ?? 8000);
  const max = arg(args, "--max-message");
  const { mgr, listener } = startWebSocketEcho(platform, { port, maxMessageSize: max ? Number(max) : undefined, verbose: true });
  platform.log("info", `websocket-echo: ws://0.0.0.0:${listener.local.port}/ (any path)`);
  return () => mgr.close();
}
