// Streaming UTF-8 validation (RFC 3629) for WebSocket text messages. A message may be split
// across frames and a frame across reads, so a code point can straddle any boundary: the
// validator keeps the few bits of state needed to resume, and never looks at a byte twice.
// It rejects overlong forms, surrogates (U+D800..U+DFFF) and code points past U+10FFFF as
// soon as the offending byte is seen, which lets a receiver fail fast (RFC 6455 8.1).

export class Utf8Validator {
  /** continuation bytes still owed by the current code point */
  private need = 0;
  /** accepted range for the next continuation byte (narrowed after some lead bytes) */
  private lo = 0x80;
  private hi = 0xbf;
  private failed = false;

  reset(): void {
    this.need = 0;
    this.lo = 0x80;
    this.hi = 0xbf;
    this.failed = false;
  }

  /** Feed bytes [start, end) of `b`; false once the input so far cannot be valid UTF-8. */
  write(b: Uint8Array, start = 0, end = b.length): boolean {
    if (this.failed) return false;
    let need = this.need;
    let lo = this.lo;
    let hi = this.hi;
    let i = start;
    while (i < end) {
      const c = b[i++];
      if (need === 0) {
        if (c < 0x80) {
          // Most text is ASCII: run through it without touching the state.
          while (i < end && b[i] < 0x80) i++;
          continue;
        }
        if (c >= 0xc2 && c <= 0xdf) need = 1;
        else if (c >= 0xe0 && c <= 0xef) {
          need = 2;
          if (c === 0xe0) lo = 0xa0; // below would be an overlong form
          else if (c === 0xed) hi = 0x9f; // above would encode a surrogate
        } else if (c >= 0xf0 && c <= 0xf4) {
          need = 3;
          if (c === 0xf0) lo = 0x90;
          else if (c === 0xf4) hi = 0x8f; // above would pass U+10FFFF
        } else {
          this.failed = true;
          return false;
        }
      } else {
        if (c < lo || c > hi) {
          this.failed = true;
          return false;
        }
        need--;
        lo = 0x80;
        hi = 0xbf;
      }
    }
    this.need = need;
    this.lo = lo;
    this.hi = hi;
    return true;
  }

  /** True when everything written so far is valid and ends on a code point boundary. */
  get complete(): boolean {
    return !this.failed && this.need === 0;
  }

  get valid(): boolean {
    return !this.failed;
  }
}
