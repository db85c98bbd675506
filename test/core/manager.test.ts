// The Manager's event model on the in-memory loopback platform (virtual clock, no kernel).
import { createLoopbackPlatform } from "../../host-sim/loopback";
import { Manager } from "../../modules/core/manager";
import { Flags, type Connection } from "../../modules/core/connection";
import type { McEvent } from "../../modules/core/events";

function setup(options: ConstructorParameters<typeof Manager>[1] = {}) {
  const p = createLoopbackPlatform();
  const mgr = new Manager(p, { pollInterval: 0, ...options });
  return { p, mgr };
}

type Log = [number, string, unknown?][];
const recorder = (log: Log) => (c: Connection, ev: McEvent) => log.push([c.id, ev.type, ev.type === "connect" || ev.type === "close" ? ev.error?.code : undefined]);

test("server and client see accept/connect/recv/send/close in order", async () => {
  const { p, mgr } = setup();
  const log: Log = [];
  const srv = mgr.bind("tcp://127.0.0.1:0", (c, ev) => {
    recorder(log)(c, ev);
    if (ev.type === "recv") {
      c.write(c.recv.bytes);
      c.recv.clear();
      c.closeAfterSend();
    }
  });
  let reply = "";
  const cli = mgr.connect(`tcp://127.0.0.1:${srv.local.port}`, (c, ev) => {
    recorder(log)(c, ev);
    if (ev.type === "connect" && !ev.error) c.write("ping");
    if (ev.type === "recv") {
      reply += new TextDecoder().decode(c.recv.bytes);
      c.recv.clear();
    }
  });
  await p.run();
  expect(reply).toBe("ping");
  const types = (id: number) => log.filter(([i]) => i === id).map(([, t]) => t);
  expect(types(cli.id)).toEqual(["connect", "send", "recv", "close"]);
  const accepted = log.find(([, t]) => t === "accept")![0];
  expect(types(accepted)).toEqual(["accept", "recv", "send", "close"]);
  expect(mgr.count).toBe(1); // only the listener is left
  mgr.close();
  expect(log.at(-1)).toEqual([srv.id, "close", undefined]);
});

test("connect to a closed port: connect event with ECONNREFUSED, then close", async () => {
  const { p, mgr } = setup();
  const log: Log = [];
  mgr.connect("tcp://127.0.0.1:9", recorder(log));
  await p.run();
  expect(log.map(([, t, e]) => [t, e])).toEqual([["connect", "ECONNREFUSED"], ["close", "ECONNREFUSED"]]);
});

test("connect: malformed address and unresolvable name are reported in the connect event", async () => {
  const { p, mgr } = setup();
  const log: Log = [];
  mgr.connect("tcp://127.0.0.1:99999", recorder(log));
  mgr.connect("tcp://no-such-host.invalid:80", recorder(log));
  await p.run();
  expect(log.filter(([, t]) => t === "connect").map(([, , e]) => e)).toEqual(["EINVAL", "ENOTFOUND"]);
});

test("connect: names go through mgr.resolve", async () => {
  const { p, mgr } = setup();
  const srv = mgr.bind("tcp://127.0.0.1:0", () => {});
  const asked: string[] = [];
  mgr.resolve = (host, done) => {
    asked.push(host);
    done(host === "device.local" ? "127.0.0.1" : undefined, "NXDOMAIN");
  };
  const log: Log = [];
  mgr.connect(`tcp://device.local:${srv.local.port}`, recorder(log));
  mgr.connect(`tcp://other.local:${srv.local.port}`, recorder(log));
  await p.run();
  expect(asked).toEqual(["device.local", "other.local"]);
  const connects = log.filter(([, t]) => t === "connect").map(([, , e]) => e);
  expect(connects.sort()).toEqual(["ENOTFOUND", undefined].sort());
});

test("bind: malformed addresses and names throw clear errors", () => {
  const { mgr } = setup();
  expect(() => mgr.bind("tcp://1.2.3:80", () => {})).toThrow(/bind tcp:\/\/1\.2\.3:80/);
  expect(() => mgr.bind("tcp://example.com:80", () => {})).toThrow(/IP literal/);
  expect(() => mgr.bind("sctp://:80", () => {})).toThrow();
});

