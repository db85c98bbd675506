// Token scanning in the manner of Mongoose's mg_skip: skip delimiters, take the run of
// non-delimiters, skip the delimiters after it. Returns offsets, not substrings, so callers that
// scan headers in a loop allocate nothing until they keep a token.

export interface SkipResult {
  /** the token is s[start, end) (empty when start === end) */
  start: number;
  end: number;
  /** where the next scan should begin */
  next: number;
}

function isDelimiter(delimiters: string, c: string): boolean {
  return delimiters.indexOf(c) >= 0;
}

/** Scan s[from, to) for the next token separated by any character of `delimiters`. */
export function skip(s: string, from: number, to: number, delimiters: string): SkipResult {
  const stop = Math.min(to, s.length);
  let i = Math.max(0, from);
  while (i < stop && isDelimiter(delimiters, s[i])) i++;
  const start = i;
  while (i < stop && !isDelimiter(delimiters, s[i])) i++;
  const end = i;
  while (i < stop && isDelimiter(delimiters, s[i])) i++;
  return { start, end, next: i };
}
