// File uploads from multipart forms (mg_file_upload_handler): each file part is written to the
// filesystem under a name the application's callback chooses from the client's file name. The
// client's name is hostile input; safeUploadName() keeps only its last path component, and the
// helper re-checks whatever path the callback returns (traversal, NUL, backslashes) and answers
// 403 for refused names. Files are written as they arrive and removed if the upload fails.

import type { Connection } from "../core/connection";
import type { McEvent } from "../core/events";
import type { FileWriter, HttpFileSystem } from "./fs";
import type { PartInfo } from "./multipart";
import { isPathError, joinPath, safePath } from "./path";
import { reply, sendError } from "./reply";
import "./server-events";

/** mg_fu_fname_fn: the fs path to store `filename` at, or undefined to refuse (403). */
export type UploadNameFn = (c: Connection, filename: string, part: PartInfo) => string | undefined;

export interface UploadOptions {
  fs: HttpFileSystem;
  name: UploadNameFn;
  /** largest file accepted (default 1 MiB); past it the file is dropped and 413 sent */
  maxFileBytes?: number;
}

interface UploadState {
  writer: FileWriter | undefined;
  path: string;
  bytes: number;
  failed: boolean;
  files: string[];
}

const states = new WeakMap<Connection, UploadState>();

/**
 * The client's file name reduced to a plain name inside `dir`: the last component after any
 * "/" or "\\", no leading dots, no control characters. Undefined when nothing usable is left.
 */
export function safeUploadName(dir: string, filename: string, maxLength = 128): string | undefined {
  let name = filename.slice(Math.max(filename.lastIndexOf("/"), filename.lastIndexOf("\\")) + 1);
  name = name.replace(/[\x00-\x1f\x7f]/g, "").replace(/^[.\s]+/, "").trim();
  if (name.length === 0 || name.length > maxLength) return undefined;
  return joinPath(dir, name);
}

function state(c: Connection): UploadState {
  let s = states.get(c);
  if (!s) {
    s = { writer: undefined, path: "", bytes: 0, failed: false, files: [] };
    states.set(c, s);
  }
  return s;
}

function fail(c: Connection, s: UploadState, status: number, reason: string): void {
  s.writer?.abort();
  s.writer = undefined;
  if (!s.failed) {
    s.failed = true;
    sendError(c, status, reason);
  }
}

/**
 * Handle the multipart events of an upload form; returns true when `ev` was one of them.
 * Call it from the endpoint's handler for every event.
 */
export function fileUploadHandler(c: Connection, ev: McEvent, opts: UploadOptions): boolean {
  switch (ev.type) {
    case "http-multipart-request":
      states.set(c, { writer: undefined, path: "", bytes: 0, failed: false, files: [] });
      return true;
    case "http-part-begin": {
      const s = state(c);
      if (s.failed || ev.part.filename === undefined) return true;
      const chosen = opts.name(c, ev.part.filename, ev.part);
      const checked = chosen === undefined ? undefined : safePath(encodeURI(chosen));
      if (checked === undefined || isPathError(checked) || checked.trailingSlash) {
        fail(c, s, 403, "file name refused");
        return true;
      }
      const writer = opts.fs.create?.(checked.path);
      if (!writer) {
        fail(c, s, 500, "cannot create the file");
        return true;
      }
      s.writer = writer;
      s.path = checked.path;
      s.bytes = 0;
      return true;
    }
    case "http-part-data": {
      const s = state(c);
      if (!s.writer) return true;
      s.bytes += ev.data.length;
      if (s.bytes > (opts.maxFileBytes ?? 1048576)) fail(c, s, 413, "file too large");
      else if (!s.writer.write(ev.data)) fail(c, s, 507, "cannot write the file");
      return true;
    }
    case "http-part-end": {
      const s = state(c);
      if (!s.writer) return true;
      if (ev.error) {
        s.writer.abort();
      } else {
        s.writer.close();
        s.files.push(`${s.path} (${s.bytes} bytes)`);
      }
      s.writer = undefined;
      return true;
    }
    case "http-multipart-end": {
      const s = state(c);
      states.delete(c);
      s.writer?.abort();
      if (s.failed) return true;
      if (ev.error) sendError(c, 400, `upload failed: ${ev.error}`);
      else reply(c, 200, s.files.length ? `Ok, ${s.files.join(", ")}\n` : "Ok, no files\n");
      return true;
    }
    case "close": {
      const s = states.get(c);
      s?.writer?.abort();
      states.delete(c);
      return false;
    }
    default:
      return false;
  }
}

/** Where uploads land by default: a sanitized name inside `dir`. */
export function uploadInto(dir: string): UploadNameFn {
  return (_c, filename) => safeUploadName(dir, filename);
}

