// Reads llhttp's markdown test cases (../shared/vectors/llhttp) into inputs and expectations, the
// way llhttp's own md-test harness does: the ```http block's trailing newline is dropped, escaped
// newlines are removed, newlines become CRLF, and \r \n \t \f \xHH \ooo escapes are spelled out.
// No Node APIs: shared suites run inside XS too.

import { utf8Encode } from "../../modules/util/utf8";

export interface VectorMessage {
  method?: string;
  url?: string;
  reason?: string;
  status?: number;
  /** [name, value] with llhttp's value spans joined and trailing whitespace trimmed */
  headers: [string, string][];
  /** fields of a chunked body's trailer section */
  trailers: [string, string][];
  headersComplete: boolean;
  body: string;
  complete: boolean;
  skipBody: boolean;
}

export interface Vector {
  file: string;
  name: string;
  type: string;
  noScan: boolean;
  input: Uint8Array;
  messages: VectorMessage[];
  /** llhttp stopped with an error (not counting the upgrade pause) */
  error?: string;
  /** llhttp paused for CONNECT/Upgrade after the last message */
  upgrade: boolean;
  /** for *-finish types: llhttp_finish said the EOF was unsafe (an error) */
  finishUnsafe?: boolean;
}

function unescapeInput(raw: string): Uint8Array {
  let s = raw.replace(/\n$/, "");
  s = s.replace(/\\(\r\n|\r|\n)/g, "");
  s = s.replace(/\r\n|\r|\n/g, "\r\n");
  s = s.replace(/\\r/g, "\r").replace(/\\n/g, "\n").replace(/\\t/g, "\t").replace(/\\f/g, "\f");
  s = s.replace(/\\x([0-9a-fA-F]+)/g, (_a, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  s = s.replace(/\\([0-7]{1,3})/g, (_a, oct: string) => String.fromCharCode(parseInt(oct, 8)));
  // the harness hands the string to the parser as UTF-8
  return utf8Encode(s);
}

function spanValue(line: string): string {
  const eq = line.indexOf("]=");
  const rest = line.slice(eq + 2);
  if (rest === "cr") return "\r";
  if (rest === "lf") return "\n";
  return rest.slice(1, -1).replace(/\\t/g, "\t").replace(/\\f/g, "\f");
}

function trimEnd(s: string): string {
  let e = s.length;
  while (e > 0 && (s.charCodeAt(e - 1) === 0x20 || s.charCodeAt(e - 1) === 0x09)) e--;
  return s.slice(0, e);
}

function parseLog(log: string, v: Vector): void {
  let msg: VectorMessage | undefined;
  let last = "";
  const fresh = (): VectorMessage => ({ headers: [], trailers: [], headersComplete: false, body: "", complete: false, skipBody: false });
  for (const line of log.split("\n")) {
    const m = /^off=\S+ (.*)$/.exec(line);
    if (!m) continue;
    const what = m[1];
    if (what === "message begin") {
      msg = fresh();
      v.messages.push(msg);
      last = "";
      continue;
    }
    const span = /^len=\d+ span\[(\w+)\]/.exec(what);
    if (span && msg) {
      const kind = span[1];
      const value = spanValue(what);
      if (kind === "method") msg.method = (msg.method ?? "") + value;
      else if (kind === "url") msg.url = (msg.url ?? "") + value;
      else if (kind === "status") msg.reason = (msg.reason ?? "") + value;
      else if (kind === "header_field" || kind === "header_value") {
        const fields = msg.headersComplete ? msg.trailers : msg.headers;
        if (kind === "header_value") fields[fields.length - 1][1] += value;
        else if (last === "header_field") fields[fields.length - 1][0] += value;
        else fields.push([value, ""]);
      }
      else if (kind === "body") msg.body += value;
      if (kind === "header_field" || kind === "header_value") last = kind;
      continue;
    }
    if (what.startsWith("headers complete") && msg) {
      msg.headersComplete = true;
      const st = /status=(\d+)/.exec(what);
      if (st) msg.status = Number(st[1]);
      for (const h of msg.headers) h[1] = trimEnd(h[1]);
    } else if (what === "skip body" && msg) msg.skipBody = true;
    else if (what === "message complete" && msg) {
      msg.complete = true;
      for (const h of msg.trailers) h[1] = trimEnd(h[1]);
    }
    else if (what.startsWith("error")) {
      if (/code=22 /.test(what)) v.upgrade = true;
      else v.error = what;
    } else if (what.startsWith("finish=")) {
      v.finishUnsafe = what === "finish=2";
      // finish=1: the EOF itself completes the message (a body delimited by the close)
      if (what === "finish=1" && msg) msg.complete = true;
    }
  }
}

/** Every case of one markdown file. */
export function parseVectorFile(file: string, text: string): Vector[] {
  const out: Vector[] = [];
  const lines = text.split("\n");
  let heading = "";
  let meta: Record<string, unknown> | undefined;
  let http: string | undefined;
  const seen: Record<string, number> = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^#+ /.test(line)) {
      heading = line.replace(/^#+ /, "").trim();
      meta = undefined;
      http = undefined;
    } else if (line.startsWith("<!-- meta=")) {
      meta = JSON.parse(line.slice("<!-- meta=".length, line.lastIndexOf("-->")).trim()) as Record<string, unknown>;
    } else if (line.startsWith("```http") || line.startsWith("```log")) {
      const body: string[] = [];
      let j = i + 1;
      while (j < lines.length && lines[j] !== "```") body.push(lines[j++]);
      i = j;
      const block = body.length ? body.join("\n") + "\n" : "";
      if (line.startsWith("```http")) http = block;
      else if (http !== undefined && meta && typeof meta.type === "string") {
        const n = (seen[heading] = (seen[heading] ?? 0) + 1);
        const v: Vector = {
          file,
          name: n > 1 ? `${heading} #${n}` : heading,
          type: meta.type,
          noScan: meta.noScan === true,
          input: unescapeInput(http),
          messages: [],
          upgrade: false,
        };
        parseLog(block, v);
        out.push(v);
        http = undefined;
      }
    }
  }
  return out;
}
