// Idle keep-alive connections of the HTTP client, per Manager and per "host:port", so a device
// fetching several resources from one server pays for one TCP handshake. Small and bounded: a
// few idle connections per origin, each closed after an idle timeout.

import type { Connection } from "../core/connection";
import type { Manager } from "../core/manager";

export const MAX_IDLE_PER_ORIGIN = 2;
export const MAX_IDLE_TOTAL = 8;
export const IDLE_TIMEOUT_MS = 15000;

export class ClientPool {
  private readonly idle = new Map<string, Connection[]>();
  private total = 0;

  /** An idle, still-open connection to `key`, taken out of the pool. */
  take(key: string): Connection | undefined {
    const list = this.idle.get(key);
    while (list && list.length > 0) {
      const c = list.pop()!;
      this.total--;
      if (list.length === 0) this.idle.delete(key);
      if (!c.isClosed) return c;
    }
    return undefined;
  }

  /** Keep `c` for reuse; false when the pool is full (the caller closes it). */
  put(key: string, c: Connection): boolean {
    if (c.isClosed || this.total >= MAX_IDLE_TOTAL) return false;
    let list = this.idle.get(key);
    if (!list) this.idle.set(key, (list = []));
    if (list.length >= MAX_IDLE_PER_ORIGIN) return false;
    list.push(c);
    this.total++;
    return true;
  }

  remove(key: string, c: Connection): void {
    const list = this.idle.get(key);
    if (!list) return;
    const i = list.indexOf(c);
    if (i < 0) return;
    list.splice(i, 1);
    this.total--;
    if (list.length === 0) this.idle.delete(key);
  }

  get size(): number {
    return this.total;
  }
}

const pools = new WeakMap<Manager, ClientPool>();

export function poolOf(mgr: Manager): ClientPool {
  let p = pools.get(mgr);
  if (!p) pools.set(mgr, (p = new ClientPool()));
  return p;
}
