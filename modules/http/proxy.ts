// Reverse proxy (mg_http_reverse_proxy): forward a request under `mount` to an upstream
// http:// server, the mount prefix replaced by the upstream's path, and stream the reply back.
// One upstream connection per request (Connection: close), hop-by-hop fields dropped. Request
// bodies are forwarded as they arrive (the proxy takes over the exchange's body events); the
// reply streams through the client's send buffer, and the upstream is not read while that
// buffer is above its high-water mark, so a slow client slows the upstream instead of growing memory.

import type { Connection } from "../core/connection";
import type { McEvent } from "../core/events";
import { parseHttpUrl } from "./client-url";
import { currentExchange, type BodyProducer, type Exchange } from "./exchange";
import type { HttpRequest, ResponseHead } from "./message";
import { HttpParser } from "./parser";
import { endResponse, sendBody, sendError, sendHead } from "./reply";
import { serverOf } from "./server";
import "./events";

// RFC 9110 7.6.1: fields that describe one hop only, never forwarded.
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "expect", "host", "content-length"]);

function forwardable(name: string, connectionTokens: string): boolean {
  const n = name.toLowerCase();
  return !HOP_BY_HOP.has(n) && !(`,${connectionTokens},`.indexOf(`,${n},`) >= 0);
}

function tokens(h: string | undefined): string {
  return (h ?? "").toLowerCase().split(",").map((t) => t.trim()).join(",");
}

function setReadPaused(conn: Connection, paused: boolean): void {
  if (!conn.isClosed) conn.pauseRead(paused);
}

class ProxyExchange implements BodyProducer {
  private readonly parser = HttpParser.response();
  private readonly upHighWater: number;
  private readonly clientHighWater: number;
  private upPaused = false;
  private clientPaused = false;
  private finished = false;
  private chunkedUp = false;
  /** the message being parsed is a 1xx interim response */
  private informational = false;

  constructor(
    private readonly client: Connection,
    private readonly ex: Exchange,
    readonly upstream: Connection,
  ) {
    this.upHighWater = upstream.limits.sendHighWater;
    this.clientHighWater = client.limits.sendHighWater;
  }

  /** The client drained: carry on with what the upstream sent. */
  fill(): void {
    this.pump();
  }

  close(): void {
    if (this.clientPaused) {
      this.clientPaused = false;
      setReadPaused(this.client, false);
    }
    if (!this.upstream.isClosed) this.upstream.close();
  }

  sendRequest(req: HttpRequest, target: string, hostField: string): void {
    const conn = tokens(req.headers.get("connection"));
    let head = `${req.method} ${target} HTTP/1.1\r\nHost: ${hostField}\r\n`;
    for (const [n, v] of req.headers.list) if (forwardable(n, conn)) head += `${n}: ${v}\r\n`;
    const xff = req.headers.get("x-forwarded-for");
    head += `X-Forwarded-For: ${xff ? xff + ", " : ""}${this.client.remote.address}\r\nConnection: close\r\n`;
    if (req.body) {
      this.upstream.write(head + `Content-Length: ${req.body.length}\r\n\r\n`);
      this.upstream.write(req.body);
    } else if (req.framing !== "none") {
      // Streamed body: forwarded chunk by chunk as the client sends it.
      this.chunkedUp = true;
      this.upstream.write(head + "Transfer-Encoding: chunked\r\n\r\n");
    } else this.upstream.write(head + "\r\n");
  }

  /** Request body events of the client exchange, now routed here. */
  onClientEvent(ev: McEvent): void {
    if (!this.chunkedUp || this.upstream.isClosed) return;
    if (ev.type === "http-chunk" && ev.data.length > 0) {
      this.upstream.write(ev.data.length.toString(16) + "\r\n");
      this.upstream.write(ev.data);
      this.upstream.write("\r\n");
      // The upstream takes the body slower than the client sends it: stop reading the client.
      if (!this.clientPaused && this.upstream.send.length >= this.upHighWater) {
        this.clientPaused = true;
        setReadPaused(this.client, true);
      }
    } else if (ev.type === "http-body-end") this.upstream.write("0\r\n\r\n");
  }

  onUpstreamEvent(ev: McEvent): void {
    if (ev.type === "connect" && ev.error) {
      if (!this.ex.headSent) sendError(this.client, 502, `upstream: ${ev.error.message}`);
    } else if (ev.type === "recv") this.pump();
    else if (ev.type === "send") {
      if (this.clientPaused && this.upstream.send.length < this.upHighWater >> 1) {
        this.clientPaused = false;
        setReadPaused(this.client, false);
      }
    } else if (ev.type === "close") this.onUpstreamClose();
  }

