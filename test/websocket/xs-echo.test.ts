// The WebSocket echo server running inside the real XS engine (xsnap) over the bridged device
// Platform, driven from Node: a `ws` client, then the whole conformance battery over raw sockets.
import * as path from "node:path";
import WebSocket from "ws";
import { REPO_ROOT, XsRunner } from "../../host-sim/xs/runner";
import { encodeFrame, Opcode } from "../../modules/websocket/frame";
import { conformanceCases, type ConformanceCase } from "./conformance-cases";
import { RawClient } from "./raw-client";

let runner: XsRunner;
let port: number;
let platformName: string;

beforeAll(async () => {
  runner = await XsRunner.start({ entry: path.join(REPO_ROOT, "test/websocket/xs/websocket-echo.scenario.ts") });
  ({ port, platform: platformName } = await runner.call<{ port: number; platform: string }>("main", { port: 0 }));
}, 60000);

afterAll(async () => {
  await runner?.close();
});

afterEach(() => {
  expect(runner.errors).toEqual([]);
});

test("the server runs on the device platform inside XS", () => {
  expect(platformName).toBe("moddable (XS run)");
  expect(port).toBeGreaterThan(0);
});

test("a ws client gets text, binary and a ping answered by the server on XS", async () => {
  const c = new WebSocket(`ws://127.0.0.1:${port}/xs`);
  const got: string[] = [];
  const r = await new Promise<{ code: number; pong: string }>((resolve, reject) => {
    let pong = "";
    c.on("open", () => {
      c.send("hello from node");
      c.send(Buffer.from([1, 2, 3]));
      c.send("κόσμε".repeat(5000));
      c.ping("xs");
    });
    c.on("pong", (d) => (pong = d.toString()));
    c.on("message", (d: Buffer, isBinary) => {
      got.push(isBinary ? d.toString("hex") : d.toString().slice(0, 20));
      if (got.length === 3) c.close(1000);
    });
    c.on("close", (code) => resolve({ code, pong }));
    c.on("error", reject);
  });
  expect(got).toEqual(["hello from node", "010203", "κόσμε".repeat(4)]);
  expect(r).toEqual({ code: 1000, pong: "xs" });
}, 30000);

// The server's replies for a case, as in conformance.wire.test.ts.
function expected(c: ConformanceCase): string[] {
  const out: string[] = [];
  for (const e of c.expect) {
    if ("text" in e) out.push(`text:${Buffer.from(e.text).toString("hex")}`);
    else if ("binary" in e) out.push(`binary:${Buffer.from(e.binary).toString("hex")}`);
    else if ("ping" in e) out.push(`pong:${Buffer.from(e.ping).toString("hex")}`);
    else if ("close" in e) out.push(`close:${e.close}`);
  }
  if (c.fail !== undefined) out.push(`close:${c.fail}`);
  else if (!c.expect.some((e) => "close" in e)) out.push("close:1000");
  return out;
}

const NAMES: Record<number, string> = { [Opcode.TEXT]: "text", [Opcode.BINARY]: "binary", [Opcode.PONG]: "pong", [Opcode.PING]: "ping" };

test("the conformance battery against the server on XS", async () => {
  const failures: string[] = [];
  for (const c of conformanceCases()) {
    const client = await RawClient.connect(port);
    try {
      const head = await client.handshake();
      if (!head.startsWith("HTTP/1.1 101")) throw new Error(`no 101: ${head.split("\r\n")[0]}`);
      for (const chunk of c.chunks) await client.write(chunk);
      if (c.fail === undefined && !c.expect.some((e) => "close" in e)) {
        await client.write(encodeFrame(Opcode.CLOSE, new Uint8Array([0x03, 0xe8]), { mask: new Uint8Array([1, 2, 3, 4]) }));
      }
      await client.until(() => false, 10000);
      const { frames, error } = client.frames();
      const got = frames.map((f) => (f.opcode === Opcode.CLOSE ? `close:${f.closeCode}` : `${NAMES[f.opcode]}:${f.payload.toString("hex")}`));
      const want = expected(c);
      if (error || !client.closed || JSON.stringify(got) !== JSON.stringify(want)) {
        failures.push(`${c.id} ${c.title}: ${error ?? ""} closed=${client.closed} got ${got.map((g) => g.slice(0, 40)).join(" ")} want ${want.map((g) => g.slice(0, 40)).join(" ")}`);
      }
    } finally {
      client.destroy();
    }
  }
  expect(failures).toEqual([]);
}, 120000);
