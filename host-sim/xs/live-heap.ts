// The live heap of an XS machine, read from an xsnap snapshot.
//
// xsnap's meters report `currentHeapCount` after each delivery, which counts garbage not yet
// collected, and nothing about chunks (strings, ArrayBuffers, arrays' items, bytecode). Writing a
// snapshot ("w" command) first runs a full compacting collection, then writes exactly the slots and
// chunks reachable from the roots: the "HEAP" atom is the live slots, the "BLOC" atom the live
// chunks, one after the other, each with its txChunk header. So a snapshot is an exact census of
// what is alive at that moment.
//
// The host xsnap is a 64-bit build: a slot is 32 bytes, a chunk header 16. On a 32-bit device
// (ESP32, ESP8266) a slot is 16 bytes, a chunk header 8, and the chunks that hold slots (array
// items, arguments, generator stacks) or slot pointers (Map/Set/global tables) halve. `device`
// converts with those rules; byte chunks (strings, ArrayBuffers) keep their size.
//
// Bytecode is not device RAM: xsnap runs a script, and XS copies a function's bytecode into a
// chunk each time it creates the function (XS_CODE_CODE), so every closure carries a copy; a
// device build preloads the modules, and functions point at their bytecode in flash
// (XS_CODE_CODE_ARCHIVE). `device` leaves bytecode out. String literals are copied the same way
// here (XS_CODE_STRING) but stay in flash on a device (XS_CODE_STRING_ARCHIVE); a snapshot cannot
// tell a copied literal from a computed string, so `device.chunks.strings` is an upper bound.

/** Kinds from xsAll.h (XS_*_KIND) that the census needs. */
const KIND = {
  STRING: 5,
  BIGINT: 8,
  ARGUMENTS_SLOPPY: 14,
  ARGUMENTS_STRICT: 15,
  ARRAY: 16,
  ARRAY_BUFFER: 17,
  CODE: 19,
  GLOBAL: 25,
  HOST: 26,
  MAP: 27,
  REGEXP: 32,
  SET: 33,
  KEY: 43,
  KEY_X: 44,
  STACK: 47,
} as const;

const HOST_SLOT = 32;
const HOST_CHUNK_HEADER = 16;
const DEVICE_SLOT = 16;
const DEVICE_CHUNK_HEADER = 8;

export interface ChunkCensus {
  /** chunks holding slots (array items, arguments, stacks) */
  slotArrays: number;
  /** Map / Set / global hash tables (slot pointers) */
  tables: number;
  /** string values and property-name keys */
  strings: number;
  arrayBuffers: number;
  bytecode: number;
  /** bigints, regexps, host data */
  other: number;
}

export interface LiveHeap {
  /** live slots */
  slots: number;
  /** live chunks */
  chunkCount: number;
  /** property-name keys the machine holds (XS never frees one); a device build's runtime keys are
   * bounded by its manifest's `creation.keys` (ESP8266: 32, no growth) */
  keys: number;
  /** bytes on the host (64-bit xsnap) */
  host: { slotBytes: number; chunkBytes: number; total: number; chunks: ChunkCensus };
  /** the same heap on a 32-bit device, bytecode left out (in flash there) */
  device: { slotBytes: number; chunkBytes: number; total: number; chunks: ChunkCensus };
}

function emptyCensus(): ChunkCensus {
  return { slotArrays: 0, tables: 0, strings: 0, arrayBuffers: 0, bytecode: 0, other: 0 };
}

interface Atom {
  type: string;
  start: number;
  end: number;
}

function atoms(file: Buffer, from: number, to: number): Atom[] {
  const out: Atom[] = [];
  let at = from;
  while (at + 8 <= to) {
    const size = file.readUInt32BE(at);
    const type = file.toString("latin1", at + 4, at + 8);
    if (size < 8 || at + size > to) throw new Error(`snapshot: bad atom ${type} at ${at}`);
    out.push({ type, start: at + 8, end: at + size });
    at += size;
  }
  return out;
}

type Category = keyof ChunkCensus;

function categoryOf(kind: number): Category | undefined {
  switch (kind) {
    case KIND.ARRAY:
    case KIND.ARGUMENTS_SLOPPY:
    case KIND.ARGUMENTS_STRICT:
    case KIND.STACK:
      return "slotArrays";
    case KIND.GLOBAL:
    case KIND.MAP:
    case KIND.SET:
      return "tables";
    case KIND.STRING:
    case KIND.KEY:
    case KIND.KEY_X:
      return "strings";
    case KIND.ARRAY_BUFFER:
      return "arrayBuffers";
    case KIND.CODE:
      return "bytecode";
    case KIND.BIGINT:
    case KIND.REGEXP:
    case KIND.HOST:
      return "other";
    default:
      return undefined;
  }
}

