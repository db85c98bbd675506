// The Moddable manifests stay true to the tree. On a device a relative import is resolved against
// the importing module's name, so the manifest names every module after its path
// ("mcnet/<path>"); a directory of device code that the firmware imports but the manifest does not
// map would only fail on a board. These checks walk the firmware's imports from creation.main.

import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const read = (p: string) => JSON.parse(fs.readFileSync(path.join(ROOT, p), "utf8"));
const root = read("manifest.json");

function moddableModules(): Set<string> {
  const dts = fs.readFileSync(path.join(ROOT, "targets/types/moddable.d.ts"), "utf8");
  return new Set(Array.from(dts.matchAll(/declare module "([^"]+)"/g), (m) => m[1]));
}

/** specifier -> directory, from the root manifest's "mcnet/<dir>/*": "./<dir>/*" entries */
function mappedDirs(): Map<string, string> {
  const out = new Map<string, string>();
  for (const [target, source] of Object.entries(root.modules as Record<string, string>)) {
    if (!target.startsWith("mcnet/")) continue;
    out.set(target, source);
  }
  return out;
}

function specifierOf(file: string): string | undefined {
  const rel = path.relative(ROOT, file).replace(/\\/g, "/").replace(/\.ts$/, "");
  const dir = path.posix.dirname(rel);
  const mapped = mappedDirs().get(`mcnet/${dir}/*`);
  return mapped === `./${dir}/*` ? `mcnet/${rel}` : undefined;
}

/** value imports (type-only ones are erased by tsc and never reach XS) */
function imports(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(import|export)\s+(type\s+)?[^;"']*?\s*from\s*["']([^"']+)["']/g)) if (!m[2]) out.push(m[3]);
  for (const m of text.matchAll(/(?:^|\n)\s*import\s+["']([^"']+)["']/g)) out.push(m[1]);
  return out;
}

test("every mcnet/* module name mirrors its path, and is preloaded", () => {
  const dirs = mappedDirs();
  expect(dirs.size).toBeGreaterThan(0);
  for (const [target, source] of dirs) {
    expect(`./${target.slice("mcnet/".length)}`).toBe(source);
    expect(fs.existsSync(path.join(ROOT, source.slice(2, -2)))).toBe(true);
    expect(root.preload).toContain(target);
  }
});

test("creation.main names a mapped module that exists", () => {
  const main = root.creation.main as string;
  const file = path.join(ROOT, `${main.slice("mcnet/".length)}.ts`);
  expect(fs.existsSync(file)).toBe(true);
  expect(specifierOf(file)).toBe(main);
});

test("every module the firmware imports is in the build", () => {
  const known = moddableModules();
  const entry = path.join(ROOT, `${(root.creation.main as string).slice("mcnet/".length)}.ts`);
  const seen = new Set<string>();
  const missing: string[] = [];
  const walk = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!specifierOf(file)) missing.push(`${path.relative(ROOT, file)} (its directory is not mapped in manifest.json)`);
    for (const spec of imports(file)) {
      if (spec.startsWith(".")) {
        const target = path.resolve(path.dirname(file), `${spec}.ts`);
        if (!fs.existsSync(target)) missing.push(`${spec} from ${path.relative(ROOT, file)} (no such file)`);
        else walk(target);
      } else if (!known.has(spec)) missing.push(`"${spec}" from ${path.relative(ROOT, file)} (not a Moddable module in targets/types)`);
    }
  };
  walk(entry);
  expect(missing).toEqual([]);
  expect(seen.size).toBeGreaterThan(10);
});

test("each platform's manifest exists, and ESP8266 runs in a 32 KB static heap", () => {
  for (const [platform, spec] of Object.entries(root.platforms as Record<string, { include?: string }>)) {
    if (platform === "...") continue;
    expect(fs.existsSync(path.join(ROOT, spec.include!))).toBe(true);
  }
  expect(read("targets/esp8266/manifest.json").creation.static).toBe(32768);
  expect(read("targets/esp32/manifest.json").creation.static).toBe(0);
});

test("TypeScript is compiled with the ambient Moddable declarations", () => {
  const options = root.typescript.tsconfig.compilerOptions;
  for (const t of options.types as string[]) expect(fs.existsSync(path.join(ROOT, `${t}.d.ts`))).toBe(true);
});
