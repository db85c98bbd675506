// Endpoint registry (mg_register_http_endpoint): handlers by request-path prefix, longest
// prefix wins. A prefix matches at a segment boundary: "/api" takes "/api" and "/api/x", not
// "/apix". Paths are compared as sent, still percent-encoded: register plain ASCII prefixes.

import type { Handler } from "../core/events";

interface Route {
  prefix: string;
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  /** Register (or replace) the handler for `prefix`; "/" catches everything else. */
  add(prefix: string, handler: Handler): void {
    const p = prefix.length > 1 && prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
    const existing = this.routes.find((r) => r.prefix === p);
    if (existing) existing.handler = handler;
    else {
      this.routes.push({ prefix: p, handler });
      // Longest first, so the first match is the best one.
      this.routes.sort((a, b) => b.prefix.length - a.prefix.length);
    }
  }

  remove(prefix: string): boolean {
    const i = this.routes.findIndex((r) => r.prefix === prefix);
    if (i < 0) return false;
    this.routes.splice(i, 1);
    return true;
  }

  get size(): number {
    return this.routes.length;
  }

  /** The handler for `path`, or undefined when no prefix matches. */
  match(path: string): Handler | undefined {
    for (const r of this.routes) {
      if (!path.startsWith(r.prefix)) continue;
      if (r.prefix === "/" || path.length === r.prefix.length) return r.handler;
      const next = path.charCodeAt(r.prefix.length);
      if (next === 0x2f /* / */ || r.prefix.endsWith("/")) return r.handler;
    }
    return undefined;
  }
}
