// The host-sim TCP reads every socket into one shared buffer and copies out only what the
// application leaves unread. These pin that no socket ever sees another's bytes, and that bytes
// keep their order whether they are read inside onReadable, partly, or later.
import { createHostPlatform } from "../../host-sim/platform";
import type { Platform, TCPSocket } from "../../modules/core/platform";

const settle = (ms = 20) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (cond()) return;
    await settle(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A pattern that differs per stream and per position, so any misplaced byte shows. */
function pattern(seed: number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (seed * 31 + i * 7 + (i >> 8)) & 0xff;
  return b;
}

describe("host-sim TCP shared read buffer", () => {
  let platform: Platform;
  const open: { close(): void }[] = [];
  beforeEach(() => {
    platform = createHostPlatform({ logLevel: "silent", sockets: { receiveWindow: 16384 } });
  });
  afterEach(() => {
    for (const s of open.splice(0)) {
      try {
        s.close();
      } catch {
        // already closed
      }
    }
  });

  /** Servers accepted from one listener, each handled by `onServerReadable`. */
  function listen(onServerReadable: (sock: TCPSocket, index: number, count: number) => void) {
    const servers: TCPSocket[] = [];
    const listener = new platform.Listener({
      address: "127.0.0.1",
      port: 0,
      onReadable() {
        const from = this.read()!;
        const index = servers.length;
        const s = new platform.TCP({ from, onReadable(count) { onServerReadable(this, index, count); } });
        servers.push(s);
        open.push(s);
      },
    });
    open.push(listener);
    return { listener, servers };
  }

  function sendAll(port: number, data: Uint8Array): TCPSocket {
    let at = 0;
    const c = new platform.TCP({
      address: "127.0.0.1",
      port,
      onWritable(free) {
        while (at < data.length && free > 0) {
          const n = Math.min(free, 4096, data.length - at);
          this.write(data.subarray(at, at + n));
          at += n;
          free -= n;
        }
      },
    });
    open.push(c);
    return c;
  }

  test("bytes left unread stay intact while other sockets reuse the buffer", async () => {
    const { listener, servers } = listen(() => {}); // nobody reads inside onReadable
    const sent = [pattern(1, 3000), pattern(2, 5000), pattern(3, 700)];
    for (const d of sent) sendAll(listener.port, d);
    await until(() => servers.length === 3, "three connections");
    await settle(100);
    const got = servers.map((s) => new Uint8Array(s.read() ?? new ArrayBuffer(0)));
    // accept order may differ from connect order: match by length
    for (const d of sent) {
      const g = got.find((x) => x.length === d.length);
      expect(g).toEqual(d);
    }
  });

  test("partial reads inside onReadable, then the rest later, keep the order", async () => {
    const chunks: Uint8Array[] = [];
    const { listener, servers } = listen((sock, _i, count) => {
      // take a third of what is there now; the rest must wait, copied out of the shared buffer
      const view = new Uint8Array(Math.max(1, Math.floor(count / 3)));
      const n = sock.read(view) as number;
      chunks.push(view.slice(0, n));
    });
    const data = pattern(9, 200_000);
    sendAll(listener.port, data);
    await until(() => servers.length === 1, "connection");
    let total = 0;
    await until(() => {
      total = chunks.reduce((a, c) => a + c.length, 0);
      const rest = servers[0].read();
      if (rest) chunks.push(new Uint8Array(rest));
      return chunks.reduce((a, c) => a + c.length, 0) >= data.length;
    }, "all bytes");
    const all = new Uint8Array(data.length);
    let o = 0;
    for (const c of chunks) {
      all.set(c, o);
      o += c.length;
    }
    expect(o).toBe(data.length);
    expect(all).toEqual(data);
    expect(total).toBeGreaterThan(0);
  });
});
