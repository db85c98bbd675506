// The connectivity probes operating systems send when they join a network, and the answers that
// make each one open its captive-portal sheet (before setup) or close it (after setup). Before
// setup every probe is redirected to the portal; after setup each gets, byte for byte, what its
// vendor's server sends, because most of them compare the body exactly.

import { htmlEscape } from "../../modules/util/html-escape";

export type ProbeKind =
  | "android"
  | "apple"
  | "windows-connecttest"
  | "windows-ncsi"
  | "windows-redirect"
  | "firefox-canonical"
  | "firefox-success";

export interface ProbeRequest {
  /** Host header without the port, lower case */
  host: string;
  /** request path without the query */
  path: string;
  userAgent?: string;
}

export interface ProbeAnswer {
  status: number;
  headers: [string, string][];
  body: string;
}

/** captive.apple.com's page (it ends with a newline; iOS and macOS look for "Success" in it) */
export const APPLE_SUCCESS_BODY = "<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>\n";
export const WINDOWS_CONNECTTEST_BODY = "Microsoft Connect Test";
export const WINDOWS_NCSI_BODY = "Microsoft NCSI";
/** Firefox compares detectportal.firefox.com/canonical.html with its captivedetect.canonicalContent pref exactly */
export const FIREFOX_CANONICAL_BODY = '<meta http-equiv="refresh" content="0;url=https://support.mozilla.org/kb/captive-portal"/>';
export const FIREFOX_SUCCESS_BODY = "success\n";

const APPLE_HOSTS = ["captive.apple.com", "www.apple.com", "www.appleiphonecell.com", "www.ibook.info", "www.itools.info", "www.airport.us", "www.thinkdifferent.us"];

function endsWith(s: string, tail: string): boolean {
  return s.length >= tail.length && s.slice(s.length - tail.length) === tail;
}

export function classifyProbe(req: ProbeRequest): ProbeKind | undefined {
  const { host, path } = req;
  const ua = req.userAgent ?? "";
  if (path === "/generate_204" || path === "/gen_204") return "android";
  // Apple's assistant identifies itself; its probe paths vary across releases and hosts.
  if (ua.indexOf("CaptiveNetworkSupport") >= 0) return "apple";
  if (endsWith(path, "/hotspot-detect.html") || path === "/library/test/success.html") return "apple";
  if (path === "/connecttest.txt") return "windows-connecttest";
  if (path === "/ncsi.txt") return "windows-ncsi";
  if (path === "/redirect" && (host === "www.msftconnecttest.com" || host === "msftconnecttest.com")) return "windows-redirect";
  if (path === "/canonical.html") return "firefox-canonical";
  if (path === "/success.txt") return "firefox-success";
  if (APPLE_HOSTS.indexOf(host) >= 0 && ua.indexOf("wispr") >= 0) return "apple";
  return undefined;
}

const NO_CACHE: [string, string] = ["Cache-Control", "no-cache, no-store, must-revalidate"];

/** What the vendor's own server answers: the sheet closes, the OS marks the network online. */
export function onlineAnswer(kind: ProbeKind, portalUrl: string): ProbeAnswer {
  switch (kind) {
    case "android":
      return { status: 204, headers: [NO_CACHE], body: "" };
    case "apple":
      return { status: 200, headers: [["Content-Type", "text/html"], NO_CACHE], body: APPLE_SUCCESS_BODY };
    case "windows-connecttest":
      return { status: 200, headers: [["Content-Type", "text/plain"], NO_CACHE], body: WINDOWS_CONNECTTEST_BODY };
    case "windows-ncsi":
      return { status: 200, headers: [["Content-Type", "text/plain"], NO_CACHE], body: WINDOWS_NCSI_BODY };
    case "firefox-canonical":
      return { status: 200, headers: [["Content-Type", "text/html"], NO_CACHE], body: FIREFOX_CANONICAL_BODY };
    case "firefox-success":
      return { status: 200, headers: [["Content-Type", "text/plain"], NO_CACHE], body: FIREFOX_SUCCESS_BODY };
    case "windows-redirect":
      // Windows opens a browser on /redirect only when it believes it is captive: show the result.
      return portalRedirect(portalUrl);
  }
}

/**
 * The captive answer for probes and for any page on a foreign host: a redirect to the portal,
 * with a small body because Apple's assistant shows nothing for an empty one.
 */
export function portalRedirect(portalUrl: string): ProbeAnswer {
  const href = htmlEscape(portalUrl, "attribute");
  return {
    status: 302,
    headers: [["Location", portalUrl], ["Content-Type", "text/html; charset=utf-8"], NO_CACHE],
    body: `<!DOCTYPE html><html><head><meta http-equiv="refresh" content="0;url=${href}"><title>Device setup</title></head><body><a href="${href}">Set up this device</a></body></html>`,
  };
}

/** The answer to a probe: captive until setup is complete, then the vendor's online answer. */
export function probeAnswer(kind: ProbeKind, setupComplete: boolean, portalUrl: string): ProbeAnswer {
  return setupComplete ? onlineAnswer(kind, portalUrl) : portalRedirect(portalUrl);
}
