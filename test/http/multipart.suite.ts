// Streaming multipart/form-data reader: every split of the body gives the same parts.
import { MultipartReader, multipartBoundary, parseMultipart, type MultipartSink, type PartInfo } from "../../modules/http/multipart";
import { utf8Decode, utf8Encode } from "../../modules/util/utf8";
import { assert, assertEqual, type SuiteFactory } from "../shared/suite";

interface Collected {
  parts: { info: PartInfo; data: string }[];
  ok: boolean;
  error?: string;
  events: string[];
}

function collect(body: Uint8Array, boundary: string, split: number[]): Collected {
  const r = new MultipartReader(boundary);
  const parts: { info: PartInfo; data: string }[] = [];
  const events: string[] = [];
  let cur: { info: PartInfo; bytes: number[] } | undefined;
  const sink: MultipartSink = {
    partBegin(info) {
      events.push("begin");
      cur = { info, bytes: [] };
    },
    partData(d) {
      events.push("data");
      for (const b of d) cur!.bytes.push(b);
    },
    partEnd() {
      events.push("end");
      parts.push({ info: cur!.info, data: utf8Decode(Uint8Array.from(cur!.bytes)) });
      cur = undefined;
    },
  };
  let at = 0;
  let ok = true;
  for (const cut of [...split, body.length]) {
    if (cut < at) continue;
    ok = r.push(body.subarray(at, cut), sink) && ok;
    at = cut;
  }
  ok = r.finish(sink) && ok;
  return { parts, ok, error: r.error, events };
}

const B = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
const BODY =
  "preamble to ignore\r\n" +
  `--${B}\r\n` +
  'Content-Disposition: form-data; name="field1"\r\n\r\n' +
  "value1\r\n" +
  `--${B}\r\n` +
  'Content-Disposition: form-data; name="file"; filename="a\\"b.txt"\r\n' +
  "Content-Type: text/plain\r\n\r\n" +
  "line1\r\n--not-the-boundary\r\n\r\n-" + "\r" + "\r\n--" + B.slice(0, 10) + "x\r\n" +
  `--${B}\r\n` +
  'Content-Disposition: form-data; name="empty"\r\n\r\n' +
  "\r\n" +
  `--${B}--\r\n` +
  "epilogue";

const suite: SuiteFactory = () => ({
  name: "http multipart",
  cases: [
    {
      name: "boundary from Content-Type (quoted or not), refused when missing or too long",
      run() {
        assertEqual(multipartBoundary(`multipart/form-data; boundary=${B}`), B);
        assertEqual(multipartBoundary(`multipart/form-data; boundary="a b"`), "a b");
        assertEqual(multipartBoundary("multipart/form-data"), undefined);
        assertEqual(multipartBoundary("text/plain; boundary=x"), undefined);
        assertEqual(multipartBoundary("multipart/form-data; boundary=" + "x".repeat(71)), undefined);
      },
    },
    {
      name: "whole body: names, file name (escaped quote), content type, data with near-delimiters",
      run() {
        const c = collect(utf8Encode(BODY), B, []);
        assert(c.ok, `error ${c.error}`);
        assertEqual(c.parts.length, 3);
        assertEqual(c.parts[0].info, { name: "field1" });
        assertEqual(c.parts[0].data, "value1");
        assertEqual(c.parts[1].info, { name: "file", filename: 'a"b.txt', contentType: "text/plain" });
        assertEqual(c.parts[1].data, "line1\r\n--not-the-boundary\r\n\r\n-\r\r\n--" + B.slice(0, 10) + "x");
        assertEqual(c.parts[2].data, "");
      },
    },
    {
      name: "every two-way split and byte-at-a-time feeding give the same parts",
      run() {
        const body = utf8Encode(BODY);
        const whole = collect(body, B, []).parts;
        for (let cut = 0; cut <= body.length; cut++) {
          const c = collect(body, B, [cut]);
          assert(c.ok, `cut ${cut}: ${c.error}`);
          assertEqual(c.parts, whole, `cut at ${cut}`);
        }
        const bytewise = collect(body, B, Array.from({ length: body.length }, (_, i) => i));
        assertEqual(bytewise.parts, whole);
      },
    },
    {
      name: "buffered parse gives views into the body",
      run() {
        const body = utf8Encode(BODY);
        const parts = parseMultipart(body, B);
        assert(Array.isArray(parts));
        assertEqual(parts.length, 3);
        assertEqual(utf8Decode(parts[0].data), "value1");
        assert(parts[0].data.buffer === body.buffer, "no copy for a contiguous part");
      },
    },
    {
      name: "a body without the closing delimiter is truncated: part-end still comes",
      run() {
        const body = utf8Encode(`--${B}\r\nContent-Disposition: form-data; name="f"\r\n\r\nhalf a fi`);
        const c = collect(body, B, [10]);
        assert(!c.ok);
        assertEqual(c.error, "truncated");
        assertEqual(c.events[0], "begin");
        assertEqual(c.events[c.events.length - 1], "end");
      },
    },
    {
      name: "oversized part headers, too many parts and junk after a delimiter are errors",
      run() {
        const big = utf8Encode(`--${B}\r\nX-Junk: ${"j".repeat(2000)}\r\n\r\nx\r\n--${B}--`);
        assertEqual(collect(big, B, []).error, "part-headers-too-large");
        const many = utf8Encode(`--${B}\r\n\r\nx\r\n`.repeat(70) + `--${B}--`);
        assertEqual(collect(many, B, []).error, "too-many-parts");
        const junk = utf8Encode(`--${B}junk\r\n\r\nx\r\n--${B}--`);
        assertEqual(collect(junk, B, []).error, "bad-delimiter");
        const noColon = utf8Encode(`--${B}\r\nNoColonHere\r\n\r\nx\r\n--${B}--`);
        assertEqual(collect(noColon, B, []).error, "bad-part-headers");
      },
    },
    {
      name: "transport padding after the boundary, no preamble, empty body part list",
      run() {
        const c = collect(utf8Encode(`--${B}  \r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--${B}--`), B, []);
        assert(c.ok, String(c.error));
        assertEqual(c.parts, [{ info: { name: "a" }, data: "1" }]);
        const none = collect(utf8Encode(`--${B}--\r\n`), B, []);
        assert(none.ok);
        assertEqual(none.parts.length, 0);
      },
    },
    {
      name: "UTF-8 field and file names",
      run() {
        const c = collect(utf8Encode(`--${B}\r\nContent-Disposition: form-data; name="ключ"; filename="файл.txt"\r\n\r\nz\r\n--${B}--`), B, []);
        assertEqual(c.parts[0].info, { name: "ключ", filename: "файл.txt" });
      },
    },
  ],
});

export default suite;
