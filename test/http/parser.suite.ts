// HttpParser's own cases: the request-smuggling battery, limits, keep-alive / upgrade / Expect
// rules, responses (HEAD, 1xx, 204/304, read-until-close), streaming views, and a deterministic
// fuzz proving hostile bytes never throw. Runs on V8 and XS.

import { HttpParser, type HttpParserOptions } from "../../modules/http/parser";
import type { MessageHead, RequestHead, ResponseHead } from "../../modules/http/message";
import { assert, assertEqual, type Case, type SuiteFactory } from "../shared/suite";
import { drive, latin1, split, type DriveOptions, type DriveResult } from "./parser-driver";

function bytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  return b;
}

function request(text: string, opts?: HttpParserOptions, drv?: DriveOptions): DriveResult {
  const whole = drive(HttpParser.request(opts), [bytes(text)], drv);
  // the same bytes one at a time must give the same outcome: every resumption point is exercised
  const bytewise = drive(HttpParser.request(opts), split(bytes(text), 1), drv);
  assertEqual(summary(bytewise), summary(whole), "byte-by-byte agrees with one piece");
  return whole;
}

function response(text: string, opts?: HttpParserOptions, drv?: DriveOptions): DriveResult {
  const whole = drive(HttpParser.response(opts), [bytes(text)], drv);
  const bytewise = drive(HttpParser.response(opts), split(bytes(text), 1), drv);
  assertEqual(summary(bytewise), summary(whole), "byte-by-byte agrees with one piece");
  return whole;
}

function summary(r: DriveResult): string {
  return JSON.stringify({
    m: r.messages.map((m) => ({ h: headLine(m.head), f: m.head.headers.list, b: latin1(m.body), c: m.complete, k: m.keepAlive, u: m.upgrade, t: m.trailers?.list })),
    e: r.error?.code,
    s: r.error?.status,
    u: r.upgraded,
    f: r.finish,
  });
}

function headLine(h: MessageHead): string {
  return h.kind === "request" ? `${h.method} ${h.target} ${h.versionMajor}.${h.versionMinor}` : `${h.status} ${h.reason} ${h.versionMajor}.${h.versionMinor}`;
}

function rejects(text: string, status: number, code?: string, opts?: HttpParserOptions): DriveResult {
  const r = request(text, opts);
  assert(r.error !== undefined, `expected ${status} for ${JSON.stringify(text.slice(0, 80))}, but it was accepted`);
  assertEqual(r.error!.status, status, `status for ${JSON.stringify(text.slice(0, 80))} (${r.error!.code}: ${r.error!.reason})`);
  if (code) assertEqual(r.error!.code, code, "error code");
  return r;
}

function accepts(text: string, opts?: HttpParserOptions): DriveResult {
  const r = request(text, opts);
  assert(r.error === undefined, `expected acceptance of ${JSON.stringify(text.slice(0, 80))}: ${r.error?.code} ${r.error?.reason}`);
  return r;
}

function req(r: DriveResult, i = 0): RequestHead {
  const h = r.messages[i].head;
  assert(h.kind === "request");
  return h;
}

function res(r: DriveResult, i = 0): ResponseHead {
  const h = r.messages[i].head;
  assert(h.kind === "response");
  return h;
}

const H = "Host: a\r\n";