test("setTimer delivers a timer event at the given time, once; 0 clears", async () => {
  const { p, mgr } = setup();
  const times: number[] = [];
  const c = mgr.bind("udp://127.0.0.1:0", (_c, ev) => {
    if (ev.type === "timer") times.push(ev.now);
  });
  c.setTimer(mgr.now() + 500);
  await p.advance(499);
  expect(times).toEqual([]);
  await p.advance(1);
  expect(times).toEqual([500]);
  await p.advance(1000);
  expect(times).toEqual([500]);
  c.setTimer(mgr.now() + 100);
  c.setTimer(0);
  await p.advance(200);
  expect(times).toEqual([500]);
});

test("poll events reach every connection at the poll interval", async () => {
  const { p, mgr } = setup({ pollInterval: 100 });
  const polls: number[] = [];
  mgr.bind("udp://127.0.0.1:0", (c, ev) => ev.type === "poll" && polls.push(c.id));
  mgr.bind("tcp://127.0.0.1:0", (c, ev) => ev.type === "poll" && polls.push(c.id));
  await p.advance(350);
  expect(polls.length).toBe(6);
  mgr.close();
});

test("the poll gives an idle connection's buffers back; a busy one keeps what it holds", async () => {
  const { p, mgr } = setup({ pollInterval: 100 });
  const accepted: Connection[] = [];
  const srv = mgr.bind("tcp://127.0.0.1:0", (c, ev) => {
    if (ev.type === "accept") accepted.push(c);
    if (ev.type === "recv" && c.recv.length >= 5) {
      c.write(c.recv.bytes);
      c.recv.clear();
    }
  });
  let echoed = 0;
  mgr.connect(`tcp://127.0.0.1:${srv.local.port}`, (c, ev) => {
    if (ev.type === "connect" && !ev.error) c.write("hello");
    if (ev.type === "recv") {
      echoed += c.recv.length;
      c.recv.clear();
    }
  });
  const half = mgr.connect(`tcp://127.0.0.1:${srv.local.port}`, (c, ev) => ev.type === "connect" && !ev.error && c.write("hel"));
  await p.run();
  expect(echoed).toBe(5);
  const [idle, holding] = accepted;
  expect(idle.recv.capacity).toBeGreaterThan(0);
  await p.advance(150);
  expect([idle.recv.capacity, idle.send.capacity]).toEqual([0, 0]);
  // the second server connection holds 3 unconsumed bytes: they stay
  expect(holding.recv.length).toBe(3);
  expect(holding.recv.capacity).toBeGreaterThan(0);
  half.write("lo");
  await p.run();
  expect(holding.recv.length).toBe(0);
  mgr.close();
});

test("a handler that throws closes only its own connection, with a log line", async () => {
  const { p, mgr } = setup();
  const srv = mgr.bind("tcp://127.0.0.1:0", (c, ev) => {
    if (ev.type === "recv") {
      if (c.recv.bytes[0] === 0x62) throw new Error("boom");
      c.write("fine");
      c.recv.clear();
    }
  });
  const results: string[] = [];
  for (const msg of ["bad", "good"]) {
    mgr.connect(`tcp://127.0.0.1:${srv.local.port}`, (c, ev) => {
      if (ev.type === "connect") c.write(msg);
      if (ev.type === "recv") results.push(`${msg}:${new TextDecoder().decode(c.recv.bytes)}`);
      if (ev.type === "close") results.push(`${msg}:closed`);
    });
  }
  await p.run();
  expect(results).toContain("good:fine");
  expect(results).toContain("bad:closed");
  expect(p.logs.some((l) => l.startsWith("error:") && l.includes("handler threw on recv") && l.includes("boom"))).toBe(true);
});

test("close() drops queued output; closeAfterSend() delivers it first", async () => {
  const { p, mgr } = setup();
  const srv = mgr.bind("tcp://127.0.0.1:0", (c, ev) => {
    if (ev.type === "recv") {
      const cmd = new TextDecoder().decode(c.recv.bytes);
      c.recv.clear();
      c.write("data");
      if (cmd === "now") c.close();
      else c.closeAfterSend();
    }
  });
  const got: Record<string, string> = {};
  for (const cmd of ["now", "later"]) {
    got[cmd] = "";
    mgr.connect(`tcp://127.0.0.1:${srv.local.port}`, (c, ev) => {
      if (ev.type === "connect") c.write(cmd);
      if (ev.type === "recv") {
        got[cmd] += new TextDecoder().decode(c.recv.bytes);
        c.recv.clear();
      }
    });
  }
  await p.run();
  expect(got).toEqual({ now: "", later: "data" });
});

