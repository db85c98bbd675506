// Static file serving (mg_serve_http, mg_http_serve_file) over an HttpFileSystem: document root,
// index files, directory listing, MIME types, ETag / Last-Modified revalidation (304), Range
// (206 / 416), precompressed `.gz` variants, hidden files, per-directory and global password
// files, IP ACL, URL rewrites, SSI. Files stream in bounded chunks with backpressure.
// Request paths are decoded and checked by safePath(): traversal, backslashes, NUL and
// malformed escapes are refused before any filesystem call.

import type { Connection } from "../core/connection";
import { aclAllows, parseAcl } from "../core/acl";
import { utf8Decode } from "../util/utf8";
import { checkAuthorization } from "./auth";
import { FileBodyProducer, memoryHandle } from "./body-pump";
import { ListingProducer, readListing } from "./dir-listing";
import { currentExchange } from "./exchange";
import { readSmallFile, type FileHandle, type FileStat, type HttpFileSystem } from "./fs";
import { anySegmentMatches, matches } from "./glob";
import { formatHttpDate, parseHttpDate } from "./http-date";
import type { HttpRequest } from "./message";
import { mimeType, parseMimeOverrides } from "./mime";
import { baseName, dirName, isPathError, joinPath, safePath } from "./path";
import { contentRange, parseRange, unsatisfiedRange } from "./range";
import { headerLines, redirect, reply, sendError, sendHead, type HeaderInput } from "./reply";
import { serverOf } from "./server";
import { SsiProducer, type SsiResolver } from "./ssi";

/** mg_serve_http_opts, in TypeScript. Paths are inside `fs`. */
export interface ServeOptions {
  fs: HttpFileSystem;
  /** document_root: the directory inside `fs` that "/" maps to (default "": the fs root) */
  documentRoot?: string;
  /** index_files, comma-separated (default "index.html,index.htm,index.shtml") */
  indexFiles?: string;
  /** enable_directory_listing (default false here; Mongoose defaults to on) */
  enableDirectoryListing?: boolean;
  /** per_directory_auth_file, e.g. ".htpasswd": its presence in a directory protects that directory */
  perDirectoryAuthFile?: string;
  /** auth_domain: the realm of password files (default "mcnet") */
  authDomain?: string;
  /** global_auth_file: every request needs credentials from this file */
  globalAuthFile?: string;
  /** ssi_pattern (default "**.shtml$|**.shtm$") */
  ssiPattern?: string;
  /** ip_acl, Mongoose syntax */
  ipAcl?: string;
  /** url_rewrites: "/prefix=/fs/dir,@host=/fs/root,%80=https://site" */
  urlRewrites?: string;
  /** hidden_file_pattern: matching names (any path segment) are 404 and left out of listings */
  hiddenFilePattern?: string;
  /** custom_mime_types: ".txt=text/plain; charset=utf-8,.c=text/plain" */
  customMimeTypes?: string;
  /** extra_headers for every response served (CORS etc.) */
  extraHeaders?: HeaderInput;
  /** serve `x.gz` for `x` when the client accepts gzip (default true) */
  gzip?: boolean;
  /** bytes read per step (default 2048) */
  chunkSize?: number;
  /** most entries shown in a listing (default 256) */
  maxListing?: number;
  /** Cache-Control max-age in seconds for files (omitted by default) */
  maxAge?: number;
}

const DEFAULT_INDEX = "index.html,index.htm,index.shtml";
const DEFAULT_SSI = "**.shtml$|**.shtm$";
const MAX_PASSWORD_FILE = 16384;

interface Opened {
  handle: FileHandle;
  stat: FileStat;
}

/** The open-file hook first (CivetWeb open_file), then the filesystem. */
function openFile(c: Connection, fs: HttpFileSystem, fsPath: string): Opened | undefined {
  const hook = serverOf(c)?.hooks.openFile;
  if (hook) {
    const mem = hook(c, fsPath);
    if (mem) {
      const bytes = mem instanceof Uint8Array ? mem : new Uint8Array(mem);
      return { handle: memoryHandle(bytes), stat: { size: bytes.length, mtime: 0, isDirectory: false } };
    }
  }
  const stat = fs.stat(fsPath);
  if (!stat || stat.isDirectory) return undefined;
  const handle = fs.open(fsPath);
  return handle ? { handle, stat } : undefined;
}

function etagOf(stat: FileStat, suffix = ""): string | undefined {
  if (stat.mtime <= 0) return undefined;
  return `"${Math.floor(stat.mtime / 1000).toString(16)}.${stat.size.toString(16)}${suffix}"`;
}

