// "preference" for the XS run: Moddable's Preference (static get/set/delete/keys by domain and
// key) over a store the host keeps, so values outlive the XS machine like flash does. The device
// limits are enforced (ESP32 NVS: names up to 15 characters, values up to 4000 bytes; ESP8266:
// 32 and 63), so code that is wrong about them fails here instead of on a board.

import { call } from "./host";
import { profile } from "./profile";

export type PreferenceValue = boolean | number | string | ArrayBuffer;

const encoder = new TextEncoder();

function checkName(kind: string, name: string): void {
  if (typeof name !== "string" || name.length === 0 || name.length > profile.preferenceNameLimit) {
    throw new Error(`invalid ${kind}: 1 to ${profile.preferenceNameLimit} characters`);
  }
}

function encode(value: PreferenceValue): { type: string; value?: unknown; bytes?: Uint8Array } {
  if (typeof value === "boolean") return { type: "boolean", value };
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value < -2147483648 || value > 2147483647) throw new RangeError("integer required");
    return { type: "integer", value };
  }
  if (typeof value === "string") {
    const bytes = encoder.encode(value);
    if (bytes.length > profile.preferenceValueLimit) throw new RangeError(`value too long: ${profile.preferenceValueLimit} bytes max`);
    return { type: "string", bytes };
  }
  if (value instanceof ArrayBuffer) {
    if (value.byteLength > profile.preferenceValueLimit) throw new RangeError(`value too long: ${profile.preferenceValueLimit} bytes max`);
    return { type: "buffer", bytes: new Uint8Array(value) };
  }
  throw new TypeError("unsupported preference type");
}

const Preference = {
  get(domain: string, key: string): PreferenceValue | undefined {
    checkName("domain", domain);
    checkName("key", key);
    const reply = call({ op: "pref.get", domain, key });
    switch (reply.header.type) {
      case "boolean":
      case "integer":
        return reply.header.value as boolean | number;
      case "string":
        return new TextDecoder().decode(reply.payload);
      case "buffer":
        return reply.payload.slice().buffer as ArrayBuffer;
      default:
        return undefined;
    }
  },
  set(domain: string, key: string, value: PreferenceValue): void {
    checkName("domain", domain);
    checkName("key", key);
    const { type, value: plain, bytes } = encode(value);
    call({ op: "pref.set", domain, key, type, value: plain }, bytes);
  },
  delete(domain: string, key: string): void {
    checkName("domain", domain);
    checkName("key", key);
    call({ op: "pref.delete", domain, key });
  },
  keys(domain: string): string[] {
    checkName("domain", domain);
    return call({ op: "pref.keys", domain }).header.keys as string[];
  },
};

export default Preference;
