// Byte classes of the HTTP/1.1 grammar (RFC 9110 §5.6, RFC 9112), one table lookup per byte.

export const C_TOKEN = 1; // tchar
export const C_FIELD = 2; // VCHAR / obs-text: field-value bytes other than SP and HTAB
export const C_TARGET = 4; // bytes accepted anywhere in a request-target (llhttp's URL_CHAR, "?" and "#")
export const C_HEX = 8;
export const C_DIGIT = 16;
export const C_ALPHA = 32;
export const C_QDTEXT = 64; // quoted-string text: HTAB / SP / VCHAR except DQUOTE and "\" / obs-text
export const C_AUTHORITY = 128; // userinfo / host / port bytes of an authority, "@" and "[" "]" included

export const CR = 0x0d;
export const LF = 0x0a;
export const SP = 0x20;
export const HTAB = 0x09;

function buildTable(): Uint8Array {
  const t = new Uint8Array(256);
  const mark = (chars: string, flag: number) => {
    for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] |= flag;
  };
  for (let c = 0x30; c <= 0x39; c++) t[c] |= C_DIGIT | C_HEX | C_TOKEN | C_TARGET | C_AUTHORITY;
  for (let c = 0x41; c <= 0x5a; c++) t[c] |= C_ALPHA | C_TOKEN | C_TARGET | C_AUTHORITY;
  for (let c = 0x61; c <= 0x7a; c++) t[c] |= C_ALPHA | C_TOKEN | C_TARGET | C_AUTHORITY;
  mark("abcdefABCDEF", C_HEX);
  mark("!#$%&'*+-.^_`|~", C_TOKEN);
  mark("!\"$%&'()*+,-./:;<=>@[\\]^_`{|}~?#", C_TARGET);
  mark("-._~!$&'()*+,;=:%@[]", C_AUTHORITY);
  for (let c = 0x21; c <= 0x7e; c++) t[c] |= C_FIELD;
  for (let c = 0x80; c <= 0xff; c++) t[c] |= C_FIELD | C_QDTEXT;
  t[HTAB] |= C_QDTEXT;
  t[SP] |= C_QDTEXT;
  for (let c = 0x21; c <= 0x7e; c++) if (c !== 0x22 && c !== 0x5c) t[c] |= C_QDTEXT;
  return t;
}

export const CHAR_CLASS: Uint8Array = buildTable();
