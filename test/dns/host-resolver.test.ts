// host-sim's resolver set-up: a hosts file and resolv.conf, as the PC has them.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createHostPlatform } from "../../host-sim/platform";
import { installHostResolver, nameserversFromResolvConf } from "../../host-sim/resolver";
import { Manager } from "../../modules/core/manager";

test("resolv.conf nameserver lines become the resolver's nameservers", () => {
  const text = "# comment\nsearch example\nnameserver 10.0.0.53\nnameserver fe80::1%eth0\nnameserver bogus\nnameserver 1.1.1.1\nnameserver 9.9.9.9\n";
  expect(nameserversFromResolvConf(text)).toEqual(["10.0.0.53", "[fe80::1]:53", "1.1.1.1"]);
});

test("Manager.connect resolves a name from the hosts file (mg_resolve_from_hosts_file)", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mcnet-hosts-"));
  const hostsFile = path.join(dir, "hosts");
  fs.writeFileSync(hostsFile, "127.0.0.1 localhost\n127.0.0.1 device.test portal.test # the device\n");
  const mgr = new Manager(createHostPlatform({ logLevel: "silent" }));
  try {
    const resolver = installHostResolver(mgr, { hostsFile, resolvConf: path.join(dir, "none"), timeout: 200, retries: 0 });
    expect(resolver.nameservers.map((n) => n.address)).toEqual(["127.0.0.1"]);
    const srv = mgr.bind("tcp://127.0.0.1:0", (c, ev) => ev.type === "recv" && (c.write("pong"), c.recv.clear()));
    const reply = await new Promise<string>((resolve, reject) => {
      mgr.connect(`tcp://portal.test:${srv.local.port}`, (c, ev) => {
        if (ev.type === "connect") (ev.error ? reject(new Error(ev.error.message)) : c.write("ping"));
        if (ev.type === "recv") resolve(new TextDecoder().decode(c.recv.bytes));
      });
    });
    expect(reply).toBe("pong");
  } finally {
    mgr.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
