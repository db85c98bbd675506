// The WebSocket upgrade through the HTTP server (mg_set_protocol_http_websocket): plain HTTP and
// WebSocket on one port, refusals with the right status, frames pipelined behind the handshake,
// keep-alive requests before the upgrade, endpoint handlers, and the handshake filter.
import { createHostPlatform } from "../../host-sim/platform";
import { startWebSocketEcho } from "../../examples/websocket-echo/main";
import { Manager } from "../../modules/core/manager";
import type { Connection } from "../../modules/core/connection";
import type { McEvent } from "../../modules/core/events";
import { attach, registerEndpoint } from "../../modules/http/server";
import { reply } from "../../modules/http/reply";
import * as ws from "../../modules/websocket/websocket";
import { encodeFrame, Opcode } from "../../modules/websocket/frame";
import { RAW_ACCEPT, RAW_KEY, RawClient } from "./raw-client";

const platform = createHostPlatform({ logLevel: "silent" });
const echo = startWebSocketEcho(platform, { port: 0, address: "127.0.0.1" });
const port = echo.listener.local.port;
const MASK = new Uint8Array([9, 9, 9, 9]);

// A second server: one endpoint with its own WebSocket handler and a filter that refuses
// connections without a token.
const mgr = new Manager(platform);
const seen: string[] = [];
const root = mgr.bind("tcp://127.0.0.1:0", (c: Connection, ev: McEvent) => {
  if (ev.type === "http-request") reply(c, 404, "no such thing\n");
});
attach(root);
registerEndpoint(root, "/chat", ws.withWebSocket((c, ev) => {
  if (ev.type === "ws-handshake-request") {
    seen.push(`request ${ev.request.target}`);
    if (!ev.request.query.includes("token=ok")) ev.reject(403, "token required");
    else ev.headers = { "X-Chat": "welcome" };
  } else if (ev.type === "ws-open") seen.push("open");
  else if (ev.type === "ws-message") ws.send(c, `chat:${ev.text}`);
}, { protocols: ["chat.v1"] }));
const endpointPort = root.local.port;

afterAll(() => {
  echo.mgr.close();
  mgr.close();
});

const upgrade = (path: string, extra = "") =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${RAW_KEY}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`;

test("a plain GET is answered by HTTP on the same port", async () => {
  const c = await RawClient.connect(port);
  const head = await c.handshake("GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n");
  expect(head.split("\r\n")[0]).toBe("HTTP/1.1 200 OK");
  c.destroy();
});

test("keep-alive requests, then an upgrade on the same connection", async () => {
  const c = await RawClient.connect(port);
  const first = await c.handshake("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  expect(first.split("\r\n")[0]).toBe("HTTP/1.1 200 OK");
  const len = Number(/Content-Length: (\d+)/i.exec(first)![1]);
  await c.until(() => c.rest.length >= len);
  const body = c.rest.subarray(0, len).toString();
  expect(body).toContain("WebSocket echo server");
  // drop the body, then upgrade
  c.consume(len);
  const head = await c.handshake(upgrade("/later"));
  expect(head.split("\r\n")[0]).toBe("HTTP/1.1 101 Switching Protocols");
  await c.write(encodeFrame(Opcode.TEXT, "after keep-alive", { mask: MASK }));
  await c.until(() => c.frames().frames.length >= 1);
  expect(c.frames().frames[0].payload.toString()).toBe("after keep-alive");
  c.destroy();
});

test("frames written in the same packet as the handshake are echoed", async () => {
  const c = await RawClient.connect(port);
  const frames = Buffer.concat([encodeFrame(Opcode.TEXT, "one", { mask: MASK }), encodeFrame(Opcode.BINARY, new Uint8Array([7]), { mask: MASK })]);
  await c.write(Buffer.concat([Buffer.from(upgrade("/pipelined")), frames]));
  const head = await c.handshake("");
  expect(head).toContain(`Sec-WebSocket-Accept: ${RAW_ACCEPT}`);
  await c.until(() => c.frames().frames.length >= 2);
  expect(c.frames().frames.map((f) => [f.opcode, f.payload.toString("hex")])).toEqual([[Opcode.TEXT, Buffer.from("one").toString("hex")], [Opcode.BINARY, "07"]]);
  c.destroy();
});

test.each([
  { what: "a missing key", request: upgrade("/").replace(/Sec-WebSocket-Key: \S+\r\n/, ""), status: "400" },
  { what: "a malformed key", request: upgrade("/").replace(RAW_KEY, "c2hvcnQ="), status: "400" },
  { what: "version 8", request: upgrade("/").replace("Version: 13", "Version: 8"), status: "426" },
  { what: "POST", request: upgrade("/").replace("GET", "POST").replace("\r\n\r\n", "\r\nContent-Length: 0\r\n\r\n"), status: "405" },
  { what: "Connection without upgrade", request: upgrade("/").replace("Connection: Upgrade", "Connection: keep-alive"), status: "400" },
  { what: "a body", request: upgrade("/").replace("\r\n\r\n", "\r\nContent-Length: 2\r\n\r\nhi"), status: "400" },
])("an upgrade request with $what is refused with $status and the connection closes", async ({ request, status }) => {
  const c = await RawClient.connect(port);
  const head = await c.handshake(request);
  expect(head.split("\r\n")[0].split(" ")[1]).toBe(status);
  if (status === "426") expect(head).toContain("Sec-WebSocket-Version: 13");
  await c.until(() => false, 2000);
  expect(c.closed).toBe(true);
  c.destroy();
});

test("endpoint handler: subprotocol, reply headers from the filter, and its own messages", async () => {
  const c = await RawClient.connect(endpointPort);
  const head = await c.handshake(upgrade("/chat/room?token=ok", "Sec-WebSocket-Protocol: x, chat.v1\r\n"));
  expect(head.split("\r\n")[0]).toBe("HTTP/1.1 101 Switching Protocols");
  expect(head).toContain("Sec-WebSocket-Protocol: chat.v1");
  expect(head).toContain("X-Chat: welcome");
  await c.write(encodeFrame(Opcode.TEXT, "hi", { mask: MASK }));
  await c.until(() => c.frames().frames.length >= 1);
  expect(c.frames().frames[0].payload.toString()).toBe("chat:hi");
  expect(seen).toEqual(["request /chat/room?token=ok", "open"]);
  c.destroy();
});

test("the handshake filter refuses with its status; other paths stay plain HTTP", async () => {
  const c = await RawClient.connect(endpointPort);
  const head = await c.handshake(upgrade("/chat/room"));
  expect(head.split("\r\n")[0]).toBe("HTTP/1.1 403 Forbidden");
  await c.until(() => false, 2000);
  expect(c.closed).toBe(true);
  const d = await RawClient.connect(endpointPort);
  const other = await d.handshake(upgrade("/elsewhere"));
  expect(other.split("\r\n")[0]).toBe("HTTP/1.1 404 Not Found");
  d.destroy();
});
