// WebSocket echo of 1 KB messages: mcnet's echo server (host-sim) against a `ws` echo server in
// the same process and run, driven by the same `ws` clients. Printed: messages/s for each and
// the ratio mcnet/ws, for binary and for text (text adds UTF-8 validation on both ends).
import WebSocket, { WebSocketServer } from "ws";
import { createHostPlatform } from "../host-sim/platform";
import { startWebSocketEcho } from "../examples/websocket-echo/main";

const SIZE = 1024;
const CONNECTIONS = 4;
const WINDOW = 32; // messages in flight per connection
const PER_CONNECTION = 10_000;

function drive(url: string, payload: Buffer | string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    let done = 0;
    for (let i = 0; i < CONNECTIONS; i++) {
      const c = new WebSocket(url);
      let sent = 0;
      let got = 0;
      c.on("open", () => {
        for (; sent < WINDOW; sent++) c.send(payload);
      });
      c.on("message", () => {
        got++;
        if (sent < PER_CONNECTION) {
          c.send(payload);
          sent++;
        }
        if (got === PER_CONNECTION) {
          c.close();
          if (++done === CONNECTIONS) resolve(Number(process.hrtime.bigint() - start) / 1e9);
        }
      });
      c.on("error", reject);
    }
  });
}

async function main() {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  wss.on("connection", (s) => s.on("message", (d, isBinary) => s.send(d, { binary: isBinary })));
  await new Promise((r) => wss.once("listening", r));
  const wsUrl = `ws://127.0.0.1:${(wss.address() as { port: number }).port}/`;
  const echo = startWebSocketEcho(createHostPlatform({ logLevel: "warn" }), { port: 0, address: "127.0.0.1" });
  const mcUrl = `ws://127.0.0.1:${echo.listener.local.port}/`;

  const total = CONNECTIONS * PER_CONNECTION;
  console.log(`websocket echo: ${CONNECTIONS} connections x ${PER_CONNECTION} messages of ${SIZE} bytes, ${WINDOW} in flight each; best of 3`);
  for (const [kind, payload] of [["binary", Buffer.alloc(SIZE, 0x5a)], ["text", "é".repeat(SIZE / 2)]] as const) {
    const times: Record<string, number[]> = { ws: [], mcnet: [] };
    await drive(wsUrl, payload); // warm-up
    await drive(mcUrl, payload);
    for (let round = 0; round < 3; round++) {
      times.ws.push(await drive(wsUrl, payload));
      times.mcnet.push(await drive(mcUrl, payload));
    }
    const rate = (name: string) => total / Math.min(...times[name]);
    const w = rate("ws");
    const m = rate("mcnet");
    console.log(`  ${kind.padEnd(6)} ws ${w.toFixed(0).padStart(7)} msg/s   mcnet ${m.toFixed(0).padStart(7)} msg/s   ratio mcnet/ws ${(m / w).toFixed(2)}`);
  }
  echo.mgr.close();
  wss.close();
}
main();
