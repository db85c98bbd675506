// The ESP8266 configuration of the portal (targets/esp8266: httpMaxConnections 2, what a 32 KB
// heap affords, and no keep-alive): a phone that opens four connections at once is still served,
// because the connections past the limit wait in the listener's backlog for a free slot.
import * as http from "node:http";
import { HostSim } from "./host-sim-process";

test("a portal limited to 2 connections serves a client that opens 4", async () => {
  const sim = HostSim.start("small-heap", { httpMaxConnections: 2, httpKeepAlive: false, backgroundRetryMs: 0 });
  try {
    const { port } = await sim.portal();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    const get = (p: string) =>
      new Promise<number>((resolve, reject) => {
        const req = http.get({ host: "127.0.0.1", port, path: p, agent, headers: { Host: `192.168.4.1:${port}` }, timeout: 5000 }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("timeout", () => req.destroy(new Error("timeout")));
        req.on("error", reject);
      });
    const paths = ["/", "/api/scan", "/status", "/captive-portal/api"];
    const statuses: number[] = [];
    for (let round = 0; round < 3; round++) {
      const results = await Promise.allSettled(paths.map(get));
      for (const r of results) statuses.push(r.status === "fulfilled" ? r.value : -1);
    }
    agent.destroy();
    // Every request is answered: none refused, none reset, none a 503.
    expect(statuses).toEqual(Array(12).fill(200));
  } finally {
    await sim.stop();
    sim.cleanup();
  }
}, 30000);
