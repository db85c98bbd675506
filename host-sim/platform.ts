// The Platform on a PC: real sockets (node:net, node:dgram), Node timers, node:crypto digests,
// a file-backed store and (optionally) a simulated Wi-Fi radio.

import * as crypto from "node:crypto";
import type { DigestAlgorithm, KeyValueStore, LogLevel, Platform, Timers, Wifi, Bytes } from "../modules/core/platform";
import { createSocketClasses, defaultSocketOptions, type HostSocketOptions } from "./sockets";
import { MemoryStore } from "./store";

export interface HostPlatformOptions {
  store?: KeyValueStore;
  wifi?: Wifi;
  sockets?: Partial<HostSocketOptions>;
  /** minimum level printed; "silent" prints nothing */
  logLevel?: LogLevel | "silent";
  /** where log lines go (default: stderr) */
  logSink?: (level: LogLevel, message: string) => void;
}

const LEVELS: Record<LogLevel | "silent", number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

export const hostTimers: Timers = {
  set(callback, delay, repeat) {
    if (repeat) {
      const box: { t?: NodeJS.Timeout } = {};
      box.t = setTimeout(() => {
        box.t = setInterval(callback, repeat);
        callback();
      }, delay);
      return box;
    }
    return { t: setTimeout(callback, delay) };
  },
  repeat(callback, interval) {
    const box = { t: setInterval(callback, interval) };
    return box;
  },
  clear(id) {
    const box = id as { t?: NodeJS.Timeout } | undefined;
    if (box?.t) {
      clearTimeout(box.t);
      clearInterval(box.t);
    }
  },
};

function toNodeBytes(b: Bytes): Uint8Array {
  return b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export function createHostPlatform(options: HostPlatformOptions = {}): Platform {
  const sockets = createSocketClasses({ ...defaultSocketOptions, ...options.sockets });
  const min = LEVELS[options.logLevel ?? (process.env.MCNET_LOG as LogLevel) ?? "info"] ?? 1;
  const sink = options.logSink ?? ((level: LogLevel, message: string) => process.stderr.write(`[mcnet ${level}] ${message}\n`));
  const start = performance.now();
  return {
    name: "host-sim",
    TCP: sockets.TCP,
    UDP: sockets.UDP,
    Listener: sockets.Listener,
    timers: hostTimers,
    now: () => Math.floor(performance.now() - start),
    time: () => Date.now(),
    randomBytes: (n) => new Uint8Array(crypto.randomBytes(n)),
    digest(algorithm: DigestAlgorithm, ...parts: Bytes[]) {
      const h = crypto.createHash(algorithm === "SHA1" ? "sha1" : algorithm === "MD5" ? "md5" : "sha256");
      for (const p of parts) h.update(toNodeBytes(p));
      const out = h.digest();
      return out.buffer.slice(out.byteOffset, out.byteOffset + out.length) as ArrayBuffer;
    },
    store: options.store ?? new MemoryStore(),
    wifi: options.wifi,
    log(level, message) {
      if (LEVELS[level] >= min) sink(level, message);
    },
  };
}
