// The general DNS server API on host-sim (mg_set_protocol_dns, mg_dns_create_reply,
// mg_dns_reply_record, mg_dns_send_reply, mg_send_dns_query): a handler-built server queried by
// dig, truncation with dig's TCP retry, replies sent after the event, TCP idle close, and a
// client connection that sends a query and reads the response.
import * as dnsPacket from "dns-packet";
import * as net from "node:net";
import { createHostPlatform } from "../../host-sim/platform";
import { Manager } from "../../modules/core/manager";
import type { Connection } from "../../modules/core/connection";
import type { McEvent } from "../../modules/core/events";
import { attach, createReply, sendReply } from "../../modules/dns/server";
import { sendQuery } from "../../modules/dns/query";
import { captive } from "../../modules/dns/captive";
import type { DnsReply } from "../../modules/dns/reply";
import type { DnsMessage } from "../../modules/dns/message";
import { dig, udpQuery } from "./peers";
import { bindUdpAndTcp } from "../../examples/captive-dns/main";

const platform = createHostPlatform({ logLevel: "silent" });
const mgr = new Manager(platform, { pollInterval: 100 });
afterAll(() => mgr.close());

const BIG = Array.from({ length: 30 }, (_, i) => `${String(i).padStart(2, "0")}-${"x".repeat(90)}`);
const deferred: Array<{ c: Connection; reply: DnsReply }> = [];

// Mongoose's captive_dns_server handler, plus a few names with special behaviour
function handler(c: Connection, ev: McEvent): void {
  if (ev.type !== "dns-message") return;
  const reply = createReply(c, ev, { authoritative: true });
  const q = ev.message.questions[0];
  if (q.name.startsWith("slow.")) {
    reply.answer({ name: q.name, type: "A", ttl: 10, data: "127.0.0.2" });
    deferred.push({ c, reply });
    platform.timers.set(() => {
      const d = deferred.shift()!;
      sendReply(d.c, d.reply);
    }, 150);
    return;
  }
  if (q.type === "A") reply.answer({ name: q.name, type: "A", ttl: 10, data: "127.0.0.1" });
  if (q.type === "TXT" && q.name === "big.test") for (const s of BIG) reply.answer({ name: q.name, type: "TXT", ttl: 10, data: [s] });
  if (q.type === "MX") {
    reply.answer({ name: q.name, type: "MX", ttl: 10, data: { preference: 10, exchange: `mail.${q.name}` } });
    reply.additional({ name: `mail.${q.name}`, type: "A", ttl: 10, data: "127.0.0.3" });
  }
  sendReply(c, reply);
}

const { udp, tcp } = bindUdpAndTcp(mgr, "127.0.0.1", 0, handler);
attach(udp);
attach(tcp, { tcpIdleMs: 300 });
const port = udp.local.port;

