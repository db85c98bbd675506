// The conformance battery (conformance-cases.ts) against the pure frame decoder, as a receiving
// server would run it: every case fed in the chunks the client writes, all at once, and (for
// small cases) one byte at a time. Each must decode to exactly the expected messages and control
// frames, and fail with exactly the expected close code.
import { assertEqual, type Case, type SuiteFactory } from "../shared/suite";
import { FrameDecoder, FrameStep, Opcode } from "../../modules/websocket/frame";
import { utf8Decode } from "../../modules/util/utf8";
import { CONFORMANCE_MAX_MESSAGE, concat, conformanceCases, type ConformanceCase, type Expectation } from "./conformance-cases";

interface Outcome {
  got: Expectation[];
  fail?: number;
}

function receive(chunks: Uint8Array[]): Outcome {
  const d = new FrameDecoder({ expectMasked: true, maxMessageSize: CONFORMANCE_MAX_MESSAGE });
  const out: Outcome = { got: [] };
  let parts: Uint8Array[] = [];
  let opcode = 0;
  for (const original of chunks) {
    const chunk = original.slice(); // unmasked in place
    let pos = 0;
    for (;;) {
      pos += d.next(chunk, pos, chunk.length);
      if (d.step === FrameStep.NEED_MORE) break;
      if (d.step === FrameStep.ERROR) {
        out.fail = d.errorCode;
        return out;
      }
      if (d.step === FrameStep.HEADER) {
        if (d.opcode !== Opcode.CONTINUATION) {
          opcode = d.opcode;
          parts = [];
        }
      } else if (d.step === FrameStep.DATA) {
        parts.push(d.payload.slice());
        if (d.messageEnd) {
          const all = concat(parts);
          out.got.push(opcode === Opcode.TEXT ? { text: utf8Decode(all) } : { binary: all });
          parts = [];
        }
      } else if (d.step === FrameStep.CONTROL) {
        if (d.opcode === Opcode.PING) out.got.push({ ping: d.payload.slice() });
        else if (d.opcode === Opcode.PONG) out.got.push({ pong: d.payload.slice() });
        else {
          // Nothing after a close counts (RFC 6455 1.4).
          out.got.push(d.closeReason ? { close: d.closeCode, reason: d.closeReason } : { close: d.closeCode });
          return out;
        }
      }
    }
  }
  return out;
}

function check(c: ConformanceCase, how: string, chunks: Uint8Array[]): void {
  const r = receive(chunks);
  assertEqual(r.got, c.expect, `${how}: decoded`);
  assertEqual(r.fail, c.fail, `${how}: failure close code`);
}

const suite: SuiteFactory = () => {
  const cases: Case[] = conformanceCases().map((c) => ({
    name: `${c.id} ${c.title}`,
    run() {
      check(c, "as written", c.chunks);
      const all = concat(c.chunks);
      check(c, "in one piece", [all]);
      if (all.length <= 4096) {
        const bytes: Uint8Array[] = [];
        for (let i = 0; i < all.length; i++) bytes.push(all.subarray(i, i + 1));
        check(c, "byte by byte", bytes);
      }
    },
  }));
  return { name: "websocket conformance (decoder)", cases };
};

export default suite;
