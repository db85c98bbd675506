// Property tests for the server's pure parsers: multipart under arbitrary content and splits,
// and safety invariants of path, range, form and header parsing on arbitrary input.
import fc from "fast-check";
import { formVar, isFormError } from "../../modules/http/form";
import { forEachHeaderParam, headerParam } from "../../modules/http/header-params";
import { MultipartReader, type MultipartSink } from "../../modules/http/multipart";
import { isPathError, safePath } from "../../modules/http/path";
import { parseRange } from "../../modules/http/range";

const te = new TextEncoder();

function encodeMultipart(boundary: string, parts: { name: string; data: Uint8Array }[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (const p of parts) {
    chunks.push(te.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"\r\n\r\n`), p.data, te.encode("\r\n"));
  }
  chunks.push(te.encode(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

// Data made of the bytes that matter to a delimiter search, so near-misses are frequent.
const trickyBytes = fc.uint8Array({ maxLength: 300 }).chain((noise) =>
  fc.array(fc.constantFrom("\r", "\n", "-", "--", "\r\n--", "\r\n--bnd", "\r\n--bn", "x", "b"), { maxLength: 30 }).map((tokens) => {
    const t = te.encode(tokens.join(""));
    const out = new Uint8Array(t.length + noise.length);
    out.set(t);
    out.set(noise, t.length);
    return out;
  }),
);

describe("multipart properties", () => {
  test("any parts, any split: the reader returns exactly the parts", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ name: fc.stringMatching(/^[a-z0-9]{1,10}$/), data: trickyBytes }), { maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (parts, cuts) => {
          const body = encodeMultipart("bnd", parts);
          // A part whose data contains the real delimiter legitimately ends there: skip those.
          fc.pre(parts.every((p) => !Buffer.from(p.data).includes("\r\n--bnd")));
          const got: { name: string; bytes: number[] }[] = [];
          const sink: MultipartSink = {
            partBegin: (info) => got.push({ name: info.name, bytes: [] }),
            partData: (d) => got[got.length - 1].bytes.push(...d),
            partEnd: () => {},
          };
          const r = new MultipartReader("bnd");
          const points = [...new Set(cuts.map((c) => c % (body.length + 1)))].sort((a, b) => a - b);
          let at = 0;
          for (const p of [...points, body.length]) {
            expect(r.push(body.subarray(at, p), sink)).toBe(true);
            at = p;
          }
          expect(r.finish(sink)).toBe(true);
          expect(got.map((g) => g.name)).toEqual(parts.map((p) => p.name));
          got.forEach((g, i) => expect(Buffer.from(g.bytes).equals(Buffer.from(parts[i].data))).toBe(true));
        },
      ),
      { numRuns: 300 },
    );
  });

  test("arbitrary bytes never throw and end in a defined state", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const r = new MultipartReader("bnd");
        const sink: MultipartSink = { partBegin() {}, partData() {}, partEnd() {} };
        r.push(bytes, sink);
        r.finish(sink);
        expect(r.done || r.error !== undefined).toBe(true);
      }),
    );
  });
});

describe("path, range, form and header properties", () => {
  test("safePath never yields a path that climbs, holds backslashes, NUL or empty segments", () => {
    const pieces = fc.constantFrom("/", "..", ".", "%2e", "%2E", "%2f", "%5c", "\\", "%00", "a", "b.txt", "%", "%zz", "//", " ");
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 20 }), fc.string(), (parts, tail) => {
        const r = safePath("/" + parts.join("") + tail);
        if (isPathError(r)) return;
        expect(r.path.startsWith("/")).toBe(true);
        const segs = r.path.split("/").slice(1);
        if (r.path !== "/") for (const s of segs) {
          expect(s.length).toBeGreaterThan(0);
          expect(s).not.toBe("..");
          expect(s).not.toBe(".");
        }
        expect(r.path).not.toMatch(/[\\\0]/);
      }),
      { numRuns: 2000 },
    );
  });

  test("safePath decodes what encodeURIComponent encodes", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/^[. ]*$/.test(s) && !/[\x00-\x1f\x7f\\/]/.test(s)), { minLength: 1, maxLength: 5 }), (segs) => {
        const r = safePath("/" + segs.map(encodeURIComponent).join("/"));
        if (isPathError(r)) {
          expect(r.error).toBe("too-long");
          return;
        }
        expect(r.path).toBe("/" + segs.join("/"));
      }),
    );
  });

  test("parseRange results stay inside the representation", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => `bytes=${a}-${b}`), fc.nat().map((n) => `bytes=-${n}`)), fc.nat({ max: 1e9 }), (h, size) => {
        const r = parseRange(h, size);
        if (r.kind === "range") {
          expect(r.start).toBeGreaterThanOrEqual(0);
          expect(r.end).toBeLessThan(size);
          expect(r.start).toBeLessThanOrEqual(r.end);
        }
      }),
    );
  });

  test("form variables round-trip through encodeURIComponent and never exceed their limit", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.nat({ max: 64 }), (name, value, limit) => {
        fc.pre(name.length > 0 && !/[\ud800-\udfff]/.test(name + value));
        const q = `x=1&${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
        const v = formVar(q, name, limit);
        if (te.encode(value).length <= limit) expect(v).toBe(name === "x" ? "1" : value);
        else if (name !== "x") expect(isFormError(v) && v.error === "too-long").toBe(true);
      }),
    );
  });

  test("header parameter walking never throws and respects its pair bound", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), fc.nat({ max: 20 }), (h, max) => {
        let n = 0;
        forEachHeaderParam(h, () => {
          n++;
        }, max);
        expect(n).toBeLessThanOrEqual(max);
        headerParam(h, "x");
      }),
    );
  });
});
