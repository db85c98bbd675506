// The resolver on host-sim against real upstreams: dnsmasq with fixed answers (A, AAAA, CNAME
// chains, NXDOMAIN, REFUSED, a TXT answer too big for UDP), a socket that never answers (timeout,
// retries, fresh port and id per attempt), a spoofing server, an mcnet server whose replies make
// the resolver chase CNAMEs itself, the hosts table, the cache, and Manager.connect by name.
import * as dgram from "node:dgram";
import * as net from "node:net";
import * as dnsPacket from "dns-packet";
import { createHostPlatform } from "../../host-sim/platform";
import { Manager } from "../../modules/core/manager";
import type { ConnectError } from "../../modules/core/events";
import { Resolver, type ResolveOptions, type ResolveResult } from "../../modules/dns/resolver";
import { parseHosts } from "../../modules/dns/hosts";
import { attach, createReply, sendReply } from "../../modules/dns/server";
import { startDnsmasq, type Dnsmasq } from "./peers";

const platform = createHostPlatform({ logLevel: "silent" });
const mgr = new Manager(platform);
let dnsmasq: Dnsmasq;
const BIG = Array.from({ length: 7 }, (_, i) => String(i + 1).repeat(200));

beforeAll(async () => {
  dnsmasq = await startDnsmasq([
    "--local=/test/",
    "--host-record=host.test,10.2.2.2,fd00::2",
    "--host-record=local.test,127.0.0.1",
    "--host-record=v6only.test,fd00::6",
    "--cname=alias.test,host.test",
    "--cname=a1.test,alias.test",
    "--address=/fixed.test/10.1.1.1",
    `--txt-record=big.test,${BIG.join(",")}`,
    "--txt-record=txt.test,v=mcnet1",
    // local answers carry TTL 0 unless told, and TTL 0 is never cached
    "--local-ttl=300",
  ]);
});
afterAll(async () => {
  mgr.close();
  await dnsmasq?.stop();
});

function resolve(r: Resolver, name: string, type = "A", options?: ResolveOptions): Promise<ResolveResult> {
  return new Promise((done) => r.resolve(name, type, done, options));
}

/** A UDP socket that reads queries and never answers. */
async function silentServer(): Promise<{ port: number; queries: Array<{ port: number; id: number }>; close: () => void }> {
  const s = dgram.createSocket("udp4");
  const queries: Array<{ port: number; id: number }> = [];
  s.on("message", (m, rinfo) => queries.push({ port: rinfo.port, id: m.readUInt16BE(0) }));
  await new Promise<void>((r) => s.bind(0, "127.0.0.1", () => r()));
  return { port: s.address().port, queries, close: () => s.close() };
}

