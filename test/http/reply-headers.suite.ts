// hasHeader: whether the extra headers an application passes already set a field, so the
// senders do not add a second one (Content-Type in reply(), for instance).
import { hasHeader, headerLines } from "../../modules/http/reply";
import { assert, assertEqual, type SuiteFactory } from "../shared/suite";

const suite: SuiteFactory = () => ({
  name: "http reply header helpers",
  cases: [
    { name: "string headers: a field at any line start, any letter case, spaces before the colon", run() {
      assert(hasHeader("Content-Type: text/plain", "content-type"));
      assert(hasHeader("X-A: 1\r\ncontent-TYPE: x", "Content-Type"));
      assert(hasHeader("X-A: 1\ncontent-type : x", "content-type"));
      assert(hasHeader("X-A: 1\r\nContent-Type:x\r\n", "content-type"));
    } },
    { name: "string headers: not inside a value, not a longer or shorter name, not without a colon", run() {
      assert(!hasHeader("X-Note: Content-Type: no", "content-type"));
      assert(!hasHeader("Content-Types: x", "content-type"));
      assert(!hasHeader("Content-Typ: x", "content-type"));
      assert(!hasHeader("Content-Type", "content-type"));
      assert(!hasHeader("", "content-type"));
      assert(!hasHeader(undefined, "content-type"));
      assert(!hasHeader("X-A: 1\r\n", "content-type"));
    } },
    { name: "object and pair headers: names compared without case", run() {
      assert(hasHeader({ "CONTENT-type": "x" }, "Content-Type"));
      assert(!hasHeader({ "X-Content-Type": "x" }, "content-type"));
      assert(hasHeader([["content-type", "x"]], "Content-Type"));
      assert(!hasHeader([["x", "content-type"]], "content-type"));
    } },
    { name: "headerLines ends every line with one CRLF", run() {
      assertEqual(headerLines("A: 1\r\nB: 2\r\n\r\n"), "A: 1\r\nB: 2\r\n");
      assertEqual(headerLines({ A: 1, B: "x\r\ny" }), "A: 1\r\nB: xy\r\n");
      assertEqual(headerLines(undefined), "");
    } },
  ],
});
export default suite;
