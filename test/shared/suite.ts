// Test suites that run both under jest (V8) and inside the real XS engine (host-sim/xs runner).
// A suite file `test/<area>/<name>.suite.ts` default-exports a SuiteFactory. It must not use any
// Node API: files it needs come through `host.readText`, which jest serves from node:fs and the XS
// runner serves over its bridge to the host.

export interface SuiteHost {
  /** read a UTF-8 text file; paths are relative to the repository root (may start with ../shared) */
  readText(path: string): string;
  /** list a directory's entries (names only), relative to the repository root */
  listDir(path: string): string[];
}

export interface Case {
  name: string;
  run(): void;
}

export interface Suite {
  name: string;
  cases: Case[];
}

export type SuiteFactory = (host: SuiteHost) => Suite;

export class AssertionError extends Error {}

export function fail(message: string): never {
  throw new AssertionError(message);
}

export function assert(condition: unknown, message = "assertion failed"): asserts condition {
  if (!condition) fail(message);
}

function show(v: unknown): string {
  if (v instanceof Uint8Array) return `Uint8Array[${Array.prototype.join.call(v.subarray(0, 64), ",")}${v.length > 64 ? ",…" : ""}]`;
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? `${x}n` : x instanceof Uint8Array ? Array.from(x) : x));
  } catch {
    return String(v);
  }
}

function equal(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}

export function assertEqual<T>(actual: T, expected: T, message = ""): void {
  if (!equal(actual, expected)) fail(`${message ? message + ": " : ""}expected ${show(expected)}, got ${show(actual)}`);
}
