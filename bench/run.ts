// `npm run bench [name...]`: runs bench/<name>.bench.ts files one after another, each in its own
// process (so one benchmark's sockets and heap do not disturb the next), and prints their figures.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const dir = __dirname;
const wanted = process.argv.slice(2);
const all = fs.readdirSync(dir).filter((f) => f.endsWith(".bench.ts")).sort();
const chosen = wanted.length ? all.filter((f) => wanted.includes(f.replace(/\.bench\.ts$/, ""))) : all;
let failed = 0;
for (const file of chosen) {
  process.stdout.write(`\n=== ${file}\n`);
  const r = spawnSync(process.execPath, [require.resolve("tsx/cli"), path.join(dir, file)], { stdio: "inherit", timeout: 10 * 60 * 1000 });
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`!!! ${file} exited with ${r.status ?? r.signal}\n`);
  }
}
process.exit(failed ? 1 : 0);
