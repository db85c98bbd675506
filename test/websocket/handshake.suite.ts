// The opening handshake, pure: the accept hash (RFC 6455 1.3 example), the server's checks of an
// upgrade request, the client's checks of the 101 reply, and the text both sides send.
import { assert, assertEqual, type Case, type SuiteFactory } from "../shared/suite";
import {
  checkServerReply,
  checkUpgradeRequest,
  clientHandshakeRequest,
  computeAccept,
  formatExtraHeaders,
  isValidClientKey,
  isWebSocketUpgrade,
  makeClientKey,
  selectSubprotocol,
  serverHandshakeReply,
  serverHandshakeRefusal,
} from "../../modules/websocket/handshake";
import { HttpHeaders, type HeaderPair } from "../../modules/http/message";
import { sha1 } from "../../modules/util/sha1";

const RFC_KEY = "dGhlIHNhbXBsZSBub25jZQ==";
const RFC_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

function request(headers: HeaderPair[], method = "GET", minor = 1) {
  return { method, versionMajor: 1, versionMinor: minor, headers: new HttpHeaders(headers) };
}

const GOOD: HeaderPair[] = [
  ["Host", "server.example.com"],
  ["Upgrade", "websocket"],
  ["Connection", "Upgrade"],
  ["Sec-WebSocket-Key", RFC_KEY],
  ["Sec-WebSocket-Version", "13"],
];

function without(name: string, extra: HeaderPair[] = []): HeaderPair[] {
  return GOOD.filter(([n]) => n.toLowerCase() !== name.toLowerCase()).concat(extra);
}

function reply(status: number, headers: HeaderPair[]) {
  return { status, reason: status === 101 ? "Switching Protocols" : "Nope", headers: new HttpHeaders(headers) };
}

const GOOD_REPLY: HeaderPair[] = [
  ["Upgrade", "websocket"],
  ["Connection", "Upgrade"],
  ["Sec-WebSocket-Accept", RFC_ACCEPT],
];

