// HTML escaping in text and attribute contexts, as a string and written as UTF-8 bytes.
import { htmlEscape, htmlEscapeWrite, htmlEscapedLength } from "../../modules/util/html-escape";
import { utf8Decode, utf8Encode } from "../../modules/util/utf8";
import { assertEqual, type Case, type SuiteFactory } from "../shared/suite";

const V: [string, string, string][] = [
  // input, text, attribute
  ["plain", "plain", "plain"],
  ["", "", ""],
  ["a & b", "a &amp; b", "a &amp; b"],
  ["<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;"],
  [`"quoted" 'single'`, `"quoted" 'single'`, "&quot;quoted&quot; &#39;single&#39;"],
  ["&amp;", "&amp;amp;", "&amp;amp;"],
  ["caf\u00e9 <\ud83d\ude00>", "caf\u00e9 &lt;\ud83d\ude00&gt;", "caf\u00e9 &lt;\ud83d\ude00&gt;"],
  [`x" onmouseover="alert(1)`, `x" onmouseover="alert(1)`, "x&quot; onmouseover=&quot;alert(1)"],
];

const factory: SuiteFactory = () => {
  const cases: Case[] = [];
  for (const [input, text, attr] of V) {
    cases.push({
      name: `escape ${JSON.stringify(input)}`,
      run: () => {
        assertEqual(htmlEscape(input), text);
        assertEqual(htmlEscape(input, "text"), text);
        assertEqual(htmlEscape(input, "attribute"), attr);
        for (const [ctx, expected] of [["text", text], ["attribute", attr]] as const) {
          const n = htmlEscapedLength(input, ctx);
          assertEqual(n, utf8Encode(expected).length);
          const out = new Uint8Array(n + 2).fill(0xee);
          assertEqual(htmlEscapeWrite(input, out, 1, ctx), n + 1);
          assertEqual(utf8Decode(out, 1, n + 1), expected);
          assertEqual(out[n + 1], 0xee);
        }
      },
    });
  }
  cases.push({
    name: "writing into a buffer that is too small throws before writing",
    run: () => {
      const out = new Uint8Array(4).fill(0xee);
      let threw = false;
      try {
        htmlEscapeWrite("<b>", out, 0);
      } catch {
        threw = true;
      }
      assertEqual(threw, true);
      assertEqual(Array.from(out), [0xee, 0xee, 0xee, 0xee]);
    },
  });
  return { name: "util/html-escape", cases };
};
export default factory;
