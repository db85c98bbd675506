// Shared pieces of the HTTP server integration tests: a host-sim server on an ephemeral port,
// raw socket exchanges, curl.
import * as net from "node:net";
import { createHostPlatform } from "../../host-sim/platform";
import { Manager } from "../../modules/core/manager";
import type { Connection } from "../../modules/core/connection";
import type { Handler } from "../../modules/core/events";
import type { LogLevel } from "../../modules/core/platform";
import { attach, type HttpServer } from "../../modules/http/server";
import type { HttpServerOptions } from "../../modules/http/server-options";
import { run, type RunResult } from "../helpers/run";

export interface TestServer {
  mgr: Manager;
  listener: Connection;
  server: HttpServer;
  port: number;
  url: string;
  logs: string[];
  close(): void;
}

export function startServer(handler: Handler, options: HttpServerOptions = {}, managerOptions: { pollInterval?: number } = {}): TestServer {
  const logs: string[] = [];
  const platform = createHostPlatform({ logLevel: "debug", logSink: (l: LogLevel, m: string) => logs.push(`${l}: ${m}`) });
  const mgr = new Manager(platform, managerOptions);
  const listener = mgr.bind("tcp://127.0.0.1:0", handler);
  const server = attach(listener, options);
  const port = listener.local.port;
  return {
    mgr,
    listener,
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    logs,
    close() {
      server.stop();
      mgr.close();
    },
  };
}

export function curl(args: string[], options: { input?: string | Buffer; timeout?: number } = {}): Promise<RunResult> {
  return run("curl", ["-s", "-S", "--max-time", "10", ...args], { timeout: options.timeout ?? 15000, input: options.input });
}

/**
 * Send `data` (in pieces, with `gapMs` between them, when given an array) on a fresh TCP
 * connection and collect everything until the server closes or `waitMs` of silence passes.
 */
export function rawExchange(port: number, data: string | Buffer | (string | Buffer)[], opts: { waitMs?: number; gapMs?: number; keepOpen?: boolean } = {}): Promise<{ text: string; closed: boolean; bytes: Buffer }> {
  const pieces = Array.isArray(data) ? data : [data];
  return new Promise((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1");
    const got: Buffer[] = [];
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(timer);
      s.destroy();
      const bytes = Buffer.concat(got);
      resolve({ text: bytes.toString("latin1"), closed, bytes });
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(finish, opts.waitMs ?? 1500);
    };
    s.on("data", (d) => {
      got.push(d);
      arm();
    });
    s.on("end", () => {
      closed = true;
      finish();
    });
    s.on("close", () => {
      closed = true;
      finish();
    });
    s.on("error", (e) => {
      if ((e as NodeJS.ErrnoException).code === "ECONNRESET") {
        closed = true;
        finish();
      } else reject(e);
    });
    s.on("connect", async () => {
      for (let i = 0; i < pieces.length; i++) {
        if (s.destroyed) return;
        s.write(pieces[i]);
        if (opts.gapMs && i < pieces.length - 1) await new Promise((r) => setTimeout(r, opts.gapMs));
      }
      arm();
    });
  });
}

/** Split a byte stream of HTTP/1.1 responses into status codes (heads only, bodies by Content-Length or chunked). */
export function statuses(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1]));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
