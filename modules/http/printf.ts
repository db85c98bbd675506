// A small printf for mg_printf-style senders: %s %d %i %u %x %X %o %c %f %e %g %% with flags
// (- 0 + space), width and precision (also `*`). Anything else is copied through, so a stray
// `%` in a format cannot throw.

function pad(s: string, width: number, left: boolean, zero: boolean): string {
  if (s.length >= width) return s;
  if (left) return s + " ".repeat(width - s.length);
  if (zero) {
    const sign = s[0] === "-" || s[0] === "+" || s[0] === " " ? s[0] : "";
    const body = sign ? s.slice(1) : s;
    return sign + "0".repeat(width - s.length) + body;
  }
  return " ".repeat(width - s.length) + s;
}

function toInt(v: unknown): number {
  const n = typeof v === "bigint" ? Number(v) : Number(v);
  return Number.isFinite(n) ? Math.trunc(n) : 0;
}

export function format(fmt: string, ...args: unknown[]): string {
  let out = "";
  let from = 0;
  let a = 0;
  const n = fmt.length;
  for (let i = 0; i < n; i++) {
    if (fmt.charCodeAt(i) !== 0x25) continue;
    const start = i;
    i++;
    let left = false;
    let zero = false;
    let plus = false;
    let space = false;
    for (; i < n; i++) {
      const f = fmt[i];
      if (f === "-") left = true;
      else if (f === "0") zero = true;
      else if (f === "+") plus = true;
      else if (f === " ") space = true;
      else break;
    }
    let width = 0;
    if (fmt[i] === "*") {
      width = toInt(args[a++]);
      if (width < 0) {
        left = true;
        width = -width;
      }
      i++;
    } else while (i < n && fmt.charCodeAt(i) >= 0x30 && fmt.charCodeAt(i) <= 0x39) width = width * 10 + fmt.charCodeAt(i++) - 0x30;
    let precision = -1;
    if (fmt[i] === ".") {
      i++;
      precision = 0;
      if (fmt[i] === "*") {
        precision = Math.max(0, toInt(args[a++]));
        i++;
      } else while (i < n && fmt.charCodeAt(i) >= 0x30 && fmt.charCodeAt(i) <= 0x39) precision = precision * 10 + fmt.charCodeAt(i++) - 0x30;
    }
    // Length modifiers mean nothing for JS numbers; skip them so C-style formats work as written.
    while (i < n && "hlLqjzt".indexOf(fmt[i]) >= 0) i++;
    if (i >= n) break;
    const conv = fmt[i];
    let s: string;
    let numeric = true;
    switch (conv) {
      case "%":
        out += fmt.slice(from, start) + "%";
        from = i + 1;
        continue;
      case "s": {
        const v = args[a++];
        s = v === undefined ? "(null)" : String(v);
        if (precision >= 0) s = s.slice(0, precision);
        numeric = false;
        break;
      }
      case "c": {
        const v = args[a++];
        s = typeof v === "number" ? String.fromCharCode(v) : String(v ?? "").slice(0, 1);
        numeric = false;
        break;
      }
      case "d":
      case "i":
      case "u": {
        let v = toInt(args[a++]);
        if (conv === "u" && v < 0) v = v >>> 0;
        s = Math.abs(v).toString();
        if (precision >= 0) s = s.padStart(precision, "0");
        s = (v < 0 ? "-" : plus ? "+" : space ? " " : "") + s;
        break;
      }
      case "x":
      case "X":
      case "o": {
        let v = toInt(args[a++]);
        if (v < 0) v = v >>> 0;
        s = v.toString(conv === "o" ? 8 : 16);
        if (conv === "X") s = s.toUpperCase();
        if (precision >= 0) s = s.padStart(precision, "0");
        break;
      }
      case "f":
      case "e":
      case "g": {
        const v = Number(args[a++]);
        const p = precision < 0 ? 6 : Math.min(precision, 20);
        s = conv === "f" ? v.toFixed(p) : conv === "e" ? v.toExponential(p) : String(Number(v.toPrecision(Math.max(1, p))));
        if (v >= 0 && plus) s = "+" + s;
        else if (v >= 0 && space) s = " " + s;
        break;
      }
      default:
        // Unknown conversion: leave the text as written.
        continue;
    }
    out += fmt.slice(from, start) + pad(s, width, left, zero && numeric && !left);
    from = i + 1;
  }
  return from === 0 ? fmt : out + fmt.slice(from);
}
