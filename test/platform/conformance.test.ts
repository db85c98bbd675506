// ECMA-419 socket semantics, pinned one by one, for every Platform implementation in host-sim:
// the real-socket one (node:net/dgram) and the in-memory loopback one. The device Platform
// (targets/moddable) runs Moddable's own classes, whose behaviour these tests describe.
import { createHostPlatform } from "../../host-sim/platform";
import { createLoopbackPlatform, type LoopbackPlatform } from "../../host-sim/loopback";
import type { Platform, TCPSocket, ListenerSocket, UDPSocket, UDPPacket } from "../../modules/core/platform";

interface Harness {
  platform: Platform;
  /** let the platform deliver what is pending */
  settle(ms?: number): Promise<void>;
}

const harnesses: [string, () => Harness][] = [
  ["host-sim", () => ({ platform: createHostPlatform({ logLevel: "silent", sockets: { sendBuffer: 8192, receiveWindow: 8192 } }), settle: (ms = 30) => new Promise((r) => setTimeout(r, ms)) })],
  ["loopback", () => {
    const p: LoopbackPlatform = createLoopbackPlatform({ sendBuffer: 8192, receiveWindow: 8192 });
    return { platform: p, settle: () => p.run() };
  }],
];

async function until(h: Harness, cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (cond()) return;
    await h.settle(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const text = (b: ArrayBuffer | undefined) => (b ? new TextDecoder().decode(b) : "");

describe.each(harnesses)("ECMA-419 conformance: %s", (_name, make) => {
  let h: Harness;
  const open: { close(): void }[] = [];
  beforeEach(() => {
    h = make();
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

  // A connected pair: client socket and the server side re-wrapped from Listener.read().
  async function pair(clientOpts: Record<string, unknown> = {}, serverOpts: Record<string, unknown> = {}) {
    const ev = { cReadable: [] as number[], cWritable: [] as number[], cError: [] as unknown[], sReadable: [] as number[], sWritable: [] as number[], sError: [] as unknown[] };
    let server: TCPSocket | undefined;
    const listener = new h.platform.Listener({
      address: "127.0.0.1",
      port: 0,
      onReadable() {
        const from = this.read()!;
        server = new h.platform.TCP({
          from,
          onReadable: (n) => ev.sReadable.push(n),
          onWritable: (n) => ev.sWritable.push(n),
          onError: (e) => ev.sError.push(e),
          ...serverOpts,
        });
        open.push(server);
      },
    });
    open.push(listener);
    const client = new h.platform.TCP({
      address: "127.0.0.1",
      port: listener.port,
      onReadable: (n) => ev.cReadable.push(n),
      onWritable: (n) => ev.cWritable.push(n),
      onError: (e) => ev.cError.push(e),
      ...clientOpts,
    });
    open.push(client);
    await until(h, () => !!server && ev.cWritable.length > 0 && ev.sWritable.length > 0, "connection");
    return { client, server: server!, listener, ev };
  }

  test("Listener: an ephemeral port is known as soon as the constructor returns", () => {
    const l = new h.platform.Listener({ address: "127.0.0.1", port: 0 });
    open.push(l);
    expect(l.port).toBeGreaterThan(0);
  });

  test("Listener: binding a port in use throws from the constructor", () => {
    const l = new h.platform.Listener({ address: "127.0.0.1", port: 0 });
    open.push(l);
    expect(() => new h.platform.Listener({ address: "127.0.0.1", port: l.port })).toThrow(/EADDRINUSE/);
  });

  test("TCP: constructor validates its options", () => {
    expect(() => new h.platform.TCP(undefined as never)).toThrow();
    expect(() => new h.platform.TCP({ port: 80 } as never)).toThrow();
  });

  test("TCP: onWritable first fires when connected and reports free send-buffer bytes", async () => {
    const { ev } = await pair();
    expect(ev.cWritable[0]).toBe(8192);
    expect(ev.sWritable[0]).toBe(8192);
  });

  test("TCP: callbacks see the socket as `this`, and target is kept", async () => {
    const target = { tag: 1 };
    let self: unknown;
    const l = new h.platform.Listener({ address: "127.0.0.1", port: 0 });
    open.push(l);
    const c = new h.platform.TCP({ address: "127.0.0.1", port: l.port, target, onWritable() { self = this; } });
    open.push(c);
    await until(h, () => self !== undefined, "onWritable");
    expect(self).toBe(c);
    expect(c.target).toBe(target);
  });

  test("TCP: read() returns undefined when empty; read(n) throws past what is available", async () => {
    const { client, server, ev } = await pair();
    expect(server.read()).toBeUndefined();
    client.write(new TextEncoder().encode("hello"));
    await until(h, () => ev.sReadable.length > 0, "onReadable");
    expect(ev.sReadable.at(-1)).toBe(5);
    expect(() => server.read(6)).toThrow();
    expect(text(server.read(2))).toBe("he");
    expect(text(server.read())).toBe("llo");
    expect(server.read()).toBeUndefined();
  });

  test("TCP: read(view) fills the view and returns the count", async () => {
    const { client, server, ev } = await pair();
    client.write(new TextEncoder().encode("abcdef"));
    await until(h, () => ev.sReadable.length > 0, "onReadable");
    const view = new Uint8Array(4);
    expect(server.read(view)).toBe(4);
    expect(new TextDecoder().decode(view)).toBe("abcd");
    const big = new Uint8Array(10);
    expect(server.read(big)).toBe(2);
    expect(server.read(new Uint8Array(3))).toBe(0);
  });

  test("TCP: write() past the free space throws and writes nothing", async () => {
    const { client, server, ev } = await pair();
    expect(() => client.write(new Uint8Array(8193))).toThrow();
    client.write(new Uint8Array(10).fill(7));
    await until(h, () => ev.sReadable.length > 0, "onReadable");
    expect(ev.sReadable.at(-1)).toBe(10);
    expect(server.read()!.byteLength).toBe(10);
  });

  test("TCP: the receive window reopens only as the app reads", async () => {
    const { client, server, ev } = await pair();
    // Fill the peer's window and our send buffer, writing only what onWritable allowed (as the
    // Manager does); with nobody reading, the credit stops coming back.
    let written = 0;
    let credit = ev.cWritable.at(-1) ?? 0;
    let seen = ev.cWritable.length;
    for (let round = 0; round < 200; round++) {
      if (credit > 0) {
        const n = Math.min(credit, 4096);
        client.write(new Uint8Array(n));
        written += n;
        credit -= n;
        continue;
      }
      await h.settle(10);
      if (ev.cWritable.length === seen) {
        await h.settle(50);
        if (ev.cWritable.length === seen) break;
      }
      seen = ev.cWritable.length;
      credit = ev.cWritable.at(-1)!;
    }
    await h.settle(50);
    const stalled = written;
    expect(stalled).toBeGreaterThanOrEqual(8192);
    expect(() => client.write(new Uint8Array(64 * 1024))).toThrow();
    // Reading on the server side lets the client write again.
    let drained = 0;
    for (let i = 0; i < 50 && drained < stalled; i++) {
      const b = server.read();
      drained += b ? b.byteLength : 0;
      await h.settle(5);
    }
    await until(h, () => ev.cWritable.length > seen, "onWritable after the peer read");
  });

  test("TCP: onError comes only after buffered data was read", async () => {
    const { client, server, ev } = await pair();
    client.write(new TextEncoder().encode("last words"));
    await until(h, () => ev.sReadable.length > 0, "onReadable");
    client.close();
    await h.settle(50);
    expect(ev.sError.length).toBe(0);
    expect(text(server.read())).toBe("last words");
    await until(h, () => ev.sError.length > 0, "onError after drain");
  });

  test("TCP: connecting to a closed port reports onError", async () => {
    const l = new h.platform.Listener({ address: "127.0.0.1", port: 0 });
    const port = l.port;
    l.close();
    const errors: unknown[] = [];
    const c = new h.platform.TCP({ address: "127.0.0.1", port, onError: (e) => errors.push(e) });
    open.push(c);
    await until(h, () => errors.length > 0, "onError");
    expect((errors[0] as { code?: string }).code).toMatch(/ECONNREFUSED|ECONNRESET/);
  });

  test("TCP: calls on a closed instance throw", async () => {
    const { client } = await pair();
    client.close();
    expect(() => client.read()).toThrow();
    expect(() => client.write(new Uint8Array(1))).toThrow();
    expect(() => client.close()).toThrow();
  });

  test("Listener: read() hands out a socket without callbacks that buffers until re-wrapped", async () => {
    const pending: number[] = [];
    const l: ListenerSocket = new h.platform.Listener({ address: "127.0.0.1", port: 0, onReadable: (n) => pending.push(n) });
    open.push(l);
    let wrote = false;
    const c = new h.platform.TCP({ address: "127.0.0.1", port: l.port, onWritable() { if (!wrote) this.write(new TextEncoder().encode("early")); wrote = true; } });
    open.push(c);
    await until(h, () => pending.length > 0, "listener onReadable");
    expect(pending[0]).toBe(1);
    const raw = l.read()!;
    expect(l.read()).toBeUndefined();
    await h.settle(50);
    let got = "";
    const s = new h.platform.TCP({ from: raw, onReadable() { got += text(this.read()); } });
    open.push(s);
    await until(h, () => got.startsWith("early"), "buffered bytes after re-wrap");
  });

  test("UDP: packets are ArrayBuffers with address and port; write(data, address, port)", async () => {
    const got: UDPPacket[] = [];
    const a: UDPSocket = new h.platform.UDP({ address: "127.0.0.1", port: 0, onReadable(n) { for (let i = 0; i < n; i++) { const p = this.read(); if (p) got.push(p); } } });
    open.push(a);
    const b: UDPSocket = new h.platform.UDP({ address: "127.0.0.1", port: 0 });
    open.push(b);
    expect(a.port).toBeGreaterThan(0);
    expect(b.port).toBeGreaterThan(0);
    await h.settle(20);
    b.write(new TextEncoder().encode("dgram"), "127.0.0.1", a.port);
    await until(h, () => got.length > 0, "datagram");
    expect(got[0]).toBeInstanceOf(ArrayBuffer);
    expect(text(got[0])).toBe("dgram");
    expect(got[0].address).toBe("127.0.0.1");
    expect(got[0].port).toBe(b.port);
  });

  test("UDP: read() is undefined when empty, and a closed socket throws", () => {
    const u = new h.platform.UDP({ address: "127.0.0.1", port: 0 });
    expect(u.read()).toBeUndefined();
    u.close();
    expect(() => u.read()).toThrow();
    expect(() => u.write(new Uint8Array(1), "127.0.0.1", 9)).toThrow();
  });
});

describe("UDP multicast on host-sim", () => {
  test("addMembership delivers group datagrams; dropMembership stops them", async () => {
    const platform = createHostPlatform({ logLevel: "silent" });
    const group = "239.255.0.77";
    const got: string[] = [];
    const rx = new platform.UDP({ address: "0.0.0.0", port: 0, onReadable(n) { for (let i = 0; i < n; i++) got.push(text(this.read())); } });
    rx.addMembership!(group, "127.0.0.1");
    const tx = new platform.UDP({ address: "127.0.0.1", port: 0 });
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    try {
      await wait(30);
      tx.write(new TextEncoder().encode("one"), group, rx.port);
      for (let i = 0; i < 50 && got.length === 0; i++) await wait(10);
      expect(got).toEqual(["one"]);
      rx.dropMembership!(group, "127.0.0.1");
      await wait(30);
      tx.write(new TextEncoder().encode("two"), group, rx.port);
      await wait(150);
      expect(got).toEqual(["one"]);
      expect(() => rx.addMembership!("not-an-ip")).toThrow();
    } finally {
      rx.close();
      tx.close();
    }
  });
});
