// `npm run example -- <name> [args]`: runs examples/<name>/main.ts in host-sim.
// Each example exports main(platform, args) and returns a function that stops it.

import * as fs from "node:fs";
import * as path from "node:path";
import { createHostPlatform } from "./platform";

const [name, ...args] = process.argv.slice(2);
const dir = path.resolve(__dirname, "..", "examples");
const available = fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, "main.ts")));
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run example -- <name> [args]\nexamples: ${available.join(", ")}\n`);
  process.exit(2);
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const example = require(path.join(dir, name, "main.ts"));
const stop = example.main(createHostPlatform(), args);
const shutdown = () => {
  if (typeof stop === "function") stop();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
