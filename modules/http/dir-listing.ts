// Directory listing page, streamed as chunks one row at a time as the socket drains. Names are
// HTML-escaped in text and percent-encoded in links, so a file called `<script>` or `a"b` shows
// as itself and cannot inject markup. Entries are bounded in number.

import type { Connection } from "../core/connection";
import { htmlEscape } from "../util/html-escape";
import { urlEncode } from "../util/url-encoding";
import { fillTarget } from "./body-pump";
import { currentExchange, type BodyProducer } from "./exchange";
import type { FileStat, HttpFileSystem } from "./fs";
import { formatHttpDate } from "./http-date";
import { sendChunk } from "./reply";

export interface ListingEntry {
  name: string;
  stat: FileStat;
}

/** Read up to `max` visible entries of `dir`, directories first, then by name. Undefined if not listable. */
export function readListing(fs: HttpFileSystem, dir: string, max: number, hidden: (name: string) => boolean): ListingEntry[] | undefined {
  if (!fs.list) return undefined;
  const entries: ListingEntry[] = [];
  const ok = fs.list(
    dir,
    (name, stat) => {
      if (!hidden(name)) entries.push({ name, stat });
      return entries.length >= max;
    },
    max * 2,
  );
  if (!ok) return undefined;
  entries.sort((a, b) => (a.stat.isDirectory !== b.stat.isDirectory ? (a.stat.isDirectory ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return entries;
}

function sizeText(st: FileStat): string {
  if (st.isDirectory) return "[DIRECTORY]";
  const n = st.size;
  if (n < 1024) return `${n}`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)}k`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1048576).toFixed(1)}M`;
  return `${(n / 1073741824).toFixed(1)}G`;
}

export class ListingProducer implements BodyProducer {
  private next = -1; // -1: the page head is still to go
  private finished = false;

  /** `urlPath` is the decoded directory path as requested, ending in "/". */
  constructor(
    private readonly urlPath: string,
    private readonly entries: ListingEntry[],
  ) {}

  fill(c: Connection): void {
    const ex = currentExchange(c);
    if (this.finished || c.isClosed || !ex || ex.complete || ex.producer !== this) return;
    const target = fillTarget(c, 512);
    while (c.send.length < target && !this.finished) {
      if (this.next < 0) {
        const title = htmlEscape(this.urlPath);
        sendChunk(
          c,
          `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Index of ${title}</title>` +
            "<style>th,td{text-align:left;padding:0 1em 0 0}</style></head>" +
            `<body><h1>Index of ${title}</h1><table><tr><th>Name</th><th>Modified</th><th>Size</th></tr>\n` +
            (this.urlPath !== "/" ? '<tr><td><a href="../">..</a></td><td></td><td>[DIRECTORY]</td></tr>\n' : ""),
        );
        this.next = 0;
        continue;
      }
      if (this.next >= this.entries.length) {
        sendChunk(c, "</table></body></html>\n");
        this.finished = true;
        sendChunk(c, "");
        return;
      }
      const e = this.entries[this.next++];
      const slash = e.stat.isDirectory ? "/" : "";
      const href = urlEncode(e.name) + slash;
      const modified = e.stat.mtime > 0 ? formatHttpDate(e.stat.mtime) : "";
      sendChunk(c, `<tr><td><a href="${href}">${htmlEscape(e.name)}${slash}</a></td><td>${modified}</td><td>${sizeText(e.stat)}</td></tr>\n`);
    }
  }

  close(): void {
    this.finished = true;
  }
}
