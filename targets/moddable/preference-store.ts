// The Platform's KeyValueStore over Moddable's Preference, within the port's limits:
//   ESP32 (NVS):  key and domain names up to 15 characters, values up to 4000 bytes;
//   ESP8266:      names up to 32 characters, values up to 63 bytes (and a few KB in all).
// mcnet keys and values are longer than that, so:
//   - a key is stored under a short name derived from its hash ("k" + base-36 FNV-1a, at most 8
//     characters; a few probe variants resolve collisions), and the full key is kept in the entry;
//   - an entry is a header value [version, generation, chunk count, key length, value length (u32),
//     key bytes, and the value itself when it fits]; longer values go in chunks named
//     <slot><generation><index>, each at most one Preference value long.
// A set writes the new generation's chunks first and the header last: NVS writes one value
// atomically, so the header is the commit point and a reader (or a reboot) sees the old value or
// the new one, never a mix. Chunks of the old generation are deleted after the commit; a power
// cut in between leaves unreferenced chunks that the next write of that key reuses.

import type { KeyValueStore } from "../../modules/core/platform";
import { utf8Decode, utf8Encode } from "../../modules/util/utf8";

export type PreferenceValue = boolean | number | string | ArrayBuffer;

/** The static API of Moddable's "preference" module. */
export interface PreferenceApi {
  get(domain: string, key: string): PreferenceValue | undefined;
  set(domain: string, key: string, value: PreferenceValue): void;
  delete(domain: string, key: string): void;
  keys(domain: string): string[];
}

export interface PreferenceLimits {
  /** longest key or domain name, characters */
  name: number;
  /** longest value, bytes */
  value: number;
}

export const ESP32_PREFERENCE_LIMITS: PreferenceLimits = { name: 15, value: 4000 };
export const ESP8266_PREFERENCE_LIMITS: PreferenceLimits = { name: 32, value: 63 };

export interface PreferenceStoreOptions {
  domain?: string;
  limits?: PreferenceLimits;
  /** most chunks one value may use; bounds a value at chunks × limits.value bytes */
  maxChunks?: number;
}

const VERSION = 1;
const HEADER = 8;
const PROBES = 4;
const SLOT = /^k[0-9a-z]{1,7}$/;

