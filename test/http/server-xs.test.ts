// The HTTP server running inside the real XS engine on the device Platform (bridged sockets),
// driven by curl: static files from flash resources with Range and revalidation, SSI, form and
// multipart bodies, digest authentication (MD5 through the device Platform), keep-alive.
import * as crypto from "node:crypto";
import * as path from "node:path";
import { REPO_ROOT, XsRunner } from "../../host-sim/xs/runner";
import { curl, statuses } from "./server-helpers";

const ENTRY = path.join(REPO_ROOT, "test/http/xs/server-scenario.ts");

describe("HTTP server on XS", () => {
  let runner: XsRunner;
  let url: string;
  let page: string;

  beforeAll(async () => {
    const ha1 = crypto.createHash("md5").update("admin:device:pw").digest("hex");
    runner = await XsRunner.start({ entry: ENTRY });
    const { port } = await runner.call<{ port: number }>("main", { port: 0, passwords: `admin:device:${ha1}\n` });
    url = `http://127.0.0.1:${port}`;
    page = Array.from({ length: 400 }, (_, i) => `<p>line ${i}</p>\n`).join("");
  }, 60000);

  afterAll(async () => {
    await runner?.close();
  });

  afterEach(() => {
    expect(runner.errors).toEqual([]);
  });

  test("static page from flash, then a range and a 304, on one kept-alive connection", async () => {
    const r = await curl(["-v", `${url}/`, `${url}/`]);
    expect(r.stdout).toBe(page + page);
    expect(r.stderr).toMatch(/Re-using existing connection/);
    expect((await curl(["-r", "3-6", `${url}/index.html`])).stdout).toBe("line");
    const etag = /ETag: (.*)\r\n/.exec((await curl(["-sI", `${url}/`])).stdout)![1];
    expect(statuses((await curl(["-i", "-H", `If-None-Match: ${etag}`, `${url}/`])).stdout)).toEqual([304]);
  }, 30000);

  test("SSI call, form and multipart bodies", async () => {
    expect((await curl([`${url}/setup.shtml`])).stdout).toBe("<b>ssid=mcnet-setup</b>");
    expect((await curl(["-d", "ssid=my+net&pass=x", `${url}/form`])).stdout).toBe("ssid=my net\n");
    expect((await curl(["-F", "a=12345", "-F", "f=@-;filename=x.bin", `${url}/upload`], { input: crypto.randomBytes(3000) })).stdout).toBe("a,5,f,3000\n");
  }, 30000);

  test("digest authentication with MD5 on the device platform", async () => {
    expect(statuses((await curl(["-i", `${url}/admin`])).stdout)).toEqual([401]);
    expect((await curl(["--digest", "-u", "admin:pw", `${url}/admin`])).stdout).toBe("admin ok\n");
    expect(statuses((await curl(["-i", "--digest", "-u", "admin:nope", `${url}/admin`])).stdout)).toEqual([401, 401]);
  }, 30000);

  test("XS did the work", () => {
    expect(runner.meters.compute).toBeGreaterThan(0);
  });
});
