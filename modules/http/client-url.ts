// Where an HTTP client request goes: http:// URLs split into what the connection and the request
// line need, and Location values resolved against the URL that answered (RFC 3986 §5.2).

import { formatAddress } from "../core/address";
import { parseUri, removeDotSegments, type Uri } from "../util/uri";
import { urlDecodeString } from "../util/url-encoding";

export interface HttpTarget {
  /** the URL without user info or fragment, as redirects and errors report it */
  href: string;
  host: string;
  port: number;
  /** what connect() dials: "tcp://host:port" */
  address: string;
  /** the Host field: host, and the port unless it is 80 */
  hostField: string;
  /** origin-form request-target: path and query */
  requestTarget: string;
  user?: string;
  password?: string;
}

export type HttpTargetResult = { ok: true; target: HttpTarget } | { ok: false; code: "EINVAL" | "EUNSUPPORTED"; message: string };

function bracket(host: string): string {
  return host.indexOf(":") >= 0 ? `[${host}]` : host;
}

/** Valid request-target bytes: no controls, spaces or non-ASCII (they would break the request line). */
function isPlainTarget(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

export function parseHttpUrl(url: string): HttpTargetResult {
  const parsed = parseUri(url);
  if (!parsed.ok) return { ok: false, code: "EINVAL", message: `bad URL ${JSON.stringify(url)}: ${parsed.error}` };
  const u = parsed.uri;
  if (u.scheme === "https") return { ok: false, code: "EUNSUPPORTED", message: `TLS not supported yet: ${url}` };
  if (u.scheme !== "http") return { ok: false, code: "EINVAL", message: `not an http:// URL: ${url}` };
  if (!u.host) return { ok: false, code: "EINVAL", message: `no host in ${url}` };
  const port = u.port || 80;
  const path = u.path || "/";
  const requestTarget = path + (u.query ? "?" + u.query : "");
  if (!isPlainTarget(requestTarget) || !isPlainTarget(u.host)) return { ok: false, code: "EINVAL", message: `bad characters in ${JSON.stringify(url)}` };
  const hostField = bracket(u.host) + (port === 80 ? "" : ":" + port);
  const target: HttpTarget = {
    href: `http://${hostField}${requestTarget}`,
    host: u.host,
    port,
    address: formatAddress("tcp", u.host, port),
    hostField,
    requestTarget,
  };
  if (u.user || u.password) {
    const user = urlDecodeString(u.user);
    const password = urlDecodeString(u.password);
    if (!user.ok || !password.ok) return { ok: false, code: "EINVAL", message: `bad user info in ${url}` };
    target.user = user.value;
    target.password = password.value;
  }
  return { ok: true, target };
}

/** RFC 3986 §5.2.2 reference resolution of a Location value against `base`; undefined if malformed. */
export function resolveLocation(base: string, location: string): string | undefined {
  const loc = location.trim();
  if (loc === "") return undefined;
  const b = parseUri(base);
  if (!b.ok) return undefined;
  const bu: Uri = b.uri;
  const authority = bracket(bu.host) + (bu.port ? ":" + bu.port : "");
  const lower = loc.slice(0, 8).toLowerCase();
  if (/^[a-z][a-z0-9+.-]*:/.test(lower)) return loc; // absolute: the parser of the next hop judges it
  if (loc.startsWith("//")) return `${bu.scheme}:${loc}`;
  let ref = loc;
  const hash = ref.indexOf("#");
  if (hash >= 0) ref = ref.slice(0, hash);
  const q = ref.indexOf("?");
  const refPath = q >= 0 ? ref.slice(0, q) : ref;
  const refQuery = q >= 0 ? ref.slice(q) : "";
  let path: string;
  if (refPath === "") {
    path = bu.path || "/";
    if (refQuery === "") return `${bu.scheme}://${authority}${path}${bu.query ? "?" + bu.query : ""}`;
  } else if (refPath.startsWith("/")) {
    path = removeDotSegments(refPath);
  } else {
    const basePath = bu.path || "/";
    path = removeDotSegments(basePath.slice(0, basePath.lastIndexOf("/") + 1) + refPath);
  }
  return `${bu.scheme}://${authority}${path}${refQuery}`;
}
