// Connection address strings in Mongoose's form "[tcp|udp]://[host]:port", plus strict IPv4 and
// IPv6 literal parsers. Parsers never throw: malformed input gives a typed error naming the cause.

export type TransportProto = "tcp" | "udp";

export type ParsedAddress =
  | { ok: true; proto: TransportProto; host: string; port: number }
  | { ok: false; error: string };

/** Longest address string accepted; a DNS name is at most 253 octets, the rest is scheme and port. */
const MAX_ADDRESS_LENGTH = 300;
const MAX_HOST_NAME = 253;
const MAX_LABEL = 63;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/**
 * Dotted-quad IPv4 ("192.168.1.1") as an unsigned 32-bit number. Leading zeros are refused
 * because inet_aton reads them as octal and the two readings disagree.
 */
export function parseIPv4(s: string): number | undefined {
  if (s.length < 7 || s.length > 15) return undefined;
  let value = 0;
  let parts = 0;
  let i = 0;
  while (parts < 4) {
    const start = i;
    let octet = 0;
    while (i < s.length && isDigit(s.charCodeAt(i))) {
      octet = octet * 10 + (s.charCodeAt(i) - 0x30);
      i++;
    }
    const digits = i - start;
    if (digits === 0 || digits > 3 || octet > 255) return undefined;
    if (digits > 1 && s.charCodeAt(start) === 0x30) return undefined;
    value = value * 256 + octet;
    parts++;
    if (parts < 4) {
      if (s.charCodeAt(i) !== 0x2e) return undefined;
      i++;
    }
  }
  return i === s.length ? value >>> 0 : undefined;
}

export function isIPv4(s: string): boolean {
  return parseIPv4(s) !== undefined;
}

/**
 * RFC 4291 section 2.2 text form: eight 16-bit hex groups, at most one "::", optionally ending
 * with a dotted-quad IPv4 for the last 32 bits. Zone identifiers ("%eth0") are not accepted.
 */
export function parseIPv6(s: string): Uint8Array | undefined {
  if (s.length < 2 || s.length > 45) return undefined;
  const out = new Uint8Array(16);
  let o = 0; // next byte to fill
  let gap = -1; // byte offset where "::" stands
  let i = 0;
  if (s.charCodeAt(0) === 0x3a) {
    if (s.charCodeAt(1) !== 0x3a) return undefined;
    gap = 0;
    i = 2;
    if (i === s.length) return out;
  }
  for (;;) {
    if (o >= 16) return undefined;
    const start = i;
    let group = 0;
    while (i < s.length && i - start < 5) {
      const h = hexValue(s.charCodeAt(i));
      if (h < 0) break;
      group = (group << 4) | h;
      i++;
    }
    const digits = i - start;
    if (i < s.length && s.charCodeAt(i) === 0x2e) {
      // Embedded IPv4 takes the last 32 bits and must end the string.
      if (o > 12) return undefined;
      const v4 = parseIPv4(s.slice(start));
      if (v4 === undefined) return undefined;
      out[o++] = v4 >>> 24;
      out[o++] = (v4 >>> 16) & 0xff;
      out[o++] = (v4 >>> 8) & 0xff;
      out[o++] = v4 & 0xff;
      i = s.length;
      break;
    }
    if (digits === 0 || digits > 4) return undefined;
    out[o++] = group >> 8;
    out[o++] = group & 0xff;
    if (i === s.length) break;
    if (s.charCodeAt(i) !== 0x3a) return undefined;
    i++;
    if (i < s.length && s.charCodeAt(i) === 0x3a) {
      if (gap >= 0) return undefined;
      gap = o;
      i++;
      if (i === s.length) break;
    } else if (i === s.length) return undefined; // trailing single ':'
  }
  if (gap >= 0) {
    // "::" stands for at least one zero group.
    if (o > 14) return undefined;
    const tail = o - gap;
    out.copyWithin(16 - tail, gap, o);
    out.fill(0, gap, 16 - tail);
  } else if (o !== 16) return undefined;
  return out;
}

export function isIPv6(s: string): boolean {
  return parseIPv6(s) !== undefined;
}

/** Letters, digits, '-' and '_' in labels of 1..63 octets; '_' because SRV-style names use it. */
function isHostName(s: string): boolean {
  if (s.length === 0 || s.length > MAX_HOST_NAME) return false;
  let label = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2e) {
      if (label === 0) return false;
      label = 0;
      continue;
    }
    const alnum = isDigit(c) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
    if (!alnum && c !== 0x2d && c !== 0x5f) return false;
    if (c === 0x2d && (label === 0 || i + 1 === s.length || s.charCodeAt(i + 1) === 0x2e)) return false;
    if (++label > MAX_LABEL) return false;
  }
  return true;
}

function allDigitsAndDots(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c) && c !== 0x2e) return false;
  }
  return true;
}

/** Decimal port 0..65535; undefined for anything else (empty, sign, junk, overflow). */
export function parsePort(s: string): number | undefined {
  if (s.length === 0 || s.length > 5) return undefined;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) return undefined;
    v = v * 10 + (c - 0x30);
  }
  return v <= 65535 ? v : undefined;
}

