// The smallest useful HTTP server on the device Platform, for the XS run: the HTTP protocol with
// its defaults (keep-alive, limits, timeouts, access log at "info", so not traced) and a handler
// that answers every request with a short text body.

import { Manager } from "../../modules/core/manager";
import { reply } from "../../modules/http/reply";
import { attach } from "../../modules/http/server";
import { createModdablePlatform } from "../moddable/platform";

export default function main(): { port: number } {
  const platform = createModdablePlatform({ name: "moddable (XS run)", logLevel: "warn" });
  const mgr = new Manager(platform);
  const listener = mgr.bind("tcp://127.0.0.1:0", (c, ev) => {
    if (ev.type === "http-request") reply(c, 200, "hello\n", { "Content-Type": "text/plain" });
  });
  attach(listener);
  return { port: listener.local.port };
}
