// The HTTP server on the device Platform inside the real XS engine (host-sim/xs runner): the
// same modules a board runs, with flash resources as the document root. Returns the port.

import { Manager } from "../../../modules/core/manager";
import type { Connection } from "../../../modules/core/connection";
import type { McEvent } from "../../../modules/core/events";
import { MemoryFileSystem } from "../../../modules/http/fs";
import { formVar } from "../../../modules/http/form";
import * as http from "../../../modules/http/reply";
import { attach } from "../../../modules/http/server";
import { serveHttp } from "../../../modules/http/static";
import { utf8Encode } from "../../../modules/util/utf8";
import { createModdablePlatform } from "../../../targets/moddable/platform";

export default function main(args: { port?: number; passwords?: string } | null): { port: number } {
  const platform = createModdablePlatform({ name: "moddable (XS run)", logLevel: "warn" });
  const mgr = new Manager(platform);
  let page = "";
  for (let i = 0; i < 400; i++) page += `<p>line ${i}</p>\n`;
  const flash = new MemoryFileSystem({ "/index.html": utf8Encode(page), "/setup.shtml": utf8Encode('<b><!--#call ssid --></b>') }, { mtime: Date.UTC(2024, 0, 1) });
  // part name -> bytes received (data may come in any number of pieces)
  const parts: [string, number][] = [];
  const handler = (c: Connection, ev: McEvent) => {
    if (ev.type === "http-ssi-call") http.printf(c, "ssid=%s", "mcnet-setup");
    else if (ev.type === "http-request") {
      if (ev.request.path === "/form") http.reply(c, 200, `ssid=${String(formVar(ev.request.body, "ssid"))}\n`);
      else serveHttp(c, ev.request, { fs: flash });
    } else if (ev.type === "http-multipart-request") parts.length = 0;
    else if (ev.type === "http-part-begin") parts.push([ev.part.name, 0]);
    else if (ev.type === "http-part-data") parts[parts.length - 1][1] += ev.data.length;
    else if (ev.type === "http-multipart-end") http.reply(c, 200, parts.map(([n, b]) => `${n},${b}`).join(",") + "\n");
  };
  const listener = mgr.bind(`tcp://127.0.0.1:${args?.port ?? 0}`, handler);
  const server = attach(listener, {
    maxConnections: 4,
    accessLog: false,
    auth: { realm: "device", passwords: args?.passwords ?? "", prefixes: ["/admin"] },
  });
  server.endpoint("/admin", (c, ev) => {
    if (ev.type === "http-request") http.reply(c, 200, "admin ok\n");
  });
  return { port: listener.local.port };
}
