// A hosts table (mg_resolve_from_hosts_file): names the resolver answers without asking the
// network. Built from hosts-file text (host-sim reads /etc/hosts; a device may ship one) or from
// a config object. Bounded in entries, addresses per name and line length.

import { isIPv4, isIPv6 } from "./ip";
import { canonicalName, nameWireLength } from "./name";

export interface HostsLimits {
  /** most names kept (default 256) */
  maxNames?: number;
  /** most addresses per name and family (default 8) */
  maxAddresses?: number;
  /** longer lines are skipped (default 1024) */
  maxLine?: number;
}

export class HostsTable {
  private readonly names = new Map<string, { v4: string[]; v6: string[] }>();
  private readonly maxNames: number;
  private readonly maxAddresses: number;

  constructor(limits: HostsLimits = {}) {
    this.maxNames = limits.maxNames ?? 256;
    this.maxAddresses = limits.maxAddresses ?? 8;
  }

  get size(): number {
    return this.names.size;
  }

  /** Add an address for a name; false when the address or name is invalid or a limit is reached. */
  add(name: string, address: string): boolean {
    const v4 = isIPv4(address);
    if (!v4 && !isIPv6(address)) return false;
    if (nameWireLength(name) < 0) return false;
    const key = canonicalName(name);
    let entry = this.names.get(key);
    if (!entry) {
      if (this.names.size >= this.maxNames) return false;
      entry = { v4: [], v6: [] };
      this.names.set(key, entry);
    }
    const list = v4 ? entry.v4 : entry.v6;
    if (list.includes(address)) return true;
    if (list.length >= this.maxAddresses) return false;
    list.push(address);
    return true;
  }

  /** Addresses for `name` of the family of `type` ("A" or "AAAA"); undefined when the name is absent. */
  lookup(name: string, type: string): string[] | undefined {
    const entry = this.names.get(canonicalName(name));
    if (!entry) return undefined;
    return type === "AAAA" ? entry.v6 : type === "A" ? entry.v4 : [];
  }
}

/**
 * Parse hosts-file text: "address name [aliases...]" per line, '#' starts a comment. Lines with
 * an invalid address are skipped, as are invalid names; the first address listed for a name
 * comes first in lookups.
 */
export function parseHosts(text: string, limits: HostsLimits = {}, into = new HostsTable(limits)): HostsTable {
  const maxLine = limits.maxLine ?? 1024;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    if (end - start <= maxLine) parseLine(text.slice(start, end), into);
    start = end + 1;
  }
  return into;
}

function parseLine(line: string, into: HostsTable): void {
  const hash = line.indexOf("#");
  const fields = (hash >= 0 ? line.slice(0, hash) : line).split(/[ \t\r]+/).filter((f) => f.length > 0);
  if (fields.length < 2) return;
  const address = fields[0];
  if (!isIPv4(address) && !isIPv6(address)) return;
  for (let i = 1; i < fields.length; i++) into.add(fields[i], address);
}

/** A table from configuration: { "printer.lan": "192.168.1.9", "nas": ["10.0.0.2", "fd00::2"] }. */
export function hostsFromConfig(config: Record<string, string | string[]>, limits: HostsLimits = {}): HostsTable {
  const t = new HostsTable(limits);
  for (const name of Object.keys(config)) {
    const v = config[name];
    for (const a of Array.isArray(v) ? v : [v]) t.add(name, a);
  }
  return t;
}
