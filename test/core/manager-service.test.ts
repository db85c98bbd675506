// When the Manager services a connection after an event: only when there is something to do
// (output queued, a close flag set), yet always then, however the handler set it up, and each
// connection once per pass however many times it was touched.
import { createLoopbackPlatform } from "../../host-sim/loopback";
import { Manager } from "../../modules/core/manager";
import { Flags, type Connection } from "../../modules/core/connection";
import type { McEvent } from "../../modules/core/events";

function setup() {
  const p = createLoopbackPlatform();
  const mgr = new Manager(p, { pollInterval: 0 });
  return { p, mgr };
}

/** A client that sends `msg` on connect and records what comes back and whether it was closed. */
function client(mgr: Manager, port: number, msg: string) {
  const out = { text: "", sends: 0, closed: false };
  mgr.connect(`tcp://127.0.0.1:${port}`, (c: Connection, ev: McEvent) => {
    if (ev.type === "connect" && !ev.error) c.write(msg);
    if (ev.type === "recv") {
      out.text += new TextDecoder().decode(c.recv.bytes);
      c.recv.clear();
    }
    if (ev.type === "close") out.closed = true;
  });
  return out;
}

test("bytes a handler appends to conn.send itself are flushed", async () => {
  const { p, mgr } = setup();
  const srv = mgr.bind("tcp://127.0.0.1:0", (c, ev) => {
    if (ev.type === "recv") {
      c.send.append("direct:");
      c.send.append(c.recv.bytes);
      c.recv.clear();
    }
  });
  const got = client(mgr, srv.local.port, "hi");
  await p.run();
  expect(got.text).toBe("direct:hi");
});

test("close flags a handler sets on conn.flags take effect (Mongoose style)", async () => {
  const { p, mgr } = setup();
  const srv = mgr.bind("tcp://127.0.0.1:0", (c, ev) => {
    if (ev.type !== "recv") return;
    const cmd = new TextDecoder().decode(c.recv.bytes);
    c.recv.clear();
    if (cmd === "drop") c.flags |= Flags.CLOSE_IMMEDIATELY;
    else {
      c.send.append("bye");
      c.flags |= Flags.SEND_AND_CLOSE;
    }
  });
  const dropped = client(mgr, srv.local.port, "drop");
  const ended = client(mgr, srv.local.port, "end");
  await p.run();
  expect(dropped).toMatchObject({ text: "", closed: true });
  expect(ended).toMatchObject({ text: "bye", closed: true });
});

test("many writes in one callback go out as one flush, and a later write in the send event is flushed too", async () => {
  const { p, mgr } = setup();
  const sends: number[] = [];
  const srv = mgr.bind("tcp://127.0.0.1:0", (c, ev) => {
    if (ev.type === "recv") {
      c.recv.clear();
      for (let i = 0; i < 5; i++) c.write(String(i));
    }
    if (ev.type === "send") {
      sends.push(ev.bytes);
      if (sends.length === 1) c.write("!");
    }
  });
  const got = client(mgr, srv.local.port, "go");
  await p.run();
  expect(got.text).toBe("01234!");
  expect(sends).toEqual([5, 1]);
});

test("an event that leaves nothing to do schedules no service pass", async () => {
  const { p, mgr } = setup();
  let passes = 0;
  const service = (mgr as unknown as { service(): void }).service.bind(mgr);
  (mgr as unknown as { service(): void }).service = () => {
    passes++;
    service();
  };
  const seen: number[] = [];
  const srv = mgr.bind("udp://127.0.0.1:0", (c, ev) => {
    if (ev.type === "recv") {
      seen.push(c.recv.length);
      c.write(c.recv.bytes); // UDP: sent at once, nothing queued
    }
  });
  let echoed = 0;
  const cli = mgr.connect(`udp://127.0.0.1:${srv.local.port}`, (c, ev) => {
    if (ev.type === "recv") echoed++;
  });
  await p.run();
  for (let i = 0; i < 10; i++) cli.write("x".repeat(i + 1));
  await p.run();
  expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  expect(echoed).toBe(10);
  expect(passes).toBe(0);
});