describe("resolver against dnsmasq", () => {
  let r: Resolver;
  beforeAll(() => {
    r = new Resolver(mgr, { nameservers: [`127.0.0.1:${dnsmasq.port}`], timeout: 1000, retries: 1 });
  });

  test("A and AAAA", async () => {
    const a = await resolve(r, "host.test");
    expect(a).toMatchObject({ ok: true, name: "host.test", addresses: ["10.2.2.2"], source: "network" });
    const aaaa = await resolve(r, "host.test", "AAAA");
    expect(aaaa).toMatchObject({ ok: true, addresses: ["fd00::2"] });
  });

  test("a CNAME chain inside one reply is followed to its address", async () => {
    const a = await resolve(r, "A1.Test");
    expect(a).toMatchObject({ ok: true, name: "host.test", addresses: ["10.2.2.2"] });
  });

  test("wildcard domain answers and TXT records", async () => {
    expect(await resolve(r, "deep.sub.fixed.test")).toMatchObject({ ok: true, addresses: ["10.1.1.1"] });
    const txt = await resolve(r, "txt.test", "TXT");
    if (!txt.ok || txt.records[0].type !== "TXT") throw new Error("TXT expected");
    expect(Buffer.from(txt.records[0].data[0] as Uint8Array).toString()).toBe("v=mcnet1");
  });

  test("NXDOMAIN, NODATA and REFUSED are told apart", async () => {
    expect(await resolve(r, "missing.test")).toMatchObject({ ok: false, error: "NXDOMAIN" });
    expect(await resolve(r, "host.test", "MX")).toMatchObject({ ok: false, error: "NODATA" });
    expect(await resolve(r, "elsewhere.org")).toMatchObject({ ok: false, error: "REFUSED" });
  });

  test("a reply truncated over UDP is fetched again over TCP", async () => {
    const big = await resolve(r, "big.test", "TXT");
    if (!big.ok) throw new Error(`${big.error}: ${big.detail}`);
    expect(big.records.length).toBe(1);
    const rr = big.records[0];
    if (rr.type !== "TXT") throw new Error("TXT expected");
    expect(rr.data.map((s) => Buffer.from(s as Uint8Array).toString())).toEqual(BIG);
  });

  test("answers are cached with their TTL counting down; fresh skips the cache", async () => {
    const c = new Resolver(mgr, { nameservers: [`127.0.0.1:${dnsmasq.port}`] });
    const first = await resolve(c, "local.test");
    expect(first).toMatchObject({ ok: true, source: "network" });
    const second = await resolve(c, "LOCAL.test.");
    expect(second).toMatchObject({ ok: true, source: "cache", addresses: ["127.0.0.1"] });
    if (first.ok && second.ok) expect(second.ttl).toBeLessThanOrEqual(first.ttl);
    expect(await resolve(c, "local.test", "A", { fresh: true })).toMatchObject({ source: "network" });
  });

  test("the cache stays within its size", async () => {
    const c = new Resolver(mgr, { nameservers: [`127.0.0.1:${dnsmasq.port}`], cacheSize: 2 });
    await resolve(c, "a.fixed.test");
    await resolve(c, "b.fixed.test");
    await resolve(c, "c.fixed.test");
    expect(await resolve(c, "c.fixed.test")).toMatchObject({ source: "cache" });
    expect(await resolve(c, "a.fixed.test")).toMatchObject({ source: "network" });
  });

  test("Manager.connect('tcp://name:port') resolves through the installed resolver", async () => {
    const server = net.createServer((s) => s.end("hello"));
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", () => ok()));
    const serverPort = (server.address() as net.AddressInfo).port;
    new Resolver(mgr, { nameservers: [`127.0.0.1:${dnsmasq.port}`] }).install();
    const text = await new Promise<string>((ok, fail) => {
      let got = "";
      mgr.connect(`tcp://local.test:${serverPort}`, (c, ev) => {
        if (ev.type === "connect" && ev.error) fail(new Error(ev.error.message));
        if (ev.type === "recv") {
          got += Buffer.from(c.recv.bytes).toString();
          c.recv.clear();
        }
        if (ev.type === "close") ok(got);
      });
    });
    server.close();
    expect(text).toBe("hello");
    const error = await new Promise<ConnectError | undefined>((ok) => {
      mgr.connect(`tcp://nothing.test:${serverPort}`, (_c, ev) => {
        if (ev.type === "connect") ok(ev.error);
      });
    });
    expect(error).toMatchObject({ code: "ENOTFOUND" });
    expect(error!.message).toMatch(/NXDOMAIN/);
    // a name with only an AAAA record falls back to it
    const v6 = await new Promise<string | undefined>((ok) => mgr.resolve!("v6only.test", (address, err) => ok(address ?? err)));
    expect(v6).toBe("fd00::6");
    mgr.resolve = undefined;
  });
});

