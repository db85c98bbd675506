// The XS run's ECMA-419 classes (host-sim/xs/embedded) hold the socket contract of
// modules/core/platform.ts, checked from inside XS (fixtures/socket-conformance.ts).

import * as path from "node:path";
import { XsRunner } from "../../host-sim/xs/runner";

interface Outcome {
  name: string;
  ok: boolean;
  error?: string;
}

let outcomes: Outcome[] = [];
let xsErrors: string[] = [];

beforeAll(async () => {
  const runner = await XsRunner.start({ entry: path.join(__dirname, "fixtures/socket-conformance.ts") });
  try {
    await runner.call("main");
    let result = { finished: false, outcomes: [] as Outcome[] };
    const deadline = Date.now() + 10000;
    while (!result.finished && Date.now() < deadline) {
      result = await runner.call<typeof result>("conformance.result");
      if (!result.finished) await new Promise((r) => setTimeout(r, 20));
    }
    outcomes = result.outcomes;
    xsErrors = runner.errors;
    if (!result.finished) outcomes.push({ name: "all steps finished", ok: false, error: "timed out" });
  } finally {
    await runner.close();
  }
}, 30000);

test("no exception escaped a socket callback in XS", () => {
  expect(xsErrors).toEqual([]);
});

test("the conformance steps ran", () => {
  expect(outcomes.length).toBeGreaterThanOrEqual(30);
});

test.each([
  "Listener rejects a port out of range",
  "TCP needs an IP address literal",
  "Listener reports its ephemeral port",
  "write before the connection is up throws",
  "onWritable first fires once connected, with the free send buffer",
  "Listener onReadable counts pending connections",
  "Listener read() with nothing pending is undefined",
  "an accepted socket knows its peer",
  "the instance re-wrapped with {from} is closed",
  "read() with nothing buffered is undefined",
  "write of more than the free send buffer throws and queues nothing",
  "a re-wrapped socket gets onWritable",
  "onReadable reports what arrived (the oversized write sent nothing)",
  "read(n) past what is buffered throws",
  "read(n) returns exactly n bytes",
  "read(view) fills the view and returns the count",
  "all read: read() is undefined again",
  "onError waits until buffered data is read",
  "the last bytes are still readable after the peer closed",
  "onError comes once, after the buffer drained",
  "after onError, write throws",
  "calls on a closed socket throw",
  "close() twice is harmless",
  "calls on a closed client throw",
  "calls on a closed listener throw",
  "a refused connection reports onError without onWritable",
  "UDP onReadable counts datagrams",
  "UDP read() carries the sender's address and port",
  "UDP read() with nothing queued is undefined",
  "UDP calls after close throw",
])("XS sockets: %s", (name) => {
  const found = outcomes.find((o) => o.name === name);
  if (!found) throw new Error(`not reached; outcomes: ${JSON.stringify(outcomes.filter((o) => !o.ok))}`);
  if (!found.ok) throw new Error(found.error);
});
