// The filesystem the static server reads (and the upload helper writes). Paths are "/"-rooted and
// already sanitized (see path.ts). Reads go through a handle into a caller's buffer, so a file is
// streamed in bounded chunks and never loaded whole. Synchronous like Moddable's File: on a
// device reads come from flash or SPIFFS/LittleFS without an event loop round trip.
//
// Implementations: MemoryFileSystem below (resources compiled into flash: name -> ArrayBuffer);
// host-sim/http-fs.ts (a directory on the PC, over node:fs).

export interface FileStat {
  size: number;
  /** modification time, ms since the epoch; 0 when unknown (no Last-Modified then) */
  mtime: number;
  isDirectory: boolean;
}

export interface FileHandle {
  /** Fill `into` from byte `position`; returns the count read (0 at the end). */
  read(into: Uint8Array, position: number): number;
  close(): void;
}

export interface FileWriter {
  /** Append bytes; false when the medium refused them (full, I/O error). */
  write(data: Uint8Array): boolean;
  /** Keep the file. */
  close(): void;
  /** Drop what was written (an upload that failed half way must not leave a truncated file). */
  abort(): void;
}

export interface HttpFileSystem {
  stat(path: string): FileStat | undefined;
  open(path: string): FileHandle | undefined;
  /**
   * Visit a directory's entries (names, not paths), at most `max` of them; visit returns true
   * to stop. False when `path` is not a listable directory.
   */
  list?(path: string, visit: (name: string, stat: FileStat) => boolean | void, max: number): boolean;
  /** Create or truncate a file for writing; undefined when not allowed or not possible. */
  create?(path: string): FileWriter | undefined;
  remove?(path: string): boolean;
}

/** Read a small file whole (password files, SSI includes of known size); undefined if over `limit`. */
export function readSmallFile(fs: HttpFileSystem, path: string, limit: number): Uint8Array | undefined {
  const st = fs.stat(path);
  if (!st || st.isDirectory || st.size > limit) return undefined;
  const h = fs.open(path);
  if (!h) return undefined;
  try {
    const out = new Uint8Array(st.size);
    let at = 0;
    while (at < out.length) {
      const n = h.read(out.subarray(at), at);
      if (n <= 0) break;
      at += n;
    }
    return at === out.length ? out : out.subarray(0, at);
  } finally {
    h.close();
  }
}

/** Replace a file's content in one go (through create/close, so abort keeps the old one on failure). */
export function writeWholeFile(fs: HttpFileSystem, path: string, data: Uint8Array): boolean {
  const w = fs.create?.(path);
  if (!w) return false;
  if (!w.write(data)) {
    w.abort();
    return false;
  }
  w.close();
  return true;
}

function toU8(data: ArrayBuffer | Uint8Array): Uint8Array {
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}

/**
 * Files held in memory or flash: a map of "/path" -> bytes. Directories are implied by paths.
 * With `writable`, create() stores new files in the map (a RAM disk for tests and small uploads).
 */
export class MemoryFileSystem implements HttpFileSystem {
  private readonly files = new Map<string, { data: Uint8Array; mtime: number }>();
  private readonly writable: boolean;
  private readonly clock: () => number;

  constructor(files: Record<string, ArrayBuffer | Uint8Array> = {}, options: { mtime?: number; writable?: boolean; clock?: () => number } = {}) {
    const mtime = options.mtime ?? 0;
    for (const name of Object.keys(files)) this.files.set(name.startsWith("/") ? name : "/" + name, { data: toU8(files[name]), mtime });
    this.writable = options.writable ?? false;
    this.clock = options.clock ?? (() => 0);
  }

  private isDir(path: string): boolean {
    if (path === "/" || path === "") return true;
    const prefix = path.endsWith("/") ? path : path + "/";
    for (const name of this.files.keys()) if (name.startsWith(prefix)) return true;
    return false;
  }

  stat(path: string): FileStat | undefined {
    const f = this.files.get(path);
    if (f) return { size: f.data.length, mtime: f.mtime, isDirectory: false };
    return this.isDir(path) ? { size: 0, mtime: 0, isDirectory: true } : undefined;
  }

  open(path: string): FileHandle | undefined {
    const f = this.files.get(path);
    if (!f) return undefined;
    const data = f.data;
    return {
      read(into, position) {
        if (position >= data.length) return 0;
        const n = Math.min(into.length, data.length - position);
        into.set(data.subarray(position, position + n));
        return n;
      },
      close() {},
    };
  }

  list(path: string, visit: (name: string, stat: FileStat) => boolean | void, max: number): boolean {
    if (!this.isDir(path)) return false;
    const prefix = path.endsWith("/") ? path : path + "/";
    const seen = new Set<string>();
    for (const [name, f] of this.files) {
      if (!name.startsWith(prefix)) continue;
      const rest = name.slice(prefix.length);
      const slash = rest.indexOf("/");
      const entry = slash < 0 ? rest : rest.slice(0, slash);
      if (entry.length === 0 || seen.has(entry)) continue;
      if (seen.size >= max) break;
      seen.add(entry);
      const st: FileStat = slash < 0 ? { size: f.data.length, mtime: f.mtime, isDirectory: false } : { size: 0, mtime: 0, isDirectory: true };
      if (visit(entry, st)) break;
    }
    return true;
  }

  create(path: string): FileWriter | undefined {
    if (!this.writable) return undefined;
    const files = this.files;
    const clock = this.clock;
    let chunks: Uint8Array[] = [];
    let size = 0;
    return {
      write(data) {
        chunks.push(data.slice());
        size += data.length;
        return true;
      },
      close() {
        const all = new Uint8Array(size);
        let o = 0;
        for (const c of chunks) {
          all.set(c, o);
          o += c.length;
        }
        chunks = [];
        files.set(path, { data: all, mtime: clock() });
      },
      abort() {
        chunks = [];
      },
    };
  }

  remove(path: string): boolean {
    return this.files.delete(path);
  }
}
