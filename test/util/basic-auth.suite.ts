// Basic authentication header build and parse (RFC 7617; example from section 2).
import { basicAuthHeader, parseBasicAuth } from "../../modules/util/basic-auth";
import { assert, assertEqual, fail, type Case, type SuiteFactory } from "../shared/suite";

const factory: SuiteFactory = () => {
  const cases: Case[] = [];
  cases.push({
    name: "RFC 7617 example: Aladdin / open sesame",
    run: () => {
      assertEqual(basicAuthHeader("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
      assertEqual(parseBasicAuth("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="), { ok: true, user: "Aladdin", password: "open sesame" });
    },
  });
  cases.push({
    name: "RFC 7617 section 2.1 UTF-8 example: test / 123\u00a3",
    run: () => {
      assertEqual(basicAuthHeader("test", "123\u00a3"), "Basic dGVzdDoxMjPCow==");
      assertEqual(parseBasicAuth("Basic dGVzdDoxMjPCow=="), { ok: true, user: "test", password: "123\u00a3" });
    },
  });
  cases.push({
    name: "pre-joined pair, empty password, colons in the password",
    run: () => {
      assertEqual(basicAuthHeader("u:p"), basicAuthHeader("u", "p"));
      assertEqual(parseBasicAuth(basicAuthHeader("u", "")), { ok: true, user: "u", password: "" });
      assertEqual(parseBasicAuth(basicAuthHeader("u", "a:b:c")), { ok: true, user: "u", password: "a:b:c" });
      assertEqual(parseBasicAuth(basicAuthHeader("", "p")), { ok: true, user: "", password: "p" });
    },
  });
  cases.push({
    name: "scheme is case-insensitive; surrounding and separating whitespace tolerated",
    run: () => {
      assertEqual(parseBasicAuth("  bAsIc \t dTpw  "), { ok: true, user: "u", password: "p" });
    },
  });
  const bad: [string, RegExp][] = [
    ["", /not Basic/],
    ["Bearer abc", /not Basic/],
    ["Basicdtpw", /not Basic/],
    ["Basic ", /not Basic|empty/],
    ["Basic  ", /not Basic|empty/],
    ["Basic dXNlcg==", /lack ':'/], // "user"
    ["Basic dTpw!", /bad base64/],
    ["Basic dTp w", /bad base64/],
    ["Basic dTpwCg==", /control/], // "u:p\n"
    ["Basic /w==", /not UTF-8/], // 0xff
    ["Basic wKA=", /not UTF-8/], // overlong C0 A0
    ["Basic " + "QUFB".repeat(300), /longer than/],
  ];
  for (const [value, re] of bad) {
    cases.push({
      name: `rejects ${JSON.stringify(value.length > 30 ? value.slice(0, 30) + "…" : value)}`,
      run: () => {
        const r = parseBasicAuth(value);
        if (r.ok) fail(`accepted ${JSON.stringify(r)}`);
        assert(re.test(r.error), `error "${r.error}" does not match ${re}`);
      },
    });
  }
  return { name: "util/basic-auth", cases };
};
export default factory;
