// mg_modify_passwords_file over an HttpFileSystem: add, change or delete a user of an
// htdigest-format password file (the format Apache's htdigest writes and auth.ts reads).

import { utf8Decode, utf8Encode } from "../util/utf8";
import { htdigestModify, type Md5 } from "./auth";
import { readSmallFile, writeWholeFile, type HttpFileSystem } from "./fs";

/** Largest password file edited in memory. */
export const MAX_PASSWORD_FILE = 65536;

/**
 * Set `user`'s password in `realm` (password undefined: delete the user). Creates the file when
 * missing. False when the file is too large, or the filesystem refuses the write.
 */
export function modifyPasswordsFile(fs: HttpFileSystem, path: string, realm: string, user: string, password: string | undefined, md5: Md5): boolean {
  const st = fs.stat(path);
  let text = "";
  if (st) {
    if (st.isDirectory) return false;
    const bytes = readSmallFile(fs, path, MAX_PASSWORD_FILE);
    if (!bytes) return false;
    text = utf8Decode(bytes);
  }
  let next: string;
  try {
    next = htdigestModify(md5, text, realm, user, password);
  } catch {
    return false;
  }
  return writeWholeFile(fs, path, utf8Encode(next));
}
