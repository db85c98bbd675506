// Conformance against llhttp's own test cases (nodejs/llhttp 9.4.2, strict mode): every request
// and response vector is accepted or rejected as llhttp's strict mode does, with the same
// method, URL, status, header fields, body bytes and message boundaries. Cases of a lenient type
// describe llhttp's opt-in leniency flags; mcnet has none, so their inputs must be rejected.
//
// Each case runs twice: the whole input in one piece, and (unless the case says noScan) one
// byte at a time, which exercises every resumption point of the incremental parser.

import { HttpParser } from "../../modules/http/parser";
import type { MessageHead } from "../../modules/http/message";
import { utf8Encode } from "../../modules/util/utf8";
import { assert, assertEqual, fail, type Case, type SuiteFactory } from "../shared/suite";
import { drive, latin1, split, type DriveResult } from "./parser-driver";
import { parseVectorFile, type Vector } from "./llhttp-vectors";

const ROOT = "../shared/vectors/llhttp";

/**
 * Vectors mcnet deliberately answers differently, by "file: case name". Kept small; each is a
 * feature mcnet does not implement, and each of them is still run: mcnet must reject the input.
 */
export const DELIBERATELY_REJECTED: Record<string, string> = {
  "request/method.md: SOURCE request with ICE": "ICE/1.0 (Icecast) is not HTTP; mcnet speaks HTTP/1.x only",
  "request/method.md: OPTIONS request with RTSP": "RTSP/1.0 is not HTTP; mcnet speaks HTTP/1.x only",
  "request/method.md: ANNOUNCE request with RTSP": "RTSP/1.0 is not HTTP; mcnet speaks HTTP/1.x only",
  "response/sample.md: RTSP response": "RTSP/1.0 is not HTTP; mcnet speaks HTTP/1.x only",
  "response/sample.md: ICE response": "ICE/1.0 (Icecast) is not HTTP; mcnet speaks HTTP/1.x only",
  "request/sample.md: No HTTP version": "HTTP/0.9 requests are refused (400): no device client sends them",
  "response/sample.md: HTTP version 0.9": "HTTP/0.9 is refused (505); only HTTP/1.0 and 1.1 are spoken",
  "request/transfer-encoding.md: POST with `chunked` as last transfer-encoding":
    "deflate transfer coding is not implemented: RFC 9112 §6.1 says answer 501 rather than pass coded bytes on as the body",
  "request/transfer-encoding.md: POST with `chunked` as last transfer-encoding (multiple headers)":
    "deflate transfer coding is not implemented: RFC 9112 §6.1 says answer 501 rather than pass coded bytes on as the body",
};

/** Files that hold no request/response cases (llhttp's URL-splitter tests). */
export const NOT_APPLICABLE_FILES: Record<string, string> = {
  "url.md": "tests llhttp_parse_url's URL splitting, which mcnet does not have (the parser splits path and query only)",
};

function sameText(actual: string | undefined, expected: string, what: string): void {
  if (actual === undefined) fail(`${what}: missing, expected ${JSON.stringify(expected)}`);
  const a = latin1(Array.from(actual, (c) => c.charCodeAt(0)));
  const e = latin1(utf8Encode(expected));
  assertEqual(a, e, what);
}

function isStrictType(t: string): boolean {
  return t === "request" || t === "response" || t === "request-finish" || t === "response-finish";
}

function run(v: Vector, pieces: Uint8Array[]): DriveResult {
  const opts = { requireHost: false };
  const parser = v.type.startsWith("request") ? HttpParser.request(opts) : HttpParser.response(opts);
  return drive<MessageHead>(parser, pieces, { finish: v.type.endsWith("-finish"), skipBody: v.messages.some((m) => m.skipBody) });
}

