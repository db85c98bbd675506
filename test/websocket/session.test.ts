// The WebSocket state machine and handshakes on the in-memory loopback platform (virtual clock):
// mcnet client against mcnet server, subprotocols, filter hook, extra headers and Basic auth,
// fragmentation both ways, ping/idle/close timers, backpressure and writable events, broadcast,
// and every client handshake failure against scripted servers.
import { createHash } from "node:crypto";
import { createLoopbackPlatform } from "../../host-sim/loopback";
import { Manager } from "../../modules/core/manager";
import { Flags, type Connection } from "../../modules/core/connection";
import type { McEvent } from "../../modules/core/events";
import type { TCPSocket } from "../../modules/core/platform";
import * as ws from "../../modules/websocket/websocket";
import { encodeFrame, Opcode } from "../../modules/websocket/frame";
import type { WebSocketClientOptions, WebSocketServerOptions } from "../../modules/websocket/websocket";

type Ev = McEvent;

function setup(poll = 1000) {
  const p = createLoopbackPlatform();
  const mgr = new Manager(p, { pollInterval: poll });
  return { p, mgr };
}

function recorder() {
  const events: Ev[] = [];
  const types = () => events.map((e) => e.type);
  const of = <T extends Ev["type"]>(t: T) => events.filter((e): e is Extract<Ev, { type: T }> => e.type === t);
  return { events, types, of };
}

function server(mgr: Manager, options: WebSocketServerOptions = {}, onEvent?: (c: Connection, ev: Ev) => void) {
  const rec = recorder();
  const conns: Connection[] = [];
  const l = mgr.bind("tcp://127.0.0.1:0", (c, ev) => {
    if (ev.type === "accept") conns.push(c);
    rec.events.push(ev);
    onEvent?.(c, ev);
  });
  ws.serveWebSocket(l, options);
  return { l, rec, conns, url: `ws://127.0.0.1:${l.local.port}/path?q=1` };
}

function client(mgr: Manager, url: string, options: WebSocketClientOptions = {}, onEvent?: (c: Connection, ev: Ev) => void) {
  const rec = recorder();
  const c = ws.connectWebSocket(mgr, url, (conn, ev) => {
    rec.events.push(ev);
    onEvent?.(conn, ev);
  }, options);
  return { c, rec };
}

const text = (ev: Ev) => (ev.type === "ws-message" || ev.type === "ws-frame" ? ev.text : undefined);

test("client and server complete the handshake and exchange text and binary", async () => {
  const { p, mgr } = setup();
  const s = server(mgr, {}, (c, ev) => {
    if (ev.type === "ws-message") ws.send(c, ev.data, ev.opcode);
  });
  const cl = client(mgr, s.url, {}, (c, ev) => {
    if (ev.type === "ws-open") {
      ws.send(c, "hello");
      ws.send(c, new Uint8Array([1, 2, 3]));
      ws.send(c, "κόσμε");
    }
  });
  await p.run();
  expect(cl.rec.types().filter((t) => t !== "send").slice(0, 3)).toEqual(["connect", "ws-client-handshake", "ws-open"]);
  const msgs = cl.rec.of("ws-message");
  expect(msgs.map((m) => m.opcode)).toEqual([Opcode.TEXT, Opcode.BINARY, Opcode.TEXT]);
  expect(msgs[0].text).toBe("hello");
  expect(Array.from(msgs[1].data)).toEqual([1, 2, 3]);
  expect(msgs[2].text).toBe("κόσμε");
  expect(ws.isWebSocket(cl.c)).toBe(true);
  expect(s.conns[0].flags & Flags.IS_WEBSOCKET).toBeTruthy();
  const open = s.rec.of("ws-open")[0];
  expect(open.request?.target).toBe("/path?q=1");
  mgr.close();
});

