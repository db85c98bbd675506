// Comparison whose running time depends only on the inputs' lengths, not on where they first
// differ, so that checking a secret (password, token, MAC) does not leak how much of a guess was
// right through response timing.

/**
 * True when `a` and `b` hold the same bytes (or UTF-16 code units for strings). The loop always
 * runs over all of `b`, the expected secret, so a short guess cannot end it early either.
 */
export function timingSafeEqual(a: Uint8Array | string, b: Uint8Array | string): boolean {
  const al = a.length;
  const bl = b.length;
  let diff = al ^ bl;
  const as = typeof a === "string";
  const bs = typeof b === "string";
  for (let i = 0; i < bl; i++) {
    // Index into `a` modulo its length so the access pattern does not branch on a mismatch.
    const j = al === 0 ? 0 : i % al;
    const x = al === 0 ? 0 : as ? (a as string).charCodeAt(j) : (a as Uint8Array)[j];
    const y = bs ? (b as string).charCodeAt(i) : (b as Uint8Array)[i];
    diff |= x ^ y;
  }
  return diff === 0;
}
