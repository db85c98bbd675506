// The echo example (examples/echo) on the device Platform. The XS run (host-sim/xs) executes this
// with Moddable's module names bound to its bridged implementations; on a board it is the same
// code. Returns the port, so the host can point clients at it.

import { startEcho } from "../../examples/echo/main";
import { createModdablePlatform } from "../moddable/platform";

export interface EchoScenarioArgs {
  port?: number;
  address?: string;
}

export default function main(args: EchoScenarioArgs | null): { port: number; platform: string } {
  const platform = createModdablePlatform({ name: "moddable (XS run)", logLevel: "warn" });
  const { tcp } = startEcho(platform, { port: args?.port ?? 0, address: args?.address ?? "127.0.0.1" });
  return { port: tcp.local.port, platform: platform.name };
}
