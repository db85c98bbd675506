// Content-Type by file suffix, with per-server overrides in the mg_serve_http_opts
// custom_mime_types syntax: ".txt=text/plain; charset=utf-8,.c=text/plain".

// One flat string keeps the table in flash on a device instead of as a heap object per entry.
const TABLE =
  "html text/html; charset=utf-8|htm text/html; charset=utf-8|shtml text/html; charset=utf-8|shtm text/html; charset=utf-8|" +
  "css text/css; charset=utf-8|js text/javascript; charset=utf-8|mjs text/javascript; charset=utf-8|" +
  "json application/json|map application/json|txt text/plain; charset=utf-8|text text/plain; charset=utf-8|" +
  "md text/markdown; charset=utf-8|csv text/csv; charset=utf-8|xml application/xml|xsl application/xml|" +
  "svg image/svg+xml|png image/png|jpg image/jpeg|jpeg image/jpeg|gif image/gif|ico image/x-icon|" +
  "bmp image/bmp|webp image/webp|avif image/avif|tif image/tiff|tiff image/tiff|" +
  "woff font/woff|woff2 font/woff2|ttf font/ttf|otf font/otf|eot application/vnd.ms-fontobject|" +
  "wasm application/wasm|pdf application/pdf|zip application/zip|gz application/gzip|tgz application/gzip|" +
  "tar application/x-tar|bin application/octet-stream|exe application/octet-stream|" +
  "mp3 audio/mpeg|wav audio/wav|ogg audio/ogg|oga audio/ogg|mp4 video/mp4|m4v video/mp4|webm video/webm|" +
  "ogv video/ogg|avi video/x-msvideo|mpg video/mpeg|mpeg video/mpeg|mov video/quicktime|" +
  "rtf application/rtf|doc application/msword|xls application/vnd.ms-excel|ppt application/vnd.ms-powerpoint|" +
  "manifest text/cache-manifest|webmanifest application/manifest+json|appcache text/cache-manifest|" +
  "c text/plain; charset=utf-8|h text/plain; charset=utf-8|ts text/plain; charset=utf-8|" +
  "sh application/x-sh|der application/x-x509-ca-cert|pem application/x-pem-file|crt application/x-x509-ca-cert";

export const DEFAULT_MIME_TYPE = "application/octet-stream";

/** [lower-case suffix including the dot, content type] pairs, checked before the table. */
export type MimeOverrides = ReadonlyArray<readonly [string, string]>;

/** Parse ".txt=text/plain; charset=utf-8,.c=text/plain" (at most `max` entries). */
export function parseMimeOverrides(spec: string | undefined, max = 32): MimeOverrides {
  const out: Array<readonly [string, string]> = [];
  if (!spec) return out;
  for (const item of spec.split(",")) {
    if (out.length >= max) break;
    const eq = item.indexOf("=");
    if (eq <= 0) continue;
    const suffix = item.slice(0, eq).trim().toLowerCase();
    const type = item.slice(eq + 1).trim();
    if (suffix && type) out.push([suffix, type]);
  }
  return out;
}

function endsWithIgnoreCase(path: string, suffix: string): boolean {
  if (suffix.length > path.length) return false;
  return path.slice(path.length - suffix.length).toLowerCase() === suffix;
}

/** The table's type for an extension (without the dot), or undefined. */
export function mimeForExtension(ext: string): string | undefined {
  if (ext.length === 0 || ext.length > 16 || ext.indexOf("|") >= 0 || ext.indexOf(" ") >= 0) return undefined;
  const key = ext.toLowerCase() + " ";
  let at = TABLE.startsWith(key) ? 0 : TABLE.indexOf("|" + key);
  if (at < 0) return undefined;
  if (at > 0) at += 1;
  const end = TABLE.indexOf("|", at);
  return TABLE.slice(at + key.length, end < 0 ? TABLE.length : end);
}

/** mg_serve_http's type guess: overrides (longest suffix first as listed), then the table. */
export function mimeType(path: string, overrides: MimeOverrides = [], fallback = DEFAULT_MIME_TYPE): string {
  for (const [suffix, type] of overrides) if (endsWithIgnoreCase(path, suffix)) return type;
  const slash = path.lastIndexOf("/");
  const dot = path.lastIndexOf(".");
  if (dot <= slash + 1 || dot === path.length - 1) return fallback;
  return mimeForExtension(path.slice(dot + 1)) ?? fallback;
}
