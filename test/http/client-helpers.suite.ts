// The HTTP client's pure parts: http:// URL splitting, Location resolution (RFC 3986 §5.4's
// own examples), WWW-Authenticate challenges and the Digest answer (RFC 2069's example).
// Runs on V8 and XS.

import type { DigestAlgorithm, Platform } from "../../modules/core/platform";
import { asU8, type Bytes } from "../../modules/core/platform";
import { md5 } from "../../modules/util/md5";
import { sha256 } from "../../modules/util/sha256";
import { authorization, parseChallenges, pickChallenge } from "../../modules/http/client-auth";
import { parseHttpUrl, resolveLocation } from "../../modules/http/client-url";
import { assert, assertEqual, type Case, type SuiteFactory } from "../shared/suite";

/** Just what authorization() uses: digests from modules/util, fixed "random" bytes. */
function fakePlatform(): Platform {
  const p = {
    randomBytes: (n: number) => new Uint8Array(n).fill(0xab),
    digest: (alg: DigestAlgorithm, ...parts: Bytes[]) => {
      const u = parts.map((x) => asU8(x));
      const out = alg === "MD5" ? md5(...u) : sha256(...u);
      return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength) as ArrayBuffer;
    },
  };
  return p as unknown as Platform;
}

const suite: SuiteFactory = () => {
  const cases: Case[] = [];
  const t = (name: string, run: () => void) => cases.push({ name, run });

  t("parseHttpUrl: host, port, Host field, request-target, user info", () => {
    const r = parseHttpUrl("http://us%40er:p%3Ass@Example.com:8080/a/b?x=1#frag");
    assert(r.ok, "parsed");
    if (!r.ok) return;
    assertEqual(
      [r.target.host, r.target.port, r.target.hostField, r.target.requestTarget, r.target.address, r.target.user, r.target.password, r.target.href],
      ["Example.com", 8080, "Example.com:8080", "/a/b?x=1", "tcp://Example.com:8080", "us@er", "p:ss", "http://Example.com:8080/a/b?x=1"],
    );
    const d = parseHttpUrl("http://10.0.0.1");
    assert(d.ok && d.target.requestTarget === "/" && d.target.hostField === "10.0.0.1" && d.target.port === 80, "defaults");
    const v6 = parseHttpUrl("http://[::1]:81/x");
    assert(v6.ok && v6.target.hostField === "[::1]:81" && v6.target.address === "tcp://[::1]:81", "IPv6 literal");
  });
  t("parseHttpUrl: https is 'not yet', the rest EINVAL", () => {
    const s = parseHttpUrl("https://example.com/");
    assert(!s.ok && s.code === "EUNSUPPORTED" && s.message.indexOf("TLS not supported yet") >= 0, "https");
    for (const bad of ["ftp://x/", "http://", "http:///x", "http://a b/", "http://x/a b", "http://x:99999/", "", "http://x/\u00e9"]) {
      const r = parseHttpUrl(bad);
      assert(!r.ok && r.code === "EINVAL", `refuse ${JSON.stringify(bad)}`);
    }
  });
  t("resolveLocation: RFC 3986 §5.4.1 normal examples", () => {
    const base = "http://a/b/c/d;p?q";
    const examples: [string, string][] = [
      ["g:h", "g:h"], ["g", "http://a/b/c/g"], ["./g", "http://a/b/c/g"], ["g/", "http://a/b/c/g/"],
      ["/g", "http://a/g"], ["//g", "http://g"], ["?y", "http://a/b/c/d;p?y"], ["g?y", "http://a/b/c/g?y"],
      ["#s", "http://a/b/c/d;p?q"], ["g#s", "http://a/b/c/g"], ["g?y#s", "http://a/b/c/g?y"], [";x", "http://a/b/c/;x"],
      ["g;x", "http://a/b/c/g;x"], ["", "undefined"], [".", "http://a/b/c/"], ["./", "http://a/b/c/"],
      ["..", "http://a/b/"], ["../", "http://a/b/"], ["../g", "http://a/b/g"], ["../..", "http://a/"],
      ["../../", "http://a/"], ["../../g", "http://a/g"], ["../../../g", "http://a/g"], ["/./g", "http://a/g"],
    ];
    for (const [ref, want] of examples) assertEqual(String(resolveLocation(base, ref)), want, `resolve ${JSON.stringify(ref)}`);
    assertEqual(resolveLocation("http://h:8080/x", "/y"), "http://h:8080/y");
  });
  t("parseChallenges: several per field, unknown schemes skipped, empty quoted values kept", () => {
    const cs = parseChallenges([
      'Bearer realm="api", error="invalid_token", Digest realm="r1", qop="auth,auth-int", nonce="n1", opaque="", algorithm=SHA-256',
      'Basic realm="r2", charset="UTF-8"',
    ]);
    assertEqual(cs.map((c) => [c.scheme, c.realm, c.nonce, c.qop, c.opaque, c.algorithm]), [
      ["digest", "r1", "n1", "auth,auth-int", "", "SHA-256"],
      ["basic", "r2", "", undefined, undefined, undefined],
    ]);
    assertEqual(pickChallenge(cs)?.scheme, "digest");
    assertEqual(pickChallenge(parseChallenges(['Digest realm="x", nonce="n", qop="auth-int"', "Basic realm=y"]))?.scheme, "basic", "auth-int only: fall back to Basic");
    assertEqual(pickChallenge(parseChallenges(['Digest realm="x", nonce="n", algorithm=SHA-512-256'])), undefined, "unknown algorithm");
    assertEqual(parseChallenges(["Negotiate abc=="]).length, 0);
  });
  t("authorization: RFC 2069's Digest example and RFC 7617's Basic one", () => {
    const ch = { scheme: "digest" as const, realm: "testrealm@host.com", nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque: "5ccc069c403ebaf9f0171e9517f40e41" };
    const v = authorization(ch, { user: "Mufasa", password: "CircleOfLife" }, { platform: fakePlatform(), method: "GET", uri: "/dir/index.html", nc: 1 });
    assertEqual(v, 'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", response="1949323746fe6a43ef61f9606e7febea", opaque="5ccc069c403ebaf9f0171e9517f40e41"');
    const q = authorization({ ...ch, qop: "auth" }, { user: "a\"b", password: "x" }, { platform: fakePlatform(), method: "GET", uri: "/", nc: 2 });
    assert(q !== undefined && q.indexOf('username="a\\"b"') > 0 && q.indexOf("qop=auth, nc=00000002, cnonce=\"abababababababababababababababab\"") > 0, String(q));
    assertEqual(authorization({ scheme: "basic", realm: "WallyWorld", nonce: "" }, { user: "Aladdin", password: "open sesame" }, { platform: fakePlatform(), method: "GET", uri: "/", nc: 1 }), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  });

  return { name: "http client helpers", cases };
};

export default suite;
