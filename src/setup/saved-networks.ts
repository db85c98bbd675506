// The networks the device remembers, most recently successful first, in one store key. The whole
// list is one value so that every change is a single atomic store write: after a power cut the
// device has the old list or the new one, never half of each. What comes back from flash is
// checked like any other input: a damaged or foreign value yields an empty list, not a crash.

import type { KeyValueStore } from "../../modules/core/platform";
import { checkSsid } from "./wifi-credentials";
import { utf8Length } from "../../modules/util/utf8";

export interface SavedNetwork {
  ssid: string;
  password: string;
  /** joined by name without being seen in a scan (it does not beacon) */
  hidden?: boolean;
}

export const SAVED_NETWORKS_KEY = "wifi.networks";
const FORMAT = 1;
const MAX_PASSWORD_BYTES = 64;

function parse(text: string | undefined, max: number): SavedNetwork[] {
  if (text === undefined) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return [];
  }
  if (!raw || typeof raw !== "object" || (raw as { v?: unknown }).v !== FORMAT) return [];
  const list = (raw as { networks?: unknown }).networks;
  if (!Array.isArray(list)) return [];
  const out: SavedNetwork[] = [];
  for (const item of list) {
    if (out.length >= max) break;
    if (!item || typeof item !== "object") continue;
    const { ssid, password, hidden } = item as Record<string, unknown>;
    if (typeof ssid !== "string" || checkSsid(ssid) !== undefined) continue;
    if (typeof password !== "string" || utf8Length(password) > MAX_PASSWORD_BYTES) continue;
    if (out.some((n) => n.ssid === ssid)) continue;
    out.push(hidden === true ? { ssid, password, hidden: true } : { ssid, password });
  }
  return out;
}

export class SavedNetworks {
  private readonly store: KeyValueStore;
  readonly max: number;
  private list: SavedNetwork[];

  constructor(store: KeyValueStore, max = 5) {
    this.store = store;
    this.max = Math.max(1, max);
    this.list = parse(store.get(SAVED_NETWORKS_KEY), this.max);
  }

  /** most recently successful first; copies, so callers cannot edit what is stored */
  all(): SavedNetwork[] {
    return this.list.map((n) => ({ ...n }));
  }

  get size(): number {
    return this.list.length;
  }

  has(ssid: string): boolean {
    return this.list.some((n) => n.ssid === ssid);
  }

  /** A join with these credentials just succeeded: put them first, dropping the oldest past max. */
  remember(network: SavedNetwork): void {
    const entry: SavedNetwork = network.hidden ? { ssid: network.ssid, password: network.password, hidden: true } : { ssid: network.ssid, password: network.password };
    const next = [entry, ...this.list.filter((n) => n.ssid !== network.ssid)].slice(0, this.max);
    this.write(next);
  }

  forget(ssid: string): boolean {
    if (!this.has(ssid)) return false;
    this.write(this.list.filter((n) => n.ssid !== ssid));
    return true;
  }

  clear(): void {
    this.list = [];
    this.store.delete(SAVED_NETWORKS_KEY);
  }

  /** Re-read flash (after another writer, or to prove what survived). */
  reload(): void {
    this.list = parse(this.store.get(SAVED_NETWORKS_KEY), this.max);
  }

  private write(next: SavedNetwork[]): void {
    // The store write is the commit point: memory follows only once flash has the new list.
    this.store.set(SAVED_NETWORKS_KEY, JSON.stringify({ v: FORMAT, networks: next }));
    this.list = next;
  }
}
