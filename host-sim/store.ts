// The key-value store over a JSON file, written atomically: the new content goes to a temporary
// file that is fsynced and renamed over the old one, so a crash at any point leaves the old
// file or the new one, never a torn one (what Preference gives on a device).

import * as fs from "node:fs";
import * as path from "node:path";
import type { KeyValueStore } from "../modules/core/platform";

export class FileStore implements KeyValueStore {
  readonly file: string;
  private data: Record<string, string>;

  constructor(file: string) {
    this.file = file;
    this.data = FileStore.load(file);
  }

  static load(file: string): Record<string, string> {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      return {};
    }
    try {
      const parsed = JSON.parse(text);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(parsed)) if (typeof v === "string") out[k] = v;
        return out;
      }
    } catch {
      // unreadable store: start blank rather than crash the device
    }
    return {};
  }

  get(key: string): string | undefined {
    return Object.prototype.hasOwnProperty.call(this.data, key) ? this.data[key] : undefined;
  }

  set(key: string, value: string): void {
    this.data[key] = value;
    this.persist();
  }

  delete(key: string): void {
    if (!(key in this.data)) return;
    delete this.data[key];
    this.persist();
  }

  keys(): string[] {
    return Object.keys(this.data);
  }

  private persist(): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fd = fs.openSync(tmp, "w", 0o600);
    try {
      fs.writeSync(fd, JSON.stringify(this.data));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
    try {
      const dir = fs.openSync(path.dirname(this.file), "r");
      fs.fsyncSync(dir);
      fs.closeSync(dir);
    } catch {
      // directories cannot be fsynced on every filesystem
    }
  }
}

/** A store that lives in memory only (tests, or a device without flash). */
export class MemoryStore implements KeyValueStore {
  private data = new Map<string, string>();
  get(key: string) {
    return this.data.get(key);
  }
  set(key: string, value: string) {
    this.data.set(key, value);
  }
  delete(key: string) {
    this.data.delete(key);
  }
  keys() {
    return Array.from(this.data.keys());
  }
}
