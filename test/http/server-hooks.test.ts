// Server hooks (CivetWeb callbacks, libwebsockets HTTP reasons), authentication against
// htdigest files written by Apache's htdigest, IP ACL, extra headers, connection limits and
// timeouts, on host-sim with curl and raw sockets.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as net from "node:net";
import { createNodeFileSystem } from "../../host-sim/http-fs";
import type { Connection } from "../../modules/core/connection";
import type { McEvent } from "../../modules/core/events";
import { modifyPasswordsFile } from "../../modules/http/auth-file";
import { md5 } from "../../modules/util/md5";
import * as http from "../../modules/http/reply";
import { run } from "../helpers/run";
import { curl, rawExchange, sleep, startServer, statuses, type TestServer } from "./server-helpers";

const hello = (c: Connection, ev: McEvent) => {
  if (ev.type === "http-request") http.reply(c, 200, "hello\n");
};

/** Apache's htdigest prompts on a terminal: drive it through a pty. */
async function htdigest(file: string, realm: string, user: string, password: string, create: boolean): Promise<void> {
  const script = [
    "import os, pty, sys, time",
    "pid, fd = pty.fork()",
    "if pid == 0:",
    "    os.execvp('htdigest', ['htdigest'] + (['-c'] if sys.argv[5] == '1' else []) + [sys.argv[1], sys.argv[2], sys.argv[3]])",
    "for _ in range(2):",
    "    time.sleep(0.2)",
    "    try: os.read(fd, 1000)",
    "    except OSError: pass",
    "    os.write(fd, (sys.argv[4] + '\\n').encode())",
    "os.waitpid(pid, 0)",
  ].join("\n");
  const r = await run("/usr/bin/python3", ["-c", script, file, realm, user, password, create ? "1" : "0"], { timeout: 10000 });
  if (r.code !== 0) throw new Error(`htdigest failed: ${r.stderr}`);
}