test("the send limit closes a connection that queues too much, with a log line", async () => {
  const { p, mgr } = setup({ limits: { sendLimit: 1000 } });
  const closes: (string | undefined)[] = [];
  const srv = mgr.bind("tcp://127.0.0.1:0", (c, ev) => {
    if (ev.type === "accept") expect(c.write(new Uint8Array(1001))).toBe(false);
    if (ev.type === "close" && c.listener) closes.push(ev.error?.code);
  });
  mgr.connect(`tcp://127.0.0.1:${srv.local.port}`, () => {});
  await p.run();
  expect(closes).toEqual(["ENOBUFS"]);
  expect(p.logs.some((l) => l.includes("send buffer limit (1000 bytes) exceeded"))).toBe(true);
});

test("UDP: a bound connection answers each sender; an outgoing one hears only its peer", async () => {
  const { p, mgr } = setup();
  const srv = mgr.bind("udp://127.0.0.1:0", (c, ev) => {
    if (ev.type === "recv") c.write(`re:${new TextDecoder().decode(c.recv.bytes)}`);
  });
  const stranger = mgr.bind("udp://127.0.0.1:0", () => {});
  const heard: string[] = [];
  const cli = mgr.connect(`udp://127.0.0.1:${srv.local.port}`, (c, ev) => {
    if (ev.type === "connect") c.write("hi");
    if (ev.type === "recv") heard.push(new TextDecoder().decode(c.recv.bytes));
  });
  await p.run();
  stranger.sendTo("spoof", "127.0.0.1", cli.local.port);
  await p.run();
  expect(heard).toEqual(["re:hi"]);
  expect(cli.flags & Flags.UDP).toBeTruthy();
});

test("broadcast reaches every open connection; close() closes all with close events", async () => {
  const { p, mgr } = setup();
  const closed: number[] = [];
  const h = (c: Connection, ev: McEvent) => ev.type === "close" && closed.push(c.id);
  const srv = mgr.bind("tcp://127.0.0.1:0", h);
  for (let i = 0; i < 3; i++) mgr.connect(`tcp://127.0.0.1:${srv.local.port}`, h);
  await p.run();
  let n = 0;
  mgr.broadcast(() => n++);
  expect(n).toBe(7);
  mgr.close();
  expect(closed.length).toBe(7);
  expect(mgr.count).toBe(0);
});

test("userData and protocol are inherited by accepted connections; protocol sees events first", async () => {
  const { p, mgr } = setup();
  const seen: string[] = [];
  const protocol = {
    name: "upper",
    onEvent(c: Connection, ev: McEvent) {
      seen.push(`proto:${ev.type}`);
      if (ev.type === "recv") {
        c.write(new TextDecoder().decode(c.recv.bytes).toUpperCase());
        c.recv.clear();
      }
      c.emit(ev);
    },
  };
  const srv = mgr.bind("tcp://127.0.0.1:0", (c, ev) => seen.push(`app:${ev.type}:${c.userData.tag}`), { protocol, userData: { tag: "t" } });
  let got = "";
  mgr.connect(`tcp://127.0.0.1:${srv.local.port}`, (c, ev) => {
    if (ev.type === "connect") c.write("abc");
    if (ev.type === "recv") got += new TextDecoder().decode(c.recv.bytes);
  });
  await p.run();
  expect(got).toBe("ABC");
  expect(seen.slice(0, 4)).toEqual(["proto:accept", "app:accept:t", "proto:recv", "app:recv:t"]);
});

test("adopt takes over a connected socket from a Listener the app owns", async () => {
  const { p, mgr } = setup();
  const got: string[] = [];
  const listener = new p.Listener({
    address: "127.0.0.1",
    port: 0,
    onReadable() {
      const sock = this.read()!;
      mgr.adopt(sock, (c, ev) => {
        got.push(ev.type);
        if (ev.type === "recv") {
          c.write(`adopted:${new TextDecoder().decode(c.recv.bytes)}`);
          c.recv.clear();
        }
      });
    },
  });
  let reply = "";
  mgr.connect(`tcp://127.0.0.1:${listener.port}`, (c, ev) => {
    if (ev.type === "connect") c.write("x");
    if (ev.type === "recv") reply += new TextDecoder().decode(c.recv.bytes);
  });
  await p.run();
  expect(reply).toBe("adopted:x");
  expect(got.slice(0, 2)).toEqual(["accept", "recv"]);
  listener.close();
});

