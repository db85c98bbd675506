// Every knob of device setup, with defaults that suit a phone held next to the device. Times are
// milliseconds. A partial config from the manifest (device) or the command line (host-sim) is
// completed with these.

export interface SetupConfig {
  /** the setup AP; ssid defaults to ssidPrefix + the last 4 hex digits of the MAC */
  ap: { ssid?: string; ssidPrefix: string; password?: string; channel: number; hidden: boolean; maxClients: number };
  /** where the catch-all DNS and the portal listen (device: 0.0.0.0, host-sim: 127.0.0.1) */
  listenAddress: string;
  dnsPort: number;
  httpPort: number;
  /** TTL of the catch-all answers, seconds: short, so clients forget them soon after setup */
  dnsTtl: number;
  /** origin redirects point at; default http://<AP address>[:httpPort] */
  portalOrigin?: string;
  /** name shown on the pages and in /info */
  deviceName: string;
  /** portal connections at once; more wait in the listener's backlog until one closes. A phone
   * opens about four, each ~2.7 KB of heap: 2 is what an ESP8266's 32 KB heap affords */
  httpMaxConnections: number;
  /** keep connections open between requests; off, each response frees its slot at once (the
   * ESP8266 setting, where waiting clients need the slots more than a saved handshake) */
  httpKeepAlive: boolean;

  /** one station join gives up after this long without an answer */
  joinTimeoutMs: number;
  /** tries per saved network at boot before moving on */
  attemptsPerNetwork: number;
  retryDelayMs: number;
  maxSavedNetworks: number;

  /** while the portal is up, saved networks are retried this often (0: never) */
  backgroundRetryMs: number;
  /** ...but not while a person used the portal this recently (a join moves the radio's channel) */
  quietMs: number;
  /** close the portal after this long without a request from a person (0: never) */
  portalTimeoutMs: number;
  /** after a successful setup the portal stays up at most this long for the client to read it */
  lingerMs: number;
  /** ...and this long once the client has fetched the result */
  seenGraceMs: number;
  /** a station that loses its link keeps retrying this long before opening the portal */
  linkLossGraceMs: number;

  /** networks weaker than this (dBm) are left out of the list */
  minRssi: number;
  /** entries in the portal's list at most */
  maxListed: number;
  /** a scan younger than this is reused for the list */
  scanMaxAgeMs: number;
}

export type SetupConfigInput = Partial<Omit<SetupConfig, "ap">> & { ap?: Partial<SetupConfig["ap"]> };

export const defaultSetupConfig: SetupConfig = {
  ap: { ssidPrefix: "mcnet-", channel: 1, hidden: false, maxClients: 4 },
  listenAddress: "0.0.0.0",
  dnsPort: 53,
  httpPort: 80,
  dnsTtl: 60,
  deviceName: "mcnet device",
  httpMaxConnections: 8,
  httpKeepAlive: true,
  joinTimeoutMs: 15000,
  attemptsPerNetwork: 2,
  retryDelayMs: 1000,
  maxSavedNetworks: 5,
  backgroundRetryMs: 60000,
  quietMs: 20000,
  portalTimeoutMs: 600000,
  lingerMs: 30000,
  seenGraceMs: 4000,
  linkLossGraceMs: 30000,
  minRssi: -88,
  maxListed: 30,
  scanMaxAgeMs: 10000,
};

export function completeSetupConfig(input: SetupConfigInput = {}): SetupConfig {
  return { ...defaultSetupConfig, ...input, ap: { ...defaultSetupConfig.ap, ...input.ap } } as SetupConfig;
}
