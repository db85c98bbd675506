// The static server's pure helpers: MIME table and overrides, Range, path sanitizing, match
// patterns, HTTP dates, status phrases, printf.
import { anySegmentMatches, matchPrefix } from "../../modules/http/glob";
import { formatHttpDate, parseHttpDate } from "../../modules/http/http-date";
import { mimeType, parseMimeOverrides } from "../../modules/http/mime";
import { safePath } from "../../modules/http/path";
import { format } from "../../modules/http/printf";
import { contentRange, parseRange } from "../../modules/http/range";
import { statusHasNoBody, statusText } from "../../modules/http/status";
import { assertEqual, type SuiteFactory } from "../shared/suite";

const suite: SuiteFactory = () => ({
  name: "http static helpers",
  cases: [
    {
      name: "MIME types by suffix, case-insensitive, overrides first",
      run() {
        assertEqual(mimeType("/index.html"), "text/html; charset=utf-8");
        assertEqual(mimeType("/A/PIC.JPG"), "image/jpeg");
        assertEqual(mimeType("/x.unknownext"), "application/octet-stream");
        assertEqual(mimeType("/noext"), "application/octet-stream");
        assertEqual(mimeType("/dir.d/noext"), "application/octet-stream");
        assertEqual(mimeType("/.hidden"), "application/octet-stream");
        const o = parseMimeOverrides(".txt=text/plain; charset=utf-8,.c=text/x-c, junk ,.tar.gz=application/x-gtar");
        assertEqual(o.length, 3);
        assertEqual(mimeType("/a.TXT", o), "text/plain; charset=utf-8");
        assertEqual(mimeType("/a.c", o), "text/x-c");
        assertEqual(mimeType("/a.tar.gz", o), "application/x-gtar");
        assertEqual(mimeType("/a.gz", o), "application/gzip");
      },
    },
    {
      name: "Range: single ranges, suffixes, open ends, clamping",
      run() {
        assertEqual(parseRange("bytes=0-99", 1000), { kind: "range", start: 0, end: 99 });
        assertEqual(parseRange("bytes=900-", 1000), { kind: "range", start: 900, end: 999 });
        assertEqual(parseRange("bytes=-100", 1000), { kind: "range", start: 900, end: 999 });
        assertEqual(parseRange("bytes=-5000", 1000), { kind: "range", start: 0, end: 999 });
        assertEqual(parseRange("bytes=500-5000", 1000), { kind: "range", start: 500, end: 999 });
        assertEqual(parseRange(" Bytes = 1-1 ", 10), { kind: "range", start: 1, end: 1 });
        assertEqual(contentRange(0, 99, 1000), "bytes 0-99/1000");
      },
    },
    {
      name: "Range: unsatisfiable vs ignored",
      run() {
        assertEqual(parseRange("bytes=1000-", 1000), { kind: "unsatisfiable" });
        assertEqual(parseRange("bytes=-0", 1000), { kind: "unsatisfiable" });
        assertEqual(parseRange("bytes=0-0", 0), { kind: "unsatisfiable" });
        assertEqual(parseRange(undefined, 10), { kind: "none" });
        assertEqual(parseRange("bytes=5-1", 10), { kind: "none" });
        assertEqual(parseRange("bytes=a-b", 10), { kind: "none" });
        assertEqual(parseRange("items=0-1", 10), { kind: "none" });
        assertEqual(parseRange("bytes=0-1,3-4", 10), { kind: "none" });
        assertEqual(parseRange("bytes=0-99999999999999999999", 10), { kind: "none" }, "overlong numbers");
        assertEqual(parseRange("bytes=-", 10), { kind: "none" });
      },
    },
    {
      name: "paths: decoded, normalized, traversal and bad bytes refused",
      run() {
        assertEqual(safePath("/a/b.txt"), { path: "/a/b.txt", trailingSlash: false });
        assertEqual(safePath("/a//./b/"), { path: "/a/b", trailingSlash: true });
        assertEqual(safePath("/"), { path: "/", trailingSlash: true });
        assertEqual(safePath(""), { path: "/", trailingSlash: false });
        assertEqual(safePath("/caf%C3%A9%20x"), { path: "/café x", trailingSlash: false });
        for (const bad of ["/../etc/passwd", "/a/../../b", "/%2e%2e/x", "/.%2E/x", "/%2E./x", "/a/..", "/a/%2e%2e%2fb", "/a/.. /b", "/a/.../b"]) {
          assertEqual(safePath(bad), { error: "traversal" }, bad);
        }
        for (const bad of ["/a\\b", "/a%5c..%5cb", "/a%00.txt", "/a%0d%0a", "/a%7f"]) assertEqual(safePath(bad), { error: "bad-char" }, bad);
        assertEqual(safePath("/a%zz"), { error: "bad-escape" });
        assertEqual(safePath("/a%2"), { error: "bad-escape" });
        assertEqual(safePath("/" + "a".repeat(600)), { error: "too-long" });
        assertEqual(safePath("/..a/b..").hasOwnProperty("path"), true, "dots inside names are fine");
      },
    },
    {
      name: "match patterns: ?, *, **, $, alternatives, prefix semantics",
      run() {
        assertEqual(matchPrefix("**.shtml$|**.shtm$", "/a/b/page.shtml") > 0, true);
        assertEqual(matchPrefix("**.shtml$|**.shtm$", "/a/b/page.shtm") > 0, true);
        assertEqual(matchPrefix("**.shtml$|**.shtm$", "/a/page.shtml.txt"), -1);
        assertEqual(matchPrefix("*.txt$", "a.txt"), 5);
        assertEqual(matchPrefix("*.txt$", "d/a.txt"), -1, "* stops at /");
        assertEqual(matchPrefix("/api", "/api/v1"), 4);
        assertEqual(matchPrefix("a?c", "abc"), 3);
        assertEqual(matchPrefix("a?c", "a/c"), -1);
        assertEqual(matchPrefix(".*", ".htpasswd"), 9);
        assertEqual(anySegmentMatches(".*", "/a/.git/config"), true);
        assertEqual(anySegmentMatches("*.bak$", "/a/file.bak"), true);
        assertEqual(anySegmentMatches("*.bak$", "/a/file.bak.txt"), false);
        assertEqual(anySegmentMatches(undefined, "/x"), false);
      },
    },
    {
      name: "HTTP dates: IMF-fixdate out, three forms in, junk refused",
      run() {
        assertEqual(formatHttpDate(784111777000), "Sun, 06 Nov 1994 08:49:37 GMT");
        assertEqual(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777000);
        assertEqual(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777000);
        assertEqual(parseHttpDate("Sun Nov  6 08:49:37 1994"), 784111777000);
        assertEqual(parseHttpDate("Sun, 06 Foo 1994 08:49:37 GMT"), undefined);
        assertEqual(parseHttpDate("yesterday"), undefined);
        assertEqual(parseHttpDate("Sun, 06 Nov 1994 25:49:37 GMT"), undefined);
        assertEqual(parseHttpDate(undefined), undefined);
      },
    },
    {
      name: "status phrases",
      run() {
        assertEqual(statusText(200), "OK");
        assertEqual(statusText(404), "Not Found");
        assertEqual(statusText(416), "Range Not Satisfiable");
        assertEqual(statusText(100), "Continue");
        assertEqual(statusText(599), "Server Error");
        assertEqual(statusText(20), "Server Error");
        assertEqual(statusHasNoBody(304), true);
        assertEqual(statusHasNoBody(200), false);
      },
    },
    {
      name: "printf conversions, flags, width, precision",
      run() {
        assertEqual(format("%s=%d", "a", 42), "a=42");
        assertEqual(format("%5d|%-5d|%05d", 42, 42, -42), "   42|42   |-0042");
        assertEqual(format("%x %X %08x", 255, 255, 48879), "ff FF 0000beef");
        assertEqual(format("%.3s|%10s|%-4s|", "abcdef", "r", "l"), "abc|         r|l   |");
        assertEqual(format("%.2f %c %%", 3.14159, 65), "3.14 A %");
        assertEqual(format("%*d|%.*s", 4, 7, 2, "xyz"), "   7|xy");
        assertEqual(format("%lu %zu %lld", 1, 2, 3), "1 2 3");
        assertEqual(format("100%", 1), "100%");
        assertEqual(format("%q %s", "x"), "%q x");
        assertEqual(format("%s"), "(null)");
      },
    },
  ],
});

export default suite;
