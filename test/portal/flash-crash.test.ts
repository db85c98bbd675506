// Saved credentials survive a power cut at any moment: a child process writes network after
// network through FileStore + SavedNetworks and is SIGKILLed at random times, 200 times. After
// each kill the flash file must hold exactly the list of the last generation the child finished,
// or of the one it was writing (old or new), never anything else and never a torn file.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildSync } from "esbuild";
import { FileStore } from "../../host-sim/store";
import { SavedNetworks } from "../../src/setup/saved-networks";
import { expectedAfter, generationOf } from "./fixtures/store-generations";

const ROUNDS = 200;
const LANES = Number(process.env.LANES ?? 4);

let dir: string;
let writer: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "mcnet-crash-"));
  writer = path.join(dir, "store-writer.js");
  // Bundled once, so each round costs a bare `node` start, not a TypeScript compile.
  buildSync({ entryPoints: [path.join(__dirname, "fixtures", "store-writer.ts")], bundle: true, platform: "node", outfile: writer, logLevel: "error" });
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Round {
  reported: number;
  onDisk: number;
  midWrite: boolean;
}

type Child = ReturnType<typeof spawn>;

function boot(file: string): Child {
  return spawn(process.execPath, [writer, file], { stdio: ["pipe", "pipe", "inherit"] });
}

/** Let `child` write from generation `before` on, kill it at a random moment, check the file. */
function round(child: Child, file: string, before: number): Promise<Round> {
  return new Promise((resolve, reject) => {
    let reported = before;
    let buf = "";
    let armed = false;
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split("\n");
      buf = lines.pop()!;
      for (const l of lines) if (l) reported = Number(l);
      if (!armed) {
        armed = true;
        setTimeout(() => child.kill("SIGKILL"), Math.floor(Math.random() * 12));
      }
    });
    child.on("error", reject);
    // "close", not "exit": only then has every generation the child reported been read from its pipe.
    child.on("close", () => {
      if (!fs.existsSync(path.dirname(file))) return reject(new Error("test directory removed (an earlier round failed)"));
      const leftovers = fs.readdirSync(path.dirname(file)).filter((f) => f.startsWith(path.basename(file) + ".") && f.endsWith(".tmp"));
      for (const f of leftovers) fs.rmSync(path.join(path.dirname(file), f));
      let list;
      try {
        const text = fs.readFileSync(file, "utf8");
        JSON.parse(text); // a torn file would fail here
        list = new SavedNetworks(new FileStore(file), 5).all();
      } catch (e) {
        reject(new Error(`round after generation ${reported}: flash unreadable: ${(e as Error).message}`));
        return;
      }
      const onDisk = generationOf(list);
      if (onDisk !== reported && onDisk !== reported + 1) {
        reject(new Error(`flash holds generation ${onDisk}, the child had finished ${reported}`));
        return;
      }
      expect(list).toEqual(expectedAfter(onDisk));
      resolve({ reported, onDisk, midWrite: leftovers.length > 0 });
    });
    child.stdin!.write("go\n");
  });
}

test(`credentials survive ${ROUNDS} SIGKILLs at random points of saving (old or new, never corrupt)`, async () => {
  const results: Round[] = [];
  await Promise.all(
    Array.from({ length: LANES }, async (_, lane) => {
      const file = path.join(dir, `lane${lane}`, "flash.json");
      fs.mkdirSync(path.dirname(file), { recursive: true });
      let gen = 0;
      let next = boot(file);
      for (let i = 0; i < Math.ceil(ROUNDS / LANES); i++) {
        const child = next;
        // The next child boots while this one writes and dies; it waits for its go.
        next = boot(file);
        const r = await round(child, file, gen);
        results.push(r);
        gen = r.onDisk;
      }
      next.kill("SIGKILL");
    }),
  );
  expect(results.length).toBeGreaterThanOrEqual(ROUNDS);
  if (process.env.CRASH_STATS) process.stderr.write(`mid-write ${results.filter((r) => r.midWrite).length}, unreported-new ${results.filter((r) => r.onDisk === r.reported + 1).length}\n`);
  // The kills really landed inside writes: some left a temporary file behind, some a new
  // generation the child had not yet reported.
  expect(results.filter((r) => r.midWrite).length).toBeGreaterThan(0);
  expect(results.every((r) => r.onDisk >= 1)).toBe(true);
}, 120000);
