// URI parse/assemble: RFC 3986 section 1.1.2 examples, Mongoose's mg_parse_uri forms, errors,
// and remove_dot_segments (RFC 3986 section 5.2.4 / 5.4 examples).
import { assembleUri, parseUri, removeDotSegments, type Uri } from "../../modules/util/uri";
import { assert, assertEqual, fail, type Case, type SuiteFactory } from "../shared/suite";

const EMPTY: Uri = { scheme: "", user: "", password: "", host: "", port: 0, path: "", query: "", fragment: "" };

const GOOD: [string, Partial<Uri>][] = [
  // RFC 3986 section 1.1.2
  ["ftp://ftp.is.co.za/rfc/rfc1808.txt", { scheme: "ftp", host: "ftp.is.co.za", path: "/rfc/rfc1808.txt" }],
  ["http://www.ietf.org/rfc/rfc2396.txt", { scheme: "http", host: "www.ietf.org", path: "/rfc/rfc2396.txt" }],
  ["ldap://[2001:db8::7]/c=GB?objectClass?one", { scheme: "ldap", host: "2001:db8::7", path: "/c=GB", query: "objectClass?one" }],
  ["mailto:John.Doe@example.com", { scheme: "mailto", path: "John.Doe@example.com" }],
  ["news:comp.infosystems.www.servers.unix", { scheme: "news", path: "comp.infosystems.www.servers.unix" }],
  ["tel:+1-816-555-1212", { scheme: "tel", path: "+1-816-555-1212" }],
  ["telnet://192.0.2.16:80/", { scheme: "telnet", host: "192.0.2.16", port: 80, path: "/" }],
  ["urn:oasis:names:specification:docbook:dtd:xml:4.1.2", { scheme: "urn", path: "oasis:names:specification:docbook:dtd:xml:4.1.2" }],
  // RFC 3986 section 3
  ["foo://example.com:8042/over/there?name=ferret#nose", { scheme: "foo", host: "example.com", port: 8042, path: "/over/there", query: "name=ferret", fragment: "nose" }],
  // Mongoose's documented examples
  ["foo.com:80", { host: "foo.com", port: 80 }],
  ["tcp://foo.com:1234", { scheme: "tcp", host: "foo.com", port: 1234 }],
  ["http://foo.com:80/bar?baz=1", { scheme: "http", host: "foo.com", port: 80, path: "/bar", query: "baz=1" }],
  ["https://user:pw@foo.com:443/blah", { scheme: "https", user: "user", password: "pw", host: "foo.com", port: 443, path: "/blah" }],
  // more shapes
  ["HTTP://Example.COM/", { scheme: "http", host: "Example.COM", path: "/" }],
  ["http://[::1]:8080/x#f", { scheme: "http", host: "::1", port: 8080, path: "/x", fragment: "f" }],
  ["http://u@h", { scheme: "http", user: "u", host: "h" }],
  ["http://u:@h", { scheme: "http", user: "u", host: "h" }],
  ["http://a%40b:p%3Aw@h/", { scheme: "http", user: "a%40b", password: "p%3Aw", host: "h", path: "/" }],
  ["http://h?q", { scheme: "http", host: "h", query: "q" }],
  ["http://h#", { scheme: "http", host: "h" }],
  ["http://h:/p", { scheme: "http", host: "h", path: "/p" }],
  ["file:///etc/hosts", { scheme: "file", path: "/etc/hosts" }],
  ["/index.html?a=1&b=%20#top", { path: "/index.html", query: "a=1&b=%20", fragment: "top" }],
  ["/", { path: "/" }],
  ["//cdn.example/x", { host: "cdn.example", path: "/x" }],
  ["example.com/a/b", { host: "example.com", path: "/a/b" }],
  ["[::1]:53", { host: "::1", port: 53 }],
  ["localhost", { host: "localhost" }],
  ["http://h/p?q=/a?b:c@d", { scheme: "http", host: "h", path: "/p", query: "q=/a?b:c@d" }],
];

