// The portal's list of networks from a scan: one entry per SSID (the strongest access point of
// a name stands for it), strongest first, weak and nameless ones left out, bounded in length.
// Each entry carries an `id` — the SSID's UTF-8 bytes in hex — which forms submit instead of the
// name itself: SSIDs are attacker-chosen bytes, and a hex token survives HTML attributes, form
// encoding and browsers' newline normalisation exactly.

import type { WifiNetwork, WifiSecurity } from "../../modules/core/platform";
import { utf8Decode, utf8Encode, utf8Length } from "../../modules/util/utf8";

export interface ListedNetwork {
  ssid: string;
  id: string;
  rssi: number;
  /** 1 to 4 */
  bars: number;
  security: WifiSecurity;
  secure: boolean;
  /** WPA-Enterprise needs a user name and certificates: listed, but not joinable from here */
  enterprise: boolean;
  /** false for enterprise networks and for names the radio could not hand over intact (bytes
   * that are not UTF-8 came back as U+FFFD, so the name no longer fits in 32 bytes) */
  joinable: boolean;
}

const HEX = "0123456789abcdef";

export function ssidId(ssid: string): string {
  const b = utf8Encode(ssid);
  let s = "";
  for (let i = 0; i < b.length; i++) s += HEX[b[i] >> 4] + HEX[b[i] & 15];
  return s;
}

/** The SSID an id names, or undefined for a malformed id (odd length, non-hex, over 32 bytes). */
export function ssidFromId(id: string): string | undefined {
  if (id.length === 0 || id.length % 2 !== 0 || id.length > 64) return undefined;
  const out = new Uint8Array(id.length / 2);
  for (let i = 0; i < out.length; i++) {
    const h = HEX.indexOf(id[2 * i].toLowerCase());
    const l = HEX.indexOf(id[2 * i + 1].toLowerCase());
    if (h < 0 || l < 0) return undefined;
    out[i] = (h << 4) | l;
  }
  return utf8Decode(out);
}

/**
 * The name as it is shown: control characters become their visible pictures (U+2400 block) and
 * bidirectional overrides a replacement character, so a name can neither hide characters nor
 * reorder what follows it. Submission uses the id, so the real name is untouched.
 */
export function displaySsid(ssid: string): string {
  let out = "";
  let from = 0;
  for (let i = 0; i < ssid.length; i++) {
    const c = ssid.charCodeAt(i);
    let r: string | undefined;
    if (c < 0x20) r = String.fromCharCode(0x2400 + c);
    else if (c === 0x7f) r = "\u2421";
    else if (c === 0x200e || c === 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) r = "\ufffd";
    if (r === undefined) continue;
    out += ssid.slice(from, i) + r;
    from = i + 1;
  }
  return from === 0 ? ssid : out + ssid.slice(from);
}

/** Bars as phones draw them: -55 dBm and up is full signal, each step about 10 dB. */
export function signalBars(rssi: number): number {
  if (rssi >= -55) return 4;
  if (rssi >= -67) return 3;
  if (rssi >= -77) return 2;
  return 1;
}

export function buildNetworkList(networks: readonly WifiNetwork[], options: { minRssi: number; max: number }): ListedNetwork[] {
  const best = new Map<string, WifiNetwork>();
  for (const n of networks) {
    if (!n.ssid || n.rssi < options.minRssi) continue;
    const seen = best.get(n.ssid);
    if (!seen || n.rssi > seen.rssi) best.set(n.ssid, n);
  }
  const list = Array.from(best.values());
  list.sort((a, b) => b.rssi - a.rssi || (a.ssid < b.ssid ? -1 : a.ssid > b.ssid ? 1 : 0));
  return list.slice(0, options.max).map((n) => ({
    ssid: n.ssid,
    id: ssidId(n.ssid),
    rssi: n.rssi,
    bars: signalBars(n.rssi),
    security: n.security,
    secure: n.security !== "open",
    enterprise: n.security === "wpa2-enterprise",
    joinable: n.security !== "wpa2-enterprise" && utf8Length(n.ssid) <= 32,
  }));
}
