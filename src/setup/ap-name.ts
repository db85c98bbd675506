// The setup AP's name when none is configured: a fixed prefix and the last two bytes of the MAC,
// so two devices on one table are told apart and the name survives a reflash.

export function apSsidFromMac(mac: string, prefix = "mcnet-"): string {
  let hex = "";
  for (let i = 0; i < mac.length; i++) {
    const c = mac.charCodeAt(i) | 0x20;
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66)) hex += mac[i];
  }
  const tail = hex.length >= 4 ? hex.slice(-4) : hex.padStart(4, "0");
  return prefix + tail.toUpperCase();
}
