// The OS connectivity-probe table: each OS's real request (Host, path, User-Agent) is classified,
// gets a redirect to the portal (with a body) before setup and the vendor's exact bytes after.
import { classifyProbe, portalRedirect, probeAnswer, type ProbeKind } from "../../src/portal/os-probes";
import { assert, assertEqual, type Case, type SuiteFactory } from "../shared/suite";

export interface ProbeCase {
  os: string;
  host: string;
  path: string;
  userAgent: string;
  kind: ProbeKind;
  online: { status: number; body: string };
}

const ANDROID_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/60.0.3112.32 Safari/537.36";
const DALVIK_UA = "Dalvik/2.1.0 (Linux; U; Android 14; Pixel 8 Build/AP2A.240805.005)";
const CHROME_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
const APPLE_UA = "CaptiveNetworkSupport-481.100.2 wispr";
const WINDOWS_UA = "Microsoft NCSI";
const FIREFOX_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

export const APPLE_BODY = "<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>\n";
export const FIREFOX_CANONICAL = '<meta http-equiv="refresh" content="0;url=https://support.mozilla.org/kb/captive-portal"/>';

/** Shared with the curl integration test, which sends these very requests over a socket. */
export const PROBE_TABLE: ProbeCase[] = [
  { os: "Android", host: "connectivitycheck.gstatic.com", path: "/generate_204", userAgent: ANDROID_UA, kind: "android", online: { status: 204, body: "" } },
  { os: "Android (fallback)", host: "www.google.com", path: "/gen_204", userAgent: ANDROID_UA, kind: "android", online: { status: 204, body: "" } },
  { os: "Android (old)", host: "clients3.google.com", path: "/generate_204", userAgent: DALVIK_UA, kind: "android", online: { status: 204, body: "" } },
  { os: "Chrome", host: "www.gstatic.com", path: "/generate_204", userAgent: CHROME_UA, kind: "android", online: { status: 204, body: "" } },
  { os: "iOS/macOS", host: "captive.apple.com", path: "/hotspot-detect.html", userAgent: APPLE_UA, kind: "apple", online: { status: 200, body: APPLE_BODY } },
  { os: "iOS (legacy)", host: "www.apple.com", path: "/library/test/success.html", userAgent: APPLE_UA, kind: "apple", online: { status: 200, body: APPLE_BODY } },
  { os: "iOS (other host)", host: "www.thinkdifferent.us", path: "/x7Yq2ZrA/dZkq8Jbp.html", userAgent: APPLE_UA, kind: "apple", online: { status: 200, body: APPLE_BODY } },
  { os: "Windows 10/11", host: "www.msftconnecttest.com", path: "/connecttest.txt", userAgent: WINDOWS_UA, kind: "windows-connecttest", online: { status: 200, body: "Microsoft Connect Test" } },
  { os: "Windows (legacy)", host: "www.msftncsi.com", path: "/ncsi.txt", userAgent: WINDOWS_UA, kind: "windows-ncsi", online: { status: 200, body: "Microsoft NCSI" } },
  { os: "Firefox", host: "detectportal.firefox.com", path: "/canonical.html", userAgent: FIREFOX_UA, kind: "firefox-canonical", online: { status: 200, body: FIREFOX_CANONICAL } },
  { os: "Firefox (connectivity)", host: "detectportal.firefox.com", path: "/success.txt", userAgent: FIREFOX_UA, kind: "firefox-success", online: { status: 200, body: "success\n" } },
];

const PORTAL = "http://192.168.4.1/";

const factory: SuiteFactory = () => {
  const cases: Case[] = [];
  for (const p of PROBE_TABLE) {
    cases.push({
      name: `${p.os}: ${p.host}${p.path} is a ${p.kind} probe`,
      run: () => assertEqual(classifyProbe({ host: p.host, path: p.path, userAgent: p.userAgent }), p.kind),
    });
    cases.push({
      name: `${p.os}: before setup, a redirect to the portal with a body`,
      run: () => {
        const a = probeAnswer(p.kind, false, PORTAL);
        assertEqual(a.status, 302);
        assertEqual(a.headers.find(([k]) => k === "Location")?.[1], PORTAL);
        assert(a.body.indexOf(`href="${PORTAL}"`) > 0, "the body links to the portal");
      },
    });
    cases.push({
      name: `${p.os}: after setup, the vendor's exact answer`,
      run: () => {
        const a = probeAnswer(p.kind, true, PORTAL);
        assertEqual(a.status, p.online.status);
        assertEqual(a.body, p.online.body);
      },
    });
  }
  cases.push({
    name: "Windows /redirect (the browser Windows opens) always lands on the portal",
    run: () => {
      assertEqual(classifyProbe({ host: "www.msftconnecttest.com", path: "/redirect", userAgent: CHROME_UA }), "windows-redirect");
      assertEqual(probeAnswer("windows-redirect", false, PORTAL).status, 302);
      assertEqual(probeAnswer("windows-redirect", true, PORTAL).status, 302);
    },
  });
  cases.push({
    name: "ordinary pages are not probes",
    run: () => {
      assertEqual(classifyProbe({ host: "example.com", path: "/", userAgent: CHROME_UA }), undefined);
      assertEqual(classifyProbe({ host: "www.apple.com", path: "/iphone/", userAgent: "Mozilla/5.0 (iPhone) Safari" }), undefined);
      assertEqual(classifyProbe({ host: "192.168.4.1", path: "/redirect", userAgent: CHROME_UA }), undefined);
    },
  });
  cases.push({
    name: "the redirect body escapes the portal URL in attributes",
    run: () => {
      const a = portalRedirect('http://x/"><script>alert(1)</script>');
      assert(a.body.indexOf("<script>") < 0, "no raw markup from the URL");
      assert(a.body.indexOf("&quot;&gt;&lt;script&gt;") > 0, "escaped");
    },
  });
  return { name: "portal OS probes", cases };
};

export default factory;