describe("DNS server built from createReply / sendReply", () => {
  test("dig gets the handler's answers, with additional records", async () => {
    const a = await dig(port, "host.test", "A");
    expect(a.warnings).toEqual([]);
    expect(a.answers).toEqual([{ name: "host.test.", ttl: 10, type: "A", data: "127.0.0.1" }]);
    const mx = await dig(port, "example.test", "MX");
    expect(mx.answers).toEqual([{ name: "example.test.", ttl: 10, type: "MX", data: "10 mail.example.test." }]);
    expect(mx.raw).toMatch(/ADDITIONAL SECTION:\nmail\.example\.test\.\s+10\s+IN\s+A\s+127\.0\.0\.3/);
    expect(mx.counts.additional).toBe(2); // the A record and OPT
  });

  test("an answer too big for UDP is cut with TC; dig retries over TCP and gets all of it", async () => {
    const raw = await udpQuery(port, dnsPacket.encode({ id: 77, type: "query", flags: 0, questions: [{ type: "TXT", name: "big.test" }] }));
    expect(raw.length).toBeLessThanOrEqual(512);
    const m = dnsPacket.decode(raw);
    expect(m.flag_tc).toBe(true);
    expect(m.answers!.length).toBeGreaterThan(0);
    expect(m.answers!.length).toBeLessThan(BIG.length);
    const full = await dig(port, "big.test", "TXT", ["+noedns"]);
    expect(full.raw).toMatch(/Truncated, retrying in TCP mode/);
    expect(full.tcp).toBe(true);
    expect(full.answers.length).toBe(BIG.length);
  });

  test("EDNS lets a bigger UDP reply through, up to the server's 1232 bytes", async () => {
    const q = dnsPacket.encode({ id: 78, type: "query", flags: 0, questions: [{ type: "TXT", name: "big.test" }], additionals: [{ type: "OPT", name: ".", udpPayloadSize: 4096 } as dnsPacket.Answer] });
    const raw = await udpQuery(port, q);
    expect(raw.length).toBeGreaterThan(512);
    expect(raw.length).toBeLessThanOrEqual(1232);
    const m = dnsPacket.decode(raw);
    expect(m.additionals![m.additionals!.length - 1].type).toBe("OPT");
  });

  test("a reply kept past its event and sent later is intact while other queries are served", async () => {
    const slow = dig(port, "slow.test", "A");
    const fast = await Promise.all([dig(port, "fast1.test", "A"), dig(port, "fast2.test", "A")]);
    expect(fast.map((r) => r.answers[0].name)).toEqual(["fast1.test.", "fast2.test."]);
    const s = await slow;
    expect(s.warnings).toEqual([]);
    expect(s.answers).toEqual([{ name: "slow.test.", ttl: 10, type: "A", data: "127.0.0.2" }]);
  });

  test("an idle TCP connection is closed by the server", async () => {
    const closedAfter = await new Promise<number>((resolve) => {
      const started = Date.now();
      const s = net.connect(port, "127.0.0.1");
      s.on("error", () => {});
      s.on("close", () => resolve(Date.now() - started));
    });
    expect(closedAfter).toBeGreaterThanOrEqual(250);
    expect(closedAfter).toBeLessThan(3000);
  });
});

describe("a client connection with sendQuery", () => {
  test("sends a query and receives the response as a dns-message", async () => {
    const server = mgr.bind("udp://127.0.0.1:0", () => {});
    captive(server, { address: "192.0.2.55" });
    const got = await new Promise<{ id: number; message: DnsMessage }>((resolve) => {
      let id = -1;
      const c = mgr.connect(`udp://127.0.0.1:${server.local.port}`, (conn, ev) => {
        if (ev.type === "connect") {
          const r = sendQuery(conn, "client.test", "A");
          if (typeof r === "number") id = r;
        } else if (ev.type === "dns-message") {
          resolve({ id, message: { ...ev.message, answers: ev.message.answers.slice() } });
          conn.close();
        }
      });
      attach(c);
    });
    expect(got.message.id).toBe(got.id);
    expect(got.message.answers).toEqual([{ name: "client.test", type: "A", class: 1, ttl: 30, data: "192.0.2.55" }]);
    server.close();
  });

  test("over TCP, with the length prefix", async () => {
    const server = mgr.bind("tcp://127.0.0.1:0", () => {});
    captive(server, { address: "192.0.2.56" });
    const message = await new Promise<DnsMessage>((resolve) => {
      const c = mgr.connect(`tcp://127.0.0.1:${server.local.port}`, (conn, ev) => {
        if (ev.type === "connect" && !ev.error) sendQuery(conn, "tcp-client.test", "A");
        else if (ev.type === "dns-message") {
          resolve({ ...ev.message, answers: ev.message.answers.slice() });
          conn.close();
        }
      });
      attach(c);
    });
    expect(message.answers[0]).toMatchObject({ type: "A", data: "192.0.2.56" });
    server.close();
  });
});