/** If-None-Match: "*" or a list of entity tags, compared weakly (RFC 9110 13.1.2). */
export function etagMatches(header: string, etag: string): boolean {
  const strip = (t: string) => (t.startsWith("W/") ? t.slice(2) : t);
  const want = strip(etag);
  for (const part of header.split(",")) {
    const t = part.trim();
    if (t === "*" || strip(t) === want) return true;
  }
  return false;
}

/** Does the client take gzip? ("gzip", "gzip;q=0.5", "*"; q=0 refuses) */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  for (const part of header.split(",")) {
    const [coding, ...params] = part.split(";");
    const name = coding.trim().toLowerCase();
    if (name !== "gzip" && name !== "x-gzip" && name !== "*") continue;
    let q = 1;
    for (const p of params) {
      const [k, v] = p.split("=");
      if (k.trim().toLowerCase() === "q") q = Number(v);
    }
    if (q > 0) return true;
  }
  return false;
}

export interface SendFileOptions {
  mimeType: string;
  extraHeaders?: string;
  chunkSize?: number;
  /** the bytes are the gzip encoding of the representation */
  gzipEncoded?: boolean;
  /** a .gz variant exists, so the response varies by Accept-Encoding */
  vary?: boolean;
  maxAge?: number;
}

/** Send an opened file with revalidation and Range support; the handle is closed when done. */
function sendOpened(c: Connection, req: HttpRequest, f: Opened, o: SendFileOptions): void {
  const { stat, handle } = f;
  const size = stat.size;
  const etag = etagOf(stat, o.gzipEncoded ? "-gz" : "");
  const lastModified = stat.mtime > 0 ? formatHttpDate(stat.mtime) : undefined;
  let h = o.extraHeaders ?? "";
  if (etag) h += `ETag: ${etag}\r\n`;
  if (lastModified) h += `Last-Modified: ${lastModified}\r\n`;
  if (o.vary || o.gzipEncoded) h += "Vary: Accept-Encoding\r\n";
  if (o.maxAge !== undefined) h += `Cache-Control: max-age=${Math.max(0, Math.floor(o.maxAge))}\r\n`;
  const inm = req.headers.get("if-none-match");
  let notModified = false;
  if (inm !== undefined) notModified = etag !== undefined && etagMatches(inm, etag);
  else if (lastModified && (req.method === "GET" || req.method === "HEAD")) {
    const ims = parseHttpDate(req.headers.get("if-modified-since"));
    if (ims !== undefined && Math.floor(stat.mtime / 1000) * 1000 <= ims) notModified = true;
  }
  if (notModified) {
    handle.close();
    sendHead(c, 304, 0, h);
    return;
  }
  h += `Content-Type: ${o.mimeType}\r\nAccept-Ranges: bytes\r\n`;
  if (o.gzipEncoded) h += "Content-Encoding: gzip\r\n";
  let rangeHeader = req.headers.get("range");
  const ifRange = req.headers.get("if-range");
  if (rangeHeader !== undefined && ifRange !== undefined) {
    const t = ifRange.trim();
    const ok = t.startsWith('"') || t.startsWith("W/") ? etag !== undefined && t === etag : lastModified !== undefined && parseHttpDate(t) === Math.floor(stat.mtime / 1000) * 1000;
    if (!ok) rangeHeader = undefined;
  }
  const range = req.method === "GET" || req.method === "HEAD" ? parseRange(rangeHeader, size) : { kind: "none" as const };
  if (range.kind === "unsatisfiable") {
    handle.close();
    reply(c, 416, "", h.replace(/Content-Type: [^\r]*\r\n/, "") + `Content-Range: ${unsatisfiedRange(size)}`);
    return;
  }
  let status = 200;
  let start = 0;
  let end = size;
  if (range.kind === "range") {
    status = 206;
    start = range.start;
    end = range.end + 1;
    h += `Content-Range: ${contentRange(range.start, range.end, size)}\r\n`;
  }
  sendHead(c, status, end - start, h);
  const ex = currentExchange(c);
  if (!ex || ex.complete || end === start) {
    handle.close();
    return;
  }
  const producer = new FileBodyProducer(handle, start, end, o.chunkSize ?? 2048);
  ex.producer = producer;
  producer.fill(c);
}

