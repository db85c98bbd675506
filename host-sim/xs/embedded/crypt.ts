// "crypt" for the XS run: Moddable's Digest (write/close/reset/process), computed by the host's
// node:crypto so the native path of the device platform has an independent reference. Written
// bytes are kept in XS and cross the bridge once, at close().

import { call } from "./host";

type Bytes = ArrayBuffer | ArrayBufferView | string;

const SIZES: Record<string, [blockSize: number, outputSize: number]> = {
  MD5: [64, 16],
  SHA1: [64, 20],
  SHA224: [64, 28],
  SHA256: [64, 32],
  SHA384: [128, 48],
  SHA512: [128, 64],
};

const encoder = new TextEncoder();

export class Digest {
  readonly #type: string;
  #parts: Uint8Array[] = [];
  #length = 0;

  constructor(type: string) {
    if (!(type in SIZES)) throw new Error("invalid digest");
    this.#type = type;
  }

  get blockSize(): number {
    return SIZES[this.#type][0];
  }

  get outputSize(): number {
    return SIZES[this.#type][1];
  }

  write(data: Bytes): void {
    let bytes: Uint8Array;
    if (typeof data === "string") bytes = encoder.encode(data);
    else if (data instanceof ArrayBuffer) bytes = new Uint8Array(data.slice(0));
    else if (ArrayBuffer.isView(data)) bytes = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
    else throw new TypeError("invalid data");
    this.#parts.push(bytes);
    this.#length += bytes.length;
  }

  update(data: Bytes): void {
    this.write(data);
  }

  close(): ArrayBuffer {
    const all = new Uint8Array(this.#length);
    let at = 0;
    for (const p of this.#parts) {
      all.set(p, at);
      at += p.length;
    }
    this.reset();
    return call({ op: "digest", algorithm: this.#type }, all).payload.slice().buffer as ArrayBuffer;
  }

  reset(): void {
    this.#parts = [];
    this.#length = 0;
  }

  process(...parts: Bytes[]): ArrayBuffer {
    this.reset();
    for (const p of parts) this.write(p);
    return this.close();
  }
}

export default Object.freeze({ Digest });
