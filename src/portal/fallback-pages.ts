// The pages that work without JavaScript (old captive sheets, locked-down browsers, clients that
// refuse gzip): setup form, join result, saved networks, device info. Every SSID and message is
// written through PageWriter's escaping; network choices travel as hex ids, never as names.

import type { AttemptView, StationView } from "../setup/device-setup";
import type { SavedNetwork } from "../setup/saved-networks";
import type { ListedNetwork } from "./network-list";
import { displaySsid, ssidId } from "./network-list";
import type { PageWriter } from "./page-writer";

// Markup literals stay ASCII (entities for the symbols): cheaper to encode on XS.
const BARS = ["&#x2582;", "&#x2582;&#x2584;", "&#x2582;&#x2584;&#x2586;", "&#x2582;&#x2584;&#x2586;&#x2588;"];

function head(w: PageWriter, title: string, refreshSeconds?: number): void {
  w.raw('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>');
  w.text(title);
  w.raw('</title><link rel="stylesheet" href="/portal.css">');
  if (refreshSeconds !== undefined) w.raw(`<meta http-equiv="refresh" content="${refreshSeconds | 0}">`);
  w.raw("</head><body><main><h1>");
  w.text(title);
  w.raw("</h1>");
}

function foot(w: PageWriter): void {
  w.raw('<p class="links"><a href="/setup">Setup</a> &middot; <a href="/networks">Saved networks</a> &middot; <a href="/info">Device info</a></p></main></body></html>\n');
}

/** The sentence a person reads when a join failed. */
export function failureText(a: Extract<AttemptView, { state: "failed" }>): string {
  const name = `“${displaySsid(a.ssid)}”`;
  switch (a.reason) {
    case "wrong-password": return `The password for ${name} is wrong.`;
    case "not-found": return `${name} is not in range.`;
    case "timeout": return `${name} did not answer in time.`;
    default: return `Could not join ${name}: ${a.message}`;
  }
}

export function setupPage(w: PageWriter, networks: readonly ListedNetwork[], problem: string | undefined, scanError: string | undefined): void {
  head(w, "Connect to Wi-Fi");
  w.raw('<form method="post" action="/connect"><div class="bar"><h2>Networks</h2><a href="/setup?refresh=1">Rescan</a></div>');
  if (scanError) w.raw('<p class="muted">').text(`The scan failed (${scanError}).`).raw("</p>");
  else if (networks.length === 0) w.raw('<p class="muted">No networks found.</p>');
  w.raw('<ul class="nets">');
  for (const n of networks) {
    w.raw(!n.joinable ? '<li><label class="net disabled"><input type="radio" name="net" disabled value="' : '<li><label class="net"><input type="radio" name="net" value="');
    w.attr(n.id).raw('"><span class="name">').text(displaySsid(n.ssid)).raw('</span><span class="lock">');
    w.raw(n.secure ? "&#x1F512;" : "").raw(`</span><span class="bars" title="${n.rssi | 0} dBm">`).raw(BARS[n.bars - 1] ?? BARS[0]).raw("</span></label></li>");
  }
  w.raw('</ul><label class="net other"><input type="radio" name="net" value=""><span class="name">Other network (name below)</span></label>');
  w.raw('<label>Network name <input type="text" name="ssid" maxlength="32" autocomplete="off" autocapitalize="none" spellcheck="false"></label>');
  w.raw('<label class="muted"><input type="checkbox" name="hidden" value="1"> It is a hidden network</label>');
  w.raw('<label>Password <input type="password" name="password" maxlength="64" autocomplete="off"></label>');
  w.raw('<p class="problem" role="alert">');
  if (problem) w.text(problem);
  w.raw('</p><button type="submit" class="primary">Connect</button></form>');
  foot(w);
}

export function resultPage(w: PageWriter, attempt: AttemptView | undefined): void {
  if (!attempt) {
    head(w, "Wi-Fi setup");
    w.raw('<p class="state">No join in progress.</p>');
  } else if (attempt.state === "joining") {
    head(w, "Joining…", 2);
    w.raw('<p class="state" role="status">').text(`Joining “${displaySsid(attempt.ssid)}”…`).raw("</p>");
  } else if (attempt.state === "connected") {
    head(w, "Connected");
    w.raw('<p class="state ok" role="status">').text(`Connected to “${displaySsid(attempt.ssid)}”.\nIP address: ${attempt.address}\nThe device now uses this network; you can close this page.`).raw("</p>");
  } else {
    head(w, "Could not connect");
    w.raw('<p class="state bad" role="alert">').text(failureText(attempt)).raw('</p><p><a href="/setup">Try again</a></p>');
  }
  foot(w);
}

export function networksPage(w: PageWriter, saved: readonly SavedNetwork[], station: StationView | undefined): void {
  head(w, "Saved networks");
  if (saved.length === 0) w.raw('<p class="muted">No saved networks.</p>');
  else {
    w.raw("<table><tr><th>Network</th><th></th></tr>");
    for (const n of saved) {
      w.raw("<tr><td>").text(displaySsid(n.ssid));
      if (n.hidden) w.raw(' <span class="muted">(hidden)</span>');
      if (station?.ssid === n.ssid) w.raw(' <span class="muted">(connected)</span>');
      w.raw('</td><td><form method="post" action="/networks/forget"><input type="hidden" name="id" value="').attr(ssidId(n.ssid));
      w.raw('"><button type="submit">Forget</button></form></td></tr>');
    }
    w.raw("</table>");
  }
  foot(w);
}

export function infoPage(w: PageWriter, rows: readonly (readonly [string, string])[]): void {
  head(w, "Device info");
  w.raw("<table>");
  for (const [k, v] of rows) w.raw("<tr><th>").text(k).raw("</th><td>").text(v).raw("</td></tr>");
  w.raw("</table>");
  w.raw('<form method="post" action="/restart"><button type="submit">Restart</button></form>');
  w.raw('<form method="post" action="/erase"><p class="muted">Erase forgets every saved network and restarts into setup.</p><button type="submit">Erase and restart</button></form>');
  foot(w);
}

export function messagePage(w: PageWriter, title: string, message: string): void {
  head(w, title);
  w.raw('<p class="state">').text(message).raw("</p>");
  foot(w);
}
