// Pure-JS MD5 / SHA-1 / SHA-256 (the XS fallback) against node:crypto in the same run, over large
// buffers (throughput) and over 64-byte messages (per-call overhead, the WebSocket-handshake case).
// The figure to compare across runs is the ratio pure/native.
import { createHash } from "node:crypto";
import { Md5 } from "../modules/util/md5";
import { Sha1 } from "../modules/util/sha1";
import { Sha256 } from "../modules/util/sha256";

const BIG = new Uint8Array(4 * 1024 * 1024);
for (let i = 0; i < BIG.length; i++) BIG[i] = (i * 31 + 7) & 0xff;
const SMALL = BIG.subarray(0, 64);
const BIG_ROUNDS = 8;
const SMALL_ROUNDS = 100_000;

function time(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function best(fn: () => void): number {
  fn(); // warm up the JIT
  return Math.min(time(fn), time(fn), time(fn));
}

const algos = [
  ["md5", () => new Md5()],
  ["sha1", () => new Sha1()],
  ["sha256", () => new Sha256()],
] as const;

console.log(`digest throughput: ${BIG.length / 1048576} MB x ${BIG_ROUNDS}, and ${SMALL_ROUNDS} x 64-byte messages; best of 3`);
for (const [name, make] of algos) {
  const pure = make();
  const pureBig = best(() => {
    for (let r = 0; r < BIG_ROUNDS; r++) pure.update(BIG);
    pure.digest();
  });
  const nativeBig = best(() => {
    const h = createHash(name);
    for (let r = 0; r < BIG_ROUNDS; r++) h.update(BIG);
    h.digest();
  });
  const pureSmall = best(() => {
    for (let r = 0; r < SMALL_ROUNDS; r++) pure.update(SMALL).digest();
  });
  const nativeSmall = best(() => {
    for (let r = 0; r < SMALL_ROUNDS; r++) createHash(name).update(SMALL).digest();
  });
  const mb = (BIG.length * BIG_ROUNDS) / 1048576;
  console.log(
    `  ${name.padEnd(7)} bulk: pure ${(mb / pureBig).toFixed(0).padStart(5)} MB/s, node:crypto ${(mb / nativeBig).toFixed(0).padStart(5)} MB/s, ` +
      `ratio pure/native ${(nativeBig / pureBig).toFixed(3)}`,
  );
  console.log(
    `  ${"".padEnd(7)} 64 B:  pure ${((SMALL_ROUNDS / pureSmall) / 1000).toFixed(0).padStart(5)} k/s,  node:crypto ${((SMALL_ROUNDS / nativeSmall) / 1000).toFixed(0).padStart(5)} k/s,  ` +
      `ratio pure/native ${(nativeSmall / pureSmall).toFixed(3)}`,
  );
}
