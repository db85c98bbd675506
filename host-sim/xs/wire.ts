// The frame both sides of the XS bridge exchange (XS -> host through issueCommand, host -> XS
// through handleCommand): a JSON header for the small fields and raw bytes for the payload, so
// socket data crosses the pipe without base64 or per-byte JSON.
//
//   [u32 LE header length][header, UTF-8 JSON][payload bytes]
//
// This file is bundled into XS as well as loaded by Node: it uses only what both have
// (TextEncoder/TextDecoder exist in xsnap's XS build).

export interface Frame<H = Record<string, unknown>> {
  header: H;
  payload: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeFrame(header: unknown, payload?: Uint8Array): Uint8Array {
  const head = encoder.encode(JSON.stringify(header));
  const out = new Uint8Array(4 + head.length + (payload ? payload.length : 0));
  new DataView(out.buffer).setUint32(0, head.length, true);
  out.set(head, 4);
  if (payload) out.set(payload, 4 + head.length);
  return out;
}

export function decodeFrame<H = Record<string, unknown>>(bytes: Uint8Array): Frame<H> {
  if (bytes.length < 4) throw new Error("bridge frame too short");
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (4 + length > bytes.length) throw new Error("bridge frame header overruns the frame");
  const header = JSON.parse(decoder.decode(bytes.subarray(4, 4 + length))) as H;
  return { header, payload: bytes.subarray(4 + length) };
}
