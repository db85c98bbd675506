// The portal's HTTP side: OS connectivity probes first (captive until setup is done, the exact
// vendor answer after), then any foreign host is sent to the portal, then the portal's own
// routes: static pages from flash (gzip, ETag), small JSON for the dynamic parts, the no-JS
// pages, the join request, saved networks, device info, erase/restart behind a same-origin check,
// and the RFC 8908 captive-portal API.

import type { Connection } from "../../modules/core/connection";
import type { McEvent } from "../../modules/core/events";
import type { Platform } from "../../modules/core/platform";
import { formVar, isFormError } from "../../modules/http/form";
import { mediaType } from "../../modules/http/header-params";
import type { HttpRequest } from "../../modules/http/message";
import { reply, sendError, type HeaderInput } from "../../modules/http/reply";
import type { DeviceSetup } from "../setup/device-setup";
import type { ScanResult } from "../setup/scan-cache";
import { infoPage, messagePage, networksPage, resultPage, setupPage } from "./fallback-pages";
import { portalAssets, type PortalAsset } from "./generated-assets";
import { buildNetworkList, ssidFromId, ssidId, type ListedNetwork } from "./network-list";
import { classifyProbe, portalRedirect, probeAnswer, type ProbeAnswer } from "./os-probes";
import { PageWriter } from "./page-writer";
import { isSameOrigin } from "./same-origin";
import { safeJson } from "./safe-json";
import { utf8Encode } from "../../modules/util/utf8";

const NO_STORE = "no-store";
const JSON_TYPE = "application/json; charset=utf-8";
const HTML_TYPE = "text/html; charset=utf-8";
/** form fields are short: a password is at most 64 bytes, an id 64 hex digits */
const FIELD_LIMIT = 192;

export interface PortalHttpOptions {
  setup: DeviceSetup;
  platform: Platform;
  /** where the portal lives, e.g. "http://192.168.4.1/" */
  portalUrl: () => string;
  /** the Host values that mean "the portal itself" */
  ownHosts: () => readonly string[];
}

function hostOnly(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith("[")) {
    const end = h.indexOf("]");
    return end > 0 ? h.slice(0, end + 1) : h;
  }
  const colon = h.indexOf(":");
  if (colon >= 0) h = h.slice(0, colon);
  return h.endsWith(".") ? h.slice(0, -1) : h;
}

