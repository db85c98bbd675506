// The two examples as a user runs them: `npm run example -- websocket-echo --port 0` and
// `npm run example -- websocket-client URL` with lines on stdin.
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import WebSocket from "ws";
import { run } from "../helpers/run";

const ROOT = path.resolve(__dirname, "..", "..");
const TSX = path.join(ROOT, "node_modules/.bin/tsx");
let echo: ChildProcess;
let port = 0;

beforeAll(async () => {
  echo = spawn(TSX, [path.join(ROOT, "host-sim/example.ts"), "websocket-echo", "--port", "0"], { stdio: ["ignore", "ignore", "pipe"] });
  port = await new Promise<number>((resolve, reject) => {
    let err = "";
    echo.stderr!.on("data", (d) => {
      err += d;
      const m = /websocket-echo: ws:\/\/0\.0\.0\.0:(\d+)\//.exec(err);
      if (m) resolve(Number(m[1]));
    });
    echo.on("exit", (code) => reject(new Error(`websocket-echo exited with ${code}: ${err}`)));
  });
}, 30000);

afterAll(() => {
  echo?.kill("SIGTERM");
});

test("websocket-echo echoes text and binary on any path", async () => {
  const c = new WebSocket(`ws://127.0.0.1:${port}/any/path?x=1`);
  const got: string[] = [];
  await new Promise<void>((resolve, reject) => {
    c.on("open", () => {
      c.send("text ✓");
      c.send(Buffer.from([0xde, 0xad]));
    });
    c.on("message", (d: Buffer, isBinary) => {
      got.push(isBinary ? d.toString("hex") : d.toString());
      if (got.length === 2) c.close();
    });
    c.on("close", () => resolve());
    c.on("error", reject);
  });
  expect(got).toEqual(["text ✓", "dead"]);
});

test("websocket-client sends stdin lines and prints the replies", async () => {
  const r = await run(TSX, [path.join(ROOT, "host-sim/example.ts"), "websocket-client", `ws://127.0.0.1:${port}/chat`], {
    input: "hello\nκόσμε\nlast line without newline",
    timeout: 20000,
  });
  expect(r.stdout).toBe("# connected\nhello\nκόσμε\nlast line without newline\n# closed 1000\n");
  expect(r.code).toBe(0);
}, 30000);