describe("after the peer's FIN", () => {
  // Moddable's lwIP sockets refuse writes once the peer has closed its side.
  function lwipLike() {
    const p = createLoopbackPlatform();
    class RefusingTCP extends p.TCP {
      override write(data: Parameters<InstanceType<typeof p.TCP>["write"]>[0]) {
        if ((this as unknown as { ended: unknown }).ended !== undefined) throw new Error("not ready");
        super.write(data);
      }
    }
    return { p, platform: { ...p, TCP: RefusingTCP } };
  }

  test("queued output that the stack refuses is dropped within the linger time (no hang)", async () => {
    const { p, platform } = lwipLike();
    const mgr = new Manager(platform, { pollInterval: 0, linger: 500 });
    const closes: string[] = [];
    const srv = mgr.bind("tcp://127.0.0.1:0", (c, ev) => {
      if (ev.type === "recv") {
        c.write(new Uint8Array(20000));
        c.recv.clear();
      }
      if (ev.type === "close" && c.listener) closes.push("server");
    });
    mgr.connect(`tcp://127.0.0.1:${srv.local.port}`, (c, ev) => {
      if (ev.type === "connect") {
        c.write("x");
        c.closeAfterSend();
      }
    });
    await p.run();
    await p.advance(500);
    expect(closes).toEqual(["server"]);
    expect(mgr.count).toBe(1);
  });

  test("queued output that never gets room is dropped after the linger time", async () => {
    const p = createLoopbackPlatform();
    const mgr = new Manager(p, { pollInterval: 0, linger: 1000 });
    const closes: number[] = [];
    const srv = mgr.bind("tcp://127.0.0.1:0", (c, ev) => {
      if (ev.type === "recv") {
        c.write(new Uint8Array(30000));
        c.recv.clear();
      }
      if (ev.type === "close" && c.listener) closes.push(mgr.now());
    });
    // A raw client that sends, half-closes and never reads: the window stays shut.
    const raw = new p.TCP({ address: "127.0.0.1", port: srv.local.port, onWritable() { if (!closes.length && !sent) { sent = true; this.write(new Uint8Array([1])); } } });
    let sent = false;
    await p.run();
    raw.close();
    await p.run();
    expect(closes).toEqual([]);
    await p.advance(1000);
    expect(closes.length).toBe(1);
  });
});

test("pauseRead holds input in the platform until resumed", async () => {
  const { p, mgr } = setup();
  let got = "";
  let server: Connection | undefined;
  const srv = mgr.bind("tcp://127.0.0.1:0", (c, ev) => {
    if (ev.type === "accept") {
      server = c;
      c.pauseRead(true);
    }
    if (ev.type === "recv") {
      got += new TextDecoder().decode(c.recv.bytes);
      c.recv.clear();
    }
  });
  mgr.connect(`tcp://127.0.0.1:${srv.local.port}`, (c, ev) => ev.type === "connect" && c.write("held"));
  await p.run();
  expect(got).toBe("");
  server!.pauseRead(false);
  await p.run();
  expect(got).toBe("held");
});

test("maxAccepted: connections past the limit wait in the backlog and are accepted as others close", async () => {
  const { p, mgr } = setup();
  const order: string[] = [];
  const live = new Set<Connection>();
  const srv = mgr.bind("tcp://127.0.0.1:0", (c, ev) => {
    if (ev.type === "accept") live.add(c);
    if (ev.type === "recv") {
      const msg = new TextDecoder().decode(c.recv.bytes);
      c.recv.clear();
      order.push(msg);
      c.write(`ok:${msg}`);
      c.closeAfterSend();
    }
    if (ev.type === "close" && c.listener) live.delete(c);
  }, { maxAccepted: 2 });
  let maxLive = 0;
  const replies: string[] = [];
  for (const name of ["a", "b", "c", "d", "e"]) {
    mgr.connect(`tcp://127.0.0.1:${srv.local.port}`, (c, ev) => {
      if (ev.type === "connect") c.write(name);
      if (ev.type === "recv") {
        replies.push(new TextDecoder().decode(c.recv.bytes));
        c.recv.clear();
      }
      maxLive = Math.max(maxLive, live.size);
    });
  }
  await p.run();
  expect(replies.sort()).toEqual(["ok:a", "ok:b", "ok:c", "ok:d", "ok:e"]);
  expect(maxLive).toBeLessThanOrEqual(2);
  expect(srv.acceptedLive).toBe(0);
});
