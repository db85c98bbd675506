// `name=value` lists inside one header value: Authorization (Digest), Cookie,
// Content-Disposition, Content-Type parameters, `x=1, y="a b"`. Separators are `,` `;` and
// whitespace; a value is a token or a quoted-string with backslash escapes (RFC 9110 5.6.4).
// Input is a header value the HTTP parser already bounded, so no extra length limit applies;
// the walk never allocates more than the substrings it returns.

export interface HeaderParamOptions {
  /** compare names without regard to ASCII case (auth-params are case-insensitive) */
  ignoreCase?: boolean;
  /** most pairs to look at before giving up (hostile headers with thousands of commas) */
  maxParams?: number;
}

const DEFAULT_MAX_PARAMS = 64;

function isSeparator(c: number): boolean {
  return c === 0x2c /* , */ || c === 0x3b /* ; */ || c === 0x20 || c === 0x09;
}

/**
 * Walks every pair; `visit(name, value)` returns true to stop. A bare token without `=`
 * (the "Digest" scheme word, a flag) is visited with value "".
 */
export function forEachHeaderParam(
  header: string,
  visit: (name: string, value: string) => boolean | void,
  maxParams = DEFAULT_MAX_PARAMS,
): void {
  const n = header.length;
  let i = 0;
  let count = 0;
  while (i < n && count < maxParams) {
    while (i < n && isSeparator(header.charCodeAt(i))) i++;
    if (i >= n) return;
    const nameStart = i;
    while (i < n && header.charCodeAt(i) !== 0x3d /* = */ && !isSeparator(header.charCodeAt(i))) i++;
    const name = header.slice(nameStart, i);
    // Optional whitespace around '=' is tolerated: some clients send `name = "x"`.
    let j = i;
    while (j < n && (header.charCodeAt(j) === 0x20 || header.charCodeAt(j) === 0x09)) j++;
    let value = "";
    if (j < n && header.charCodeAt(j) === 0x3d) {
      i = j + 1;
      while (i < n && (header.charCodeAt(i) === 0x20 || header.charCodeAt(i) === 0x09)) i++;
      if (i < n && header.charCodeAt(i) === 0x22 /* " */) {
        i++;
        let segStart = i;
        let parts = "";
        while (i < n && header.charCodeAt(i) !== 0x22) {
          if (header.charCodeAt(i) === 0x5c /* \ */ && i + 1 < n) {
            parts += header.slice(segStart, i);
            segStart = i + 1;
            i += 2;
          } else i++;
        }
        value = parts + header.slice(segStart, i);
        if (i < n) i++; // closing quote (an unterminated one takes the rest)
      } else {
        const valueStart = i;
        while (i < n && header.charCodeAt(i) !== 0x2c && header.charCodeAt(i) !== 0x3b) i++;
        // Trailing whitespace before the separator is not part of the token.
        let end = i;
        while (end > valueStart && (header.charCodeAt(end - 1) === 0x20 || header.charCodeAt(end - 1) === 0x09)) end--;
        value = header.slice(valueStart, end);
      }
    }
    count++;
    if (name.length > 0 && visit(name, value)) return;
  }
}

function sameName(a: string, b: string, ignoreCase: boolean): boolean {
  if (a.length !== b.length) return false;
  return ignoreCase ? a.toLowerCase() === b.toLowerCase() : a === b;
}

/** mg_http_parse_header2: the value of `name` in `x=1, y="a b"`, or undefined. */
export function headerParam(header: string | undefined, name: string, options: HeaderParamOptions = {}): string | undefined {
  if (header === undefined) return undefined;
  let found: string | undefined;
  const ignoreCase = options.ignoreCase ?? false;
  forEachHeaderParam(
    header,
    (k, v) => {
      if (!sameName(k, name, ignoreCase)) return false;
      found = v;
      return true;
    },
    options.maxParams ?? DEFAULT_MAX_PARAMS,
  );
  return found;
}

/** A cookie's value from a Cookie header (names are case-sensitive, RFC 6265). */
export function cookie(header: string | undefined, name: string): string | undefined {
  return headerParam(header, name);
}

/** All cookies of a Cookie header, at most `maxCookies` of them. */
export function parseCookies(header: string | undefined, maxCookies = 32): Map<string, string> {
  const jar = new Map<string, string>();
  if (header === undefined) return jar;
  forEachHeaderParam(
    header,
    (k, v) => {
      if (!jar.has(k)) jar.set(k, v);
      return false;
    },
    maxCookies,
  );
  return jar;
}

/** The media type of a Content-Type value, lower-cased, without parameters. */
export function mediaType(contentType: string | undefined): string {
  if (contentType === undefined) return "";
  const semi = contentType.indexOf(";");
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}