/** Parse a snapshot written by a 64-bit little-endian xsnap. */
export function parseSnapshot(file: Buffer): LiveHeap {
  if (file.toString("latin1", 4, 8) !== "XS_M") throw new Error("snapshot: not an XS machine");
  // the outer atom's size is not reliable (xsnap counts it 8 bytes short): read to the end of the file
  const list = atoms(file, 8, file.length);
  const vers = list.find((a) => a.type === "VERS");
  if (!vers || file[vers.start + 3] !== HOST_SLOT) throw new Error(`snapshot: expected ${HOST_SLOT}-byte slots (a 64-bit xsnap)`);
  const bloc = list.find((a) => a.type === "BLOC");
  const heap = list.find((a) => a.type === "HEAP");
  const keys = list.find((a) => a.type === "KEYS");
  if (!bloc || !heap) throw new Error("snapshot: BLOC or HEAP missing");

  // Chunks, in order; a projected chunk pointer is the offset of its data within BLOC.
  const chunkSize = new Map<number, number>();
  for (let at = bloc.start; at < bloc.end; ) {
    const size = file.readInt32LE(at);
    if (size < HOST_CHUNK_HEADER || at + size > bloc.end) throw new Error(`snapshot: bad chunk at ${at - bloc.start}`);
    chunkSize.set(at - bloc.start + HOST_CHUNK_HEADER, size);
    at += size;
  }

  // What each chunk holds, from the slots that point at it (heap slots, and items of slot arrays).
  const category = new Map<number, Category>();
  const visit = (slotAt: number): void => {
    const kind = file.readInt8(slotAt + 8);
    const c = categoryOf(kind);
    if (!c) return;
    const value = slotAt + 16;
    const pointers = kind === KIND.REGEXP ? [value, value + 8] : [value];
    for (const p of pointers) {
      const offset = Number(file.readBigUInt64LE(p));
      if (offset === 0 || category.has(offset)) continue;
      category.set(offset, c);
      if (c === "slotArrays") {
        const size = chunkSize.get(offset);
        if (size === undefined) continue;
        const items = bloc.start + offset;
        for (let i = 0; i < (size - HOST_CHUNK_HEADER) / HOST_SLOT; i++) visit(items + i * HOST_SLOT);
      }
    }
  };
  const slots = (heap.end - heap.start) / HOST_SLOT;
  for (let i = 0; i < slots; i++) visit(heap.start + i * HOST_SLOT);

  const host = emptyCensus();
  const device = emptyCensus();
  let hostChunks = 0;
  let deviceChunks = 0;
  for (const [offset, size] of chunkSize) {
    const c = category.get(offset) ?? "other";
    const data = size - HOST_CHUNK_HEADER;
    const onDevice = c === "bytecode" ? 0 : DEVICE_CHUNK_HEADER + (c === "slotArrays" || c === "tables" ? data / 2 : data);
    host[c] += size;
    device[c] += onDevice;
    hostChunks += size;
    deviceChunks += onDevice;
  }
  return {
    slots,
    chunkCount: chunkSize.size,
    keys: keys ? (keys.end - keys.start) / 8 : 0,
    host: { slotBytes: slots * HOST_SLOT, chunkBytes: hostChunks, total: slots * HOST_SLOT + hostChunks, chunks: host },
    device: { slotBytes: slots * DEVICE_SLOT, chunkBytes: deviceChunks, total: slots * DEVICE_SLOT + deviceChunks, chunks: device },
  };
}

/** `after` minus `before`: what a step added to the live heap. */
export function heapDelta(after: LiveHeap, before: LiveHeap): LiveHeap {
  const sub = (a: ChunkCensus, b: ChunkCensus): ChunkCensus => {
    const out = emptyCensus();
    for (const k of Object.keys(out) as Category[]) out[k] = a[k] - b[k];
    return out;
  };
  const side = (a: LiveHeap["host"], b: LiveHeap["host"]) => ({
    slotBytes: a.slotBytes - b.slotBytes,
    chunkBytes: a.chunkBytes - b.chunkBytes,
    total: a.total - b.total,
    chunks: sub(a.chunks, b.chunks),
  });
  return { slots: after.slots - before.slots, chunkCount: after.chunkCount - before.chunkCount, keys: after.keys - before.keys, host: side(after.host, before.host), device: side(after.device, before.device) };
}
