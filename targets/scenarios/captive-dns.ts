// The captive DNS example (examples/captive-dns) on the device Platform, for the XS run: UDP and
// TCP on one loopback port, every A query answered with the portal's address.

import { startCaptiveDns } from "../../examples/captive-dns/main";
import { createModdablePlatform } from "../moddable/platform";

export default function main(): { port: number } {
  const platform = createModdablePlatform({ name: "moddable (XS run)", logLevel: "warn" });
  const { udp } = startCaptiveDns(platform, { port: 0, bind: "127.0.0.1", address: "192.168.4.1", logQueries: false });
  return { port: udp.local.port };
}
