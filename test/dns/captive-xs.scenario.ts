// The captive DNS example on the device Platform, for a run inside the real XS engine
// (host-sim/xs): the same code a board runs, its sockets bridged to Node. Returns the port.
import { startCaptiveDns } from "../../examples/captive-dns/main";
import { createModdablePlatform } from "../../targets/moddable/platform";

export default function main(args: { address?: string } | null): { port: number } {
  const platform = createModdablePlatform({ name: "moddable (XS run)", logLevel: "warn" });
  const { udp } = startCaptiveDns(platform, { port: 0, bind: "127.0.0.1", address: args?.address ?? "192.168.4.1", logQueries: false });
  return { port: udp.local.port };
}
