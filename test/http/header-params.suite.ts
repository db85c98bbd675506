// mg_http_parse_header2-style parameter lists, cookies, media types.
import { cookie, forEachHeaderParam, headerParam, mediaType, parseCookies } from "../../modules/http/header-params";
import { assertEqual, type SuiteFactory } from "../shared/suite";

const suite: SuiteFactory = () => ({
  name: "http header params",
  cases: [
    {
      name: "tokens and quoted strings, comma and semicolon separated",
      run() {
        const h = `x=1, y="a b", z=other; w="q\\"uote"`;
        assertEqual(headerParam(h, "x"), "1");
        assertEqual(headerParam(h, "y"), "a b");
        assertEqual(headerParam(h, "z"), "other");
        assertEqual(headerParam(h, "w"), 'q"uote');
        assertEqual(headerParam(h, "v"), undefined);
        assertEqual(headerParam(undefined, "x"), undefined);
      },
    },
    {
      name: "a name that is a suffix or prefix of another does not match",
      run() {
        const h = "xx=1, x=2, xyz=3";
        assertEqual(headerParam(h, "x"), "2");
        assertEqual(headerParam(h, "xy"), undefined);
      },
    },
    {
      name: "Digest authorization: the scheme word is skipped, names optionally case-insensitive",
      run() {
        const h = `Digest username="Mufasa", realm="testrealm@host.com", nc=00000001, qop=auth`;
        assertEqual(headerParam(h, "username"), "Mufasa");
        assertEqual(headerParam(h, "nc"), "00000001");
        assertEqual(headerParam(h, "USERNAME"), undefined);
        assertEqual(headerParam(h, "USERNAME", { ignoreCase: true }), "Mufasa");
      },
    },
    {
      name: "whitespace around '=' and unterminated quotes do not break the walk",
      run() {
        assertEqual(headerParam(`a = "1" , b= 2 `, "b"), "2");
        assertEqual(headerParam(`a="unterminated`, "a"), "unterminated");
        assertEqual(headerParam(`a=`, "a"), "");
      },
    },
    {
      name: "maxParams bounds hostile lists",
      run() {
        const h = ",".repeat(10) + "a=1,".repeat(100) + "target=yes";
        assertEqual(headerParam(h, "target"), undefined);
        assertEqual(headerParam(h, "target", { maxParams: 200 }), "yes");
        let visited = 0;
        forEachHeaderParam(h, () => {
          visited++;
        }, 5);
        assertEqual(visited, 5);
      },
    },
    {
      name: "cookies: case-sensitive names, values with '=' kept whole, first one wins",
      run() {
        const h = "session=abc==; Theme=dark; session=second; empty=";
        assertEqual(cookie(h, "session"), "abc==");
        assertEqual(cookie(h, "theme"), undefined);
        assertEqual(cookie(h, "Theme"), "dark");
        const jar = parseCookies(h);
        assertEqual(jar.get("session"), "abc==");
        assertEqual(jar.get("empty"), "");
        assertEqual(jar.size, 3);
        assertEqual(parseCookies("a=1; b=2; c=3", 2).size, 2);
      },
    },
    {
      name: "media type without parameters, lower-cased",
      run() {
        assertEqual(mediaType("Multipart/Form-Data; boundary=x"), "multipart/form-data");
        assertEqual(mediaType(" text/plain "), "text/plain");
        assertEqual(mediaType(undefined), "");
      },
    },
  ],
});

export default suite;
