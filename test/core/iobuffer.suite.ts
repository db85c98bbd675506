import { IOBuffer } from "../../modules/core/iobuffer";
import { assert, assertEqual, type SuiteFactory } from "../shared/suite";

const bytes = (...b: number[]) => new Uint8Array(b);

const suite: SuiteFactory = () => ({
  name: "IOBuffer",
  cases: [
    { name: "append bytes and strings, read back through bytes", run() {
      const b = new IOBuffer(4, 64);
      assert(b.append(bytes(1, 2, 3)));
      assert(b.append("é!"));
      assertEqual(Array.from(b.bytes), [1, 2, 3, 0xc3, 0xa9, 0x21]);
      assertEqual(b.length, 6);
    } },
    { name: "append past the limit appends nothing and returns false", run() {
      const b = new IOBuffer(0, 8);
      assert(b.append(new Uint8Array(6)));
      assert(!b.append(new Uint8Array(3)));
      assertEqual(b.length, 6);
      assert(!b.append("abc"));
      assert(b.append("ab"));
      assertEqual(b.room, 0);
    } },
    { name: "capacity grows by doubling and never passes the limit", run() {
      const b = new IOBuffer(0, 1000);
      for (let i = 0; i < 999; i++) b.append(bytes(i & 0xff));
      assert(b.capacity <= 1000, `capacity ${b.capacity}`);
      assertEqual(b.bytes[998], 998 & 0xff);
    } },
    { name: "remove drops from the front, insert puts bytes in the middle", run() {
      const b = new IOBuffer(0, 64);
      b.append("hello world");
      b.remove(6);
      assertEqual(String.fromCharCode(...b.bytes), "world");
      assert(b.insert(0, "new "));
      assert(b.insert(b.length, bytes(0x21)));
      assertEqual(String.fromCharCode(...b.bytes), "new world!");
      b.remove(100);
      assertEqual(b.length, 0);
    } },
    { name: "slice is a view without copying, clamped to live data", run() {
      const b = new IOBuffer(0, 64);
      b.append("abcdef");
      const v = b.slice(2, 4);
      assertEqual(String.fromCharCode(...v), "cd");
      assert(v.buffer === b.bytes.buffer, "slice shares the buffer");
      assertEqual(b.slice(4, 100).length, 2);
      assertEqual(b.slice(5, 2).length, 0);
    } },
    { name: "tail/commit let a reader fill the buffer in place", run() {
      const b = new IOBuffer(0, 16);
      const t = b.tail(4)!;
      t.set([9, 8, 7]);
      b.commit(3);
      assertEqual(Array.from(b.bytes), [9, 8, 7]);
      assertEqual(b.tail(14), undefined);
    } },
    { name: "a drained buffer gives its burst memory back", run() {
      const b = new IOBuffer(0, 1 << 16);
      b.append(new Uint8Array(40000));
      assert(b.capacity >= 40000);
      b.clear();
      assert(b.capacity < 1024, `capacity after clear ${b.capacity}`);
    } },
    { name: "trim gives a small buffer back only when nothing is held", run() {
      const b = new IOBuffer(0, 4096);
      b.append("abc");
      const cap = b.capacity;
      assert(cap > 0);
      b.trim();
      assertEqual(b.capacity, cap);
      assertEqual(String.fromCharCode(...b.bytes), "abc");
      b.remove(3);
      b.trim();
      assertEqual(b.capacity, 0);
      assert(b.append("xy"));
      assertEqual(String.fromCharCode(...b.bytes), "xy");
      const sized = new IOBuffer(64, 4096);
      sized.append(new Uint8Array(100));
      sized.clear();
      sized.trim();
      assertEqual(sized.capacity, 64);
    } },
    { name: "empty buffers allocate nothing, even after zero-length writes", run() {
      const b = new IOBuffer(0, 16);
      assert(b.append(new Uint8Array(0)));
      assert(b.append(""));
      assert(b.insert(0, ""));
      assertEqual(b.capacity, 0);
      assertEqual(b.length, 0);
      assertEqual(b.tail(0)!.length, 0);
      b.free();
      assert(b.append(bytes(7)));
      assertEqual(Array.from(b.bytes), [7]);
    } },
  ],
});
export default suite;
