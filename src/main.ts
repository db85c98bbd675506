// The firmware: captive-portal Wi-Fi setup. At boot the device joins a remembered network; when
// it has none (or none answers) it opens an access point with a catch-all DNS and the setup
// portal, takes a person's choice, remembers it, and closes the portal. The same file runs on a
// board (targets/ hands it the Moddable Platform) and in host-sim (`npm start`).

import type { Connection } from "../modules/core/connection";
import { Manager } from "../modules/core/manager";
import type { Platform } from "../modules/core/platform";
import { captive } from "../modules/dns/captive";
import { attach } from "../modules/http/server";
import { PortalHttp } from "./portal/portal-http";
import { DeviceSetup } from "./setup/device-setup";
import { PortalButton, type ButtonInput, type PortalButtonOptions } from "./setup/portal-button";
import { completeSetupConfig, type SetupConfig, type SetupConfigInput } from "./setup/setup-config";

export interface DeviceOptions {
  config?: SetupConfigInput;
  /** the origin redirects point at, from the port the portal actually got (host-sim: the loopback address) */
  portalOrigin?: (httpPort: number, apAddress: string) => string;
  /** reboot the device; default: stop and start again in place */
  restart?: () => void;
  /** the setup button (held for a few seconds: open the portal) */
  button?: ButtonInput;
  buttonOptions?: PortalButtonOptions;
  /** told whenever the setup state changes */
  onChange?: (device: Device) => void;
  /** the portal closed after its timeout (e.g. go to deep sleep) */
  onPortalTimeout?: (device: Device) => void;
}

export interface PortalEndpoints {
  http: Connection;
  dns: Connection;
  url: string;
}

export interface Device {
  readonly mgr: Manager;
  readonly setup: DeviceSetup;
  readonly config: SetupConfig;
  /** the running portal's listeners, while it is up */
  portal(): PortalEndpoints | undefined;
  /** on-demand entry into setup */
  openPortal(): void;
  closePortal(): void;
  stop(): void;
}

export function startDevice(platform: Platform, options: DeviceOptions = {}): Device {
  const config = completeSetupConfig(options.config);
  let mgr: Manager;
  let setup: DeviceSetup;
  let endpoints: PortalEndpoints | undefined;
  let button: PortalButton | undefined;
  let stopped = false;

  const portalUrl = (): string => endpoints?.url ?? "/";
  const ownHosts = (): string[] => {
    const hosts: string[] = [];
    const ap = setup.apAddress;
    const port = endpoints?.http.local.port ?? config.httpPort;
    if (ap) {
      if (port === 80) hosts.push(ap);
      hosts.push(`${ap}:${port}`);
    }
    if (endpoints) {
      const m = /^https?:\/\/([^/]+)/i.exec(endpoints.url);
      if (m) hosts.push(m[1]);
    }
    return hosts;
  };

  function boot(): void {
    mgr = new Manager(platform);
    setup = new DeviceSetup(platform, config, {
      portalUp(address) {
        const web = mgr.bind(`tcp://${config.listenAddress}:${config.httpPort}`, portal.handler, { maxAccepted: config.httpMaxConnections });
        let dns: Connection;
        try {
          dns = mgr.bind(`udp://${config.listenAddress}:${config.dnsPort}`, () => {});
        } catch (e) {
          web.close();
          throw e;
        }
        captive(dns, { address, ttl: config.dnsTtl });
        attach(web, {
          maxBufferedBody: 1024,
          // the core's accept limit (above) bounds the connections; past it clients queue
          maxConnections: 0,
          keepAlive: config.httpKeepAlive,
          idleTimeoutMs: 15000,
          hooks: { logAccess: portal.logAccess },
        });
        const port = web.local.port;
        const origin = options.portalOrigin ? options.portalOrigin(port, address) : `http://${address}${port === 80 ? "" : `:${port}`}`;
        endpoints = { http: web, dns, url: origin.replace(/\/+$/, "") + "/" };
        platform.log("info", `portal: http on ${config.listenAddress}:${port} (${endpoints.url}), DNS catch-all on udp ${config.listenAddress}:${dns.local.port} -> ${address}`);
      },
      portalDown() {
        const e = endpoints;
        endpoints = undefined;
        if (!e) return;
        // Clients still connected to the portal go too: nothing they could ask is served any more.
        mgr.broadcast((c) => {
          if (c.listener === e.http) c.closeAfterSend();
        });
        e.http.close();
        e.dns.close();
      },
      restart() {
        if (options.restart) {
          options.restart();
          return;
        }
        // No reboot hook: start over in place, with what the store holds.
        platform.log("warn", "restart: starting setup over");
        halt();
        boot();
      },
      portalTimedOut() {
        options.onPortalTimeout?.(device);
      },
      changed() {
        options.onChange?.(device);
      },
    });
    const portal = new PortalHttp({ setup, platform, portalUrl, ownHosts });
    setup.start();
  }

  function halt(): void {
    setup.stop();
    mgr.close();
    endpoints = undefined;
  }

  const device: Device = {
    get mgr() {
      return mgr;
    },
    get setup() {
      return setup;
    },
    config,
    portal: () => endpoints,
    openPortal: () => setup.openPortal("requested"),
    closePortal: () => setup.closePortal("requested"),
    stop() {
      if (stopped) return;
      stopped = true;
      button?.stop();
      halt();
    },
  };

  if (options.button) {
    button = new PortalButton(options.button, platform.timers, () => platform.now(), () => {
      platform.log("info", "setup button held: opening the portal");
      setup.openPortal("button");
    }, options.buttonOptions);
  }
  boot();
  return device;
}