function portError(text: string, port: string): ParsedAddress {
  if (port.length === 0) return { ok: false, error: `missing port in "${text}"` };
  let digits = true;
  for (let i = 0; i < port.length; i++) if (!isDigit(port.charCodeAt(i))) digits = false;
  if (digits) return { ok: false, error: `port ${port} out of range 0..65535 in "${text}"` };
  return { ok: false, error: `bad port "${port}" in "${text}"` };
}

/**
 * Parse "[tcp|udp]://[host]:port". Accepted forms: "tcp://0.0.0.0:8080", ":8080", "8080",
 * "udp://127.0.0.1:0", "tcp://[::1]:80", "tcp://example.com:80". `host` is "" when absent, an
 * IPv6 literal without its brackets, an IPv4 literal, or a host name left for the resolver.
 */
export function parseAddress(text: string, defaultProto: TransportProto = "tcp"): ParsedAddress {
  if (typeof text !== "string") return { ok: false, error: "address must be a string" };
  if (text.length === 0) return { ok: false, error: "empty address" };
  if (text.length > MAX_ADDRESS_LENGTH) return { ok: false, error: `address longer than ${MAX_ADDRESS_LENGTH} characters` };
  let proto = defaultProto;
  let rest = text;
  const sep = text.indexOf("://");
  if (sep >= 0) {
    const scheme = text.slice(0, sep).toLowerCase();
    if (scheme === "tcp" || scheme === "udp") proto = scheme;
    else return { ok: false, error: `unsupported scheme "${text.slice(0, sep)}" in "${text}" (expected tcp:// or udp://)` };
    rest = text.slice(sep + 3);
  }
  if (rest.length === 0) return { ok: false, error: `missing port in "${text}"` };

  if (rest.charCodeAt(0) === 0x5b) {
    const close = rest.indexOf("]");
    if (close < 0) return { ok: false, error: `unterminated IPv6 literal in "${text}"` };
    const host = rest.slice(1, close);
    if (!isIPv6(host)) return { ok: false, error: `bad IPv6 literal "[${host}]" in "${text}"` };
    const after = rest.slice(close + 1);
    if (after.length === 0) return { ok: false, error: `missing port in "${text}"` };
    if (after.charCodeAt(0) !== 0x3a) return { ok: false, error: `junk "${after}" after IPv6 literal in "${text}"` };
    const port = parsePort(after.slice(1));
    if (port === undefined) return portError(text, after.slice(1));
    return { ok: true, proto, host, port };
  }

  const colon = rest.lastIndexOf(":");
  if (colon < 0) {
    // "8080" alone is a port (Mongoose accepts "%u"); anything else is a host without a port.
    const port = parsePort(rest);
    if (port !== undefined) return { ok: true, proto, host: "", port };
    if (allDigitsAndDots(rest) && rest.indexOf(".") < 0) return portError(text, rest);
    return { ok: false, error: `missing port in "${text}"` };
  }
  const host = rest.slice(0, colon);
  const portText = rest.slice(colon + 1);
  if (host.indexOf(":") >= 0) {
    return { ok: false, error: `IPv6 literal must be in brackets, e.g. "[::1]:80", in "${text}"` };
  }
  if (host.length > 0) {
    if (allDigitsAndDots(host)) {
      if (!isIPv4(host)) return { ok: false, error: `bad IPv4 address "${host}" in "${text}"` };
    } else if (!isHostName(host)) return { ok: false, error: `bad host "${host}" in "${text}"` };
  }
  const port = parsePort(portText);
  if (port === undefined) return portError(text, portText);
  return { ok: true, proto, host, port };
}

/** Dotted quad of an unsigned 32-bit (host-order) IPv4 address. */
export function formatIPv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

/**
 * RFC 5952 canonical text of a 16-byte IPv6 address: lower-case hex, no leading zeros, the longest
 * run of two or more zero groups (the first if tied) as "::", IPv4-mapped addresses as ::ffff:a.b.c.d.
 */
export function formatIPv6(b: Uint8Array): string {
  if (b.length !== 16) throw new RangeError("IPv6 address must be 16 bytes");
  let mapped = b[10] === 0xff && b[11] === 0xff;
  for (let i = 0; i < 10 && mapped; i++) if (b[i] !== 0) mapped = false;
  if (mapped) return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  let bestStart = -1;
  let bestLen = 1;
  for (let g = 0; g < 8; ) {
    if (b[g * 2] === 0 && b[g * 2 + 1] === 0) {
      let e = g;
      while (e < 8 && b[e * 2] === 0 && b[e * 2 + 1] === 0) e++;
      if (e - g > bestLen) {
        bestStart = g;
        bestLen = e - g;
      }
      g = e;
    } else g++;
  }
  let s = "";
  for (let g = 0; g < 8; g++) {
    if (g === bestStart) {
      s += "::";
      g += bestLen - 1;
      continue;
    }
    if (s.length > 0 && !s.endsWith(":")) s += ":";
    s += ((b[g * 2] << 8) | b[g * 2 + 1]).toString(16);
  }
  return s;
}

/** Inverse of parseAddress for logs and for re-binding: brackets go back around IPv6 hosts. */
export function formatAddress(proto: TransportProto, host: string, port: number): string {
  const h = host.indexOf(":") >= 0 ? `[${host}]` : host;
  return `${proto}://${h}:${port}`;
}