test("subprotocol: the server picks its first supported one the client offered", async () => {
  const { p, mgr } = setup();
  const s = server(mgr, { protocols: ["mqtt", "chat"] });
  const cl = client(mgr, s.url, { protocols: ["chat", "mqtt", "other"] });
  await p.run();
  expect(s.rec.of("ws-handshake-request")[0].protocols).toEqual(["chat", "mqtt", "other"]);
  expect(s.rec.of("ws-open")[0].protocol).toBe("mqtt");
  expect(cl.rec.of("ws-open")[0].protocol).toBe("mqtt");
  expect(cl.rec.of("ws-open")[0].reply?.headers.get("sec-websocket-protocol")).toBe("mqtt");
  mgr.close();
});

test("the handshake filter sees extra headers and Basic auth, and can refuse with a status", async () => {
  const { p, mgr } = setup();
  const s = server(mgr, {}, (c, ev) => {
    if (ev.type === "ws-handshake-request" && ev.request.headers.get("authorization") !== "Basic dXNlcjpwYXNz") ev.reject(401, "who are you");
  });
  const good = client(mgr, s.url, { user: "user", password: "pass", headers: { "X-Device": "esp32" } }, (c, ev) => {
    if (ev.type === "ws-client-handshake") ev.headers.push("X-Appended: yes");
  });
  const bad = client(mgr, s.url, { user: "user", password: "wrong" });
  await p.run();
  const reqs = s.rec.of("ws-handshake-request");
  expect(reqs.length).toBe(2);
  expect(reqs[0].request.headers.get("x-device")).toBe("esp32");
  expect(reqs[0].request.headers.get("x-appended")).toBe("yes");
  expect(good.rec.types()).toContain("ws-open");
  expect(bad.rec.types()).not.toContain("ws-open");
  const err = bad.rec.of("ws-error")[0].error;
  expect(err.code).toBe("status");
  expect(err.message).toContain("401");
  expect(bad.rec.types().at(-1)).toBe("close");
  mgr.close();
});

test("a server choosing a subprotocol that was not offered fails the client (protocol-mismatch)", async () => {
  const { p, mgr } = setup();
  const s = server(mgr, {}, (c, ev) => {
    if (ev.type === "ws-handshake-request") ev.protocol = "not-offered";
  });
  const cl = client(mgr, s.url, { protocols: ["chat"] });
  await p.run();
  expect(cl.rec.of("ws-error")[0].error.code).toBe("protocol-mismatch");
  expect(cl.rec.types()).not.toContain("ws-open");
  mgr.close();
});

test("fragmented sends (DONT_FIN) arrive as one message, or frame by frame without defragmentation", async () => {
  const { p, mgr } = setup();
  const s = server(mgr);
  const cl = client(mgr, s.url, {}, (c, ev) => {
    if (ev.type === "ws-open") {
      ws.sendFrame(c, Opcode.TEXT | ws.DONT_FIN, "frag");
      ws.ping(c, "in-between");
      ws.sendFrame(c, Opcode.CONTINUATION | ws.DONT_FIN, "ment", "ed");
      ws.sendFrame(c, Opcode.CONTINUATION, "!");
    }
  });
  await p.run();
  ws.printf(cl.c, Opcode.TEXT, "%s=%04d %.2f", "n", 42, 3.14159);
  await p.run();
  expect(s.rec.of("ws-message").map(text)).toEqual(["fragmented!", "n=0042 3.14"]);
  expect(s.rec.of("ws-control").map((e) => e.opcode)).toEqual([Opcode.PING]);
  expect(cl.rec.of("ws-control").map((e) => [e.opcode, new TextDecoder().decode(e.data)])).toEqual([[Opcode.PONG, "in-between"]]);

  ws.setDefragment(s.conns[0], false);
  ws.sendFrame(cl.c, Opcode.BINARY | ws.DONT_FIN, new Uint8Array([1]));
  ws.sendFrame(cl.c, Opcode.CONTINUATION, new Uint8Array([2, 3]));
  await p.run();
  expect(s.rec.of("ws-frame").map((f) => [f.opcode, f.fin, Array.from(f.data)])).toEqual([[Opcode.BINARY, false, [1]], [Opcode.CONTINUATION, true, [2, 3]]]);
  mgr.close();
});

