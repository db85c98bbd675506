// Streaming a file (or bytes held in memory) as a response body with backpressure: bytes are
// read straight into the free tail of conn.send, only while it holds less than the connection's
// high-water mark, and more are read on each `send` event as the socket drains. A file of any
// size costs one send buffer's worth of memory, never its own size.

import type { Connection } from "../core/connection";
import { currentExchange, type BodyProducer } from "./exchange";
import type { FileHandle } from "./fs";
import { bodyQueued } from "./reply";

/** A FileHandle over bytes in memory (open-file hook results, flash resources). */
export function memoryHandle(bytes: Uint8Array): FileHandle {
  return {
    read(into, position) {
      if (position >= bytes.length) return 0;
      const n = Math.min(into.length, bytes.length - position);
      into.set(bytes.subarray(position, position + n));
      return n;
    },
    close() {},
  };
}

/** How much output to keep queued: the high-water mark (reading pauses there, so pipelined requests wait too). */
export function fillTarget(c: Connection, chunk: number): number {
  return Math.max(chunk, Math.min(c.limits.sendHighWater, c.send.limit - chunk));
}

export class FileBodyProducer implements BodyProducer {
  private pos: number;
  private readonly end: number;
  private closed = false;

  /** Bytes [start, end) of `handle`, `chunk` at a time. The handle is closed when done. */
  constructor(
    private readonly handle: FileHandle,
    start: number,
    end: number,
    private readonly chunk: number,
    private readonly onClose?: (completed: boolean) => void,
  ) {
    this.pos = start;
    this.end = end;
  }

  fill(c: Connection): void {
    if (this.closed || c.isClosed) return;
    const ex = currentExchange(c);
    if (!ex || ex.complete || ex.producer !== this) return;
    const target = fillTarget(c, this.chunk);
    let queued = 0;
    while (this.pos < this.end && c.send.length < target) {
      const want = Math.min(this.chunk, this.end - this.pos);
      const tail = c.send.tail(want);
      if (!tail) break;
      let got = 0;
      try {
        got = this.handle.read(tail, this.pos);
      } catch {
        got = -1;
      }
      if (got <= 0) {
        // The file shrank or failed under us: the promised length cannot be met, only a close tells the client.
        ex.keepAlive = false;
        c.closeAfterSend();
        this.close(false);
        return;
      }
      c.send.commit(got);
      this.pos += got;
      queued += got;
    }
    if (queued > 0) {
      c.mgr.touch(c);
      bodyQueued(c, queued);
    }
  }

  close(completed: boolean): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.handle.close();
    } catch {
      // nothing left to do for a handle that fails to close
    }
    this.onClose?.(completed);
  }
}

/**
 * Stream `length` bytes from `source` as the body of the current response (after
 * `sendHead(c, status, length)`), reading `chunk` bytes at a time as the socket drains: for
 * bodies an application produces itself (a flash partition, a log) that must not be built in memory.
 */
export function streamBody(c: Connection, source: FileHandle, length: number, chunk = 2048): boolean {
  const ex = currentExchange(c);
  if (!ex || !ex.headSent || ex.complete || ex.framing !== "length" || ex.remaining !== length) {
    source.close();
    return false;
  }
  const p = new FileBodyProducer(source, 0, length, chunk);
  ex.producer = p;
  p.fill(c);
  return true;
}