  private pauseUpstream(pause: boolean): void {
    if (pause === this.upPaused) return;
    this.upPaused = pause;
    setReadPaused(this.upstream, pause);
  }

  /** Move the upstream's reply to the client while the client keeps up (`force`: the upstream is gone, take all). */
  private pump(force = false): void {
    const up = this.upstream;
    const c = this.client;
    while (!this.finished && !c.isClosed && up.recv.length > 0) {
      if (!force && c.send.length >= this.clientHighWater) {
        this.pauseUpstream(true);
        return;
      }
      const r = this.parser.next(up.recv.bytes);
      if (r.type === "more") {
        up.recv.remove(r.consumed);
        break;
      }
      if (r.type === "head") {
        up.recv.remove(r.consumed);
        this.onHead(r.head);
      } else if (r.type === "body") {
        sendBody(c, r.data);
        up.recv.remove(r.consumed);
      } else if (r.type === "end") {
        up.recv.remove(r.consumed);
        if (!this.informational) this.complete();
        this.informational = false;
      } else {
        up.recv.remove(r.consumed);
        this.fail(r.type === "error" ? r.error.reason : "upstream switched protocols");
        return;
      }
    }
    this.pauseUpstream(false);
  }

  private onHead(head: ResponseHead): void {
    const c = this.client;
    if (head.status < 200) {
      // 1xx from the upstream are for this hop only.
      this.informational = true;
      return;
    }
    if (this.ex.request.method === "HEAD") this.parser.skipBody();
    const conn = tokens(head.headers.get("connection"));
    let h = "";
    for (const [n, v] of head.headers.list) if (forwardable(n, conn)) h += `${n}: ${v}\r\n`;
    const length = head.framing === "length" ? head.contentLength : head.framing === "none" ? 0 : -1;
    sendHead(c, head.status, length, h);
  }

  private complete(): void {
    if (this.finished) return;
    this.finished = true;
    if (!this.ex.complete) endResponse(this.client);
    this.close();
  }

  private fail(why: string): void {
    if (this.finished) return;
    this.finished = true;
    serverOf(this.client)?.log(this.client, "warn", `reverse proxy: ${why}`);
    if (!this.ex.headSent) sendError(this.client, 502, why);
    else if (!this.ex.complete) {
      // Mid-body: the client can only learn of it from the close.
      this.ex.keepAlive = false;
      this.client.closeAfterSend();
    }
    this.close();
  }

  private onUpstreamClose(): void {
    if (this.finished) return;
    // What the upstream sent before closing is still to be delivered.
    this.pump(true);
    if (this.finished) return;
    const fin = this.parser.finish();
    if (fin?.type === "end") {
      this.complete();
      return;
    }
    this.fail("upstream closed before the reply was complete");
  }
}

/**
 * mg_http_reverse_proxy: `mount` is the request-path prefix being proxied, `upstream` an
 * http:// URL whose path replaces it ("/api" + "http://10.0.0.2:8001/foo": /api/bar goes to
 * http://10.0.0.2:8001/foo/bar). Host names need the Manager's resolver (the DNS module).
 */
export function reverseProxy(c: Connection, req: HttpRequest, mount: string, upstream: string): void {
  const ex = currentExchange(c);
  if (!ex) {
    sendError(c, 500, "reverseProxy needs a connection of an attached HTTP server");
    return;
  }
  const u = parseHttpUrl(upstream);
  if (!u.ok) {
    sendError(c, 502, u.message);
    return;
  }
  const t = u.target;
  const rest = req.target.startsWith(mount) ? req.target.slice(mount.length) : req.target;
  const base = t.requestTarget.endsWith("/") && rest.startsWith("/") ? t.requestTarget.slice(0, -1) : t.requestTarget;
  const path = rest.length === 0 ? base : base === "/" && rest.startsWith("/") ? rest : rest.startsWith("?") || rest.startsWith("/") ? base + rest : base + "/" + rest;
  let proxy: ProxyExchange | undefined;
  const upConn = c.mgr.connect(t.address, (_u, ev) => proxy?.onUpstreamEvent(ev));
  proxy = new ProxyExchange(c, ex, upConn);
  const p = proxy;
  ex.producer = p;
  ex.handler = (_c, ev) => p.onClientEvent(ev);
  p.sendRequest(req, path, t.hostField);
}
