// Hexdump layout (offset, 16 hex columns, ASCII column) and its bounds.
import { hexdump } from "../../modules/util/hexdump";
import { assertEqual, type Case, type SuiteFactory } from "../shared/suite";
import { ascii } from "./hex";

const factory: SuiteFactory = () => {
  const cases: Case[] = [];
  cases.push({
    name: "one full line and a partial one, padded so the ASCII column lines up",
    run: () => {
      const out = hexdump(ascii("GET / HTTP/1.1\r\nHost: x\r\n"));
      assertEqual(
        out,
        "0000  47 45 54 20 2f 20 48 54 54 50 2f 31 2e 31 0d 0a  GET / HTTP/1.1..\n" +
          "0010  48 6f 73 74 3a 20 78 0d 0a                       Host: x..\n",
      );
    },
  });
  cases.push({
    name: "non-printable bytes show as '.', offsets can start anywhere and widen past 0xffff",
    run: () => {
      assertEqual(hexdump(new Uint8Array([0x00, 0x7e, 0x7f, 0xff, 0x20])), "0000  00 7e 7f ff 20" + " ".repeat(33) + "  .~.. \n");
      assertEqual(hexdump(ascii("A"), { offset: 0x1fff0 }), "1fff0  41" + " ".repeat(45) + "  A\n");
    },
  });
  cases.push({
    name: "empty input gives empty output; maxBytes bounds the dump",
    run: () => {
      assertEqual(hexdump(new Uint8Array(0)), "");
      const big = new Uint8Array(10000);
      const out = hexdump(big, { maxBytes: 32 });
      const lines = out.split("\n");
      assertEqual(lines.length, 4);
      assertEqual(lines[2], "... 9968 more bytes");
      assertEqual(hexdump(big).split("\n").length, 4096 / 16 + 2, "default bound is 4096 bytes");
    },
  });
  return { name: "util/hexdump", cases };
};
export default factory;