describe("resolver failures and anti-spoofing", () => {
  test("a server that never answers: TIMEOUT after every retry, each with a fresh port and id", async () => {
    const silent = await silentServer();
    const r = new Resolver(mgr, { nameservers: [`127.0.0.1:${silent.port}`], timeout: 150, retries: 2 });
    const started = Date.now();
    const res = await resolve(r, "anything.example");
    const took = Date.now() - started;
    silent.close();
    expect(res).toMatchObject({ ok: false, error: "TIMEOUT" });
    expect(silent.queries.length).toBe(3);
    expect(new Set(silent.queries.map((q) => q.port)).size).toBe(3);
    expect(new Set(silent.queries.map((q) => q.id)).size).toBeGreaterThan(1);
    expect(took).toBeGreaterThanOrEqual(400);
    expect(r.pending).toBe(0);
  });

  test("the next nameserver is used when the first does not answer", async () => {
    const silent = await silentServer();
    const r = new Resolver(mgr, { nameservers: [`127.0.0.1:${silent.port}`, `127.0.0.1:${dnsmasq.port}`], timeout: 150, retries: 0 });
    const res = await resolve(r, "host.test");
    silent.close();
    expect(res).toMatchObject({ ok: true, addresses: ["10.2.2.2"] });
    expect(silent.queries.length).toBe(1);
  });

  test("per-call options override the resolver's nameservers, timeout and retries", async () => {
    const silent = await silentServer();
    const r = new Resolver(mgr, { nameservers: [`127.0.0.1:${silent.port}`], timeout: 5000, retries: 3 });
    expect(await resolve(r, "host.test", "A", { nameservers: [`127.0.0.1:${dnsmasq.port}`] })).toMatchObject({ ok: true, addresses: ["10.2.2.2"] });
    expect(silent.queries.length).toBe(0);
    const started = Date.now();
    expect(await resolve(r, "x.example", "A", { timeout: 100, retries: 0 })).toMatchObject({ ok: false, error: "TIMEOUT" });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(silent.queries.length).toBe(1);
    silent.close();
  });

  test("replies with a wrong id, a wrong question or from another port are ignored", async () => {
    const s = dgram.createSocket("udp4");
    const other = dgram.createSocket("udp4");
    await new Promise<void>((ok) => s.bind(0, "127.0.0.1", () => ok()));
    await new Promise<void>((ok) => other.bind(0, "127.0.0.1", () => ok()));
    s.on("message", (m, rinfo) => {
      const q = dnsPacket.decode(m);
      const answer = (id: number, name: string, data: string) =>
        dnsPacket.encode({ id, type: "response", flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: "A", name }], answers: [{ type: "A", name, ttl: 60, data }] });
      const name = q.questions![0].name;
      other.send(answer(q.id!, name, "6.6.6.1"), rinfo.port, rinfo.address);
      s.send(answer((q.id! + 1) & 0xffff, name, "6.6.6.2"), rinfo.port, rinfo.address);
      s.send(answer(q.id!, "evil.example", "6.6.6.3"), rinfo.port, rinfo.address);
      s.send(Buffer.from("garbage"), rinfo.port, rinfo.address);
      setTimeout(() => s.send(answer(q.id!, name, "192.0.2.7"), rinfo.port, rinfo.address), 30);
    });
    const r = new Resolver(mgr, { nameservers: [`127.0.0.1:${s.address().port}`], timeout: 1000, retries: 0 });
    const res = await resolve(r, "target.example");
    s.close();
    other.close();
    expect(res).toMatchObject({ ok: true, addresses: ["192.0.2.7"] });
  });

  test("CNAMEs pointing outside the reply are chased with new queries, and loops are cut", async () => {
    // an mcnet server whose replies hold one CNAME each
    const chains: Record<string, string> = { "c1.chase": "c2.chase", "c2.chase": "end.chase", "l1.loop": "l2.loop", "l2.loop": "l1.loop" };
    const srv = mgr.bind("udp://127.0.0.1:0", (c, ev) => {
      if (ev.type !== "dns-message") return;
      const reply = createReply(c, ev, { authoritative: true });
      const q = ev.message.questions[0];
      const target = chains[q.name.toLowerCase()];
      if (target) reply.answer({ name: q.name, type: "CNAME", ttl: 100, data: target });
      else if (q.type === "A") reply.answer({ name: q.name, type: "A", ttl: 50, data: "198.51.100.1" });
      sendReply(c, reply);
    });
    attach(srv);
    const r = new Resolver(mgr, { nameservers: [`127.0.0.1:${srv.local.port}`], timeout: 500, retries: 0, maxCnameChain: 4 });
    expect(await resolve(r, "c1.chase")).toMatchObject({ ok: true, name: "end.chase", addresses: ["198.51.100.1"], ttl: 50 });
    expect(await resolve(r, "l1.loop")).toMatchObject({ ok: false, error: "CNAME_LOOP" });
    srv.close();
  });

  test("hosts entries answer without the network; literals answer themselves", async () => {
    const silent = await silentServer();
    const hosts = parseHosts("# comment\n127.0.0.1 localhost\n10.9.8.7  printer.lan printer # trailing\n::1 localhost ip6-localhost\nbogus line here\n");
    const r = new Resolver(mgr, { nameservers: [`127.0.0.1:${silent.port}`], timeout: 100, retries: 0, hosts });
    expect(await resolve(r, "Printer")).toMatchObject({ ok: true, addresses: ["10.9.8.7"], source: "hosts" });
    expect(await resolve(r, "localhost", "AAAA")).toMatchObject({ ok: true, addresses: ["::1"], source: "hosts" });
    expect(await resolve(r, "192.0.2.1")).toMatchObject({ ok: true, addresses: ["192.0.2.1"], source: "literal" });
    expect(silent.queries.length).toBe(0);
    silent.close();
  });

  test("closing the manager under a pending lookup ends it with an error", async () => {
    const silent = await silentServer();
    const own = new Manager(createHostPlatform({ logLevel: "silent" }));
    const r = new Resolver(own, { nameservers: [`127.0.0.1:${silent.port}`], timeout: 5000, retries: 1 });
    const pending = resolve(r, "never.example");
    await new Promise((ok) => setTimeout(ok, 50));
    own.close();
    expect(await pending).toMatchObject({ ok: false });
    expect(r.pending).toBe(0);
    silent.close();
  });

  test("bad names, bad types, no nameserver, cancel and the pending limit", async () => {
    const r = new Resolver(mgr, { nameservers: [] });
    expect(await resolve(r, "a..b")).toMatchObject({ ok: false, error: "BAD_NAME" });
    expect(await resolve(r, "ok.example", "NOPE")).toMatchObject({ ok: false, error: "BAD_NAME" });
    expect(await resolve(r, "ok.example")).toMatchObject({ ok: false, error: "NO_NAMESERVER" });
    expect(() => r.setNameservers(["not an address"])).toThrow(/bad nameserver/);
    const silent = await silentServer();
    const busy = new Resolver(mgr, { nameservers: [`127.0.0.1:${silent.port}`], timeout: 5000, maxPending: 1 });
    const results: ResolveResult[] = [];
    const cancel = busy.resolve("one.example", "A", (x) => results.push(x));
    expect(await resolve(busy, "two.example")).toMatchObject({ ok: false, error: "BUSY" });
    cancel();
    expect(results).toEqual([{ ok: false, error: "CANCELLED", detail: "cancelled" }]);
    expect(busy.pending).toBe(0);
    silent.close();
  });
});
