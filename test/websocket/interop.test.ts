// Interoperability with independent implementations over real sockets on 127.0.0.1:
// the `ws` npm package, python3-websockets and python3-autobahn, each as client of mcnet's echo
// server and as server for mcnet's client.
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as readline from "node:readline";
import WebSocket, { WebSocketServer } from "ws";
import { createHostPlatform } from "../../host-sim/platform";
import { startWebSocketEcho } from "../../examples/websocket-echo/main";
import { Manager } from "../../modules/core/manager";
import * as ws from "../../modules/websocket/websocket";
import { run } from "../helpers/run";

const PY = "/usr/bin/python3";
const PEERS = path.join(__dirname, "peers");
const platform = createHostPlatform({ logLevel: "silent" });
const echo = startWebSocketEcho(platform, { port: 0, address: "127.0.0.1", protocols: ["chat"] });
const url = `ws://127.0.0.1:${echo.listener.local.port}/echo?x=1`;
const children: ChildProcess[] = [];
afterAll(() => {
  echo.mgr.close();
  for (const c of children) c.kill("SIGKILL");
});

const BIG = "κόσμε-".repeat(20000);

describe("peers as clients of the mcnet echo server", () => {
  test("ws (npm): text, binary, large, fragmented, ping, close code, subprotocol", async () => {
    const c = new WebSocket(url, ["chat"]);
    const got: (string | Buffer)[] = [];
    const result = await new Promise<{ code: number; reason: string; pong: string; protocol: string }>((resolve, reject) => {
      let pong = "";
      c.on("open", () => {
        c.send("hello");
        c.send(Buffer.from([0, 1, 2, 255]));
        c.send(BIG);
        c.send("frag", { fin: false });
        c.send("ment", { fin: false });
        c.send("ed", { fin: true });
        c.ping("abc");
      });
      c.on("pong", (d) => (pong = d.toString()));
      c.on("message", (d: Buffer, isBinary) => {
        got.push(isBinary ? d : d.toString());
        if (got.length === 4) c.close(4000, "bye");
      });
      c.on("close", (code, reason) => resolve({ code, reason: reason.toString(), pong, protocol: c.protocol }));
      c.on("error", reject);
    });
    expect(got[0]).toBe("hello");
    expect(got[1]).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(got[2] === BIG).toBe(true);
    expect(got[3]).toBe("fragmented");
    expect(result).toEqual({ code: 4000, reason: "", pong: "abc", protocol: "chat" });
  });

  test("python3-websockets client", async () => {
    const r = await run(PY, [path.join(PEERS, "websockets_client.py"), url], { timeout: 25000 });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({
      subprotocol: "chat",
      text: "hello",
      binary_ok: true,
      big_ok: true,
      fragmented: "fragmented ✓",
      pong: true,
      close_code: 4000,
      close_reason: "",
    });
  });

  test("python3-autobahn client", async () => {
    const r = await run(PY, [path.join(PEERS, "autobahn_client.py"), url], { timeout: 25000 });
    const out = JSON.parse(r.stdout);
    expect(out).toEqual({
      subprotocol: "chat",
      messages: ["hello", "<binary True>", "<big>", "fragmented ✓ ".repeat(10)],
      pong: "abc",
      was_clean: true,
      close_code: 4000,
      close_reason: null,
    });
  });
});

interface ClientRun {
  messages: string[];
  pings: string[];
  close?: { code: number; reason: string; clean: boolean };
  errors: string[];
  protocol?: string;
}

/** mcnet's client against a peer server that speaks the command protocol of peers/*_server.py. */
function driveClient(target: string): Promise<ClientRun> {
  const mgr = new Manager(createHostPlatform({ logLevel: "silent" }));
  const out: ClientRun = { messages: [], pings: [], errors: [] };
  const steps = ["hello", "ping-me", "fragment-me", "close-me"];
  return new Promise((resolve) => {
    const timer = setTimeout(() => mgr.close(), 15000);
    ws.connectWebSocket(mgr, target, (c, ev) => {
      if (ev.type === "ws-open") {
        out.protocol = ev.protocol;
      } else if (ev.type === "ws-message") {
        const t = ev.opcode === ws.Opcode.TEXT ? ev.text : `<binary ${ev.data.length}>`;
        out.messages.push(t === BIG ? "<big>" : t);
        // Each reply triggers the next step; the greeting starts the sequence.
        if (out.messages.length === 1) {
          ws.send(c, new Uint8Array([9, 8, 7]));
          ws.send(c, BIG);
          ws.sendFrame(c, ws.Opcode.TEXT | ws.DONT_FIN, "mc");
          ws.sendFrame(c, ws.Opcode.CONTINUATION, "net");
        }
        if (out.messages.length >= 4) {
          const next = steps.shift();
          if (next) ws.send(c, next);
        }
      } else if (ev.type === "ws-control" && ev.opcode === ws.Opcode.PING) {
        out.pings.push(new TextDecoder().decode(ev.data));
      } else if (ev.type === "ws-close") {
        out.close = { code: ev.code, reason: ev.reason, clean: ev.clean };
      } else if (ev.type === "ws-error") {
        out.errors.push(`${ev.error.code}: ${ev.error.message}`);
      } else if (ev.type === "close") {
        clearTimeout(timer);
        mgr.close();
        resolve(out);
      }
    }, { protocols: ["chat"], headers: { "X-Peer": "mcnet" }, maxMessageSize: 1 << 20, limits: { sendLimit: 1 << 20, sendHighWater: 1 << 19 } });
  });
}