function checkStrict(v: Vector, r: DriveResult, mode: string): void {
  const rejects = v.error !== undefined || v.finishUnsafe === true;
  const at = `${mode}`;
  if (rejects) assert(r.error !== undefined, `${at}: llhttp rejects (${v.error ?? "unsafe finish"}) but mcnet accepted`);
  else assert(r.error === undefined, `${at}: llhttp accepts but mcnet rejected: ${r.error?.code} ${r.error?.reason}`);

  const expected = v.messages.filter((m) => m.headersComplete);
  if (rejects) {
    // llhttp reports a head before refusing its framing ("pigeons" coding); mcnet may refuse
    // the head itself. Every message llhttp completed must still come out the same.
    const completed = expected.filter((m) => m.complete).length;
    assert(r.messages.length >= completed && r.messages.length <= expected.length, `${at}: ${r.messages.length} heads, llhttp completed ${completed} of ${expected.length}`);
  } else assertEqual(r.messages.length, expected.length, `${at}: number of message heads`);
  for (let i = 0; i < r.messages.length; i++) {
    const e = expected[i];
    const g = r.messages[i];
    const h = g.head;
    if (h.kind === "request") {
      sameText(h.method, e.method ?? "", `${at} #${i} method`);
      sameText(h.target, e.url ?? "", `${at} #${i} url`);
    } else {
      assertEqual(h.status, e.status, `${at} #${i} status`);
      if (e.reason !== undefined) sameText(h.reason, e.reason, `${at} #${i} reason`);
    }
    assertEqual(h.headers.length, e.headers.length, `${at} #${i} header count`);
    for (let k = 0; k < e.headers.length; k++) {
      sameText(h.headers.list[k][0], e.headers[k][0], `${at} #${i} header ${k} name`);
      sameText(h.headers.list[k][1], e.headers[k][1], `${at} #${i} header ${k} value`);
    }
    if (rejects && !e.complete) continue;
    assertEqual(latin1(g.body), latin1(utf8Encode(e.body)), `${at} #${i} body`);
    assertEqual(g.complete, e.complete, `${at} #${i} complete`);
    if (g.complete) {
      const t = g.trailers?.list ?? [];
      assertEqual(t.length, e.trailers.length, `${at} #${i} trailer count`);
      for (let k = 0; k < t.length; k++) {
        sameText(t[k][0], e.trailers[k][0], `${at} #${i} trailer ${k} name`);
        sameText(t[k][1], e.trailers[k][1], `${at} #${i} trailer ${k} value`);
      }
    }
  }
  assertEqual(r.upgraded, v.upgrade, `${at}: upgrade`);
  if (v.upgrade) assert(r.messages[r.messages.length - 1].upgrade === true, `${at}: last message ends with upgrade`);
}

function checkVector(v: Vector, key: string): void {
  const modes: [string, Uint8Array[]][] = [["whole", [v.input]]];
  if (!v.noScan) modes.push(["byte-by-byte", split(v.input, 1)]);
  for (const [mode, pieces] of modes) {
    const r = run(v, pieces);
    if (DELIBERATELY_REJECTED[key] !== undefined || !isStrictType(v.type)) {
      assert(r.error !== undefined, `${mode}: mcnet must reject this input (${DELIBERATELY_REJECTED[key] ?? "lenient-only case"})`);
    } else {
      checkStrict(v, r, mode);
    }
  }
}

const suite: SuiteFactory = (host) => {
  const cases: Case[] = [];
  let skippedFiles = 0;
  let deliberate = 0;
  let total = 0;
  for (const dir of ["request", "response", ""]) {
    const path = dir ? `${ROOT}/${dir}` : ROOT;
    for (const name of host.listDir(path)) {
      if (!name.endsWith(".md")) continue;
      if (!dir) {
        if (NOT_APPLICABLE_FILES[name] !== undefined) skippedFiles++;
        continue;
      }
      const file = `${dir}/${name}`;
      for (const v of parseVectorFile(file, host.readText(`${path}/${name}`))) {
        const key = `${file}: ${v.name}`;
        total++;
        if (DELIBERATELY_REJECTED[key] !== undefined) deliberate++;
        cases.push({ name: `${key} [${v.type}]`, run: () => checkVector(v, key) });
      }
    }
  }
  cases.push({
    name: "skip lists are small, honest and all used",
    run: () => {
      assert(total > 250, `expected the full llhttp corpus, found ${total} cases`);
      assertEqual(deliberate, Object.keys(DELIBERATELY_REJECTED).length, "every deliberately-rejected name matches a case");
      assertEqual(skippedFiles, Object.keys(NOT_APPLICABLE_FILES).length, "not-applicable files exist");
      assert(deliberate <= 12, "deliberate divergences stay few");
    },
  });
  return { name: "llhttp vectors", cases };
};

export default suite;
