// The setup firmware inside the XS run (host-sim/xs): src/main on the device Platform
// (targets/moddable), a blank device, so the portal opens at once on loopback ports the host
// drives. `state` lets the host see the setup phase without going through HTTP.
import { expose } from "../host-sim/xs/embedded/host";
import { startDevice } from "../src/main";
import { createModdablePlatform } from "../targets/moddable/platform";

export default function main(): { port: number; dnsPort: number; phase: string } {
  const platform = createModdablePlatform({ name: "moddable (XS run)", logLevel: "warn" });
  const device = startDevice(platform, {
    config: { listenAddress: "127.0.0.1", httpPort: 0, dnsPort: 0, backgroundRetryMs: 0, seenGraceMs: 100, lingerMs: 5000, joinTimeoutMs: 5000 },
    portalOrigin: (port) => `http://127.0.0.1:${port}`,
  });
  expose("state", () => ({ phase: device.setup.phase, station: device.setup.station ?? null }));
  const p = device.portal();
  if (!p) throw new Error(`portal did not open (phase ${device.setup.phase})`);
  return { port: p.http.local.port, dnsPort: p.dns.local.port, phase: device.setup.phase };
}