function startPeer(script: string): Promise<{ port: number; child: ChildProcess; lines: string[] }> {
  const child = spawn(PY, [path.join(PEERS, script)], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.on("line", (l) => {
      lines.push(l);
      const m = /^PORT (\d+)$/.exec(l);
      if (m) resolve({ port: Number(m[1]), child, lines });
    });
    child.on("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

const expectedMessages = (greeting: string) => [greeting, "<binary 3>", "<big>", "mcnet", "hello", "pong-received:srv", "fragmented"];

describe("mcnet's client against peer servers", () => {
  test("ws (npm) server", async () => {
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, handleProtocols: (p) => (p.has("chat") ? "chat" : false) });
    await new Promise((r) => wss.once("listening", r));
    let serverClose: number | undefined;
    wss.on("connection", (s, req) => {
      s.send(`path:${req.url} protocol:${s.protocol} ua:${req.headers["x-peer"]}`);
      s.on("message", (d: Buffer, isBinary) => {
        const t = d.toString();
        if (!isBinary && t === "ping-me") s.ping("srv");
        else if (!isBinary && t === "fragment-me") {
          s.send("frag", { fin: false });
          s.send("ment", { fin: false });
          s.send("ed", { fin: true });
        } else if (!isBinary && t === "close-me") s.close(4001, "server says bye");
        else s.send(d, { binary: isBinary });
      });
      s.on("pong", (d) => s.send(`pong-received:${d}`));
      s.on("close", (code) => {
        serverClose = code;
        serverClosed();
      });
    });
    let serverClosed: () => void = () => undefined;
    const serverDone = new Promise<void>((res) => (serverClosed = res));
    const port = (wss.address() as { port: number }).port;
    const r = await driveClient(`ws://127.0.0.1:${port}/p?x=1`);
    await serverDone;
    await new Promise<void>((res) => wss.close(() => res()));
    expect(r.errors).toEqual([]);
    expect(r.protocol).toBe("chat");
    expect(r.messages).toEqual(expectedMessages("path:/p?x=1 protocol:chat ua:mcnet"));
    expect(r.pings).toEqual(["srv"]);
    expect(r.close).toEqual({ code: 4001, reason: "server says bye", clean: true });
    expect(serverClose).toBe(4001);
  });

  test("python3-websockets server", async () => {
    const peer = await startPeer("websockets_server.py");
    const r = await driveClient(`ws://127.0.0.1:${peer.port}/p?x=1`);
    await new Promise((res) => (peer.child.exitCode !== null ? res(0) : peer.child.on("exit", res)));
    expect(r.errors).toEqual([]);
    expect(r.protocol).toBe("chat");
    expect(r.messages).toEqual(expectedMessages("path:/p?x=1 protocol:chat ua:mcnet"));
    expect(r.pings).toEqual(["srv"]);
    expect(r.close).toEqual({ code: 4001, reason: "server says bye", clean: true });
    expect(peer.lines).toContain("CLOSED 4001");
  });

  test("python3-autobahn server", async () => {
    const peer = await startPeer("autobahn_server.py");
    const r = await driveClient(`ws://127.0.0.1:${peer.port}/p?x=1`);
    await new Promise((res) => (peer.child.exitCode !== null ? res(0) : peer.child.on("exit", res)));
    expect(r.errors).toEqual([]);
    expect(r.protocol).toBe("chat");
    expect(r.messages).toEqual(expectedMessages("path:/p protocols:chat"));
    expect(r.pings).toEqual(["srv"]);
    expect(r.close).toEqual({ code: 4001, reason: "server says bye", clean: true });
    expect(peer.lines).toContain("CLOSED 4001 True");
  });
});
