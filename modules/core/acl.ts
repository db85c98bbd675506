// IP access control lists in Mongoose's syntax (mg_check_ip_acl): a comma-separated list of
// subnets, each prefixed '+' (allow) or '-' (deny), e.g. "-0.0.0.0/0,+192.168/16". The list is
// traversed fully and the last matching entry wins; an address no entry matches is denied unless
// the list is empty. mcnet adds partial IPv4 networks ("10/8", "192.168") and IPv6 entries.
import { parseIPv4, parseIPv6 } from "./address";

export interface AclEntry {
  allow: boolean;
  family: 4 | 6;
  /** network bytes (4 or 16), host bits cleared */
  network: Uint8Array;
  prefix: number;
  /** the entry as written, for messages */
  text: string;
}

export interface Acl {
  readonly entries: readonly AclEntry[];
}

export type AclParseResult = { ok: true; acl: Acl } | { ok: false; error: string };

export const MAX_ACL_ENTRIES = 256;
export const MAX_ACL_LENGTH = 16384;

function maskBits(bytes: Uint8Array, prefix: number): void {
  for (let i = 0; i < bytes.length; i++) {
    const keep = prefix - i * 8;
    if (keep >= 8) continue;
    bytes[i] &= keep <= 0 ? 0 : (0xff << (8 - keep)) & 0xff;
  }
}

/** "a", "a.b", "a.b.c" or "a.b.c.d", each octet decimal 0..255; returns the octets given. */
function parsePartialIPv4(s: string): Uint8Array | undefined {
  const parts = s.split(".");
  if (parts.length > 4) return undefined;
  const out = new Uint8Array(parts.length);
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p.length === 0 || p.length > 3) return undefined;
    for (let k = 0; k < p.length; k++) {
      const c = p.charCodeAt(k);
      if (c < 0x30 || c > 0x39) return undefined;
    }
    if (p.length > 1 && p.charCodeAt(0) === 0x30) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    out[i] = v;
  }
  return out;
}

function parsePrefix(s: string, max: number): number | undefined {
  if (s.length === 0 || s.length > 3) return undefined;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  const v = Number(s);
  return v <= max ? v : undefined;
}

const V4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 12; i++) if (b[i] !== V4_MAPPED_PREFIX[i]) return false;
  return true;
}

function parseEntry(raw: string): AclEntry | string {
  const text = raw.trim();
  if (text.length === 0) return "empty entry";
  const sign = text[0];
  if (sign !== "+" && sign !== "-") return "must start with '+' (allow) or '-' (deny)";
  const allow = sign === "+";
  const body = text.slice(1);
  const slash = body.indexOf("/");
  const addr = slash >= 0 ? body.slice(0, slash) : body;
  const prefixText = slash >= 0 ? body.slice(slash + 1) : undefined;
  if (addr.indexOf(":") >= 0) {
    const v6 = parseIPv6(addr);
    if (v6 === undefined) return `bad IPv6 address "${addr}"`;
    const prefix = prefixText === undefined ? 128 : parsePrefix(prefixText, 128);
    if (prefix === undefined) return `bad IPv6 prefix length "/${prefixText}" (0..128)`;
    maskBits(v6, prefix);
    // An entry inside ::ffff:0:0/96 is an IPv4 rule written in IPv6 form; matching is done on
    // IPv4 for such addresses (see toMatchable), so the entry is stored as IPv4 as well.
    if (prefix >= 96 && isV4Mapped(v6)) return { allow, family: 4, network: v6.slice(12), prefix: prefix - 96, text };
    return { allow, family: 6, network: v6, prefix, text };
  }
  const octets = parsePartialIPv4(addr);
  if (octets === undefined) return `bad IPv4 address "${addr}"`;
  // A bare partial network ("192.168") covers the octets written, a bare full address is a /32.
  const prefix = prefixText === undefined ? octets.length * 8 : parsePrefix(prefixText, 32);
  if (prefix === undefined) return `bad IPv4 prefix length "/${prefixText}" (0..32)`;
  const network = new Uint8Array(4);
  network.set(octets);
  maskBits(network, prefix);
  return { allow, family: 4, network, prefix, text };
}

export function parseAcl(text: string): AclParseResult {
  if (typeof text !== "string") return { ok: false, error: "ACL must be a string" };
  if (text.length > MAX_ACL_LENGTH) return { ok: false, error: `ACL longer than ${MAX_ACL_LENGTH} characters` };
  const entries: AclEntry[] = [];
  if (text.trim().length === 0) return { ok: true, acl: { entries } };
  const raw = text.split(",");
  if (raw.length > MAX_ACL_ENTRIES) return { ok: false, error: `ACL has more than ${MAX_ACL_ENTRIES} entries` };
  for (let i = 0; i < raw.length; i++) {
    const e = parseEntry(raw[i]);
    if (typeof e === "string") return { ok: false, error: `bad ACL entry ${i + 1} "${raw[i].trim()}": ${e}` };
    entries.push(e);
  }
  return { ok: true, acl: { entries } };
}

function matches(e: AclEntry, addr: Uint8Array): boolean {
  const full = e.prefix >> 3;
  for (let i = 0; i < full; i++) if (addr[i] !== e.network[i]) return false;
  const rest = e.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (addr[full] & mask) === e.network[full];
}

/**
 * Address bytes to match: 4 for IPv4 and for IPv4-mapped IPv6 ("::ffff:10.0.0.1", which is how a
 * dual-stack socket reports IPv4 peers), 16 for other IPv6; undefined if not an IP literal.
 */
function toMatchable(address: string | number): Uint8Array | undefined {
  if (typeof address === "number") {
    if (!Number.isInteger(address) || address < 0 || address > 0xffffffff) return undefined;
    return new Uint8Array([address >>> 24, (address >>> 16) & 0xff, (address >>> 8) & 0xff, address & 0xff]);
  }
  const v4 = parseIPv4(address);
  if (v4 !== undefined) return toMatchable(v4);
  const v6 = parseIPv6(address);
  if (v6 === undefined) return undefined;
  return isV4Mapped(v6) ? v6.slice(12) : v6;
}

/**
 * Whether `address` (an IP literal, or an IPv4 address as a host-order number) passes the ACL.
 * An empty ACL allows everything; otherwise the last matching entry decides and no match denies,
 * as does an address that is not an IP literal.
 */
export function aclAllows(acl: Acl, address: string | number): boolean {
  if (acl.entries.length === 0) return true;
  const addr = toMatchable(address);
  if (addr === undefined) return false;
  let allowed = false;
  for (const e of acl.entries) {
    if ((e.family === 4) !== (addr.length === 4)) continue;
    if (matches(e, addr)) allowed = e.allow;
  }
  return allowed;
}

/** mg_check_ip_acl's shape: -1 if the ACL is malformed, 0 if the address is denied, 1 if allowed. */
export function checkIpAcl(text: string, address: string | number): -1 | 0 | 1 {
  const r = parseAcl(text);
  if (!r.ok) return -1;
  return aclAllows(r.acl, address) ? 1 : 0;
}