function acceptsGzip(value: string | undefined): boolean {
  if (value === undefined) return true; // no Accept-Encoding: any coding is acceptable (RFC 9110 12.5.3)
  for (const item of value.split(",")) {
    const parts = item.trim().toLowerCase().split(";");
    const coding = parts[0].trim();
    if (coding !== "gzip" && coding !== "x-gzip" && coding !== "*") continue;
    const q = parts.slice(1).map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}

function wantsJson(req: HttpRequest): boolean {
  const accept = req.headers.get("accept");
  return accept !== undefined && accept.indexOf("application/json") >= 0;
}

function queryFlag(query: string, name: string): boolean {
  const v = formVar(query, name, 8);
  return v === "1" || v === "true";
}

export class PortalHttp {
  private readonly pages = new PageWriter(new Uint8Array(1536));
  private readonly assets = new Map<string, PortalAsset>();
  /** the captive redirect is the same for every probe and foreign page: built once per portal URL */
  private redirect: { url: string; answer: ProbeAnswer; body: Uint8Array } | undefined;
  private scanBody: { scan: ScanResult; bytes: Uint8Array } | undefined;

  constructor(private readonly o: PortalHttpOptions) {
    for (const a of portalAssets) this.assets.set(a.path, a);
  }

  /** The HTTP server's connection handler. */
  readonly handler = (c: Connection, ev: McEvent): void => {
    if (ev.type === "http-request") this.onRequest(c, ev.request);
  };

  /** Redact query strings from access-log lines: a password must never reach a log, even one sent by mistake in a URL. */
  readonly logAccess = (_c: Connection, line: string): boolean => {
    this.o.platform.log("info", line.replace(/\?[^ "]*/g, "?…"));
    return true;
  };

  private onRequest(c: Connection, req: HttpRequest): void {
    const setup = this.o.setup;
    const hostHeader = req.headers.get("host");
    const host = hostHeader === undefined ? "" : hostOnly(hostHeader);
    const probe = classifyProbe({ host, path: req.path, userAgent: req.headers.get("user-agent") });
    if (probe && setup.setupComplete) {
      this.answer(c, probeAnswer(probe, true, this.o.portalUrl()));
      return;
    }
    // A probe before setup, or any page on any other name: this network has nothing but the portal.
    if (probe || (hostHeader !== undefined && !this.isOwnHost(hostHeader))) {
      this.sendRedirect(c);
      return;
    }
    setup.noteActivity();
    const get = req.method === "GET" || req.method === "HEAD";
    switch (req.path) {
      case "/":
        if (!get) return this.methodNotAllowed(c, "GET, HEAD");
        if (acceptsGzip(req.headers.get("accept-encoding"))) return this.asset(c, req, this.assets.get("/")!);
        return this.setupForm(c, req, undefined, 200);
      case "/portal.css":
      case "/portal.js":
        if (!get) return this.methodNotAllowed(c, "GET, HEAD");
        return this.asset(c, req, this.assets.get(req.path)!);
      case "/setup":
        if (!get) return this.methodNotAllowed(c, "GET, HEAD");
        return this.setupForm(c, req, undefined, 200);
      case "/api/scan":
        if (!get) return this.methodNotAllowed(c, "GET, HEAD");
        return this.scanJson(c, req);
      case "/status":
        if (!get) return this.methodNotAllowed(c, "GET, HEAD");
        return this.statusJson(c);
      case "/connect":
        if (req.method !== "POST") return this.methodNotAllowed(c, "POST");
        return this.connect(c, req);
      case "/result":
        if (!get) return this.methodNotAllowed(c, "GET, HEAD");
        return this.result(c);
      case "/networks":
        if (!get) return this.methodNotAllowed(c, "GET, HEAD");
        return this.networks(c, req);
      case "/networks/forget":
        if (req.method !== "POST") return this.methodNotAllowed(c, "POST");
        return this.forget(c, req);
      case "/info":
      case "/api/info":
        if (!get) return this.methodNotAllowed(c, "GET, HEAD");
        return this.info(c, req);
      case "/erase":
      case "/restart":
        if (req.method !== "POST") return this.methodNotAllowed(c, "POST");
        return this.reboot(c, req, req.path === "/erase");
      case "/captive-portal/api":
        if (!get) return this.methodNotAllowed(c, "GET, HEAD");
        return this.json(c, 200, { captive: !setup.setupComplete, "user-portal-url": this.o.portalUrl() }, "application/captive+json", "private, no-store");
      default:
        sendError(c, 404, "Not found");
    }
  }

  private isOwnHost(hostHeader: string): boolean {
    const h = hostHeader.trim().toLowerCase();
    return this.o.ownHosts().some((o) => o.toLowerCase() === h);
  }

  // ---- responses -----------------------------------------------------------------------------

  private answer(c: Connection, a: ProbeAnswer): void {
    reply(c, a.status, a.body, a.headers);
  }

  private sendRedirect(c: Connection): void {
    const url = this.o.portalUrl();
    if (this.redirect?.url !== url) {
      const answer = portalRedirect(url);
      this.redirect = { url, answer, body: utf8Encode(answer.body) };
    }
    reply(c, this.redirect.answer.status, this.redirect.body, this.redirect.answer.headers);
  }

  private json(c: Connection, status: number, value: unknown, type = JSON_TYPE, cache = NO_STORE): void {
    reply(c, status, safeJson(value), [["Content-Type", type], ["Cache-Control", cache]]);
  }

  private methodNotAllowed(c: Connection, allow: string): void {
    reply(c, 405, "Method not allowed\n", [["Allow", allow], ["Content-Type", "text/plain; charset=utf-8"]]);
  }

  private asset(c: Connection, req: HttpRequest, a: PortalAsset): void {
    const common: [string, string][] = [["ETag", a.etag], ["Cache-Control", "no-cache"], ["Vary", "Accept-Encoding"]];
    const inm = req.headers.get("if-none-match");
    if (inm !== undefined && inm.split(",").some((t) => t.trim().replace(/^W\//, "") === a.etag)) {
      reply(c, 304, "", common);
      return;
    }
    reply(c, 200, a.gzip, [["Content-Type", a.type], ["Content-Encoding", "gzip"], ...common]);
  }

  private html(c: Connection, status: number, extra?: HeaderInput): PageWriter {
    const headers: [string, string][] = [["Content-Type", HTML_TYPE], ["Cache-Control", NO_STORE]];
    if (Array.isArray(extra)) for (const h of extra as [string, string][]) headers.push(h);
    return this.pages.begin(c, status, headers);
  }

  private list(): { networks: ListedNetwork[]; error?: string } {
    const scan = this.o.setup.scans.latest;
    const cfg = this.o.setup.config;
    return { networks: buildNetworkList(scan?.networks ?? [], { minRssi: cfg.minRssi, max: cfg.maxListed }) };
  }

  /** Run `then` with a scan no older than the config allows (or a fresh one). */
  private withScan(c: Connection, refresh: boolean, then: (networks: ListedNetwork[], error: string | undefined) => void): void {
    const setup = this.o.setup;
    setup.scans.get(refresh ? 0 : setup.config.scanMaxAgeMs, (scan) => {
      if (c.isClosed) return;
      const networks = buildNetworkList(scan.networks, { minRssi: setup.config.minRssi, max: setup.config.maxListed });
      then(networks, scan.error);
    });
  }

  private scanJson(c: Connection, req: HttpRequest): void {
    const setup = this.o.setup;
    setup.scans.get(queryFlag(req.query, "refresh") ? 0 : setup.config.scanMaxAgeMs, (scan) => {
      if (c.isClosed) return;
      // Phones poll and reload: the same scan is encoded once (per-character work is dear on XS).
      if (this.scanBody?.scan !== scan) {
        const networks = buildNetworkList(scan.networks, { minRssi: setup.config.minRssi, max: setup.config.maxListed });
        this.scanBody = { scan, bytes: utf8Encode(safeJson(scan.error ? { networks, error: scan.error } : { networks })) };
      }
      reply(c, 200, this.scanBody.bytes, [["Content-Type", JSON_TYPE], ["Cache-Control", NO_STORE]]);
    });
  }

  private setupForm(c: Connection, req: HttpRequest | undefined, problem: string | undefined, status: number): void {
    const render = (networks: ListedNetwork[], error: string | undefined) => {
      const w = this.html(c, status);
      setupPage(w, networks, problem, error);
      w.end();
    };
    if (req) this.withScan(c, queryFlag(req.query, "refresh"), render);
    else render(this.list().networks, undefined);
  }

  private statusJson(c: Connection): void {
    const s = this.o.setup;
    if (s.setupComplete && s.attempt?.state === "connected") s.noteResultSeen();
    this.json(c, 200, {
      phase: s.phase,
      setupComplete: s.setupComplete,
      attempt: s.attempt ?? null,
      station: s.station ? { ssid: s.station.ssid, address: s.station.address } : null,
    });
  }

  private result(c: Connection): void {
    const s = this.o.setup;
    if (s.setupComplete && s.attempt?.state === "connected") s.noteResultSeen();
    const w = this.html(c, 200);
    resultPage(w, s.attempt);
    w.end();
  }

  // ---- requests that change the device ---------------------------------------------------------

  /** The form body, or undefined after answering 413/415. */
  private formBody(c: Connection, req: HttpRequest): Uint8Array | undefined {
    const type = req.headers.get("content-type");
    if (type !== undefined && mediaType(type) !== "application/x-www-form-urlencoded") {
      reply(c, 415, "Send application/x-www-form-urlencoded\n");
      return undefined;
    }
    if (req.framing !== "none" && req.body === undefined) {
      reply(c, 413, "Request body too large\n");
      return undefined;
    }
    return req.body ?? new Uint8Array(0);
  }

  private sameOrigin(req: HttpRequest, strict: boolean): boolean {
    return isSameOrigin(
      { host: req.headers.get("host"), origin: req.headers.get("origin"), referer: req.headers.get("referer") },
      this.o.ownHosts(),
      strict,
    );
  }

  private refuseCrossOrigin(c: Connection): void {
    reply(c, 403, "Cross-origin request refused\n", [["Content-Type", "text/plain; charset=utf-8"]]);
  }

  private connect(c: Connection, req: HttpRequest): void {
    const json = wantsJson(req);
    if (!this.sameOrigin(req, false)) return this.refuseCrossOrigin(c);
    const body = this.formBody(c, req);
    if (!body) return;
    const fail = (status: number, problem: string, message: string) => {
      if (json) this.json(c, status, { ok: false, problem, message });
      else this.setupForm(c, undefined, message, status);
    };
    const id = formVar(body, "net", FIELD_LIMIT);
    const typed = formVar(body, "ssid", FIELD_LIMIT);
    const password = formVar(body, "password", FIELD_LIMIT);
    const hidden = formVar(body, "hidden", 8);
    if (isFormError(id) || isFormError(typed) || isFormError(password) || isFormError(hidden)) {
      return fail(400, "bad-form", "The form could not be read (a field is too long or badly encoded).");
    }
    let ssid: string | undefined;
    if (id !== undefined && id !== "") {
      ssid = ssidFromId(id);
      if (ssid === undefined) return fail(400, "bad-network", "That network choice is not valid; rescan and choose again.");
    } else ssid = typed ?? "";
    const r = this.o.setup.submit({ ssid, password: password ?? "", hidden: (id === undefined || id === "") && hidden === "1" });
    if (!r.ok) return fail(r.problem === "busy" ? 409 : r.problem === "no-portal" ? 503 : 400, r.problem, r.message);
    if (json) this.json(c, 202, { ok: true, seq: r.seq });
    else reply(c, 303, "", [["Location", "/result"], ["Cache-Control", NO_STORE]]);
  }

  private networks(c: Connection, req: HttpRequest): void {
    const s = this.o.setup;
    const saved = s.saved.all();
    if (wantsJson(req)) {
      this.json(c, 200, { networks: saved.map((n) => ({ ssid: n.ssid, id: ssidId(n.ssid), hidden: n.hidden === true })) });
      return;
    }
    const w = this.html(c, 200);
    networksPage(w, saved, s.station);
    w.end();
  }

  private forget(c: Connection, req: HttpRequest): void {
    if (!this.sameOrigin(req, false)) return this.refuseCrossOrigin(c);
    const body = this.formBody(c, req);
    if (!body) return;
    const id = formVar(body, "id", FIELD_LIMIT);
    const ssid = typeof id === "string" ? ssidFromId(id) : undefined;
    const gone = ssid !== undefined && this.o.setup.forget(ssid);
    if (wantsJson(req)) this.json(c, gone ? 200 : 404, { ok: gone });
    else if (gone) reply(c, 303, "", [["Location", "/networks"]]);
    else sendError(c, 404, "No such saved network");
  }

  private info(c: Connection, req: HttpRequest): void {
    const s = this.o.setup;
    const p = this.o.platform;
    const facts = {
      device: s.config.deviceName,
      platform: p.name,
      mac: p.wifi?.mac() ?? "",
      phase: s.phase,
      ap: s.apSsid ?? "",
      apAddress: s.apAddress ?? "",
      station: s.station ? `${s.station.ssid} (${s.station.address})` : "",
      savedNetworks: s.saved.size,
      uptimeSeconds: Math.floor(p.now() / 1000),
    };
    if (req.path === "/api/info" || wantsJson(req)) {
      this.json(c, 200, facts);
      return;
    }
    const w = this.html(c, 200);
    infoPage(w, [
      ["Device", facts.device],
      ["Platform", facts.platform],
      ["MAC", facts.mac],
      ["State", facts.phase],
      ["Setup network", facts.ap],
      ["Setup address", facts.apAddress],
      ["Connected to", facts.station || "—"],
      ["Saved networks", String(facts.savedNetworks)],
      ["Uptime", `${facts.uptimeSeconds} s`],
    ]);
    w.end();
  }

  private reboot(c: Connection, req: HttpRequest, erase: boolean): void {
    if (!this.sameOrigin(req, true)) return this.refuseCrossOrigin(c);
    if (erase) this.o.setup.erase();
    else this.o.setup.scheduleRestart();
    if (wantsJson(req)) {
      this.json(c, 202, { ok: true, erased: erase });
      return;
    }
    const w = this.html(c, 202);
    messagePage(w, "Restarting", erase ? "Saved networks erased. The device restarts into setup." : "The device restarts now.");
    w.end();
  }
}
