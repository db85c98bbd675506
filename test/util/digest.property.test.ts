// Pure-JS digests against node:crypto on random inputs fed in random chunkings.
import { createHash } from "node:crypto";
import fc from "fast-check";
import { Md5 } from "../../modules/util/md5";
import { Sha1 } from "../../modules/util/sha1";
import { Sha256 } from "../../modules/util/sha256";

const algorithms = [
  ["md5", () => new Md5()],
  ["sha1", () => new Sha1()],
  ["sha256", () => new Sha256()],
] as const;

describe.each(algorithms)("%s vs node:crypto", (name, make) => {
  test("random input, random chunk boundaries", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(130), { minLength: 1, maxLength: 20 }), (data, cuts) => {
        const h = make();
        let i = 0;
        let k = 0;
        while (i < data.length) {
          const n = cuts[k++ % cuts.length] + 1;
          h.update(data, i, i + n);
          i += n;
        }
        expect(Buffer.from(h.digest()).toString("hex")).toBe(createHash(name).update(data).digest("hex"));
      }),
      { numRuns: 300 },
    );
  });

  test("subarray views hash only their own bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.nat(), fc.nat(), (data, a, b) => {
        const start = a % data.length;
        const end = start + (b % (data.length - start + 1));
        const view = data.subarray(start, end);
        expect(Buffer.from(make().update(view).digest()).toString("hex")).toBe(createHash(name).update(view).digest("hex"));
      }),
      { numRuns: 200 },
    );
  });
});
