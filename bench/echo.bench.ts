// TCP echo throughput on host-sim: mcnet's Manager against a bare node:net echo in the same run.
// The figure that matters is the ratio: the core's cost over the kernel and Node's own streams.
import * as net from "node:net";
import { createHostPlatform } from "../host-sim/platform";
import { startEcho } from "../examples/echo/main";

const TOTAL = 200 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0x5a);

function pump(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const s = net.connect(port, "127.0.0.1");
    let sent = 0;
    let got = 0;
    const write = () => {
      while (sent < TOTAL) {
        sent += CHUNK.length;
        if (!s.write(CHUNK)) return s.once("drain", write);
      }
    };
    s.on("connect", write);
    s.on("data", (d) => {
      got += d.length;
      if (got >= TOTAL) {
        s.destroy();
        resolve(Number(process.hrtime.bigint() - start) / 1e9);
      }
    });
    s.on("error", reject);
  });
}

async function main() {
  const bare = net.createServer((s) => s.pipe(s)).listen(0, "127.0.0.1");
  await new Promise((r) => bare.once("listening", r));
  const barePort = (bare.address() as net.AddressInfo).port;
  const echo = startEcho(createHostPlatform({ logLevel: "warn" }), { port: 0, address: "127.0.0.1" });
  const rows: [string, number][] = [];
  for (let round = 0; round < 2; round++) {
    rows.push(["node:net pipe", await pump(barePort)]);
    rows.push(["mcnet echo", await pump(echo.tcp.local.port)]);
  }
  const best = (name: string) => Math.min(...rows.filter(([n]) => n === name).map(([, t]) => t));
  const mb = TOTAL / 1024 / 1024;
  const b = best("node:net pipe");
  const m = best("mcnet echo");
  console.log(`echo ${mb} MB round trip, best of 2`);
  console.log(`  node:net pipe   ${(mb / b).toFixed(0)} MB/s`);
  console.log(`  mcnet echo      ${(mb / m).toFixed(0)} MB/s`);
  console.log(`  ratio mcnet/node:net ${(b / m).toFixed(2)}`);
  echo.mgr.close();
  bare.close();
}
main();
