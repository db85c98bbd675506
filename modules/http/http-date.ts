// HTTP dates (RFC 9110 5.6.7): IMF-fixdate out ("Sun, 06 Nov 1994 08:49:37 GMT"), and the three
// historical forms in (IMF-fixdate, RFC 850, asctime), for If-Modified-Since and friends.
// Only integer arithmetic: no Date parsing of hostile strings.

const DAYS = "SunMonTueWedThuFriSat";
const MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";

function two(n: number): string {
  return n < 10 ? "0" + n : "" + n;
}

/** IMF-fixdate of a wall-clock time in ms since the epoch. */
export function formatHttpDate(ms: number): string {
  const d = new Date(Math.max(0, Math.floor(ms / 1000) * 1000));
  const day = d.getUTCDay();
  const mon = d.getUTCMonth();
  return (
    DAYS.slice(day * 3, day * 3 + 3) + ", " + two(d.getUTCDate()) + " " + MONTHS.slice(mon * 3, mon * 3 + 3) + " " +
    d.getUTCFullYear() + " " + two(d.getUTCHours()) + ":" + two(d.getUTCMinutes()) + ":" + two(d.getUTCSeconds()) + " GMT"
  );
}

function digits(s: string, at: number, count: number): number {
  if (at + count > s.length) return -1;
  let v = 0;
  for (let i = at; i < at + count; i++) {
    const c = s.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

function month(s: string, at: number): number {
  const m = s.slice(at, at + 3);
  if (m.length !== 3) return -1;
  const i = MONTHS.indexOf(m);
  return i >= 0 && i % 3 === 0 ? i / 3 : -1;
}

function time(s: string, at: number): number {
  const h = digits(s, at, 2);
  const m = digits(s, at + 3, 2);
  const sec = digits(s, at + 6, 2);
  if (h < 0 || m < 0 || sec < 0 || s[at + 2] !== ":" || s[at + 5] !== ":" || h > 23 || m > 59 || sec > 60) return -1;
  return (h * 3600 + m * 60 + sec) * 1000;
}

function build(year: number, mon: number, day: number, t: number): number | undefined {
  if (year < 0 || mon < 0 || day < 1 || day > 31 || t < 0) return undefined;
  return Date.UTC(year, mon, day) + t;
}

/** ms since the epoch of an HTTP date, or undefined when it is not one. */
export function parseHttpDate(input: string | undefined): number | undefined {
  if (input === undefined) return undefined;
  const s = input.trim();
  if (s.length > 40) return undefined;
  const comma = s.indexOf(",");
  if (comma === 3) {
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    if (s.length !== 29 || !s.endsWith(" GMT")) return undefined;
    return build(digits(s, 12, 4), month(s, 8), digits(s, 5, 2), time(s, 17));
  }
  if (comma > 3) {
    // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
    const r = s.slice(comma + 2);
    if (r.length !== 22 || r[2] !== "-" || r[6] !== "-" || !r.endsWith(" GMT")) return undefined;
    const yy = digits(r, 7, 2);
    if (yy < 0) return undefined;
    // Two-digit years: RFC 9110 says a year more than 50 years ahead means the previous century.
    return build(yy < 70 ? 2000 + yy : 1900 + yy, month(r, 3), digits(r, 0, 2), time(r, 10));
  }
  // asctime: "Sun Nov  6 08:49:37 1994"
  if (s.length !== 24) return undefined;
  const day = s[8] === " " ? digits(s, 9, 1) : digits(s, 8, 2);
  return build(digits(s, 20, 4), month(s, 4), day, time(s, 11));
}

/** Common Log Format time: "10/Oct/2000:13:55:36 +0000". */
export function formatLogDate(ms: number): string {
  const d = new Date(Math.max(0, ms));
  const mon = d.getUTCMonth();
  return (
    two(d.getUTCDate()) + "/" + MONTHS.slice(mon * 3, mon * 3 + 3) + "/" + d.getUTCFullYear() + ":" +
    two(d.getUTCHours()) + ":" + two(d.getUTCMinutes()) + ":" + two(d.getUTCSeconds()) + " +0000"
  );
}
