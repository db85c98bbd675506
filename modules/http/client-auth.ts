// The client side of HTTP authentication: read WWW-Authenticate challenges (RFC 9110 §11.6.1)
// and answer with Basic (RFC 7617) or Digest (RFC 7616: MD5, SHA-256 and their -sess variants,
// qop=auth or the RFC 2069 form without qop). Hashes come from the Platform.

import type { DigestAlgorithm, Platform } from "../core/platform";
import { asU8 } from "../core/platform";
import { basicAuthHeader } from "../util/basic-auth";
import { utf8Encode } from "../util/utf8";
import { hex } from "./auth";
import { forEachHeaderParam } from "./header-params";

export interface Credentials {
  user: string;
  password: string;
}

export interface Challenge {
  scheme: "basic" | "digest";
  realm: string;
  nonce: string;
  opaque?: string;
  /** as sent, e.g. "MD5", "SHA-256-sess"; undefined means MD5 */
  algorithm?: string;
  /** the qop options offered ("auth,auth-int"), undefined when none */
  qop?: string;
}

const PARAMS = new Set(["realm", "nonce", "opaque", "algorithm", "qop", "stale", "domain", "charset", "userhash", "error", "scope"]);

/** Every Basic and Digest challenge in the WWW-Authenticate values, in order; others are skipped. */
export function parseChallenges(values: string[]): Challenge[] {
  const out: Challenge[] = [];
  for (const value of values) {
    let cur: Challenge | undefined;
    forEachHeaderParam(value, (name, v) => {
      const k = name.toLowerCase();
      // a bare token starts a challenge (an empty quoted value of a known parameter does not)
      if (v === "" && !PARAMS.has(k)) {
        cur = k === "basic" || k === "digest" ? { scheme: k, realm: "", nonce: "" } : undefined;
        if (cur) out.push(cur);
      } else if (cur !== undefined) {
        if (k === "realm") cur.realm = v;
        else if (k === "nonce") cur.nonce = v;
        else if (k === "opaque") cur.opaque = v;
        else if (k === "algorithm") cur.algorithm = v;
        else if (k === "qop") cur.qop = v;
      }
      return false;
    }, 64);
  }
  return out;
}

const ALGORITHMS: Record<string, { digest: DigestAlgorithm; sess: boolean }> = {
  "md5": { digest: "MD5", sess: false },
  "md5-sess": { digest: "MD5", sess: true },
  "sha-256": { digest: "SHA256", sess: false },
  "sha-256-sess": { digest: "SHA256", sess: true },
};

/** The challenge mcnet will answer: the first Digest it can compute, else the first Basic. */
export function pickChallenge(challenges: Challenge[]): Challenge | undefined {
  for (const c of challenges) {
    if (c.scheme !== "digest" || !c.nonce) continue;
    if (!ALGORITHMS[(c.algorithm ?? "MD5").toLowerCase()]) continue;
    if (c.qop !== undefined && !offersAuth(c.qop)) continue;
    return c;
  }
  return challenges.find((c) => c.scheme === "basic");
}

function offersAuth(qop: string): boolean {
  for (const q of qop.split(",")) if (q.trim().toLowerCase() === "auth") return true;
  return false;
}

function quote(s: string): string {
  return '"' + s.replace(/[\\"]/g, (m) => "\\" + m) + '"';
}

export interface DigestContext {
  platform: Platform;
  method: string;
  /** the request-target the request line carries */
  uri: string;
  /** nonce-count for this nonce, starting at 1 */
  nc: number;
}

/** The Authorization value answering `challenge`, or undefined when it cannot be answered. */
export function authorization(challenge: Challenge, creds: Credentials, ctx: DigestContext): string | undefined {
  if (challenge.scheme === "basic") return basicAuthHeader(creds.user, creds.password);
  const alg = ALGORITHMS[(challenge.algorithm ?? "MD5").toLowerCase()];
  if (!alg) return undefined;
  const h = (...parts: string[]) => hex(asU8(ctx.platform.digest(alg.digest, utf8Encode(parts.join(":")))));
  const cnonce = hex(ctx.platform.randomBytes(16));
  let ha1 = h(creds.user, challenge.realm, creds.password);
  if (alg.sess) ha1 = h(ha1, challenge.nonce, cnonce);
  const ha2 = h(ctx.method, ctx.uri);
  const nc = ("0000000" + ctx.nc.toString(16)).slice(-8);
  const qop = challenge.qop !== undefined ? "auth" : undefined;
  const response = qop ? h(ha1, challenge.nonce, nc, cnonce, qop, ha2) : h(ha1, challenge.nonce, ha2);
  let v = `Digest username=${quote(creds.user)}, realm=${quote(challenge.realm)}, nonce=${quote(challenge.nonce)}, uri=${quote(ctx.uri)}`;
  if (challenge.algorithm !== undefined) v += `, algorithm=${challenge.algorithm}`;
  v += `, response="${response}"`;
  if (challenge.opaque !== undefined) v += `, opaque=${quote(challenge.opaque)}`;
  if (qop) v += `, qop=${qop}, nc=${nc}, cnonce="${cnonce}"`;
  return v;
}