test("control frames over 125 bytes, fragmented control frames and close via sendFrame are refused", async () => {
  const { p, mgr } = setup();
  const s = server(mgr);
  const cl = client(mgr, s.url);
  await p.run();
  expect(ws.ping(cl.c, "x".repeat(126))).toBe(false);
  expect(ws.ping(cl.c, "é".repeat(63))).toBe(false);
  expect(ws.ping(cl.c, "x".repeat(125))).toBe(true);
  expect(ws.sendFrame(cl.c, Opcode.PING | ws.DONT_FIN, "x")).toBe(false);
  expect(ws.sendFrame(cl.c, Opcode.CLOSE, "")).toBe(false);
  expect(ws.sendFrame(cl.c, 3, "reserved")).toBe(false);
  expect(ws.sendFrame(cl.c, 0xb, "reserved")).toBe(false);
  mgr.close();
});

test("close handshake: the peer's code is echoed, both sides see ws-close, the client ends clean", async () => {
  const { p, mgr } = setup();
  const s = server(mgr);
  const cl = client(mgr, s.url);
  await p.run();
  ws.close(cl.c, 4001, "done here");
  expect(ws.send(cl.c, "after close")).toBe(false);
  await p.run();
  const ctl = s.rec.of("ws-control")[0];
  expect([ctl.opcode, ctl.code, ctl.reason]).toEqual([Opcode.CLOSE, 4001, "done here"]);
  expect(s.rec.of("ws-close")[0]).toMatchObject({ code: 4001, reason: "done here", clean: true });
  expect(cl.rec.of("ws-close")[0]).toMatchObject({ code: 4001, clean: true });
  expect(cl.c.isClosed).toBe(true);
  expect(s.rec.types().at(-1)).toBe("close");
  mgr.close();
});

test("a handler may answer the peer's close with its own code instead of the echo", async () => {
  const { p, mgr } = setup();
  const s = server(mgr, {}, (c, ev) => {
    if (ev.type === "ws-control" && ev.opcode === Opcode.CLOSE) ws.close(c, 1001, "going down");
  });
  const cl = client(mgr, s.url);
  await p.run();
  ws.close(cl.c, 1000);
  await p.run();
  expect(cl.rec.of("ws-close")[0]).toMatchObject({ code: 1001, reason: "going down", clean: true });
  mgr.close();
});

test("ping interval: a quiet peer is pinged; the pong comes back", async () => {
  const { p, mgr } = setup();
  const s = server(mgr, { pingInterval: 5000 });
  const cl = client(mgr, s.url);
  await p.run();
  await p.advance(4000);
  expect(cl.rec.of("ws-control").length).toBe(0);
  await p.advance(1000);
  expect(cl.rec.of("ws-control").map((e) => e.opcode)).toEqual([Opcode.PING]);
  expect(s.rec.of("ws-control").map((e) => e.opcode)).toEqual([Opcode.PONG]);
  mgr.close();
});

test("idle timeout: a silent peer gets close 1001 and the connection ends", async () => {
  const { p, mgr } = setup();
  const s = server(mgr, { idleTimeout: 3000 });
  const cl = client(mgr, s.url);
  await p.run();
  await p.advance(2000);
  ws.send(cl.c, "still here");
  await p.advance(2000);
  expect(s.conns[0].isClosed).toBe(false);
  await p.advance(1000);
  expect(s.rec.of("ws-error")[0].error.code).toBe("timeout");
  expect(cl.rec.of("ws-close")[0].code).toBe(1001);
  expect(cl.c.isClosed).toBe(true);
  mgr.close();
});

