// Real loopback clients for an echo server (node:net, node:dgram): used by the XS echo tests and by
// bench/xs-meters. Each resolves with what came back, and rejects on a timeout rather than hang.

import * as dgram from "node:dgram";
import * as net from "node:net";

export interface TcpEchoResult {
  sent: number;
  received: Buffer;
  ms: number;
}

/** Send `payload` (in `chunk`-byte writes), half-close, and collect the echo until the server
 * closes. */
export function tcpEcho(port: number, payload: Buffer, options: { chunk?: number; timeoutMs?: number; halfClose?: boolean } = {}): Promise<TcpEchoResult> {
  const chunk = options.chunk ?? 16384;
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let received = 0;
    const socket = net.connect({ port, host: "127.0.0.1", allowHalfOpen: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`tcp echo: timed out with ${received}/${payload.length} bytes back`));
    }, options.timeoutMs ?? 20000);
    socket.on("data", (d) => {
      parts.push(d);
      received += d.length;
      // without a half-close the server never closes; stop once everything is back
      if (options.halfClose === false && received >= payload.length) socket.end();
    });
    socket.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ sent: payload.length, received: Buffer.concat(parts), ms: Date.now() - start });
    });
    socket.on("connect", () => {
      let at = 0;
      const pump = (): void => {
        while (at < payload.length) {
          const ok = socket.write(payload.subarray(at, Math.min(payload.length, at + chunk)));
          at = Math.min(payload.length, at + chunk);
          if (!ok) {
            socket.once("drain", pump);
            return;
          }
        }
        if (options.halfClose !== false) socket.end();
      };
      pump();
    });
  });
}

/** Send `count` datagrams of `size` bytes (each numbered) one at a time and collect the replies. */
export async function udpEcho(port: number, count: number, size: number, timeoutMs = 2000): Promise<Buffer[]> {
  const socket = dgram.createSocket("udp4");
  await new Promise<void>((r) => socket.bind(0, "127.0.0.1", () => r()));
  const replies: Buffer[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const msg = Buffer.alloc(size, i & 0xff);
      msg.writeUInt32BE(i, 0);
      const reply = await new Promise<Buffer>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`udp echo: no reply to datagram ${i}`)), timeoutMs);
        socket.once("message", (m) => {
          clearTimeout(timer);
          resolve(m);
        });
        socket.send(msg, port, "127.0.0.1");
      });
      replies.push(reply);
    }
  } finally {
    socket.close();
  }
  return replies;
}

/** Deterministic pseudo-random bytes, so a corrupted echo is visible. */
export function patternBytes(n: number, seed = 1): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}