describe("hooks", () => {
  const calls: string[] = [];
  const messages: string[] = [];
  let s: TestServer;
  beforeAll(() => {
    s = startServer(
      (c, ev) => {
        if (ev.type === "http-request") {
          if (ev.request.path === "/missing") http.sendError(c, 404);
          else if (ev.request.path === "/plain-error") http.sendError(c, 418, "no coffee");
          else http.reply(c, 200, "app\n");
        }
      },
      {
        extraHeaders: { "Access-Control-Allow-Origin": "*" },
        hooks: {
          filterConnection: (_c, remote) => {
            calls.push(`filter-connection ${remote.address}`);
            return true;
          },
          filterRequest: (_c, r) => r.path !== "/filtered",
          beginRequest: (c, r) => {
            if (r.path !== "/begin") return false;
            http.reply(c, 202, "handled by begin-request\n");
            return true;
          },
          checkAccess: (_c, r) => (r.path === "/private" ? false : r.path === "/teapot" ? 418 : true),
          addHeaders: (_c, r, status) => ({ "X-Request-Path": r.path, "X-Status": String(status) }),
          httpError: (c, status, reason) => {
            if (status !== 404) return false;
            http.reply(c, 404, `custom 404 page (${reason})\n`);
            return true;
          },
          endRequest: (_c, r, status) => {
            calls.push(`end ${r.path} ${status}`);
          },
          logAccess: (_c, line) => {
            calls.push(`access ${line.slice(line.indexOf('"'))}`);
            return true;
          },
          connectionClose: () => {
            calls.push("connection-close");
          },
          logMessage: (_c, level, message) => {
            messages.push(`${level} ${message}`);
            return true;
          },
        },
      },
    );
  });
  afterAll(() => s.close());

  test("filter-request answers 403; begin-request can handle a request itself", async () => {
    const r = await curl(["-i", `${s.url}/filtered`, `${s.url}/begin`]);
    expect(statuses(r.stdout)).toEqual([403, 202]);
    expect(r.stdout).toContain("handled by begin-request");
  });

  test("check-access: false is 403, a number is that status", async () => {
    const r = await curl(["-i", `${s.url}/private`, `${s.url}/teapot`, `${s.url}/open`]);
    expect(statuses(r.stdout)).toEqual([403, 418, 200]);
  });

  test("add-headers and extra headers (CORS) go on every response", async () => {
    const r = await curl(["-i", `${s.url}/open`]);
    expect(r.stdout).toContain("Access-Control-Allow-Origin: *\r\n");
    expect(r.stdout).toContain("X-Request-Path: /open\r\nX-Status: 200\r\n");
  });

  test("http-error replaces the built-in page when it wants to", async () => {
    const r = await curl(["-i", `${s.url}/missing`, `${s.url}/plain-error`]);
    expect(r.stdout).toContain("custom 404 page (Not Found)");
    expect(r.stdout).toContain("418 I'm a teapot");
    expect(r.stdout).toContain("<p>no coffee</p>");
  });

  test("log-message receives the server's messages instead of the platform log", async () => {
    const r = await rawExchange(s.port, "GET / HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n", { waitMs: 300 });
    expect(statuses(r.text)).toEqual([400]);
    expect(messages.some((m) => /^info http 127\.0\.0\.1:\d+ #\d+: bad request: .*-> 400$/.test(m))).toBe(true);
    expect(s.logs.some((l) => l.includes("bad request"))).toBe(false);
  });

  test("connection filter, end-request, access log and connection-close fire", async () => {
    calls.length = 0;
    await curl([`${s.url}/open?x=1`]);
    await sleep(50);
    expect(calls).toEqual(["filter-connection 127.0.0.1", "access \"GET /open?x=1 HTTP/1.1\" 200 4", "end /open 200", "connection-close"]);
  });
});

describe("authentication", () => {
  let dir: string;
  let s: TestServer;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "mcnet-auth-"));
    await htdigest(path.join(dir, "htdigest"), "my realm", "joe", "s3cret", true);
    await htdigest(path.join(dir, "htdigest"), "my realm", "ann", "pa:ss word", false);
    const file = path.join(dir, "htdigest");
    s = startServer(hello, { auth: { realm: "my realm", passwords: fs.readFileSync(file, "utf8"), prefixes: ["/private"] } });
  });
  afterAll(() => {
    s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("curl --digest with a password from Apache htdigest", async () => {
    const ok = await curl(["-i", "--digest", "-u", "joe:s3cret", `${s.url}/private/x`]);
    expect(statuses(ok.stdout)).toEqual([401, 200]);
    expect(ok.stdout).toMatch(/WWW-Authenticate: Digest qop="auth", realm="my realm", nonce="[0-9a-f]{24}", algorithm=MD5/);
    const ann = await curl(["--digest", "-u", "ann:pa:ss word", `${s.url}/private/y?q=1`]);
    expect(ann.stdout).toBe("hello\n");
  });

  test("wrong passwords and unknown users get 401; unprotected paths need nothing", async () => {
    const bad = await curl(["-i", "--digest", "-u", "joe:wrong", `${s.url}/private/x`]);
    expect(statuses(bad.stdout)).toEqual([401, 401]);
    const nobody = await curl(["-i", "--digest", "-u", "zed:s3cret", `${s.url}/private/x`]);
    expect(statuses(nobody.stdout)).toEqual([401, 401]);
    const open = await curl([`${s.url}/public`]);
    expect(open.stdout).toBe("hello\n");
  });

  test("Basic credentials are checked against the same file", async () => {
    expect((await curl(["-u", "joe:s3cret", `${s.url}/private/b`])).stdout).toBe("hello\n");
    expect(statuses((await curl(["-i", "-u", "joe:nope", `${s.url}/private/b`])).stdout)).toEqual([401]);
  });

  test("a response replayed for another URI is refused", async () => {
    const first = await curl(["-v", "--digest", "-u", "joe:s3cret", `${s.url}/private/one`]);
    const auth = /> Authorization: (Digest .*)\r?\n/.exec(first.stderr)?.[1];
    expect(auth).toBeDefined();
    const replay = await curl(["-i", "-H", `Authorization: ${auth}`, `${s.url}/private/two`]);
    expect(statuses(replay.stdout)).toEqual([401]);
    const same = await curl(["-i", "-H", `Authorization: ${auth}`, `${s.url}/private/one`]);
    expect(statuses(same.stdout)).toEqual([200]);
  });

  test("modifyPasswordsFile writes lines Apache's htdigest also writes", async () => {
    const hostFs = createNodeFileSystem(dir, { writable: true });
    expect(modifyPasswordsFile(hostFs, "/ours", "my realm", "joe", "s3cret", md5)).toBe(true);
    const apacheLine = fs.readFileSync(path.join(dir, "htdigest"), "utf8").split("\n")[0];
    expect(fs.readFileSync(path.join(dir, "ours"), "utf8")).toBe(apacheLine + "\n");
    await htdigest(path.join(dir, "ours"), "my realm", "ann", "x", false);
    expect(modifyPasswordsFile(hostFs, "/ours", "my realm", "joe", undefined, md5)).toBe(true);
    expect(fs.readFileSync(path.join(dir, "ours"), "utf8")).toMatch(/^ann:my realm:[0-9a-f]{32}\n$/);
  });
});

