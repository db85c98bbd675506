// WebSocket client: connects to a URL, sends each line of stdin as a text message and prints
// every message received. `npm run example -- websocket-client ws://127.0.0.1:8000/ [--protocol p]`.
// When stdin ends, the client closes with 1000 and exits once the server answers.

import { Manager } from "../../modules/core/manager";
import type { Connection } from "../../modules/core/connection";
import type { McEvent } from "../../modules/core/events";
import type { Platform } from "../../modules/core/platform";
import * as ws from "../../modules/websocket/websocket";

export interface WebSocketClientExample {
  mgr: Manager;
  conn: Connection;
  /** queue a line (sent once the handshake is done) */
  sendLine(line: string): void;
  /** close with 1000 once everything queued is sent */
  finish(): void;
}

export function startWebSocketClient(
  platform: Platform,
  url: string,
  options: { protocols?: string[]; print: (line: string) => void; onEnd: (code: number) => void },
): WebSocketClientExample {
  const mgr = new Manager(platform);
  const queued: string[] = [];
  let open = false;
  let finishing = false;
  const handler = (c: Connection, ev: McEvent) => {
    if (ev.type === "ws-open") {
      open = true;
      options.print(`# connected${ev.protocol ? ` (${ev.protocol})` : ""}`);
      for (const line of queued.splice(0)) ws.send(c, line);
      if (finishing) ws.close(c);
    } else if (ev.type === "ws-message") {
      options.print(ev.opcode === ws.Opcode.TEXT ? ev.text : `# binary message, ${ev.data.length} bytes`);
    } else if (ev.type === "ws-error") {
      options.print(`# error: ${ev.error.code}: ${ev.error.message}`);
    } else if (ev.type === "ws-close") {
      options.print(`# closed ${ev.code}${ev.reason ? ` ${ev.reason}` : ""}`);
    } else if (ev.type === "close") {
      options.onEnd(open ? 0 : 1);
    }
  };
  const conn = ws.connectWebSocket(mgr, url, handler, { protocols: options.protocols, maxMessageSize: 1 << 20 });
  return {
    mgr,
    conn,
    sendLine(line) {
      if (open) ws.send(conn, line);
      else queued.push(line);
    },
    finish() {
      finishing = true;
      if (open) ws.close(conn);
    },
  };
}

export function main(platform: Platform, args: string[]): () => void {
  const url = args.find((a) => !a.startsWith("--")) ?? "ws://127.0.0.1:8000/";
  const pi = args.indexOf("--protocol");
  const protocols = pi >= 0 ? [args[pi + 1]] : undefined;
  const client = startWebSocketClient(platform, url, {
    protocols,
    print: (line) => process.stdout.write(line + "\n"),
    onEnd: (code) => {
      client.mgr.close();
      process.exit(code);
    },
  });
  // Host-sim only: stdin lines become messages.
  let pending = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk: string) => {
    pending += chunk;
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      client.sendLine(pending.slice(0, nl).replace(/\r$/, ""));
      pending = pending.slice(nl + 1);
    }
  });
  process.stdin.on("end", () => {
    if (pending) client.sendLine(pending);
    client.finish();
  });
  return () => client.mgr.close();
}
