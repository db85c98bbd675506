// The live-heap census (host-sim/xs/live-heap.ts) against what a script knowingly keeps alive in
// a real xsnap machine: an ArrayBuffer of known size, plain objects of known slot counts, and
// garbage, which must not count.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { heapDelta, parseSnapshot, type LiveHeap } from "../../host-sim/xs/live-heap";
import { XsnapWorker } from "../../host-sim/xs/xsnap-worker";

let worker: XsnapWorker;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mcnet-live-heap-"));
let n = 0;

async function census(): Promise<LiveHeap> {
  const file = path.join(dir, `${++n}.xss`);
  await worker.snapshot(file);
  return parseSnapshot(fs.readFileSync(file));
}

beforeAll(() => {
  worker = new XsnapWorker({ name: "live-heap-test" });
});

afterAll(async () => {
  await worker.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a kept ArrayBuffer counts once with its bytes; garbage and released objects do not count", async () => {
  await worker.evaluate("globalThis.keep = undefined; 0");
  const before = await census();
  await worker.evaluate("globalThis.keep = new ArrayBuffer(10000); for (let i = 0; i < 1000; i++) new ArrayBuffer(100); 0");
  const held = heapDelta(await census(), before);
  expect(held.host.chunks.arrayBuffers).toBeGreaterThanOrEqual(10000);
  expect(held.host.chunks.arrayBuffers).toBeLessThan(10100);
  // 32-bit conversion: same bytes, a header half the size
  expect(held.device.chunks.arrayBuffers).toBe(held.host.chunks.arrayBuffers - 8);
  expect(held.slots).toBeLessThan(10);
  await worker.evaluate("globalThis.keep = undefined; 0");
  const released = heapDelta(await census(), before);
  expect(released.host.chunks.arrayBuffers).toBe(0);
  // evaluating a script leaves a few slots of its own behind (well under one 100-byte buffer's worth)
  expect(released.slots).toBeLessThan(8);
});

test("slots are 32 bytes on the 64-bit host and 16 on a device; bytecode is left out of device bytes", async () => {
  const before = await census();
  // 100 objects of 3 properties: an instance slot and 3 property slots each
  await worker.evaluate("globalThis.objs = []; for (let i = 0; i < 100; i++) objs.push({ a: i, b: i, c: i }); 0");
  const held = heapDelta(await census(), before);
  expect(held.slots).toBeGreaterThanOrEqual(400);
  expect(held.slots).toBeLessThan(420);
  expect(held.host.slotBytes).toBe(held.slots * 32);
  expect(held.device.slotBytes).toBe(held.slots * 16);
  // the array's 100 items are one chunk of slots: halved on a device
  expect(held.host.chunks.slotArrays).toBeGreaterThanOrEqual(100 * 32);
  expect(held.device.chunks.slotArrays).toBeLessThan(held.host.chunks.slotArrays / 2 + 64);
  await worker.evaluate("globalThis.f = []; for (let i = 0; i < 10; i++) f.push(function g(x) { return x * 2 + i; }); 0");
  const fns = await census();
  expect(fns.host.chunks.bytecode).toBeGreaterThan(0);
  expect(fns.device.chunks.bytecode).toBe(0);
});
