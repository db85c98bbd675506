// The conformance battery against the running echo server (host-sim, real sockets), with raw
// node:net clients: for every case the server must send back exactly the echoes, pongs and close
// code an RFC 6455 endpoint owes, unmasked and unfragmented, and then drop the TCP connection.
import { createHostPlatform } from "../../host-sim/platform";
import { startWebSocketEcho } from "../../examples/websocket-echo/main";
import { encodeFrame, Opcode } from "../../modules/websocket/frame";
import { CONFORMANCE_MAX_MESSAGE, conformanceCases, type ConformanceCase } from "./conformance-cases";
import { RAW_ACCEPT, RawClient, type ServerFrame } from "./raw-client";

const platform = createHostPlatform({ logLevel: "silent" });
// maxConnections 0: the HTTP server forgets a connection WebSocket took over only at its next
// sweep (up to a second later), and this battery opens well over a hundred in that time.
const echo = startWebSocketEcho(platform, { port: 0, address: "127.0.0.1", maxMessageSize: CONFORMANCE_MAX_MESSAGE });
const port = echo.listener.local.port;
afterAll(() => echo.mgr.close());

const MASK = new Uint8Array([1, 2, 3, 4]);

type Reply = { opcode: number; payload?: Buffer; code?: number };

function expectedReplies(c: ConformanceCase): Reply[] {
  const out: Reply[] = [];
  for (const e of c.expect) {
    if ("text" in e) out.push({ opcode: Opcode.TEXT, payload: Buffer.from(e.text, "utf8") });
    else if ("binary" in e) out.push({ opcode: Opcode.BINARY, payload: Buffer.from(e.binary) });
    else if ("ping" in e) out.push({ opcode: Opcode.PONG, payload: Buffer.from(e.ping) });
    else if ("close" in e) out.push({ opcode: Opcode.CLOSE, code: e.close });
  }
  if (c.fail !== undefined) out.push({ opcode: Opcode.CLOSE, code: c.fail });
  else if (!c.expect.some((e) => "close" in e)) out.push({ opcode: Opcode.CLOSE, code: 1000 });
  return out;
}

function summary(frames: ServerFrame[]): Reply[] {
  return frames.map((f) => (f.opcode === Opcode.CLOSE ? { opcode: f.opcode, code: f.closeCode } : { opcode: f.opcode, payload: f.payload }));
}

async function runCase(c: ConformanceCase): Promise<void> {
  const client = await RawClient.connect(port);
  try {
    const head = await client.handshake();
    expect(head.split("\r\n")[0]).toBe("HTTP/1.1 101 Switching Protocols");
    expect(head).toContain(`Sec-WebSocket-Accept: ${RAW_ACCEPT}`);
    for (const chunk of c.chunks) await client.write(chunk);
    // A case that ends neither in a close nor in a failure is closed by the client.
    if (c.fail === undefined && !c.expect.some((e) => "close" in e)) {
      await client.write(encodeFrame(Opcode.CLOSE, new Uint8Array([0x03, 0xe8]), { mask: MASK }));
    }
    await client.until(() => false, 5000);
    expect(client.closed).toBe(true); // the server dropped the TCP connection
    const { frames, error } = client.frames();
    expect(error).toBeUndefined();
    for (const f of frames) {
      expect(f.fin).toBe(true);
      expect(f.rsv).toBe(0);
    }
    expect(summary(frames)).toEqual(expectedReplies(c));
  } finally {
    client.destroy();
  }
}

describe("conformance battery against the echo server", () => {
  for (const c of conformanceCases()) test(`${c.id} ${c.title}`, () => runCase(c));
});