/** mg_http_serve_file: serve one file of `fs` with a given MIME type and extra headers. */
export function serveFile(c: Connection, req: HttpRequest, fs: HttpFileSystem, fsPath: string, mime?: string, extraHeaders?: HeaderInput): void {
  if (!currentExchange(c)) {
    sendError(c, 500, "serveFile needs a connection of an attached HTTP server");
    return;
  }
  const f = openFile(c, fs, fsPath);
  if (!f) {
    sendError(c, 404);
    return;
  }
  sendOpened(c, req, f, { mimeType: mime ?? mimeType(fsPath), extraHeaders: headerLines(extraHeaders) });
}

interface Rewritten {
  root: string;
  fsPath: string;
}

/** url_rewrites: prefix and @host rules give the filesystem path; %port rules redirect (returns undefined after answering). */
function applyRewrites(c: Connection, req: HttpRequest, docPath: string, root: string, rules: string | undefined): Rewritten | undefined {
  if (!rules) return { root, fsPath: joinPath(root, docPath) };
  const host = (req.headers.get("host") ?? "").replace(/:\d+$/, "").toLowerCase();
  let best: { prefix: string; target: string } | undefined;
  for (const rule of rules.split(",")) {
    const eq = rule.indexOf("=");
    if (eq <= 0) continue;
    const pattern = rule.slice(0, eq).trim();
    const target = rule.slice(eq + 1).trim();
    if (pattern.startsWith("%")) {
      if (Number(pattern.slice(1)) === c.local.port) {
        redirect(c, 301, target.replace(/\/$/, "") + req.target);
        return undefined;
      }
    } else if (pattern.startsWith("@")) {
      if (pattern.slice(1).toLowerCase() === host) root = target;
    } else if (docPath === pattern || docPath.startsWith(pattern.endsWith("/") ? pattern : pattern + "/")) {
      if (!best || pattern.length > best.prefix.length) best = { prefix: pattern, target };
    }
  }
  if (best) return { root, fsPath: joinPath(best.target, docPath.slice(best.prefix.length) || "/") };
  return { root, fsPath: joinPath(root, docPath) };
}

function authorized(c: Connection, req: HttpRequest, fs: HttpFileSystem, passwordFile: string, realm: string): boolean {
  const server = serverOf(c);
  const bytes = readSmallFile(fs, passwordFile, MAX_PASSWORD_FILE);
  if (!server || !bytes) {
    // A protected directory whose password file cannot be read stays closed.
    sendError(c, 403);
    return false;
  }
  const r = checkAuthorization(req.headers.get("authorization"), req.method, req.target, {
    md5: server.md5,
    realm,
    passwords: utf8Decode(bytes),
    nonces: server.nonces,
    now: c.mgr.platform.time(),
  });
  if (r.ok) {
    const ex = currentExchange(c);
    if (ex && !ex.user) ex.user = r.user;
    return true;
  }
  server.challenge(c, realm, r.stale === true);
  return false;
}

