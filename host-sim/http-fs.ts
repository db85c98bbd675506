// The static server's filesystem on a PC: a directory, over node:fs (synchronous, like the
// device's flash filesystems). Paths arrive already sanitized; as a second line of defence every
// resolved path (symlinks followed) must stay inside the root. Writes go to a temporary file that
// is renamed into place on close, so an interrupted upload never leaves a truncated file.

import * as fs from "node:fs";
import * as path from "node:path";
import type { FileHandle, FileStat, FileWriter, HttpFileSystem } from "../modules/http/fs";

export interface NodeFileSystemOptions {
  /** allow create()/remove() (uploads, password files); default false */
  writable?: boolean;
}

export function createNodeFileSystem(rootDir: string, options: NodeFileSystemOptions = {}): HttpFileSystem {
  const root = fs.realpathSync(path.resolve(rootDir));
  const inside = (p: string) => p === root || p.startsWith(root + path.sep);

  /** The host path for a "/"-rooted fs path, or undefined when it would leave the root. */
  function resolve(p: string, mustExist: boolean): string | undefined {
    if (p.includes("\0")) return undefined;
    const joined = path.resolve(root, "." + (p.startsWith("/") ? p : "/" + p));
    if (!inside(joined)) return undefined;
    if (!mustExist) {
      // A new file: its directory must exist and be inside.
      try {
        return inside(fs.realpathSync(path.dirname(joined))) ? joined : undefined;
      } catch {
        return undefined;
      }
    }
    try {
      const real = fs.realpathSync(joined);
      return inside(real) ? real : undefined;
    } catch {
      return undefined;
    }
  }

  function toStat(st: fs.Stats): FileStat {
    return { size: st.size, mtime: Math.floor(st.mtimeMs), isDirectory: st.isDirectory() };
  }

  const api: HttpFileSystem = {
    stat(p) {
      const host = resolve(p, true);
      if (!host) return undefined;
      const st = fs.statSync(host, { throwIfNoEntry: false });
      return st && (st.isFile() || st.isDirectory()) ? toStat(st) : undefined;
    },

    open(p) {
      const host = resolve(p, true);
      if (!host) return undefined;
      let fd: number;
      try {
        fd = fs.openSync(host, "r");
      } catch {
        return undefined;
      }
      let open = true;
      const handle: FileHandle = {
        read(into, position) {
          if (!open) return 0;
          return fs.readSync(fd, into, 0, into.length, position);
        },
        close() {
          if (!open) return;
          open = false;
          fs.closeSync(fd);
        },
      };
      return handle;
    },

    list(p, visit, max) {
      const host = resolve(p, true);
      if (!host) return false;
      let dir: fs.Dir;
      try {
        dir = fs.opendirSync(host);
      } catch {
        return false;
      }
      try {
        for (let n = 0; n < max; n++) {
          const e = dir.readSync();
          if (!e) break;
          const st = fs.statSync(path.join(host, e.name), { throwIfNoEntry: false });
          if (!st || !(st.isFile() || st.isDirectory())) continue;
          if (visit(e.name, toStat(st))) break;
        }
      } finally {
        dir.closeSync();
      }
      return true;
    },
  };

  if (options.writable) {
    api.create = (p) => {
      const host = resolve(p, false);
      if (!host) return undefined;
      const existing = fs.statSync(host, { throwIfNoEntry: false });
      if (existing?.isDirectory()) return undefined;
      const tmp = `${host}.part-${process.pid}-${Date.now().toString(36)}`;
      let fd: number;
      try {
        fd = fs.openSync(tmp, "wx");
      } catch {
        return undefined;
      }
      let state: "open" | "closed" = "open";
      const w: FileWriter = {
        write(data) {
          if (state !== "open") return false;
          try {
            let off = 0;
            while (off < data.length) off += fs.writeSync(fd, data, off, data.length - off);
            return true;
          } catch {
            return false;
          }
        },
        close() {
          if (state !== "open") return;
          state = "closed";
          fs.closeSync(fd);
          fs.renameSync(tmp, host);
        },
        abort() {
          if (state !== "open") return;
          state = "closed";
          fs.closeSync(fd);
          fs.rmSync(tmp, { force: true });
        },
      };
      return w;
    };
    api.remove = (p) => {
      const host = resolve(p, true);
      if (!host) return false;
      try {
        fs.unlinkSync(host);
        return true;
      } catch {
        return false;
      }
    };
  }
  return api;
}
