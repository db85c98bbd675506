// parseUri against the WHATWG URL class on generated valid http(s) URLs. Components are drawn
// from sets URL leaves unchanged (lower-case host, no dot segments, no characters it would
// percent-encode), so both parsers must report exactly the same parts. An empty "?" or "#" is
// not generated: parseUri, like mg_parse_uri, does not tell an empty query from an absent one.
import fc from "fast-check";
import { assembleUri, parseUri } from "../../modules/util/uri";

const lower = "abcdefghijklmnopqrstuvwxyz0123456789";
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const hostname = fc.array(label, { minLength: 1, maxLength: 4 }).map((l) => l.join(".")).filter((h) => !/^[0-9.]+$/.test(h) && /[a-z]$/.test(h));
const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join("."));
const host = fc.oneof(hostname, ipv4);
const segment = fc.stringMatching(/^[A-Za-z0-9_~!$&'()*+,;=:@-]{1,8}$/).filter((s) => s !== "." && s !== "..");
const path = fc.array(segment, { maxLength: 4 }).map((s) => "/" + s.join("/"));
const query = fc.option(fc.stringMatching(/^[A-Za-z0-9_~!$&()*+,;=:@/?-]{1,12}$/), { nil: undefined });
const fragment = fc.option(fc.stringMatching(/^[A-Za-z0-9_~!$&()*+,;=:@/?-]{1,12}$/), { nil: undefined });
const user = fc.option(fc.tuple(fc.stringMatching(new RegExp(`^[${lower}]{1,6}$`)), fc.stringMatching(new RegExp(`^[${lower}]{0,6}$`))), { nil: undefined });
const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined });

describe("parseUri vs WHATWG URL", () => {
  test("generated http URLs parse to the same components", () => {
    fc.assert(
      fc.property(fc.constantFrom("http", "https"), user, host, port, path, query, fragment, (scheme, ui, h, p, pa, q, f) => {
        const text =
          `${scheme}://${ui ? ui[0] + (ui[1] ? ":" + ui[1] : "") + "@" : ""}${h}${p !== undefined ? ":" + p : ""}${pa}` +
          `${q !== undefined ? "?" + q : ""}${f !== undefined ? "#" + f : ""}`;
        const url = new URL(text);
        const r = parseUri(text);
        if (!r.ok) throw new Error(`${text}: ${r.error}`);
        const u = r.uri;
        expect(u.scheme + ":").toBe(url.protocol);
        expect(u.host).toBe(url.hostname);
        expect(u.user).toBe(url.username);
        expect(u.password).toBe(url.password);
        // URL drops a port equal to the scheme's default
        const defaultPort = scheme === "http" ? 80 : 443;
        expect(u.port === defaultPort ? "" : u.port === 0 ? "" : String(u.port)).toBe(url.port);
        expect(u.path).toBe(url.pathname);
        expect(u.query.length ? "?" + u.query : "").toBe(url.search);
        expect(u.fragment.length ? "#" + u.fragment : "").toBe(url.hash);
        // and assembling the parts gives back a string URL reads identically
        const again = assembleUri(u);
        expect(again.ok && new URL(again.value).href).toBe(url.href);
      }),
      { numRuns: 500 },
    );
  });

  test("IPv6 hosts", () => {
    fc.assert(
      fc.property(fc.ipV6(), port, path, (h, p, pa) => {
        const text = `http://[${h}]${p !== undefined ? ":" + p : ""}${pa}`;
        const url = new URL(text);
        const r = parseUri(text);
        if (!r.ok) throw new Error(`${text}: ${r.error}`);
        // URL canonicalizes the literal (RFC 5952); compare as addresses
        const a = new URL(`http://[${r.uri.host}]/`).hostname;
        expect(a).toBe(url.hostname);
        expect(r.uri.path).toBe(url.pathname);
      }),
      { numRuns: 300 },
    );
  });

  test("arbitrary strings never throw", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const r = parseUri(s);
        expect(typeof r.ok).toBe("boolean");
      }),
      { numRuns: 2000 },
    );
  });
});
