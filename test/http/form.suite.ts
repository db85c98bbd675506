// mg_get_http_var: url-decoded, bounded form variables from query strings and bodies.
import { formDecode, formVar, formVars, isFormError } from "../../modules/http/form";
import { assert, assertEqual, type SuiteFactory } from "../shared/suite";
import { ascii } from "../util/hex";

const suite: SuiteFactory = () => ({
  name: "http form variables",
  cases: [
    {
      name: "query string variables are decoded (+ and %XX)",
      run() {
        const q = "a=1&name=John+Smith&city=S%C3%A3o%20Paulo&empty=&flag";
        assertEqual(formVar(q, "a"), "1");
        assertEqual(formVar(q, "name"), "John Smith");
        assertEqual(formVar(q, "city"), "São Paulo");
        assertEqual(formVar(q, "empty"), "");
        assertEqual(formVar(q, "flag"), "");
        assertEqual(formVar(q, "missing"), undefined);
        assertEqual(formVar(undefined, "a"), undefined);
      },
    },
    {
      name: "names are compared decoded and exactly",
      run() {
        const q = "ab=1&a%62=2&a=3";
        assertEqual(formVar(q, "ab"), "1");
        assertEqual(formVar("a%62=2", "ab"), "2");
        assertEqual(formVar(q, "a"), "3");
        assertEqual(formVar("x%20y=z", "x y"), "z");
      },
    },
    {
      name: "bodies as bytes work the same",
      run() {
        const body = ascii("user=admin&pass=p%26ss%3Dword");
        assertEqual(formVar(body, "pass"), "p&ss=word");
        assertEqual(formVar(body, "user"), "admin");
      },
    },
    {
      name: "values decoding past the limit are reported, not truncated",
      run() {
        const q = "big=" + "x".repeat(100);
        const r = formVar(q, "big", 50);
        assert(isFormError(r));
        assertEqual(r, { error: "too-long" });
        assertEqual(formVar(q, "big", 100), "x".repeat(100));
      },
    },
    {
      name: "malformed escapes are reported",
      run() {
        assertEqual(formVar("a=%zz", "a"), { error: "bad-encoding" });
        assertEqual(formVar("a=abc%4", "a"), { error: "bad-encoding" });
        assertEqual(formVar("a=abc%", "a"), { error: "bad-encoding" });
        assertEqual(formDecode("%41%42", 0, 6), "AB");
      },
    },
    {
      name: "semicolons separate too; formVars is bounded in count",
      run() {
        assertEqual(formVar("a=1;b=2", "b"), "2");
        const many = Array.from({ length: 200 }, (_, i) => `v${i}=${i}`).join("&");
        assertEqual(formVars(many).size, 64);
        assertEqual(formVars(many, 1024, 10).get("v9"), "9");
        assertEqual(formVar(many, "v150"), undefined, "lookups stop at the pair bound too");
      },
    },
  ],
});

export default suite;