/** mg_serve_http: answer `req` from the document root according to `opts`. */
export function serveHttp(c: Connection, req: HttpRequest, opts: ServeOptions): void {
  if (!currentExchange(c)) {
    sendError(c, 500, "serveHttp needs a connection of an attached HTTP server");
    return;
  }
  if (req.method === "OPTIONS") {
    reply(c, 204, "", headerLines(opts.extraHeaders) + "Allow: GET, HEAD, OPTIONS");
    return;
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    reply(c, 405, "Method not allowed\n", headerLines(opts.extraHeaders) + "Allow: GET, HEAD, OPTIONS");
    return;
  }
  if (opts.ipAcl) {
    const acl = parseAcl(opts.ipAcl);
    if (!acl.ok || !aclAllows(acl.acl, c.remote.address)) {
      sendError(c, 403);
      return;
    }
  }
  const safe = safePath(req.path);
  if (isPathError(safe)) {
    sendError(c, 400, safe.error === "traversal" ? "path leaves the document root" : `bad path (${safe.error})`);
    return;
  }
  const docPath = safe.path;
  const fs = opts.fs;
  const authName = opts.perDirectoryAuthFile;
  const hidden = (name: string) => matches(opts.hiddenFilePattern, name) || (authName !== undefined && name === authName);
  if (anySegmentMatches(opts.hiddenFilePattern, docPath) || (authName !== undefined && baseName(docPath) === authName)) {
    sendError(c, 404);
    return;
  }
  const rw = applyRewrites(c, req, docPath, opts.documentRoot ?? "", opts.urlRewrites);
  if (!rw) return;
  if (opts.globalAuthFile !== undefined && rw.fsPath === opts.globalAuthFile) {
    // A password file kept under the document root must never be served.
    sendError(c, 404);
    return;
  }
  const realm = opts.authDomain ?? "mcnet";
  if (opts.globalAuthFile && !authorized(c, req, fs, opts.globalAuthFile, realm)) return;
  let fsPath = rw.fsPath;
  let stat = fs.stat(fsPath);
  let servedDoc = docPath;
  const extra = headerLines(opts.extraHeaders);
  if (stat?.isDirectory) {
    if (!safe.trailingSlash) {
      // Relative links inside the directory's page need the slash.
      const q = req.query ? "?" + req.query : "";
      redirect(c, 301, req.path + "/" + q, extra);
      return;
    }
    if (authName && !checkDirAuth(c, req, fs, fsPath, authName, realm)) return;
    let found = false;
    for (const name of (opts.indexFiles ?? DEFAULT_INDEX).split(",")) {
      const n = name.trim();
      if (!n) continue;
      const candidate = joinPath(fsPath, n);
      const st = fs.stat(candidate);
      if (st && !st.isDirectory) {
        fsPath = candidate;
        stat = st;
        servedDoc = joinPath(docPath, n);
        found = true;
        break;
      }
    }
    if (!found) {
      if (!opts.enableDirectoryListing) {
        sendError(c, 403, "directory listing is disabled");
        return;
      }
      const entries = readListing(fs, fsPath, opts.maxListing ?? 256, hidden);
      if (!entries) {
        sendError(c, 403);
        return;
      }
      sendHead(c, 200, -1, extra + "Content-Type: text/html; charset=utf-8");
      const ex = currentExchange(c);
      if (!ex || ex.complete) return;
      const p = new ListingProducer(docPath === "/" ? "/" : docPath + "/", entries);
      ex.producer = p;
      p.fill(c);
      return;
    }
  } else if (authName && !checkDirAuth(c, req, fs, dirName(fsPath), authName, realm)) return;
  const mime = mimeType(servedDoc, parseMimeOverrides(opts.customMimeTypes));
  if (matches(opts.ssiPattern ?? DEFAULT_SSI, servedDoc)) {
    serveSsi(c, req, opts, rw.root, fsPath, servedDoc, mime, extra);
    return;
  }
  let gz: Opened | undefined;
  let vary = false;
  if ((opts.gzip ?? true) && !stat?.isDirectory) {
    const gzStat = fs.stat(fsPath + ".gz");
    if (gzStat && !gzStat.isDirectory) {
      vary = true;
      if (acceptsGzip(req.headers.get("accept-encoding"))) {
        const h = fs.open(fsPath + ".gz");
        if (h) gz = { handle: h, stat: gzStat };
      }
    }
  }
  const f = gz ?? openFile(c, fs, fsPath);
  if (!f) {
    sendError(c, 404);
    return;
  }
  sendOpened(c, req, f, { mimeType: mime, extraHeaders: extra, chunkSize: opts.chunkSize, gzipEncoded: gz !== undefined, vary, maxAge: opts.maxAge });
}

function checkDirAuth(c: Connection, req: HttpRequest, fs: HttpFileSystem, dir: string, authName: string, realm: string): boolean {
  const file = joinPath(dir, authName);
  const st = fs.stat(file);
  if (!st || st.isDirectory) return true;
  return authorized(c, req, fs, file, realm);
}

function serveSsi(c: Connection, req: HttpRequest, opts: ServeOptions, root: string, fsPath: string, docPath: string, mime: string, extra: string): void {
  const f = openFile(c, opts.fs, fsPath);
  if (!f) {
    sendError(c, 404);
    return;
  }
  const fs = opts.fs;
  const ssiPattern = opts.ssiPattern ?? DEFAULT_SSI;
  const authName = opts.perDirectoryAuthFile;
  const resolver: SsiResolver = {
    open(includePath) {
      if (anySegmentMatches(opts.hiddenFilePattern, includePath) || (authName !== undefined && baseName(includePath) === authName)) return undefined;
      const o = openFile(c, fs, joinPath(root, includePath));
      return o ? { handle: o.handle, size: o.stat.size, ssi: matches(ssiPattern, includePath) } : undefined;
    },
  };
  // The page changes with every include and call: no validators, no ranges.
  sendHead(c, 200, -1, extra + `Content-Type: ${mime}\r\nCache-Control: no-cache`);
  const ex = currentExchange(c);
  if (!ex || ex.complete) {
    f.handle.close();
    return;
  }
  const server = serverOf(c);
  const p = new SsiProducer(resolver, { handle: f.handle, size: f.stat.size, docPath }, (m) => server?.log(c, "warn", m));
  ex.producer = p;
  p.fill(c);
}
