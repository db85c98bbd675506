// Server-rendered HTML (the no-JavaScript pages) written straight into the response as chunks
// through one reused scratch buffer: no page is ever assembled as a string, memory stays at the
// buffer's size whatever the scan holds, and every untrusted string goes through the escaping
// writer for the context it lands in.

import type { Connection } from "../../modules/core/connection";
import { sendChunk, sendHead, type HeaderInput } from "../../modules/http/reply";
import { htmlEscape, htmlEscapedLength, htmlEscapeWrite } from "../../modules/util/html-escape";
import { utf8Length, utf8Write } from "../../modules/util/utf8";

export class PageWriter {
  private c: Connection | undefined;
  private n = 0;

  constructor(private readonly scratch: Uint8Array) {}

  /** Send the head (chunked body; an HTTP/1.0 client gets a body ended by the close). */
  begin(c: Connection, status: number, headers?: HeaderInput): this {
    this.c = c;
    this.n = 0;
    sendHead(c, status, -1, headers);
    return this;
  }

  /** markup the portal itself wrote */
  raw(s: string): this {
    const len = utf8Length(s);
    if (len > this.scratch.length) {
      this.flush();
      sendChunk(this.c!, s);
      return this;
    }
    if (this.n + len > this.scratch.length) this.flush();
    this.n = utf8Write(s, this.scratch, this.n);
    return this;
  }

  /** untrusted text between tags */
  text(s: string): this {
    return this.escaped(s, "text");
  }

  /** untrusted text inside a double-quoted attribute value */
  attr(s: string): this {
    return this.escaped(s, "attribute");
  }

  end(): void {
    this.flush();
    sendChunk(this.c!, "");
    this.c = undefined;
  }

  private escaped(s: string, context: "text" | "attribute"): this {
    const len = htmlEscapedLength(s, context);
    if (len > this.scratch.length) {
      this.flush();
      sendChunk(this.c!, htmlEscape(s, context));
      return this;
    }
    if (this.n + len > this.scratch.length) this.flush();
    this.n = htmlEscapeWrite(s, this.scratch, this.n, context);
    return this;
  }

  private flush(): void {
    if (this.n === 0 || !this.c) return;
    sendChunk(this.c, this.scratch.subarray(0, this.n));
    this.n = 0;
  }
}
