// File uploads through fileUploadHandler into a host directory: content intact, hostile file
// names contained, refused names answered 403, size limit 413, interrupted uploads leave nothing.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { createNodeFileSystem } from "../../host-sim/http-fs";
import * as http from "../../modules/http/reply";
import { fileUploadHandler, safeUploadName, uploadInto } from "../../modules/http/upload";
import { curl, sleep, startServer, statuses, type TestServer } from "./server-helpers";

describe("file uploads", () => {
  let base: string;
  let s: TestServer;
  beforeAll(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), "mcnet-up-"));
    fs.mkdirSync(path.join(base, "www", "uploads"), { recursive: true });
    const files = createNodeFileSystem(path.join(base, "www"), { writable: true });
    s = startServer((c, ev) => {
      if (ev.type === "http-request") http.reply(c, 404, "no\n");
    });
    s.server.endpoint("/upload", (c, ev) => {
      fileUploadHandler(c, ev, { fs: files, name: uploadInto("/uploads"), maxFileBytes: 200_000 });
    });
    s.server.endpoint("/naive", (c, ev) => {
      // A careless callback that trusts the client's name: the helper still refuses traversal.
      fileUploadHandler(c, ev, { fs: files, name: (_c, filename) => "/uploads/" + filename });
    });
  });
  afterAll(() => {
    s.close();
    fs.rmSync(base, { recursive: true, force: true });
  });

  const uploads = () => fs.readdirSync(path.join(base, "www", "uploads")).sort();

  test("files arrive intact; form fields are ignored", async () => {
    const data = crypto.randomBytes(150_000);
    fs.writeFileSync(path.join(base, "local.bin"), data);
    const r = await curl(["-F", "note=hi", "-F", `file=@${path.join(base, "local.bin")};filename=photo.bin`, `${s.url}/upload`]);
    expect(r.stdout).toBe("Ok, /uploads/photo.bin (150000 bytes)\n");
    expect(fs.readFileSync(path.join(base, "www", "uploads", "photo.bin")).equals(data)).toBe(true);
  });

  test("hostile client file names are reduced to a plain name inside the upload directory", async () => {
    const r = await curl(["-F", "file=@-;filename=../../../evil.txt", `${s.url}/upload`], { input: "evil" });
    expect(r.stdout).toBe("Ok, /uploads/evil.txt (4 bytes)\n");
    expect(fs.existsSync(path.join(base, "evil.txt"))).toBe(false);
    expect(safeUploadName("/u", "C:\\Users\\me\\..\\x.doc")).toBe("/u/x.doc");
    expect(safeUploadName("/u", "..")).toBeUndefined();
    expect(safeUploadName("/u", ".htaccess")).toBe("/u/htaccess");
  });

  test("a name callback that returns a traversal is refused with 403 and writes nothing", async () => {
    const before = uploads();
    const r = await curl(["-i", "-F", "file=@-;filename=../../escape.txt", `${s.url}/naive`], { input: "x" });
    expect(statuses(r.stdout)).toEqual([403]);
    expect(fs.existsSync(path.join(base, "escape.txt"))).toBe(false);
    expect(fs.existsSync(path.join(base, "www", "escape.txt"))).toBe(false);
    expect(uploads()).toEqual(before);
  });

  test("files over the limit get 413 and leave no partial file", async () => {
    const before = uploads();
    const r = await curl(["-i", "-F", "file=@-;filename=big.bin", `${s.url}/upload`], { input: crypto.randomBytes(300_000) });
    expect(statuses(r.stdout)).toContain(413);
    await sleep(50);
    expect(uploads()).toEqual(before);
  });

  test("an upload cut off mid-body leaves no file behind", async () => {
    const before = uploads();
    const sock = net.connect(s.port, "127.0.0.1");
    await new Promise((r) => sock.once("connect", r));
    const body = `--B\r\nContent-Disposition: form-data; name="file"; filename="cut.bin"\r\n\r\n${"z".repeat(5000)}`;
    sock.write(`POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=B\r\nContent-Length: 100000\r\n\r\n${body}`);
    await sleep(100);
    sock.destroy();
    await sleep(100);
    expect(uploads()).toEqual(before);
  });
});
