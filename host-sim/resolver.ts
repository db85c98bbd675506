// The DNS resolver on a PC, configured the way the host is: names from a hosts file
// (mg_resolve_from_hosts_file) and nameservers from resolv.conf. On a device both come from config.

import * as fs from "node:fs";
import type { Manager } from "../modules/core/manager";
import { isIPv4, isIPv6 } from "../modules/core/address";
import { parseHosts } from "../modules/dns/hosts";
import { Resolver, type ResolverOptions } from "../modules/dns/resolver";

export interface HostResolverOptions extends ResolverOptions {
  hostsFile?: string;
  resolvConf?: string;
}

/** The `nameserver` lines of resolv.conf text (IP literals only, at most 3 as glibc reads). */
export function nameserversFromResolvConf(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split("\n")) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (!m) continue;
    const addr = m[1].replace(/%.*$/, "");
    if (isIPv4(addr)) out.push(addr);
    else if (isIPv6(addr)) out.push(`[${addr}]:53`);
    if (out.length === 3) break;
  }
  return out;
}

function readOptional(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** Build a Resolver from the host's files and install it as mgr.resolve. */
export function installHostResolver(mgr: Manager, options: HostResolverOptions = {}): Resolver {
  const { hostsFile = "/etc/hosts", resolvConf = "/etc/resolv.conf", ...rest } = options;
  const hostsText = readOptional(hostsFile);
  const resolvText = readOptional(resolvConf);
  const nameservers = rest.nameservers ?? (resolvText ? nameserversFromResolvConf(resolvText) : []);
  return new Resolver(mgr, {
    ...rest,
    nameservers: nameservers.length ? nameservers : ["127.0.0.1"],
    hosts: rest.hosts ?? (hostsText !== undefined ? parseHosts(hostsText) : undefined),
  }).install();
}
