// mg_skip-style token scanning.
import { skip } from "../../modules/util/skip";
import { assertEqual, type Case, type SuiteFactory } from "../shared/suite";

function tokens(s: string, delimiters: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const r = skip(s, i, s.length, delimiters);
    if (r.end > r.start) out.push(s.slice(r.start, r.end));
    if (r.next <= i) break;
    i = r.next;
  }
  return out;
}

const factory: SuiteFactory = () => {
  const cases: Case[] = [];
  cases.push({
    name: "splits on any delimiter, skipping runs of them",
    run: () => {
      assertEqual(tokens("GET  /index.html HTTP/1.1", " "), ["GET", "/index.html", "HTTP/1.1"]);
      assertEqual(tokens(" a, b ,,c ", ", "), ["a", "b", "c"]);
      assertEqual(tokens("", " "), []);
      assertEqual(tokens("   ", " "), []);
      assertEqual(tokens("abc", ""), ["abc"]);
    },
  });
  cases.push({
    name: "offsets and the scan limit",
    run: () => {
      assertEqual(skip("  key: value", 0, 12, " :"), { start: 2, end: 5, next: 7 });
      assertEqual(skip("  key: value", 7, 9, " :"), { start: 7, end: 9, next: 9 });
      assertEqual(skip("abc", 5, 99, " "), { start: 5, end: 5, next: 5 });
    },
  });
  return { name: "util/skip", cases };
};
export default factory;
