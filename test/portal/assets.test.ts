// src/portal/generated-assets.ts must be what host-sim/build-portal-assets.ts makes of
// src/portal/assets/ today: same pages (compared after gunzip, since gzip bytes may differ between
// zlib versions), same ETags and sizes. Run `npx tsx host-sim/build-portal-assets.ts` to update.
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { ASSET_DIR, ASSET_SOURCES, assetEtag } from "../../host-sim/build-portal-assets";
import { portalAssets } from "../../src/portal/generated-assets";

describe("portal assets", () => {
  test("every source asset is generated, and nothing else", () => {
    expect(portalAssets.map((a) => a.path).sort()).toEqual(ASSET_SOURCES.map((a) => a.path).sort());
    const files = fs.readdirSync(ASSET_DIR).sort();
    expect(files).toEqual(ASSET_SOURCES.map((a) => a.file).sort());
  });

  for (const src of ASSET_SOURCES) {
    test(`${src.file} is current (run npx tsx host-sim/build-portal-assets.ts if this fails)`, () => {
      const source = fs.readFileSync(path.join(ASSET_DIR, src.file));
      const gen = portalAssets.find((a) => a.path === src.path)!;
      expect(Buffer.from(zlib.gunzipSync(gen.gzip)).equals(source)).toBe(true);
      expect(gen.etag).toBe(assetEtag(source));
      expect(gen.size).toBe(source.length);
      expect(gen.type).toBe(src.type);
      expect(gen.gzip.length).toBeLessThan(source.length);
    });
  }

  test("the page script never turns data into markup", () => {
    const js = fs.readFileSync(path.join(ASSET_DIR, "portal.js"), "utf8");
    for (const sink of ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"]) {
      expect(js).not.toContain(sink);
    }
  });

  test("the page references only assets the portal serves", () => {
    const html = fs.readFileSync(path.join(ASSET_DIR, "index.html"), "utf8");
    const refs = Array.from(html.matchAll(/(?:href|src)="(\/[^"]*)"/g)).map((m) => m[1]);
    const served = new Set([...ASSET_SOURCES.map((a) => a.path), "/setup", "/networks", "/info"]);
    for (const r of refs) expect(served.has(r)).toBe(true);
  });
});