const BAD: [string, RegExp][] = [
  ["", /empty/],
  ["1http://x/", /bad scheme/],
  ["ht tp://x/", /bad scheme/],
  ["http://[::1/x", /unterminated/],
  ["http://[::g]/", /bad IPv6/],
  ["http://[::1]x/", /junk/],
  ["http://h:65536/", /out of range/],
  ["http://h:8o/", /bad port/],
  ["http://h:-1/", /bad port/],
  ["http://h o/", /bad character in host/],
  ["http://h/a b", /bad character in path/],
  ["http://h/%zz", /bad character in path/],
  ["http://h/%4", /bad character in path/],
  ["http://h/?a=<b>", /bad character in query/],
  ["http://h/#a#b", /bad character in fragment/],
  ["http://h/\u00e9", /bad character in path/],
  ["http://h/\r\n", /bad character in path/],
  ["http://u@:80/", /without a host/],
  ["http://h/" + "a".repeat(9000), /longer than/],
];

const factory: SuiteFactory = () => {
  const cases: Case[] = [];
  for (const [text, parts] of GOOD) {
    cases.push({
      name: `parseUri "${text}"`,
      run: () => assertEqual(parseUri(text), { ok: true, uri: { ...EMPTY, ...parts } }),
    });
  }
  for (const [text, re] of BAD) {
    cases.push({
      name: `parseUri rejects ${JSON.stringify(text.length > 40 ? text.slice(0, 40) + "…" : text)}`,
      run: () => {
        const r = parseUri(text);
        if (r.ok) fail(`accepted as ${JSON.stringify(r.uri)}`);
        assert(re.test(r.error), `error "${r.error}" does not match ${re}`);
      },
    });
  }
  cases.push({
    name: "assembleUri is the inverse of parseUri",
    run: () => {
      for (const text of [
        "foo://example.com:8042/over/there?name=ferret#nose", "https://user:pw@foo.com:443/blah", "ldap://[2001:db8::7]/c=GB?objectClass?one",
        "mailto:John.Doe@example.com", "urn:oasis:names:specification:docbook:dtd:xml:4.1.2", "/index.html?a=1#top", "foo.com:80", "http://u@h",
      ]) {
        const p = parseUri(text);
        if (!p.ok) fail(p.error);
        assertEqual(assembleUri(p.uri), { ok: true, value: text }, text);
      }
      const noScheme = assembleUri({ user: "u", password: "p", host: "h", path: "/x" });
      assertEqual(noScheme, { ok: true, value: "//u:p@h/x" });
      if (!noScheme.ok) return;
      assertEqual(parseUri(noScheme.value), { ok: true, uri: { ...EMPTY, user: "u", password: "p", host: "h", path: "/x" } });
    },
  });
  cases.push({
    name: "assembleUri normalizes the path on request and reports bad parts",
    run: () => {
      assertEqual(assembleUri({ scheme: "http", host: "h", path: "/a/b/c/./../../g" }, { normalizePath: true }), { ok: true, value: "http://h/a/g" });
      assertEqual(assembleUri({ scheme: "http", host: "::1", port: 80 }), { ok: true, value: "http://[::1]:80" });
      for (const parts of [
        { scheme: "1x", host: "h" }, { host: "h", port: 70000 }, { host: "h", port: 1.5 }, { port: 80 }, { user: "u" },
        { host: "::g" }, { host: "a b" }, { host: "h", path: "rel" }, { path: "/a b" }, { query: "a b" }, { fragment: "#" }, { host: "h", user: "a:b" },
      ] as Partial<Uri>[]) {
        const r = assembleUri(parts);
        assertEqual(r.ok, false, JSON.stringify(parts));
      }
    },
  });
  cases.push({
    name: "removeDotSegments (RFC 3986 5.2.4 and 5.4.1 results)",
    run: () => {
      const v: [string, string][] = [
        ["/a/b/c/./../../g", "/a/g"],
        ["mid/content=5/../6", "mid/6"],
        ["/a/b/c/.", "/a/b/c/"],
        ["/a/b/c/..", "/a/b/"],
        ["/../../etc/passwd", "/etc/passwd"],
        ["/a/./b/../../..", "/"],
        ["/", "/"],
        ["", ""],
        ["/a//b", "/a//b"],
        ["/a/b/..x/y", "/a/b/..x/y"],
      ];
      for (const [input, out] of v) assertEqual(removeDotSegments(input), out, input);
    },
  });
  return { name: "util/uri", cases };
};
export default factory;
