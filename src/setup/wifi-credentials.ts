// What a Wi-Fi network name and passphrase may be (IEEE 802.11: an SSID is 1 to 32 bytes; a
// WPA passphrase is 8 to 63 characters, or the 256-bit PSK as 64 hex digits). Checked before a
// join so a person gets a precise message at once instead of a handshake failure later.

import type { WifiSecurity } from "../../modules/core/platform";
import { utf8Length } from "../../modules/util/utf8";

export const MAX_SSID_BYTES = 32;
export const MIN_PASSPHRASE = 8;
export const MAX_PASSPHRASE_BYTES = 63;

export type CredentialProblem =
  | "ssid-empty"
  | "ssid-too-long"
  | "password-too-short"
  | "password-too-long"
  | "password-control-character"
  | "password-not-allowed";

export const credentialMessages: Record<CredentialProblem, string> = {
  "ssid-empty": "Choose a network or type its name.",
  "ssid-too-long": "A network name is at most 32 bytes.",
  "password-too-short": "A WPA password has at least 8 characters.",
  "password-too-long": "A WPA password has at most 63 characters (or exactly 64 hex digits).",
  "password-control-character": "The password contains a control character.",
  "password-not-allowed": "This network is open: leave the password empty.",
};

export function checkSsid(ssid: string): CredentialProblem | undefined {
  if (ssid.length === 0) return "ssid-empty";
  if (utf8Length(ssid) > MAX_SSID_BYTES) return "ssid-too-long";
  return undefined;
}

function isHex64(s: string): boolean {
  if (s.length !== 64) return false;
  for (let i = 0; i < 64; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

/**
 * `security` is the chosen network's, from a scan; undefined for a hidden network typed by hand,
 * which accepts both an empty password and a passphrase.
 */
export function checkPassword(password: string, security: WifiSecurity | undefined): CredentialProblem | undefined {
  if (password.length === 0) return security === undefined || security === "open" ? undefined : "password-too-short";
  if (security === "open") return "password-not-allowed";
  for (let i = 0; i < password.length; i++) {
    const c = password.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return "password-control-character";
  }
  if (isHex64(password)) return undefined;
  // WEP keys are 5 or 13 characters (10 or 26 hex digits): below the WPA minimum.
  if (password.length < MIN_PASSPHRASE && security !== "wep") return "password-too-short";
  if (utf8Length(password) > MAX_PASSPHRASE_BYTES) return "password-too-long";
  return undefined;
}
