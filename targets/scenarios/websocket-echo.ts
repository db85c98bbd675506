// The WebSocket echo example (examples/websocket-echo) on the device Platform, for the XS run,
// with a message size an ESP8266 could hold.

import { startWebSocketEcho } from "../../examples/websocket-echo/main";
import { createModdablePlatform } from "../moddable/platform";

export default function main(): { port: number } {
  const platform = createModdablePlatform({ name: "moddable (XS run)", logLevel: "warn" });
  const { listener } = startWebSocketEcho(platform, { port: 0, address: "127.0.0.1", maxMessageSize: 4096, maxConnections: 8 });
  return { port: listener.local.port };
}