const suite: SuiteFactory = () => {
  const cases: Case[] = [];
  const add = (name: string, run: () => void) => cases.push({ name, run });

  add("accept hash of the RFC 6455 example key", () => {
    assertEqual(computeAccept(RFC_KEY, (d) => sha1(d)), RFC_ACCEPT);
  });

  add("client keys are 16 random bytes in base64", () => {
    const k = makeClientKey(new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]));
    assertEqual(k, "AAECAwQFBgcICQoLDA0ODw==");
    assert(isValidClientKey(k), "generated key is valid");
    assert(isValidClientKey(RFC_KEY), "RFC key");
    for (const bad of ["", "abc", "dGhlIHNhbXBsZSBub25jZQ=", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZSE=", "dGhlIHNhbXBsZSBub25j*Q=="]) {
      assert(!isValidClientKey(bad), `invalid key ${bad}`);
    }
  });

  add("a well-formed upgrade request passes, with its offered subprotocols", () => {
    const r = checkUpgradeRequest(request(GOOD.concat([["Sec-WebSocket-Protocol", "chat, superchat"], ["Sec-WebSocket-Protocol", "mqtt"]])));
    assert(r.ok, "ok");
    assertEqual(r.key, RFC_KEY);
    assertEqual(r.protocols, ["chat", "superchat", "mqtt"]);
  });

  add("header names and the tokens in Upgrade and Connection ignore case and lists", () => {
    const r = checkUpgradeRequest(request([
      ["host", "h"],
      ["upgrade", "WebSocket"],
      ["connection", "keep-alive, Upgrade"],
      ["sec-websocket-key", RFC_KEY],
      ["sec-websocket-version", "13"],
    ]));
    assert(r.ok, "ok");
    assert(isWebSocketUpgrade(request([["Upgrade", "h2c, WEBSOCKET"]])), "token in a list");
    assert(!isWebSocketUpgrade(request([["Upgrade", "h2c"]])), "other upgrade");
  });

  add("malformed upgrade requests are refused with the right status", () => {
    const expectStatus = (r: ReturnType<typeof checkUpgradeRequest>, status: number, what: string) => {
      assert(!r.ok, `${what} refused`);
      assertEqual(r.status, status, what);
    };
    expectStatus(checkUpgradeRequest(request(GOOD, "POST")), 405, "POST");
    expectStatus(checkUpgradeRequest(request(GOOD, "GET", 0)), 400, "HTTP/1.0");
    expectStatus(checkUpgradeRequest(request(without("Host"))), 400, "no Host");
    expectStatus(checkUpgradeRequest(request(without("Connection"))), 400, "no Connection");
    expectStatus(checkUpgradeRequest(request(without("Connection", [["Connection", "keep-alive"]]))), 400, "Connection without upgrade");
    expectStatus(checkUpgradeRequest(request(without("Upgrade", [["Upgrade", "h2c"]]))), 400, "Upgrade h2c");
    expectStatus(checkUpgradeRequest(request(without("Sec-WebSocket-Key"))), 400, "no key");
    expectStatus(checkUpgradeRequest(request(without("Sec-WebSocket-Key", [["Sec-WebSocket-Key", "short"]]))), 400, "short key");
    expectStatus(checkUpgradeRequest(request(GOOD.concat([["Sec-WebSocket-Key", RFC_KEY]]))), 400, "two keys");
    expectStatus(checkUpgradeRequest(request(without("Sec-WebSocket-Version"))), 400, "no version");
    const v8 = checkUpgradeRequest(request(without("Sec-WebSocket-Version", [["Sec-WebSocket-Version", "8"]])));
    expectStatus(v8, 426, "version 8");
    assert(!v8.ok && v8.headers === "Sec-WebSocket-Version: 13\r\n", "426 names the supported version");
  });

  add("offered subprotocols are bounded", () => {
    const many = Array.from({ length: 100 }, (_, i) => `p${i}`).join(",");
    const r = checkUpgradeRequest(request(GOOD.concat([["Sec-WebSocket-Protocol", many]])));
    assert(r.ok && r.protocols.length === 16, "16 kept");
  });

  add("the server picks its first supported subprotocol the client offered", () => {
    assertEqual(selectSubprotocol(["a", "b", "c"], ["c", "b"]), "c");
    assertEqual(selectSubprotocol(["a"], ["b"]), undefined);
    assertEqual(selectSubprotocol([], ["b"]), undefined);
  });

  add("the 101 reply and refusals are well-formed", () => {
    assertEqual(
      serverHandshakeReply(RFC_ACCEPT, "chat", "X-A: 1\r\n"),
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${RFC_ACCEPT}\r\nSec-WebSocket-Protocol: chat\r\nX-A: 1\r\n\r\n`,
    );
    assertEqual(
      serverHandshakeRefusal(426, "no", "Sec-WebSocket-Version: 13\r\n"),
      "HTTP/1.1 426 Upgrade Required\r\nConnection: close\r\nContent-Type: text/plain\r\nSec-WebSocket-Version: 13\r\nContent-Length: 3\r\n\r\nno\n",
    );
  });

  add("the client request carries key, version, protocols, Basic auth and extra headers", () => {
    const s = clientHandshakeRequest({
      path: "/chat?x=1",
      host: "example.com:8080",
      key: RFC_KEY,
      protocols: ["chat", "superchat"],
      extra: "Origin: http://example.com\r\n",
      user: "Aladdin",
      password: "open sesame",
    });
    assertEqual(
      s,
      "GET /chat?x=1 HTTP/1.1\r\nHost: example.com:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        `Sec-WebSocket-Key: ${RFC_KEY}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat, superchat\r\n` +
        "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\nOrigin: http://example.com\r\n\r\n",
    );
    assert(clientHandshakeRequest({ path: "", host: "h", key: RFC_KEY }).startsWith("GET / HTTP/1.1\r\n"), "empty path is /");
  });

  add("extra headers: strings get a final CRLF, objects are formatted, line breaks are refused", () => {
    assertEqual(formatExtraHeaders(undefined), "");
    assertEqual(formatExtraHeaders("User-Agent: x"), "User-Agent: x\r\n");
    assertEqual(formatExtraHeaders("A: 1\r\nB: 2\r\n"), "A: 1\r\nB: 2\r\n");
    assertEqual(formatExtraHeaders({ A: "1", B: "2" }), "A: 1\r\nB: 2\r\n");
    assertEqual(formatExtraHeaders([["Cookie", "a=b"]]), "Cookie: a=b\r\n");
    assertEqual(formatExtraHeaders({ A: "1\r\nEvil: yes" }), undefined);
    assertEqual(formatExtraHeaders({ "A\r\nB": "1" }), undefined);
    assertEqual(formatExtraHeaders("A: 1\r\n\r\nGET / HTTP/1.1\r\n"), undefined);
  });

  add("a correct 101 reply passes, with the chosen subprotocol", () => {
    const ok = checkServerReply(reply(101, GOOD_REPLY), RFC_ACCEPT, []);
    assert(ok.ok && ok.protocol === undefined, "no subprotocol");
    const chat = checkServerReply(reply(101, GOOD_REPLY.concat([["Sec-WebSocket-Protocol", "chat"]])), RFC_ACCEPT, ["x", "chat"]);
    assert(chat.ok && chat.protocol === "chat", "chat chosen");
  });

  add("each broken reply fails with its own reason", () => {
    const fails = (r: ReturnType<typeof checkServerReply>, failure: string) => {
      assert(!r.ok, `${failure}: refused`);
      assertEqual(r.failure, failure);
    };
    fails(checkServerReply(reply(200, GOOD_REPLY), RFC_ACCEPT, []), "status");
    fails(checkServerReply(reply(101, GOOD_REPLY.filter(([n]) => n !== "Upgrade")), RFC_ACCEPT, []), "upgrade-missing");
    fails(checkServerReply(reply(101, [["Upgrade", "h2c"], ...GOOD_REPLY.slice(1)]), RFC_ACCEPT, []), "upgrade-mismatch");
    fails(checkServerReply(reply(101, GOOD_REPLY.filter(([n]) => n !== "Connection")), RFC_ACCEPT, []), "connection-missing");
    fails(checkServerReply(reply(101, GOOD_REPLY.slice(0, 2)), RFC_ACCEPT, []), "accept-missing");
    fails(checkServerReply(reply(101, [...GOOD_REPLY.slice(0, 2), ["Sec-WebSocket-Accept", "AAAA" + RFC_ACCEPT.slice(4)]]), RFC_ACCEPT, []), "accept-mismatch");
    fails(checkServerReply(reply(101, GOOD_REPLY.concat([["Sec-WebSocket-Protocol", "chat"]])), RFC_ACCEPT, []), "protocol-mismatch");
    fails(checkServerReply(reply(101, GOOD_REPLY.concat([["Sec-WebSocket-Protocol", "a, b"]])), RFC_ACCEPT, ["a", "b"]), "protocol-mismatch");
    fails(checkServerReply(reply(101, GOOD_REPLY.concat([["Sec-WebSocket-Extensions", "permessage-deflate"]])), RFC_ACCEPT, []), "extension-unrequested");
  });

  return { name: "websocket handshake", cases };
};

export default suite;
