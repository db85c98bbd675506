// A static file server, like the mongoose and civetweb standalone binaries:
//
//   npm run example -- http-server --root DIR --port N [--listing] [--auth-file F --auth-domain D]
//                                  [--acl ACL] [--cors] [--max-connections N] [--upload-dir DIR]
//   npm run example -- http-server --add-user FILE DOMAIN USER PASSWORD   (mongoose -A)
//
// One access log line per request on stdout. The server code is the device code: on a board the
// filesystem would be a MemoryFileSystem of flash resources instead of a host directory.

import * as nodeFs from "node:fs";
import * as nodePath from "node:path";
import { createNodeFileSystem } from "../../host-sim/http-fs";
import { Manager } from "../../modules/core/manager";
import type { Connection } from "../../modules/core/connection";
import type { McEvent } from "../../modules/core/events";
import type { Platform } from "../../modules/core/platform";
import { htdigestLookup, platformMd5 } from "../../modules/http/auth";
import { modifyPasswordsFile } from "../../modules/http/auth-file";
import type { HttpFileSystem } from "../../modules/http/fs";
import { attach, type HttpServer } from "../../modules/http/server";
import { serveHttp } from "../../modules/http/static";
import { fileUploadHandler, uploadInto } from "../../modules/http/upload";

export interface StaticServerOptions {
  fs: HttpFileSystem;
  port: number;
  address?: string;
  listing?: boolean;
  /** htdigest text source for the whole server (read on every request, so edits apply at once) */
  passwords?: () => string;
  authDomain?: string;
  acl?: string;
  cors?: boolean;
  maxConnections?: number;
  /** an fs directory that POST /upload (multipart) writes into */
  uploadDir?: string;
  /** where access log lines go (default: the platform log) */
  accessLog?: (line: string) => void;
}

export function startStaticServer(platform: Platform, o: StaticServerOptions): { mgr: Manager; listener: Connection; server: HttpServer } {
  const mgr = new Manager(platform);
  const serveOptions = { fs: o.fs, enableDirectoryListing: o.listing ?? false, hiddenFilePattern: ".htpasswd$|*.part-*" };
  const handler = (c: Connection, ev: McEvent) => {
    if (ev.type === "http-request") serveHttp(c, ev.request, serveOptions);
  };
  const listener = mgr.bind(`tcp://${o.address ?? "0.0.0.0"}:${o.port}`, handler);
  const server = attach(listener, {
    acl: o.acl,
    maxConnections: o.maxConnections ?? 256,
    extraHeaders: o.cors ? "Access-Control-Allow-Origin: *" : undefined,
    auth: o.passwords
      ? { realm: o.authDomain ?? "mcnet", passwords: (user, realm) => htdigestLookup(o.passwords!(), user, realm) }
      : undefined,
    hooks: o.accessLog
      ? {
          logAccess: (_c, line) => {
            o.accessLog!(line);
            return true;
          },
        }
      : {},
  });
  if (o.uploadDir !== undefined) {
    const dir = o.uploadDir;
    server.endpoint("/upload", (c, ev) => {
      if (fileUploadHandler(c, ev, { fs: o.fs, name: uploadInto(dir) })) return;
      if (ev.type === "http-request") serveHttp(c, ev.request, serveOptions);
    });
  }
  return { mgr, listener, server };
}

function flag(args: string[], name: string): boolean {
  return args.includes(name);
}

function value(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export function main(platform: Platform, args: string[]): (() => void) | undefined {
  const add = args.indexOf("--add-user");
  if (add >= 0) {
    const [file, domain, user, password] = args.slice(add + 1, add + 5);
    if (!file || !domain || !user) throw new Error("usage: --add-user FILE DOMAIN USER [PASSWORD]  (no password: delete the user)");
    const abs = nodePath.resolve(file);
    nodeFs.mkdirSync(nodePath.dirname(abs), { recursive: true });
    const dirFs = createNodeFileSystem(nodePath.dirname(abs), { writable: true });
    const ok = modifyPasswordsFile(dirFs, "/" + nodePath.basename(abs), domain, user, password, platformMd5(platform));
    process.stdout.write(ok ? `${password === undefined ? "deleted" : "set"} ${user} in ${abs}\n` : `failed to update ${abs}\n`);
    process.exitCode = ok ? 0 : 1;
    return undefined;
  }
  const root = value(args, "--root") ?? ".";
  const authFile = value(args, "--auth-file");
  const upload = value(args, "--upload-dir");
  const { mgr, listener } = startStaticServer(platform, {
    fs: createNodeFileSystem(root, { writable: upload !== undefined }),
    port: Number(value(args, "--port") ?? 8000),
    address: value(args, "--address"),
    listing: flag(args, "--listing"),
    passwords: authFile ? () => nodeFs.readFileSync(authFile, "utf8") : undefined,
    authDomain: value(args, "--auth-domain"),
    acl: value(args, "--acl"),
    cors: flag(args, "--cors"),
    maxConnections: value(args, "--max-connections") ? Number(value(args, "--max-connections")) : undefined,
    uploadDir: upload,
    accessLog: (line) => process.stdout.write(line + "\n"),
  });
  process.stdout.write(`http-server: serving ${nodePath.resolve(root)} on port ${listener.local.port}\n`);
  return () => mgr.close();
}