function fnv1a(text: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

interface Entry {
  slot: string;
  generation: number;
  chunks: number;
  value: Uint8Array | undefined;
  valueLength: number;
}

export class PreferenceStore implements KeyValueStore {
  readonly domain: string;
  readonly limits: PreferenceLimits;
  readonly maxChunks: number;

  constructor(
    private readonly preference: PreferenceApi,
    options: PreferenceStoreOptions = {},
  ) {
    this.domain = options.domain ?? "mcnet";
    this.limits = options.limits ?? ESP32_PREFERENCE_LIMITS;
    this.maxChunks = Math.min(options.maxChunks ?? 64, 255);
    if (this.domain.length === 0 || this.domain.length > this.limits.name) throw new RangeError(`preference domain must be 1 to ${this.limits.name} characters`);
    if (this.limits.name < 11 || this.limits.value < HEADER + 8) throw new RangeError("preference limits too small for the store's layout");
  }

  /** the longest value (UTF-8 bytes) set() accepts */
  get maxValueBytes(): number {
    return this.maxChunks * this.limits.value;
  }

  /** the longest key (UTF-8 bytes) set() accepts */
  get maxKeyBytes(): number {
    return Math.min(255, this.limits.value - HEADER);
  }

  get(key: string): string | undefined {
    const entry = this.find(key);
    if (!entry) return undefined;
    if (entry.value) return utf8Decode(entry.value);
    const out = new Uint8Array(entry.valueLength);
    let at = 0;
    for (let i = 0; i < entry.chunks; i++) {
      const chunk = this.preference.get(this.domain, this.chunkName(entry.slot, entry.generation, i));
      if (!(chunk instanceof ArrayBuffer) || at + chunk.byteLength > out.length) return undefined;
      out.set(new Uint8Array(chunk), at);
      at += chunk.byteLength;
    }
    return at === out.length ? utf8Decode(out) : undefined;
  }

  set(key: string, value: string): void {
    // Every UTF-16 unit is at least one UTF-8 byte: refuse what is too long before encoding it
    // (on XS, encoding a long string costs time quadratic in its length).
    if (key.length > this.maxKeyBytes) throw new RangeError(`store key must be 1 to ${this.maxKeyBytes} bytes`);
    if (value.length > this.maxValueBytes) throw new RangeError(`store value over ${this.maxValueBytes} bytes`);
    const keyBytes = utf8Encode(key);
    if (keyBytes.length === 0 || keyBytes.length > this.maxKeyBytes) throw new RangeError(`store key must be 1 to ${this.maxKeyBytes} bytes`);
    const bytes = utf8Encode(value);
    if (bytes.length > this.maxValueBytes) throw new RangeError(`store value over ${this.maxValueBytes} bytes`);

    const old = this.find(key);
    const slot = old ? old.slot : this.freeSlot(key);
    const generation = old ? old.generation ^ 1 : 0;
    const inline = HEADER + keyBytes.length + bytes.length <= this.limits.value;
    const size = this.limits.value;
    const chunks = inline ? 0 : Math.ceil(bytes.length / size);
    for (let i = 0; i < chunks; i++) {
      this.preference.set(this.domain, this.chunkName(slot, generation, i), bytes.slice(i * size, Math.min(bytes.length, (i + 1) * size)).buffer as ArrayBuffer);
    }
    const header = new Uint8Array(HEADER + keyBytes.length + (inline ? bytes.length : 0));
    header[0] = VERSION;
    header[1] = generation;
    header[2] = chunks;
    header[3] = keyBytes.length;
    new DataView(header.buffer).setUint32(4, bytes.length, true);
    header.set(keyBytes, HEADER);
    if (inline) header.set(bytes, HEADER + keyBytes.length);
    this.preference.set(this.domain, slot, header.buffer as ArrayBuffer);
    if (old) this.deleteChunks(old.slot, old.generation, old.chunks);
  }

  delete(key: string): void {
    const entry = this.find(key);
    if (!entry) return;
    this.preference.delete(this.domain, entry.slot);
    this.deleteChunks(entry.slot, entry.generation, entry.chunks);
  }

  keys(): string[] {
    const out: string[] = [];
    for (const name of this.preference.keys(this.domain)) {
      if (!SLOT.test(name)) continue;
      const header = this.header(name);
      if (header) out.push(utf8Decode(header.subarray(HEADER, HEADER + header[3])));
    }
    return out;
  }

  private header(slot: string): Uint8Array | undefined {
    const raw = this.preference.get(this.domain, slot);
    if (!(raw instanceof ArrayBuffer) || raw.byteLength < HEADER) return undefined;
    const h = new Uint8Array(raw);
    if (h[0] !== VERSION || h[1] > 1 || HEADER + h[3] > h.length) return undefined;
    return h;
  }

  private find(key: string): Entry | undefined {
    const keyBytes = utf8Encode(key);
    for (let probe = 0; probe < PROBES; probe++) {
      const slot = this.slotName(key, probe);
      const h = this.header(slot);
      if (!h || h[3] !== keyBytes.length) continue;
      let same = true;
      for (let i = 0; i < keyBytes.length && same; i++) same = h[HEADER + i] === keyBytes[i];
      if (!same) continue;
      const valueLength = new DataView(h.buffer, h.byteOffset, h.byteLength).getUint32(4, true);
      const chunks = h[2];
      const inlineStart = HEADER + keyBytes.length;
      return {
        slot,
        generation: h[1],
        chunks,
        valueLength,
        value: chunks === 0 ? h.slice(inlineStart, inlineStart + valueLength) : undefined,
      };
    }
    return undefined;
  }

  private freeSlot(key: string): string {
    for (let probe = 0; probe < PROBES; probe++) {
      const slot = this.slotName(key, probe);
      if (this.preference.get(this.domain, slot) === undefined) return slot;
    }
    throw new Error("store: no free slot for this key (hash collisions)");
  }

  private slotName(key: string, probe: number): string {
    return "k" + fnv1a(key, probe * 0x9e3779b9).toString(36);
  }

  private chunkName(slot: string, generation: number, index: number): string {
    return slot + generation + index.toString(36);
  }

  private deleteChunks(slot: string, generation: number, chunks: number): void {
    for (let i = 0; i < chunks; i++) this.preference.delete(this.domain, this.chunkName(slot, generation, i));
  }
}
