// A raw WebSocket client over node:net for wire-level tests: it writes exactly the bytes a case
// gives (masked frames, split as the case says) and records every byte the server sends back.
import * as net from "node:net";
import { createHash } from "node:crypto";
import { FrameDecoder, FrameStep, Opcode } from "../../modules/websocket/frame";

export const RAW_KEY = "dGhlIHNhbXBsZSBub25jZQ==";
export const RAW_ACCEPT = createHash("sha1").update(RAW_KEY + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");

export interface ServerFrame {
  opcode: number;
  fin: boolean;
  rsv: number;
  payload: Buffer;
  closeCode?: number;
}

export class RawClient {
  readonly sock: net.Socket;
  private data = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;
  /** the server's head (status line and headers) once read */
  head = "";

  private constructor(sock: net.Socket) {
    this.sock = sock;
    sock.setNoDelay(true);
    sock.on("data", (d) => {
      this.data = Buffer.concat([this.data, d]);
      this.wake();
    });
    sock.on("close", () => {
      this.closed = true;
      this.wake();
    });
    sock.on("error", () => undefined);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, "127.0.0.1", () => resolve(new RawClient(s)));
      s.once("error", reject);
    });
  }

  /** wait until `pred` holds, the socket closes, or `ms` pass; returns pred() */
  async until(pred: () => boolean, ms = 3000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!pred() && !this.closed && Date.now() < deadline) {
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
    return pred();
  }

  write(b: Uint8Array | string): Promise<void> {
    return new Promise((r) => this.sock.write(b, () => r()));
  }

  /** Send an opening handshake (or `request` as given) and read the reply head. */
  async handshake(request?: string, path = "/"): Promise<string> {
    await this.write(
      request ??
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${RAW_KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    await this.until(() => this.data.indexOf("\r\n\r\n") >= 0);
    const end = this.data.indexOf("\r\n\r\n");
    if (end < 0) return "";
    this.head = this.data.subarray(0, end).toString("latin1");
    this.data = this.data.subarray(end + 4);
    return this.head;
  }

  /** drop `n` bytes of what was received after the head */
  consume(n: number): void {
    this.data = this.data.subarray(n);
  }

  /** bytes received after the head */
  get rest(): Buffer {
    return this.data;
  }

  /** Decode what the server sent after the head; frames from a server must not be masked. */
  frames(): { frames: ServerFrame[]; error?: string } {
    const d = new FrameDecoder({ expectMasked: false, maxMessageSize: 1 << 24, validateUtf8: false });
    const buf = Buffer.from(this.data);
    const out: ServerFrame[] = [];
    let pos = 0;
    let parts: Buffer[] = [];
    for (;;) {
      pos += d.next(buf, pos, buf.length);
      if (d.step === FrameStep.NEED_MORE) break;
      if (d.step === FrameStep.ERROR) return { frames: out, error: d.errorMessage };
      if (d.step === FrameStep.HEADER) parts = [];
      else if (d.step === FrameStep.DATA) {
        parts.push(Buffer.from(d.payload));
        if (d.frameEnd) out.push({ opcode: d.opcode, fin: d.fin, rsv: d.rsv, payload: Buffer.concat(parts) });
      } else if (d.step === FrameStep.CONTROL) {
        out.push({ opcode: d.opcode, fin: true, rsv: d.rsv, payload: Buffer.from(d.payload), closeCode: d.opcode === Opcode.CLOSE ? d.closeCode : undefined });
      }
    }
    return { frames: out };
  }

  destroy(): void {
    this.sock.destroy();
  }
}
