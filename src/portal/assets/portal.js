// The portal page's behaviour. Network names are attacker-chosen: they only ever reach the page
// through textContent and attribute setters, never parsed as markup. The password goes out in a
// POST body and is never written anywhere else.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var form = $("join"), list = $("list"), problem = $("problem"), scanning = $("scanning");
  var pick = $("pick"), progress = $("progress"), stateEl = $("state"), retry = $("retry");
  var password = $("password"), ssid = $("ssid"), other = $("other");
  var polling = null, watching = 0, failures = 0;

  function request(method, url, body, done) {
    var x = new XMLHttpRequest();
    x.open(method, url, true);
    x.setRequestHeader("Accept", "application/json");
    if (body !== null) x.setRequestHeader("Content-Type", "application/x-www-form-urlencoded");
    x.timeout = 20000;
    x.onload = function () {
      var data = null;
      try { data = JSON.parse(x.responseText); } catch (e) { data = null; }
      done(x.status, data);
    };
    x.onerror = x.ontimeout = function () { done(0, null); };
    x.send(body);
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // Control characters shown as their pictures, bidi overrides as U+FFFD (as the server pages do).
  function shown(s) {
    return String(s).replace(/[\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, function (c) {
      var k = c.charCodeAt(0);
      return k < 32 ? String.fromCharCode(0x2400 + k) : k === 127 ? "\u2421" : "\ufffd";
    });
  }

  function barsText(n) { return ["▂", "▂▄", "▂▄▆", "▂▄▆█"][Math.max(1, Math.min(4, n)) - 1]; }

  function render(networks) {
    while (list.firstChild) list.removeChild(list.firstChild);
    for (var i = 0; i < networks.length; i++) {
      var n = networks[i];
      var li = el("li");
      var label = el("label", "net" + (n.joinable ? "" : " disabled"));
      var input = el("input");
      input.type = "radio";
      input.name = "net";
      input.value = n.id;
      input.setAttribute("data-secure", n.secure ? "1" : "0");
      if (!n.joinable) input.disabled = true;
      label.appendChild(input);
      label.appendChild(el("span", "name", shown(n.ssid)));
      label.appendChild(el("span", "lock", n.secure ? "🔒" : ""));
      var bars = el("span", "bars", barsText(n.bars));
      bars.title = n.rssi + " dBm";
      label.appendChild(bars);
      li.appendChild(label);
      list.appendChild(li);
    }
    scanning.textContent = networks.length ? "" : "No networks found. Try Rescan, or choose Other network.";
  }

  function scan(refresh) {
    scanning.textContent = "Looking for networks…";
    request("GET", "/api/scan" + (refresh ? "?refresh=1" : ""), null, function (status, data) {
      if (status === 200 && data && data.networks) render(data.networks);
      else scanning.textContent = "The scan failed. Try Rescan.";
    });
  }

  function choice() {
    var inputs = form.querySelectorAll("input[name=net]");
    for (var i = 0; i < inputs.length; i++) if (inputs[i].checked) return inputs[i];
    return null;
  }

  function update() {
    var c = choice();
    var isOther = c === other;
    $("hidden-ssid").hidden = !isOther;
    $("hidden-flag").disabled = !isOther;
    var open = c && !isOther && c.getAttribute("data-secure") === "0";
    $("pw-row").hidden = !!open;
    if (open) password.value = "";
  }

  function reasonText(a) {
    var name = "“" + shown(a.ssid) + "”";
    if (a.reason === "wrong-password") return "The password for " + name + " is wrong.";
    if (a.reason === "not-found") return name + " is not in range.";
    if (a.reason === "timeout") return name + " did not answer in time.";
    return "Could not join " + name + ": " + a.message;
  }

  function show(text, cls) {
    pick.hidden = true;
    progress.hidden = false;
    stateEl.textContent = text;
    stateEl.className = "state" + (cls ? " " + cls : "");
  }

  function stopPolling() {
    if (polling) clearInterval(polling);
    polling = null;
  }

  function poll() {
    request("GET", "/status", null, function (status, data) {
      if (status !== 200 || !data) {
        // The radio may be switching channels while it joins: keep asking for a while.
        if (++failures > 30) { stopPolling(); show("Lost contact with the device. Reconnect to its Wi-Fi and reload.", "bad"); retry.hidden = false; }
        return;
      }
      failures = 0;
      var a = data.attempt;
      if (!a || a.seq < watching) return;
      if (a.state === "joining") show("Joining “" + shown(a.ssid) + "”…");
      else if (a.state === "connected") {
        stopPolling();
        show("Connected to “" + shown(a.ssid) + "”.\nIP address: " + a.address + "\nThe device now uses this network; you can close this page.", "ok");
        retry.hidden = true;
      } else if (a.state === "failed") {
        stopPolling();
        show(reasonText(a), "bad");
        retry.hidden = false;
      }
    });
  }

  function watch(seq) {
    watching = seq;
    failures = 0;
    stopPolling();
    poll();
    polling = setInterval(poll, 1000);
  }

  form.addEventListener("change", update);
  $("rescan").addEventListener("click", function () { scan(true); });
  $("show-pw").addEventListener("change", function () { password.type = this.checked ? "text" : "password"; });
  retry.addEventListener("click", function () {
    progress.hidden = true;
    pick.hidden = false;
    retry.hidden = true;
    password.value = "";
    password.focus();
  });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var c = choice();
    if (!c) { problem.textContent = "Choose a network first."; return; }
    var fields = ["net=" + encodeURIComponent(c.value)];
    if (c === other) fields.push("ssid=" + encodeURIComponent(ssid.value), "hidden=1");
    fields.push("password=" + encodeURIComponent(password.value));
    problem.textContent = "";
    $("connect").disabled = true;
    request("POST", "/connect", fields.join("&"), function (status, data) {
      $("connect").disabled = false;
      if (status === 202 && data && data.ok) { show("Joining…"); watch(data.seq); return; }
      problem.textContent = data && data.message ? data.message : "The device did not accept the request (" + status + ").";
    });
  });

  request("GET", "/status", null, function (status, data) {
    if (status === 200 && data && data.attempt && data.attempt.state !== "failed" && (data.attempt.state === "joining" || data.setupComplete)) watch(data.attempt.seq);
  });
  scan(false);
  update();
})();
