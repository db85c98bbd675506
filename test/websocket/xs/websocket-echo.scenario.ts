// The websocket-echo example on the device Platform (targets/moddable/platform.ts) inside the
// real XS engine, its sockets bridged to Node: the same code that ships to a board. Returns the
// port so the host can point clients at it. No Node API here: this file is bundled for XS.

import { startWebSocketEcho } from "../../../examples/websocket-echo/main";
import { CONFORMANCE_MAX_MESSAGE } from "../conformance-cases";
import { createModdablePlatform } from "../../../targets/moddable/platform";

export default function main(args: { port?: number } | null): { port: number; platform: string } {
  const platform = createModdablePlatform({ name: "moddable (XS run)", logLevel: "warn" });
  const { listener } = startWebSocketEcho(platform, {
    port: args?.port ?? 0,
    address: "127.0.0.1",
    maxMessageSize: CONFORMANCE_MAX_MESSAGE,
  });
  return { port: listener.local.port, platform: platform.name };
}
