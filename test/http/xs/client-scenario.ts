// The HTTP client on the device Platform inside the real XS engine (host-sim/xs runner): the
// host asks it to fetch URLs and polls for what the handler saw.

import { Manager } from "../../../modules/core/manager";
import type { Connection } from "../../../modules/core/connection";
import type { McEvent } from "../../../modules/core/events";
import { connect, type HttpClientOptions } from "../../../modules/http/client";
import { utf8Decode } from "../../../modules/util/utf8";
import { createModdablePlatform } from "../../../targets/moddable/platform";

/** what the handler saw for one fetch (the host test reads it back as JSON) */
export interface Result {
  status?: number;
  body: string;
  bytes: number;
  /** a cheap checksum of every body byte, streamed or buffered */
  sum: number;
  chunks: number;
  redirects?: number;
  error?: string;
  done: boolean;
}

let mgr: Manager | undefined;
const results: Result[] = [];

type Args = { op: "fetch"; url: string; options?: HttpClientOptions } | { op: "result"; index: number };

export default function main(args: Args): unknown {
  mgr ??= new Manager(createModdablePlatform({ name: "moddable (XS run)", logLevel: "warn" }));
  if (args.op === "result") return results[args.index];
  const r: Result = { body: "", bytes: 0, sum: 0, chunks: 0, done: false };
  results.push(r);
  const take = (data: Uint8Array) => {
    r.bytes += data.length;
    for (let i = 0; i < data.length; i++) r.sum = (r.sum * 31 + data[i]) >>> 0;
    if (r.body.length < 200) r.body += utf8Decode(data.subarray(0, 200));
  };
  const req = connect(mgr, args.url, args.options ?? {}, (_c: Connection, ev: McEvent) => {
    if (ev.type === "http-reply") {
      r.status = ev.reply.status;
      if (ev.reply.body) take(ev.reply.body);
    } else if (ev.type === "http-chunk") {
      r.chunks++;
      take(ev.data);
    } else if (ev.type === "http-body-end") {
      r.redirects = req.redirects;
      r.done = true;
    } else if (ev.type === "http-error") {
      r.error = ev.error.code;
      r.done = true;
    }
  });
  if (req.error) {
    r.error = req.error.code;
    r.done = true;
  }
  return results.length - 1;
}
