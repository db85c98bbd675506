// Sizes of the device the XS run pretends to be. The defaults are ESP32's lwIP and NVS figures
// (TCP_SND_BUF / TCP_WND 5744 bytes; NVS keys 15 characters, values 4000 bytes); the host can
// switch to ESP8266's (2920-byte send buffer, Preference keys 32 characters, values 63 bytes).

export interface DeviceProfile {
  name: string;
  tcpSendBuffer: number;
  /** Preference key and domain names, in characters */
  preferenceNameLimit: number;
  /** Preference value, in bytes */
  preferenceValueLimit: number;
}

export const ESP32: DeviceProfile = { name: "esp32", tcpSendBuffer: 5744, preferenceNameLimit: 15, preferenceValueLimit: 4000 };
export const ESP8266: DeviceProfile = { name: "esp", tcpSendBuffer: 2920, preferenceNameLimit: 32, preferenceValueLimit: 63 };

export const profile: DeviceProfile = { ...ESP32 };

export function useProfile(p: DeviceProfile): void {
  Object.assign(profile, p);
}