const suite: SuiteFactory = () => {
  const cases: Case[] = [];
  const t = (name: string, run: () => void) => cases.push({ name, run });

  // ---- request smuggling battery ----
  t("CL + TE in either order is refused", () => {
    rejects(`POST / HTTP/1.1\r\n${H}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 400, "content-length-and-chunked");
    rejects(`POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n`, 400, "content-length-and-chunked");
    rejects(`POST / HTTP/1.1\r\n${H}Content-Length: 0\r\nTransfer-Encoding: identity\r\n\r\n`, 400);
  });
  t("duplicate or list-valued Content-Length is refused, even when equal", () => {
    rejects(`POST / HTTP/1.1\r\n${H}Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello`, 400, "bad-content-length");
    rejects(`POST / HTTP/1.1\r\n${H}Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello`, 400, "bad-content-length");
    rejects(`POST / HTTP/1.1\r\n${H}Content-Length: 5, 5\r\n\r\nhello`, 400, "bad-content-length");
  });
  t("malformed Content-Length values are refused", () => {
    for (const v of ["+5", "-1", "0x10", "5 5", "", "5a", "1e3", "\u00b5"]) {
      rejects(`POST / HTTP/1.1\r\n${H}Content-Length: ${v}\r\n\r\n`, 400, "bad-content-length");
    }
    rejects(`POST / HTTP/1.1\r\n${H}Content-Length: 99999999999999999999999\r\n\r\n`, 400, "bad-content-length");
    const r = accepts(`POST / HTTP/1.1\r\n${H}Content-Length: \t007 \t\r\n\r\n1234567`);
    assertEqual(req(r).contentLength, 7);
    assertEqual(latin1(r.messages[0].body), "1234567");
  });
  t("Transfer-Encoding must end in a single chunked; other codings are 501", () => {
    rejects(`POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n`, 400, "bad-transfer-encoding");
    rejects(`POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 400, "bad-transfer-encoding");
    rejects(`POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked, gzip\r\n\r\n`, 400, "bad-transfer-encoding");
    rejects(`POST / HTTP/1.1\r\n${H}Transfer-Encoding: gzip\r\n\r\n`, 400, "bad-transfer-encoding");
    rejects(`POST / HTTP/1.1\r\n${H}Transfer-Encoding: xchunked\r\n\r\n`, 400, "bad-transfer-encoding");
    rejects(`POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked;x=1\r\n\r\n`, 400, "bad-transfer-encoding");
    rejects(`POST / HTTP/1.1\r\n${H}Transfer-Encoding:\r\n\r\n`, 400, "bad-transfer-encoding");
    rejects(`POST / HTTP/1.1\r\n${H}Transfer-Encoding: "chunked"\r\n\r\n`, 400, "bad-transfer-encoding");
    rejects(`POST / HTTP/1.1\r\n${H}Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n`, 501, "unsupported-transfer-coding");
    // HTAB after chunked is OWS to the RFC but not chunked to llhttp: refused, never guessed
    rejects(`POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\t\r\n\r\n0\r\n\r\n`, 400, "bad-transfer-encoding");
    rejects(`POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 400, "bad-transfer-encoding");
    const r = accepts(`POST / HTTP/1.1\r\n${H}Transfer-Encoding: ,\t CHUNKED \r\n\r\n3\r\nabc\r\n0\r\n\r\n`);
    assert(req(r).chunked);
    assertEqual(latin1(r.messages[0].body), "abc");
  });
  t("whitespace before the colon is refused (no 'Transfer-Encoding :' smuggling)", () => {
    rejects(`POST / HTTP/1.1\r\n${H}Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n`, 400, "bad-header-name");
    rejects(`POST / HTTP/1.1\r\n${H}Content-Length\t: 1\r\n\r\nx`, 400, "bad-header-name");
  });
  t("chunk-size overflow, junk and missing digits are refused", () => {
    const pre = `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n`;
    rejects(pre + "fffffffffffffffff\r\n", 400, "chunk-size-overflow");
    rejects(pre + "10000000000000000000000000001\r\nx", 400, "chunk-size-overflow");
    rejects(pre + "1000000000\r\n", 413, "body-too-large");
    for (const line of ["-1", "0x5", " 5", "5 ", "5\t", "g", "", ";x"]) rejects(pre + line + "\r\nabcde\r\n0\r\n\r\n", 400);
    rejects(pre + "5\nhello\r\n0\r\n\r\n", 400, "bad-line-ending");
    rejects(pre + "5\r\nhelloX\r\n0\r\n\r\n", 400, "bad-chunk");
    rejects(pre + "5\r\nhello\n0\r\n\r\n", 400, "bad-chunk");
    rejects(pre + "5\r\nhello\r\n0\r\nBad Trailer: x\r\n\r\n", 400, "bad-header-name");
    rejects(pre + "5;" + "a".repeat(300) + "\r\nhello\r\n0\r\n\r\n", 400, "bad-chunk");
  });
  t("chunk extensions: tokens and quoted strings accepted, junk refused", () => {
    const pre = `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n`;
    const r = accepts(pre + '5;a;b=c;d="x \\" ;y"\r\nhello\r\n0;last\r\n\r\n');
    assertEqual(latin1(r.messages[0].body), "hello");
    rejects(pre + "5;a=\r\nhello\r\n0\r\n\r\n", 400);
    rejects(pre + "5; a\r\nhello\r\n0\r\n\r\n", 400);
    rejects(pre + '5;a="x\r\nhello\r\n0\r\n\r\n', 400);
    rejects(pre + '5;a="x"b\r\nhello\r\n0\r\n\r\n', 400);
  });
  t("bare LF and bare CR are refused everywhere in the head", () => {
    rejects(`GET / HTTP/1.1\n${H}\r\n`, 400, "bad-line-ending");
    rejects(`GET / HTTP/1.1\r\nHost: a\n\r\n`, 400, "bad-line-ending");
    rejects(`GET / HTTP/1.1\r\n${H}\n`, 400, "bad-line-ending");
    rejects(`GET / HTTP/1.1\r\n${H}\r\r\n`, 400, "bad-line-ending");
    rejects(`GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n`, 400, "bad-line-ending");
    rejects(`GET / HTTP/1.1\rHost: a\r\n\r\n`, 400);
    rejects(`GET / HTTP/1.1\r\nHost:\n\r\n`, 400, "bad-line-ending");
  });
  t("obs-fold and whitespace before the first field are refused", () => {
    rejects(`GET / HTTP/1.1\r\n${H}X: a\r\n b\r\n\r\n`, 400, "obs-fold");
    rejects(`GET / HTTP/1.1\r\n${H}X: a\r\n\tb\r\n\r\n`, 400, "obs-fold");
    rejects(`GET / HTTP/1.1\r\n Host: a\r\n\r\n`, 400, "obs-fold");
  });
  t("invalid field names and value bytes are refused", () => {
    for (const name of ["Fo@", "Foo Bar", "", "Fo\x00o", "Fo(o)", "F\x7f", "X\xe9"]) {
      rejects(`GET / HTTP/1.1\r\n${H}${name}: v\r\n\r\n`, 400, "bad-header-name");
    }
    for (const v of ["a\x00b", "a\x7fb", "\x01", "a\x0bb", "a\x1fb"]) {
      rejects(`GET / HTTP/1.1\r\n${H}X: ${v}\r\n\r\n`, 400, "bad-header-value");
    }
    const r = accepts(`GET / HTTP/1.1\r\n${H}X: caf\xe9 \t\r\nY:\r\nZ:  a  b  \r\n\r\n`);
    assertEqual(req(r).headers.get("x"), "caf\xe9");
    assertEqual(req(r).headers.get("Y"), "");
    assertEqual(req(r).headers.get("z"), "a  b");
  });
  t("methods: known tokens only, case-sensitive", () => {
    rejects(`FOO / HTTP/1.1\r\n${H}\r\n`, 501, "bad-method");
    rejects(`get / HTTP/1.1\r\n${H}\r\n`, 501, "bad-method");
    rejects(`PRI * HTTP/1.1\r\n${H}\r\n`, 501, "bad-method");
    rejects(`GETGETGETGETGETGET / HTTP/1.1\r\n${H}\r\n`, 501, "bad-method");
    rejects(`G(T / HTTP/1.1\r\n${H}\r\n`, 400, "bad-method");
    rejects(` GET / HTTP/1.1\r\n${H}\r\n`, 400, "bad-method");
    for (const m of ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "PROPFIND", "M-SEARCH", "QUERY"]) {
      assertEqual(req(accepts(`${m} / HTTP/1.1\r\n${H}\r\n`)).method, m);
    }
  });
  t("request-targets: origin, absolute, authority (CONNECT) and asterisk forms only", () => {
    let h = req(accepts(`GET /a/b?x=1&y=%20?z#frag HTTP/1.1\r\n${H}\r\n`));
    assertEqual([h.target, h.path, h.query], ["/a/b?x=1&y=%20?z#frag", "/a/b", "x=1&y=%20?z"]);
    h = req(accepts(`GET http://user@host:8080/p/q?r HTTP/1.1\r\n${H}\r\n`));
    assertEqual([h.path, h.query], ["/p/q", "r"]);
    h = req(accepts(`GET http://host?r HTTP/1.1\r\n${H}\r\n`));
    assertEqual([h.path, h.query], ["/", "r"]);
    h = req(accepts(`OPTIONS * HTTP/1.1\r\n${H}\r\n`));
    assertEqual(h.path, "*");
    h = req(accepts(`CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n`));
    assertEqual(h.target, "example.com:443");
    assert(h.upgrade);
    for (const target of ["foo", "*x", "http:/x", "http://", "http://a@b@c/", "1http://a/", "/a\x7fb", "/\xc3\xa9", "/a\tb", "/a\x00"]) {
      rejects(`GET ${target} HTTP/1.1\r\n${H}\r\n`, 400);
    }
    rejects(`GET  / HTTP/1.1\r\n${H}\r\n`, 400, "bad-target");
    rejects(`CONNECT /path HTTP/1.1\r\n${H}\r\n`, 400, "bad-target");
    rejects(`CONNECT host HTTP/1.1\r\n${H}\r\n`, 400, "bad-target");
    rejects(`CONNECT host:99999x HTTP/1.1\r\n${H}\r\n`, 400, "bad-target");
    rejects(`GET /\r\n\r\n`, 400, "bad-target");
  });
  t("versions: 1.0 and 1.1 only; others 505, garbage 400", () => {
    for (const v of ["1.2", "2.0", "0.9", "3.0", "9.9"]) rejects(`GET / HTTP/${v}\r\n${H}\r\n`, 505, "unsupported-version");
    for (const v of ["http/1.1", "HTTP/1.1x", "HTTP/11", "HTTP/1.", "HTTP/1.1 ", "HTTP /1.1", "HTTPS/1.1", "ICE/1.0", "RTSP/1.0"]) {
      rejects(`GET / ${v}\r\n${H}\r\n`, 400);
    }
  });
  t("Host: required once in HTTP/1.1 (option), never twice", () => {
    rejects(`GET / HTTP/1.1\r\n\r\n`, 400);
    rejects(`GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n`, 400);
    rejects(`GET / HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n`, 400);
    accepts(`GET / HTTP/1.0\r\n\r\n`);
    accepts(`GET / HTTP/1.1\r\n\r\n`, { requireHost: false });
  });

  // ---- limits ----
  t("limits: 414 long target, 431 long line / many fields / big head, 413 big body", () => {
    const lim = { maxStartLine: 64, maxHeaderLine: 64, maxHeaders: 4, maxHeadBytes: 200, maxBodySize: 100 };
    rejects(`GET /${"a".repeat(70)} HTTP/1.1\r\n${H}\r\n`, 414, "target-too-long", lim);
    accepts(`GET /${"a".repeat(40)} HTTP/1.1\r\n${H}\r\n`, lim);
    rejects(`GET / HTTP/1.1\r\n${H}X: ${"v".repeat(70)}\r\n\r\n`, 431, "header-too-long", lim);
    rejects(`GET / HTTP/1.1\r\n${H}${"Xyzzy-Long-Name".repeat(5)}: v\r\n\r\n`, 431, "header-too-long", lim);
    rejects(`GET / HTTP/1.1\r\n${H}A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n`, 431, "too-many-headers", lim);
    accepts(`GET / HTTP/1.1\r\n${H}A: 1\r\nB: 2\r\nC: 3\r\n\r\n`, lim);
    rejects(`GET / HTTP/1.1\r\n${H}A: ${"1".repeat(55)}\r\nB: ${"1".repeat(55)}\r\nC: ${"1".repeat(55)}\r\n\r\n`, 431, "head-too-large", lim);
    rejects(`POST / HTTP/1.1\r\n${H}Content-Length: 101\r\n\r\n`, 413, "body-too-large", lim);
    const chunk = "32\r\n" + "x".repeat(50) + "\r\n";
    rejects(`POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n${chunk}${chunk}${chunk}0\r\n\r\n`, 413, "body-too-large", lim);
    accepts(`POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n${chunk}${chunk}0\r\n\r\n`, lim);
  });
  t("an endless head is refused once it passes maxHeadBytes, not buffered forever", () => {
    const p = HttpParser.request({ maxHeadBytes: 1024 });
    const big = bytes(`GET / HTTP/1.1\r\n${"X-A: b\r\n".repeat(1000)}`);
    const ev = p.next(big);
    assertEqual(ev.type, "error");
    if (ev.type === "error") assertEqual(ev.error.status, 431);
  });
  t("default limits suit a small device", () => {
    const l = HttpParser.request().limits;
    assert(l.maxHeadBytes <= 8192 && l.maxHeaders <= 64 && l.maxStartLine <= 4096, "head limits stay small");
  });

  // ---- message semantics ----
  t("keep-alive: 1.1 by default, 1.0 only when asked, close wins", () => {
    const ka = (text: string) => request(text).messages[0].keepAlive;
    assertEqual(ka(`GET / HTTP/1.1\r\n${H}\r\n`), true);
    assertEqual(ka(`GET / HTTP/1.1\r\n${H}Connection: close\r\n\r\n`), false);
    assertEqual(ka(`GET / HTTP/1.1\r\n${H}Connection: keep-alive, CLOSE\r\n\r\n`), false);
    assertEqual(ka(`GET / HTTP/1.0\r\n\r\n`), false);
    assertEqual(ka(`GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n`), true);
    assertEqual(ka(`GET / HTTP/1.0\r\nConnection: x, keep-alive\r\n\r\n`), true);
  });
  t("no second message after a closing one", () => {
    const r = request(`GET / HTTP/1.1\r\n${H}Connection: close\r\n\r\n\r\nGET / HTTP/1.1\r\n${H}\r\n`);
    assertEqual(r.messages.length, 1);
    assertEqual(r.error?.code, "data-after-close");
  });
  t("pipelining: several messages in one buffer, bodies kept apart", () => {
    const r = accepts(
      `POST /a HTTP/1.1\r\n${H}Content-Length: 3\r\n\r\nabc` +
        `\r\nGET /b HTTP/1.1\r\n${H}\r\n` +
        `PUT /c HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n2\r\nde\r\n1\r\nf\r\n0\r\nX-Sum: 3\r\n\r\n` +
        `DELETE /d HTTP/1.1\r\n${H}Connection: close\r\n\r\n`,
    );
    assertEqual(r.messages.map((m) => `${headLine(m.head)}:${latin1(m.body)}:${m.complete}`), [
      "POST /a 1.1:abc:true", "GET /b 1.1::true", "PUT /c 1.1:def:true", "DELETE /d 1.1::true",
    ]);
    assertEqual(r.messages[2].trailers?.get("x-sum"), "3");
    assertEqual(r.messages[3].keepAlive, false);
  });
  t("Expect: 100-continue is flagged; the body waits for the caller", () => {
    const p = HttpParser.request();
    const head = bytes(`PUT /f HTTP/1.1\r\n${H}Expect: 100-Continue\r\nContent-Length: 4\r\n\r\n`);
    const ev = p.next(head);
    assert(ev.type === "head" && ev.head.expectContinue, "expectContinue");
    assertEqual(ev.consumed, head.length);
    assertEqual(p.next(new Uint8Array(0)).type, "more");
    const b = p.next(bytes("data"));
    assert(b.type === "body" && latin1(b.data) === "data");
    assertEqual(p.next(new Uint8Array(0)).type, "end");
    assertEqual(req(accepts(`PUT / HTTP/1.1\r\n${H}\r\n`)).expectContinue, false);
  });
  t("Upgrade: the message ends, the rest is left for the next protocol", () => {
    const ws = `GET /ws HTTP/1.1\r\n${H}Connection: keep-alive, Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: x\r\nSec-WebSocket-Version: 13\r\n\r\n`;
    const r = accepts(ws + "\x81\x05hello");
    assert(req(r).upgrade && r.upgraded && r.messages[0].complete && r.messages[0].upgrade === true, "upgraded");
    assertEqual(latin1(r.rest), "\x81\x05hello");
    const noConn = accepts(`GET / HTTP/1.1\r\n${H}Upgrade: websocket\r\n\r\n`);
    assert(!req(noConn).upgrade && !noConn.upgraded, "Upgrade without Connection: upgrade is informational");
    const connect = accepts(`CONNECT h:1 HTTP/1.1\r\nHost: h:1\r\nContent-Length: 3\r\n\r\nraw tunnel bytes`);
    assert(connect.upgraded, "CONNECT switches to a tunnel");
    assertEqual(latin1(connect.rest), "raw tunnel bytes");
    const withBody = accepts(`POST / HTTP/1.1\r\n${H}Connection: upgrade\r\nUpgrade: x\r\nContent-Length: 2\r\n\r\nabNEXT`);
    assertEqual(latin1(withBody.messages[0].body), "ab");
    assertEqual(latin1(withBody.rest), "NEXT");
  });
  t("leading empty lines before a request are skipped", () => {
    const r = accepts(`\r\n\r\nGET / HTTP/1.1\r\n${H}\r\n`);
    assertEqual(req(r).target, "/");
  });
  t("body data are views of the input, not copies; the head stays unconsumed until complete", () => {
    const p = HttpParser.request();
    const part = bytes(`POST / HTTP/1.1\r\n${H}Content-Le`);
    assertEqual(p.next(part), { type: "more", consumed: 0 });
    const all = bytes(`POST / HTTP/1.1\r\n${H}Content-Length: 5\r\n\r\nhello`);
    const h = p.next(all);
    assertEqual(h.type, "head");
    const rest = all.subarray(h.consumed);
    const b = p.next(rest);
    assert(b.type === "body", "body");
    if (b.type === "body") {
      assert(b.data.buffer === all.buffer && b.data.byteOffset === rest.byteOffset, "a view of the caller's buffer");
      assertEqual(b.data.length, 5);
    }
  });
  t("errors are sticky and consume nothing", () => {
    const p = HttpParser.request();
    const e1 = p.next(bytes("BAD\x00 / HTTP/1.1\r\n\r\n"));
    assertEqual(e1.type, "error");
    const e2 = p.next(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
    assert(e2.type === "error" && e2.consumed === 0, "still failed");
    p.reset();
    assertEqual(p.next(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n")).type, "head");
  });
  t("finish(): clean between messages, error mid-message", () => {
    assertEqual(request(`GET / HTTP/1.1\r\n${H}\r\n`, undefined, { finish: true }).finish, "clean");
    assertEqual(request(`GET / HTTP/1.1\r\n${H}`, undefined, { finish: true }).error?.code, "incomplete");
    assertEqual(request(`POST / HTTP/1.1\r\n${H}Content-Length: 9\r\n\r\nabc`, undefined, { finish: true }).error?.code, "incomplete");
  });

  // ---- responses ----
  t("responses: length, chunked with trailers, until-close with finish()", () => {
    let r = response("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
    assertEqual([res(r).status, res(r).reason, latin1(r.messages[0].body), r.messages[0].complete], [200, "OK", "hi", true]);
    r = response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nX-T: 1\r\n\r\n");
    assertEqual(latin1(r.messages[0].body), "hi");
    assertEqual(r.messages[0].trailers?.get("X-T"), "1");
    r = response("HTTP/1.0 200 OK\r\n\r\nuntil the end", undefined, { finish: true });
    assertEqual([res(r).framing, latin1(r.messages[0].body), r.messages[0].complete, r.messages[0].keepAlive, r.finish], ["until-close", "until the end", true, false, "end"]);
    r = response("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n\x1f\x8b", undefined, { finish: true });
    assertEqual([res(r).framing, latin1(r.messages[0].body)], ["until-close", "\x1f\x8b"]);
    r = response("HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n");
    assertEqual([res(r).status, res(r).reason], [404, ""]);
    r = response("HTTP/1.1 301\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n");
    assertEqual([res(r).status, res(r).headers.get("location")], [301, "/x"]);
  });
  t("responses: 1xx, 204 and 304 have no body; HEAD replies skip theirs", () => {
    let r = response("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nHTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n");
    assertEqual(r.messages.map((m) => `${headLine(m.head)}|${m.complete}|${latin1(m.body)}`), [
      "100 Continue 1.1|true|", "204 No Content 1.1|true|", "304 Not Modified 1.1|true|",
    ]);
    r = response("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nHTTP/1.1 200 OK\r\n\r\n", undefined, { skipBody: true });
    assertEqual(r.messages.length, 2);
    assert(r.messages.every((m) => m.complete && m.keepAlive === true), "HEAD replies complete without a body and keep the connection");
  });
  t("responses: 101 switches protocols", () => {
    const r = response("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x00");
    assert(res(r).upgrade && r.upgraded, "upgraded");
    assertEqual(latin1(r.rest), "\x81\x00");
  });
  t("responses: malformed status lines are refused", () => {
    for (const s of ["HTTP/1.1 20 OK", "HTTP/1.1 2000 OK", "HTTP/1.1 099 X", "HTTP/1.1 600 X", "HTTP/1.1  200 OK", "HTTP/1.1 200 O\x00K", "HTTP/1.1\t200 OK", "HTTP/2 200", "ICE/1.0 200 OK", "HTTP/1.1 200 OK\n"]) {
      const r = response(s + "\r\n\r\n");
      assert(r.error !== undefined, `refuse ${JSON.stringify(s)}`);
    }
    assertEqual(response("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n").error?.code, "content-length-and-chunked");
    assertEqual(response("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n").error?.code, "bad-content-length");
  });

  // ---- hostile input ----
  t("random and mutated bytes never throw and always make progress", () => {
    let seed = 0x2545f491;
    const rnd = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const valid = bytes(`POST /x?y HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nX: 1\r\n\r\n5;e=1\r\nhello\r\n0\r\nT: 2\r\n\r\n`);
    const alphabet = bytes("\r\n \t:;,\"\\0123456789abcdefABCDEF/?#%HTTP.\x00\x7f\xff");
    for (let round = 0; round < 1500; round++) {
      let input: Uint8Array;
      if (round % 3 === 0) {
        input = new Uint8Array(rnd(200));
        for (let i = 0; i < input.length; i++) input[i] = rnd(256);
      } else {
        input = valid.slice();
        for (let k = 1 + rnd(4); k > 0; k--) input[rnd(input.length)] = alphabet[rnd(alphabet.length)];
      }
      for (const kind of ["request", "response"] as const) {
        const parser = kind === "request" ? HttpParser.request() : HttpParser.response();
        const pieceSize = 1 + rnd(17);
        drive<MessageHead>(parser, split(input, pieceSize), { finish: true });
      }
    }
  });

  return { name: "http parser", cases };
};

export default suite;
