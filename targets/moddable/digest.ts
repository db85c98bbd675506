// The Platform's digest(): Moddable's native "crypt" Digest where the build has it, otherwise
// (or for an algorithm it lacks) the pure-JS hashes from modules/util. Native is much faster and
// smaller on a device; the pure ones keep a build without crypt working.

import type { Bytes, DigestAlgorithm } from "../../modules/core/platform";
import { Md5 } from "../../modules/util/md5";
import { Sha1 } from "../../modules/util/sha1";
import { Sha256 } from "../../modules/util/sha256";

/** Moddable's crypt Digest class, as far as mcnet uses it. */
export interface NativeDigestClass {
  new (type: string): { write(data: ArrayBuffer | ArrayBufferView): void; close(): ArrayBuffer };
}

export type DigestFunction = (algorithm: DigestAlgorithm, ...parts: Bytes[]) => ArrayBuffer;

function pure(algorithm: DigestAlgorithm): Md5 | Sha1 | Sha256 {
  switch (algorithm) {
    case "MD5":
      return new Md5();
    case "SHA1":
      return new Sha1();
    case "SHA256":
      return new Sha256();
    default:
      throw new RangeError(`unsupported digest ${String(algorithm)}`);
  }
}

function view(p: Bytes): Uint8Array {
  if (p instanceof Uint8Array) return p;
  if (ArrayBuffer.isView(p)) return new Uint8Array(p.buffer, p.byteOffset, p.byteLength);
  return new Uint8Array(p);
}

export function pureDigest(algorithm: DigestAlgorithm, ...parts: Bytes[]): ArrayBuffer {
  const h = pure(algorithm);
  for (const p of parts) h.update(view(p));
  return h.digest().buffer as ArrayBuffer;
}

/** digest() over `Native` (may be undefined: pure only). Algorithms the native class rejects
 * once are remembered and served by the pure path from then on. */
export function createDigest(Native: NativeDigestClass | undefined): DigestFunction {
  const unsupported = new Set<string>();
  return (algorithm, ...parts) => {
    if (Native && !unsupported.has(algorithm)) {
      let d: { write(data: ArrayBuffer | ArrayBufferView): void; close(): ArrayBuffer } | undefined;
      try {
        d = new Native(algorithm);
      } catch {
        unsupported.add(algorithm);
      }
      if (d) {
        for (const p of parts) d.write(p);
        return d.close();
      }
    }
    return pureDigest(algorithm, ...parts);
  };
}