test("close timeout: a peer that never answers the close is dropped", async () => {
  const { p, mgr } = setup();
  const s = server(mgr, { closeTimeout: 2000 });
  // A raw TCP peer: handshake by hand, then never read or answer anything.
  const key = "dGhlIHNhbXBsZSBub25jZQ==";
  const raw = mgr.connect(`tcp://127.0.0.1:${s.l.local.port}`, (c, ev) => {
    if (ev.type === "connect") c.write(`GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    if (ev.type === "recv") c.recv.clear();
  });
  await p.run();
  ws.close(s.conns[0], 1000);
  await p.advance(1000);
  expect(s.conns[0].isClosed).toBe(false);
  await p.advance(1000);
  expect(s.rec.of("ws-error")[0].error.code).toBe("timeout");
  expect(s.rec.of("ws-close")[0]).toMatchObject({ code: 1006, clean: false });
  expect(s.conns[0].isClosed).toBe(true);
  await p.run();
  expect(raw.isClosed).toBe(true);
  mgr.close();
});

test("a message over the client's bound closes with 1009", async () => {
  const { p, mgr } = setup();
  const s = server(mgr);
  const cl = client(mgr, s.url, { maxMessageSize: 100 });
  await p.run();
  ws.send(s.conns[0], "x".repeat(101));
  await p.run();
  expect(cl.rec.of("ws-error")[0].error).toMatchObject({ code: "protocol", closeCode: 1009 });
  expect(s.rec.of("ws-control")[0]).toMatchObject({ opcode: Opcode.CLOSE, code: 1009 });
  expect(cl.c.isClosed).toBe(true);
  mgr.close();
});

test("backpressure: a producer driven by ws-writable never passes the high-water mark, and every message arrives", async () => {
  const p = createLoopbackPlatform({ receiveWindow: 4096, sendBuffer: 4096 });
  const mgr = new Manager(p, { pollInterval: 0, limits: { sendHighWater: 8192, sendLimit: 65536 } });
  const total = 300;
  const msg = new Uint8Array(1024);
  let produced = 0;
  let maxQueued = 0;
  let writables = 0;
  const produce = (c: Connection) => {
    while (produced < total && ws.canSend(c, msg.length)) {
      msg[0] = produced & 255;
      ws.send(c, msg);
      produced++;
      maxQueued = Math.max(maxQueued, ws.bufferedAmount(c));
    }
    if (produced < total) ws.requestWritable(c);
  };
  const s = server(mgr, {}, (c, ev) => {
    if (ev.type === "ws-open") produce(c);
    if (ev.type === "ws-writable") {
      writables++;
      produce(c);
    }
  });
  // The reading side: a raw socket that reads only when told to, so the window really closes.
  let sock: TCPSocket | undefined;
  let received = 0;
  const readSome = () => {
    const b = sock!.read();
    if (b) received += b.byteLength;
  };
  sock = new p.TCP({
    address: "127.0.0.1",
    port: s.l.local.port,
    onWritable() {
      if (!this.target) {
        this.target = true;
        this.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
      }
    },
  });
  await p.run();
  expect(produced).toBeLessThan(total); // stalled: the reader is not reading
  const stalledAt = produced;
  for (let i = 0; i < 2000 && received < total * 1028; i++) {
    readSome();
    await p.run();
  }
  expect(produced).toBe(total);
  expect(stalledAt).toBeLessThan(total);
  expect(writables).toBeGreaterThan(0);
  expect(maxQueued).toBeLessThanOrEqual(8192);
  // 129-byte head, then 300 frames of 4 + 1024 bytes
  const head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
  expect(received).toBe(head.length + total * (4 + 1024));
  mgr.close();
});

test("broadcast reaches every open WebSocket and skips one whose buffer is full", async () => {
  const { p, mgr } = setup(0);
  const s = server(mgr);
  const clients = [client(mgr, s.url), client(mgr, s.url), client(mgr, s.url)];
  const plain = mgr.connect(`tcp://127.0.0.1:${s.l.local.port}`, () => undefined); // not a WebSocket
  await p.run();
  const r = ws.broadcast(mgr, "to all server-side sockets", undefined, (c) => c.listener === s.l);
  expect(r).toEqual({ sent: 3, skipped: 0 });
  await p.run();
  for (const cl of clients) expect(cl.rec.of("ws-message").map(text)).toEqual(["to all server-side sockets"]);
  // Fill one connection's send buffer past its high-water mark without letting it flush.
  const victim = s.conns[1];
  victim.send.append(new Uint8Array(victim.limits.sendHighWater));
  const r2 = ws.broadcast(mgr, "second", undefined, (c) => c.listener === s.l);
  expect(r2).toEqual({ sent: 2, skipped: 1 });
  expect(plain.flags & Flags.IS_WEBSOCKET).toBe(0);
  mgr.close();
});

// ---- client handshake failures, against scripted servers ------------------------------------

function acceptFor(request: string): string {
  const key = /Sec-WebSocket-Key: (\S+)/.exec(request)![1];
  return createHash("sha1").update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
}

async function scripted(reply: (request: string) => string | Uint8Array | undefined, options: WebSocketClientOptions = {}, url?: string) {
  const { p, mgr } = setup();
  let request = "";
  const l = mgr.bind("tcp://127.0.0.1:0", (c, ev) => {
    if (ev.type !== "recv") return;
    request += new TextDecoder().decode(c.recv.bytes);
    c.recv.clear();
    if (request.includes("\r\n\r\n")) {
      const r = reply(request);
      if (r === undefined) c.close();
      else c.write(r);
    }
  });
  const cl = client(mgr, url ?? `ws://127.0.0.1:${l.local.port}/`, options);
  await p.run();
  return { p, mgr, cl, request: () => request };
}

const ok = (req: string, extra = "") => `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptFor(req)}\r\n${extra}\r\n`;

test.each([
  ["status", () => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"],
  ["upgrade-missing", (r: string) => ok(r).replace("Upgrade: websocket\r\n", "")],
  ["upgrade-mismatch", (r: string) => ok(r).replace("Upgrade: websocket", "Upgrade: h2c")],
  ["connection-missing", (r: string) => ok(r).replace("Connection: Upgrade\r\n", "")],
  ["accept-missing", (r: string) => ok(r).replace(/Sec-WebSocket-Accept: \S+\r\n/, "")],
  ["accept-mismatch", (r: string) => ok(r).replace(/Sec-WebSocket-Accept: \S+/, "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")],
  ["protocol-mismatch", (r: string) => ok(r, "Sec-WebSocket-Protocol: chat\r\n")],
  ["extension-unrequested", (r: string) => ok(r, "Sec-WebSocket-Extensions: permessage-deflate\r\n")],
  ["bad-reply", () => "SSH-2.0-OpenSSH\r\n\r\n"],
  ["closed", () => undefined],
])("client handshake failure: %s", async (code, reply) => {
  const { mgr, cl } = await scripted(reply as (r: string) => string | undefined);
  const errors = cl.rec.of("ws-error");
  expect(errors.map((e) => e.error.code)).toEqual([code]);
  expect(cl.rec.types()).not.toContain("ws-open");
  expect(cl.rec.types().at(-1)).toBe("close");
  expect(cl.c.isClosed).toBe(true);
  mgr.close();
});

test("frames sent right behind the 101 are delivered", async () => {
  const hello = encodeFrame(Opcode.TEXT, "early");
  const { mgr, cl } = await scripted((r) => Buffer.concat([Buffer.from(ok(r), "latin1"), hello]));
  expect(cl.rec.of("ws-message").map(text)).toEqual(["early"]);
  mgr.close();
});

test("client request: path, Host with port, key, version, protocols", async () => {
  const { mgr, request } = await scripted((r) => ok(r, "Sec-WebSocket-Protocol: b\r\n"), { protocols: ["a", "b"] });
  const lines = request().split("\r\n");
  expect(lines[0]).toBe("GET / HTTP/1.1");
  expect(lines).toContain("Sec-WebSocket-Version: 13");
  expect(lines).toContain("Sec-WebSocket-Protocol: a, b");
  expect(lines.find((l) => l.startsWith("Host: "))).toMatch(/^Host: 127\.0\.0\.1:\d+$/);
  expect(lines.find((l) => l.startsWith("Sec-WebSocket-Key: "))).toMatch(/^Sec-WebSocket-Key: [A-Za-z0-9+/]{22}==$/);
  mgr.close();
});

test("sendClientHandshake upgrades a connection the application opened itself", async () => {
  const { p, mgr } = setup();
  const s = server(mgr, {}, (c, ev) => {
    if (ev.type === "ws-message") ws.send(c, `echo:${ev.text}`);
  });
  const rec = recorder();
  mgr.connect(`tcp://127.0.0.1:${s.l.local.port}`, (c, ev) => {
    rec.events.push(ev);
    if (ev.type === "connect" && !ev.error) ws.sendClientHandshake(c, "/raw?x=1", "device.local", { protocols: ["p1"], user: "u", password: "p" });
    if (ev.type === "ws-open") ws.send(c, "hi");
  });
  await p.run();
  const req = s.rec.of("ws-handshake-request")[0].request;
  expect([req.target, req.headers.get("host"), req.headers.get("authorization"), req.headers.get("sec-websocket-protocol")]).toEqual(["/raw?x=1", "device.local", "Basic dTpw", "p1"]);
  expect(rec.of("ws-message").map(text)).toEqual(["echo:hi"]);
  mgr.close();
});

test("client handshake timeout", async () => {
  const { p, mgr } = setup();
  const l = mgr.bind("tcp://127.0.0.1:0", (c, ev) => {
    if (ev.type === "recv") c.recv.clear(); // never answers
  });
  const cl = client(mgr, `ws://127.0.0.1:${l.local.port}/`, { handshakeTimeout: 3000 });
  await p.run();
  await p.advance(2000);
  expect(cl.rec.of("ws-error").length).toBe(0);
  await p.advance(1000);
  expect(cl.rec.of("ws-error")[0].error.code).toBe("timeout");
  await p.run();
  expect(cl.c.isClosed).toBe(true);
  mgr.close();
});

test.each([
  ["ws://127.0.0.1:9/", "ECONNREFUSED"],
  ["wss://127.0.0.1/", "EUNSUPPORTED"],
  ["ftp://127.0.0.1/", "EINVAL"],
  ["not a url", "EINVAL"],
])("connect failure %s -> %s", async (url, code) => {
  const { p, mgr } = setup();
  const cl = client(mgr, url);
  await p.run();
  expect(cl.rec.of("ws-error").map((e) => e.error.code)).toEqual([code]);
  expect(cl.rec.types()).toEqual(["connect", "ws-error", "close"]);
  mgr.close();
});

test("parseWsUrl", () => {
  expect(ws.parseWsUrl("ws://example.com/chat?x=1")).toEqual({ host: "example.com", port: 80, path: "/chat?x=1", authority: "example.com" });
  expect(ws.parseWsUrl("ws://10.0.0.1:8080")).toEqual({ host: "10.0.0.1", port: 8080, path: "/", authority: "10.0.0.1:8080" });
  expect(ws.parseWsUrl("ws://[::1]:81/x")).toEqual({ host: "::1", port: 81, path: "/x", authority: "[::1]:81" });
  expect(ws.parseWsUrl("ws://h?q")).toEqual({ host: "h", port: 80, path: "/?q", authority: "h" });
  expect(ws.parseWsUrl("ws://h:0/")).toMatchObject({ code: "EINVAL" });
});