describe("IP ACL", () => {
  test("a denied address gets no HTTP at all; an allowed one is served", async () => {
    const denied = startServer(hello, { acl: "-0.0.0.0/0,+10.0.0.0/8" });
    const allowed = startServer(hello, { acl: "-0.0.0.0/0,+127.0.0.0/8" });
    try {
      const r = await rawExchange(denied.port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      expect(r.text).toBe("");
      expect(r.closed).toBe(true);
      expect((await curl([`${allowed.url}/`])).stdout).toBe("hello\n");
    } finally {
      denied.close();
      allowed.close();
    }
  });
});

function openIdle(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, "127.0.0.1", () => resolve(sock));
    sock.on("error", reject);
  });
}

function closed(sock: net.Socket, within: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (sock.destroyed || sock.readableEnded) return resolve(true);
    const t = setTimeout(() => resolve(false), within);
    sock.once("close", () => {
      clearTimeout(t);
      resolve(true);
    });
    sock.resume();
  });
}

describe("connection limits and timeouts", () => {
  test("over maxConnections with onOverload=refuse: 503 and close", async () => {
    const s = startServer(hello, { maxConnections: 2, onOverload: "refuse" });
    try {
      const a = await openIdle(s.port);
      const b = await openIdle(s.port);
      await sleep(50);
      const r = await rawExchange(s.port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      expect(statuses(r.text)).toEqual([503]);
      expect(r.closed).toBe(true);
      a.destroy();
      b.destroy();
      await sleep(50);
      expect((await curl([`${s.url}/`])).stdout).toBe("hello\n");
    } finally {
      s.close();
    }
  });

  test("over maxConnections with purge-idle: the least recently used idle connection makes room", async () => {
    const s = startServer(hello, { maxConnections: 2 });
    try {
      const oldest = await openIdle(s.port);
      await sleep(30);
      const newer = await openIdle(s.port);
      await sleep(30);
      expect((await curl([`${s.url}/`])).stdout).toBe("hello\n");
      expect(await closed(oldest, 500)).toBe(true);
      expect(await closed(newer, 100)).toBe(false);
      newer.destroy();
    } finally {
      s.close();
    }
  });

  test("a head that does not complete in time gets 408 and is closed; others are served meanwhile", async () => {
    const s = startServer(hello, { headerTimeoutMs: 300 });
    try {
      const slow = rawExchange(s.port, ["GET / HTTP/1.1\r\n", "Host: x\r\n", "X-Slow: 1\r\n", "X-Slow: 2\r\n"], { gapMs: 150, waitMs: 3000 });
      await sleep(100);
      expect((await curl([`${s.url}/`])).stdout).toBe("hello\n");
      const r = await slow;
      expect(statuses(r.text)).toEqual([408]);
      expect(r.closed).toBe(true);
    } finally {
      s.close();
    }
  });

  test("a connection that never sends anything is closed after the header timeout", async () => {
    const s = startServer(hello, { headerTimeoutMs: 200 });
    try {
      const sock = await openIdle(s.port);
      expect(await closed(sock, 1500)).toBe(true);
    } finally {
      s.close();
    }
  });

  test("idle keep-alive connections are closed after the idle timeout", async () => {
    const s = startServer(hello, { idleTimeoutMs: 300 });
    try {
      const start = Date.now();
      const r = await rawExchange(s.port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", { waitMs: 3000 });
      expect(statuses(r.text)).toEqual([200]);
      expect(r.closed).toBe(true);
      expect(Date.now() - start).toBeGreaterThanOrEqual(250);
    } finally {
      s.close();
    }
  });

  test("a body that stops arriving is timed out with 408", async () => {
    const s = startServer(hello, { stallTimeoutMs: 300 });
    try {
      const r = await rawExchange(s.port, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc", { waitMs: 3000 });
      expect(statuses(r.text)).toEqual([408]);
      expect(r.closed).toBe(true);
    } finally {
      s.close();
    }
  });

  test("per-connection buffer caps: a head larger than the receive cap is refused, nothing else breaks", async () => {
    const s = startServer(hello, { recvLimit: 4096, parser: { maxHeadBytes: 2048 } });
    try {
      const big = "GET / HTTP/1.1\r\nHost: x\r\n" + "X-Fill: " + "a".repeat(1500) + "\r\n" + "X-Fill2: " + "b".repeat(1500) + "\r\n\r\n";
      const r = await rawExchange(s.port, big);
      expect(statuses(r.text)).toEqual([431]);
      expect(r.closed).toBe(true);
      expect((await curl([`${s.url}/`])).stdout).toBe("hello\n");
    } finally {
      s.close();
    }
  });
});
