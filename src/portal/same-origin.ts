// The check in front of every request that changes the device (join, forget, erase, restart).
// A page from elsewhere must not be able to post to the portal from a browser on the AP, and in
// captive mode every name resolves to the device, so a check of Origin alone is not enough: the
// Host must also be one of the portal's own names (that defeats DNS rebinding, where the
// attacker's name points at the device and Origin then matches Host).

export interface OriginHeaders {
  host?: string;
  origin?: string;
  referer?: string;
}

function lower(s: string): string {
  return s.toLowerCase();
}

/**
 * `ownHosts`: the portal's authorities ("192.168.4.1", "192.168.4.1:8080", ...). `strict`: refuse a
 * request that has neither Origin nor Referer (browsers send Origin on every POST; an old client
 * or a script can send it too).
 */
export function isSameOrigin(h: OriginHeaders, ownHosts: readonly string[], strict: boolean): boolean {
  if (h.host === undefined) return false;
  const host = lower(h.host.trim());
  if (!ownHosts.some((o) => lower(o) === host)) return false;
  const self = "http://" + host;
  if (h.origin !== undefined) return lower(h.origin.trim()) === self;
  if (h.referer !== undefined) {
    const r = lower(h.referer.trim());
    return r === self || r.startsWith(self + "/") || r.startsWith(self + "?");
  }
  return !strict;
}
