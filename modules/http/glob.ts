// Mongoose's match patterns, used by ssi_pattern, hidden_file_pattern and friends:
// alternatives separated by `|`; `?` is one character, `*` a run without `/`, `**` any run,
// `$` anchors at the end; otherwise a pattern matches a prefix. Matching ignores ASCII case,
// as file names on the flash and FAT filesystems mcnet serves from do.
// Patterns come from configuration; the subject (a request path) is bounded by the server.

function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}

/** Length of `s` matched by pattern[ps, pe), or -1. */
function matchOne(p: string, ps: number, pe: number, s: string, ss: number): number {
  let i = ps;
  let j = ss;
  while (i < pe) {
    const pc = p.charCodeAt(i);
    if (pc === 0x24 /* $ */ && i === pe - 1) return j === s.length ? j - ss : -1;
    if (pc === 0x3f /* ? */) {
      if (j >= s.length || s.charCodeAt(j) === 0x2f) return -1;
      i++;
      j++;
      continue;
    }
    if (pc === 0x2a /* * */) {
      const any = i + 1 < pe && p.charCodeAt(i + 1) === 0x2a;
      i += any ? 2 : 1;
      let end = j;
      if (any) end = s.length;
      else while (end < s.length && s.charCodeAt(end) !== 0x2f) end++;
      if (i === pe) return end - ss;
      // Longest first, like the shell: `**.shtml$` must reach the last ".shtml".
      for (let k = end; k >= j; k--) {
        const r = matchOne(p, i, pe, s, k);
        if (r >= 0) return k - ss + r;
      }
      return -1;
    }
    if (j >= s.length || lower(pc) !== lower(s.charCodeAt(j))) return -1;
    i++;
    j++;
  }
  return j - ss;
}

/** mg_match_prefix: length of the prefix of `s` that `pattern` matches, or -1. */
export function matchPrefix(pattern: string, s: string): number {
  let start = 0;
  while (start <= pattern.length) {
    let bar = pattern.indexOf("|", start);
    if (bar < 0) bar = pattern.length;
    if (bar > start) {
      const r = matchOne(pattern, start, bar, s, 0);
      if (r >= 0) return r;
    }
    start = bar + 1;
  }
  return -1;
}

export function matches(pattern: string | undefined, s: string): boolean {
  return pattern !== undefined && pattern.length > 0 && matchPrefix(pattern, s) > 0;
}

/** True when some segment of `path` ("/a/.git/x") matches `pattern`: hiding a directory hides its contents. */
export function anySegmentMatches(pattern: string | undefined, path: string): boolean {
  if (!pattern) return false;
  let i = 0;
  while (i < path.length) {
    while (i < path.length && path.charCodeAt(i) === 0x2f) i++;
    const start = i;
    while (i < path.length && path.charCodeAt(i) !== 0x2f) i++;
    if (i > start && matchPrefix(pattern, path.slice(start, i)) > 0) return true;
  }
  return false;
}
