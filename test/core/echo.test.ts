// TCP and UDP echo on host-sim, driven by real clients: node:net/dgram and nc (netcat-openbsd).
import * as net from "node:net";
import * as dgram from "node:dgram";
import { run } from "../helpers/run";
import { createHostPlatform } from "../../host-sim/platform";
import { startEcho } from "../../examples/echo/main";
import { Manager } from "../../modules/core/manager";
import type { LogLevel } from "../../modules/core/platform";

function quietPlatform(lines: string[] = []) {
  return createHostPlatform({ logLevel: "debug", logSink: (l: LogLevel, m: string) => lines.push(`${l}: ${m}`) });
}

describe("echo on host-sim", () => {
  const lines: string[] = [];
  const platform = quietPlatform(lines);
  const echo = startEcho(platform, { port: 0, address: "127.0.0.1" });
  const port = echo.tcp.local.port;
  afterAll(() => echo.mgr.close());

  test("binds an ephemeral port synchronously", () => {
    expect(port).toBeGreaterThan(0);
    expect(echo.udp.local.port).toBe(port);
  });

  test("nc gets its line back over TCP", async () => {
    const r = await run("nc", ["-q", "1", "127.0.0.1", String(port)], { input: "hello from nc\n", timeout: 5000 });
    expect(r.stdout.toString()).toBe("hello from nc\n");
  });

  test("nc -u gets its datagram back over UDP", async () => {
    const r = await run("nc", ["-u", "-w", "1", "127.0.0.1", String(port)], { input: "ping-udp\n", timeout: 5000 });
    expect(r.stdout.toString()).toBe("ping-udp\n");
  });

  test("node:dgram datagrams are echoed one for one", async () => {
    const sock = dgram.createSocket("udp4");
    const got: string[] = [];
    await new Promise<void>((resolve) => {
      sock.on("message", (m) => {
        got.push(m.toString());
        if (got.length === 3) resolve();
      });
      for (const s of ["a", "bb", "ccc"]) sock.send(s, port, "127.0.0.1");
    });
    sock.close();
    expect(got.sort()).toEqual(["a", "bb", "ccc"]);
  });

  test("one log line per TCP connection opened and closed", async () => {
    const before = lines.length;
    await new Promise<void>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => s.end("x"));
      s.on("data", () => {});
      s.on("close", () => resolve());
    });
    await new Promise((r) => setTimeout(r, 50));
    const added = lines.slice(before).filter((l) => l.includes("tcp 127.0.0.1:"));
    expect(added.some((l) => l.endsWith("connected"))).toBe(true);
    expect(added.some((l) => l.includes("closed"))).toBe(true);
  });

  test("50 MB to a slow reader completes and the server's buffers stay under their limits", async () => {
    const total = 50 * 1024 * 1024;
    const conn = () => Array.from(echo.mgr.connections()).find((c) => c !== echo.tcp && c !== echo.udp);
    let maxSend = 0;
    let maxRecv = 0;
    const sample = setInterval(() => {
      const c = conn();
      if (c) {
        maxSend = Math.max(maxSend, c.send.capacity);
        maxRecv = Math.max(maxRecv, c.recv.capacity);
      }
    }, 5);
    const received = await new Promise<number>((resolve, reject) => {
      const s = net.connect(port, "127.0.0.1");
      let got = 0;
      let sent = 0;
      const chunk = Buffer.alloc(256 * 1024, 0x61);
      const pump = () => {
        while (sent < total) {
          sent += chunk.length;
          if (!s.write(chunk)) return s.once("drain", pump);
        }
      };
      s.on("connect", pump);
      // A slow reader: pause for a moment every megabyte.
      s.on("data", (d) => {
        got += d.length;
        if (got % (1024 * 1024) < d.length) {
          s.pause();
          setTimeout(() => s.resume(), 2);
        }
        if (got >= total) {
          s.destroy();
          resolve(got);
        }
      });
      s.on("error", reject);
    });
    clearInterval(sample);
    expect(received).toBe(total);
    const limits = echo.mgr.limits;
    expect(maxSend).toBeLessThanOrEqual(limits.sendLimit);
    expect(maxRecv).toBeLessThanOrEqual(limits.recvLimit);
    expect(maxSend).toBeGreaterThan(0);
  }, 60000);
});

describe("recv limit", () => {
  test("a connection that passes its recv limit is closed with a log line; others keep working", async () => {
    const lines: string[] = [];
    const platform = quietPlatform(lines);
    const mgr = new Manager(platform, { limits: { recvLimit: 1024 } });
    // A handler that never consumes recv: the buffer fills up.
    const srv = mgr.bind("tcp://127.0.0.1:0", (c, ev) => {
      if (ev.type === "recv" && c.recv.bytes[0] === 0x21) {
        c.write("ok");
        c.recv.clear();
      }
    });
    const port = srv.local.port;
    const hog = net.connect(port, "127.0.0.1");
    const closed = new Promise<void>((r) => hog.on("close", () => r()));
    hog.on("error", () => {});
    hog.write(Buffer.alloc(8192, 0x41));
    await closed;
    const reply = await new Promise<string>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => s.write("!"));
      s.on("data", (d) => {
        resolve(d.toString());
        s.destroy();
      });
    });
    expect(reply).toBe("ok");
    expect(lines.some((l) => /^error: conn \d+ 127\.0\.0\.1:\d+: recv buffer limit \(1024 bytes\) exceeded, closing$/.test(l))).toBe(true);
    mgr.close();
  });
});
