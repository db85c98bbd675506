// Digest (RFC 2617 example) and Basic checks against htdigest text; stateless nonces; the
// password-file editor (mg_modify_passwords_file).
import {
  checkAuthorization, digestChallenge, digestHa1, digestResponse, DigestNonces, htdigestLookup, htdigestModify, parseDigestAuth,
} from "../../modules/http/auth";
import { basicAuthHeader } from "../../modules/util/basic-auth";
import { md5 } from "../../modules/util/md5";
import { assert, assertEqual, type SuiteFactory } from "../shared/suite";

const REALM = "testrealm@host.com";
const FILE = `alice:other:0123\nMufasa:${REALM}:939e7578ed9e3c518a452acee763bce9\r\nbad line\n`;
const SECRET = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);

function digestHeader(nonce: string, uri: string, response: string, extra = ""): string {
  return `Digest username="Mufasa", realm="${REALM}", nonce="${nonce}", uri="${uri}", qop=auth, nc=00000001, cnonce="0a4f113b", response="${response}"${extra}`;
}

const suite: SuiteFactory = () => ({
  name: "http auth",
  cases: [
    {
      name: "RFC 2617 3.5 example: HA1 and response",
      run() {
        const ha1 = digestHa1(md5, "Mufasa", REALM, "Circle Of Life");
        assertEqual(ha1, "939e7578ed9e3c518a452acee763bce9");
        const r = digestResponse(md5, ha1, "GET", { uri: "/dir/index.html", nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093", qop: "auth", nc: "00000001", cnonce: "0a4f113b" });
        assertEqual(r, "6629fae49393a05397450978507c4ef1");
      },
    },
    {
      name: "Digest header parsing requires the mandatory parameters",
      run() {
        const p = parseDigestAuth(digestHeader("n", "/x", "r"));
        assertEqual(p?.username, "Mufasa");
        assertEqual(p?.qop, "auth");
        assertEqual(parseDigestAuth(`Digest username="a", realm="b"`), undefined);
        assertEqual(parseDigestAuth(`Basic abc`), undefined);
      },
    },
    {
      name: "htdigest lookup skips malformed lines and CRLF endings",
      run() {
        assertEqual(htdigestLookup(FILE, "Mufasa", REALM), "939e7578ed9e3c518a452acee763bce9");
        assertEqual(htdigestLookup(FILE, "alice", REALM), undefined);
        assertEqual(htdigestLookup(FILE, "bad line", REALM), undefined);
      },
    },
    {
      name: "a correct Digest answer to our nonce passes; wrong password, URI or nonce fail",
      run() {
        const nonces = new DigestNonces(md5, SECRET, 60_000);
        const now = 1_700_000_000_000;
        const nonce = nonces.issue(now);
        const check = { md5, realm: REALM, passwords: FILE, nonces, now: now + 1000 };
        const good = digestResponse(md5, digestHa1(md5, "Mufasa", REALM, "Circle Of Life"), "GET", { uri: "/dir/index.html", nonce, qop: "auth", nc: "00000001", cnonce: "0a4f113b" });
        assertEqual(checkAuthorization(digestHeader(nonce, "/dir/index.html", good), "GET", "/dir/index.html", check), { ok: true, user: "Mufasa", scheme: "digest" });
        assertEqual(checkAuthorization(digestHeader(nonce, "/dir/index.html", good), "POST", "/dir/index.html", check).ok, false, "method is part of HA2");
        assertEqual(checkAuthorization(digestHeader(nonce, "/dir/index.html", good), "GET", "/other", check).ok, false, "replay on another URI");
        const bad = digestResponse(md5, digestHa1(md5, "Mufasa", REALM, "wrong"), "GET", { uri: "/dir/index.html", nonce, qop: "auth", nc: "00000001", cnonce: "0a4f113b" });
        assertEqual(checkAuthorization(digestHeader(nonce, "/dir/index.html", bad), "GET", "/dir/index.html", check).ok, false);
        const forged = "00000000" + nonce.slice(8);
        const forgedResp = digestResponse(md5, digestHa1(md5, "Mufasa", REALM, "Circle Of Life"), "GET", { uri: "/", nonce: forged, qop: "auth", nc: "00000001", cnonce: "0a4f113b" });
        assertEqual(checkAuthorization(digestHeader(forged, "/", forgedResp), "GET", "/", check).ok, false, "nonce not issued by us");
        const later = { ...check, now: now + 120_000 };
        assertEqual(checkAuthorization(digestHeader(nonce, "/dir/index.html", good), "GET", "/dir/index.html", later), { ok: false, stale: true });
        assertEqual(checkAuthorization(digestHeader(nonce, "/dir/index.html", good, ", algorithm=SHA-256"), "GET", "/dir/index.html", check).ok, false);
      },
    },
    {
      name: "Basic credentials are checked against the same HA1, and can be disabled",
      run() {
        const nonces = new DigestNonces(md5, SECRET);
        const check = { md5, realm: REALM, passwords: FILE, nonces, now: 0 };
        assertEqual(checkAuthorization(basicAuthHeader("Mufasa", "Circle Of Life"), "GET", "/", check), { ok: true, user: "Mufasa", scheme: "basic" });
        assertEqual(checkAuthorization(basicAuthHeader("Mufasa", "circle of life"), "GET", "/", check).ok, false);
        assertEqual(checkAuthorization(basicAuthHeader("Nobody", "x"), "GET", "/", check).ok, false);
        assertEqual(checkAuthorization(basicAuthHeader("Mufasa", "Circle Of Life"), "GET", "/", { ...check, allowBasic: false }).ok, false);
        assertEqual(checkAuthorization("Basic !!!", "GET", "/", check).ok, false);
        assertEqual(checkAuthorization(undefined, "GET", "/", check).ok, false);
      },
    },
    {
      name: "password file editing: add, replace, delete, other lines kept",
      run() {
        let t = "";
        t = htdigestModify(md5, t, "r", "joe", "pw1");
        assertEqual(t, `joe:r:${digestHa1(md5, "joe", "r", "pw1")}\n`);
        t = htdigestModify(md5, t, "r", "ann", "pw2");
        t = htdigestModify(md5, t, "r", "joe", "pw3");
        assertEqual(htdigestLookup(t, "joe", "r"), digestHa1(md5, "joe", "r", "pw3"));
        assertEqual(htdigestLookup(t, "ann", "r"), digestHa1(md5, "ann", "r", "pw2"));
        assertEqual(t.split("\n").filter((l) => l).length, 2);
        t = htdigestModify(md5, t, "r", "joe", undefined);
        assertEqual(htdigestLookup(t, "joe", "r"), undefined);
        assertEqual(htdigestLookup(t, "ann", "r"), digestHa1(md5, "ann", "r", "pw2"));
        let threw = false;
        try {
          htdigestModify(md5, t, "r", "evil:user", "x");
        } catch {
          threw = true;
        }
        assert(threw, "':' in a user name would corrupt the file");
      },
    },
    {
      name: "challenge header shape",
      run() {
        assertEqual(digestChallenge('my "realm"', "abc"), `Digest qop="auth", realm="my realm", nonce="abc", algorithm=MD5`);
        assertEqual(digestChallenge("r", "n", true).endsWith(", stale=true"), true);
      },
    },
  ],
});

export default suite;
