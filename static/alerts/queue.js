/* The queue page, with htmx polling its rows (alerts/views.py, queue_rows):
   - each poll carries the ETag of the rows on the page, so the server answers 304 (a few
     hundred bytes, no swap) while nothing has changed;
   - waiting times are counted here from each alert's timestamp, in the words the page gives
     (data-format-*), so the rows need not change every minute; an alert past its queue's
     limit turns overdue on time;
   - a hidden tab does not poll; the next poll after it shows again brings it up to date.
   Without JavaScript the page refreshes itself every minute, rendered by the server. */
(function () {
  "use strict";

  var ROWS = "queue-rows";
  var skew = 0; // the server's clock minus this device's, in seconds

  function rows() {
    return document.getElementById(ROWS);
  }

  function format(name, values) {
    var table = document.querySelector("table.queue");
    var text = (table && table.getAttribute("data-format-" + name)) || "";
    return text.replace(/%\((\w+)\)(0?\d*)d/g, function (_, key, width) {
      var value = String(values[key]);
      var size = parseInt(width || "0", 10);
      while (value.length < size) value = "0" + value;
      return value;
    });
  }

  // The same words as core.formatting.duration_text: 40 s, 12 min, 3 h 05 min, 2 d 4 h.
  function duration(seconds) {
    seconds = Math.max(Math.round(seconds), 0);
    if (seconds < 60) return format("s", { n: seconds });
    var minutes = Math.floor(seconds / 60);
    if (minutes < 60) return format("min", { n: minutes });
    var hours = Math.floor(minutes / 60);
    minutes = minutes % 60;
    if (hours < 48) return format("h", { h: hours, m: minutes });
    return format("d", { d: Math.floor(hours / 24), h: hours % 24 });
  }

  function now() {
    return Date.now() / 1000 + skew;
  }

  function tick() {
    var body = rows();
    if (!body) return;
    var at = now();
    body.querySelectorAll("[data-since]").forEach(function (span) {
      var text = duration(at - Number(span.getAttribute("data-since")));
      if (text && span.textContent !== text) span.textContent = text;
      var due = span.getAttribute("data-overdue-at");
      if (due) span.parentNode.classList.toggle("overdue", at > Number(due));
    });
    // The time left to an alert's next escalation step, counted down (stops at 0 s until
    // the step is taken and the rows change).
    body.querySelectorAll("[data-until]").forEach(function (span) {
      var text = duration(Number(span.getAttribute("data-until")) - at);
      if (text && span.textContent !== text) span.textContent = text;
    });
  }

  function setClock(serverSeconds) {
    if (serverSeconds > 0) skew = serverSeconds - Date.now() / 1000;
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var body = event.detail.elt;
    if (!body || body.id !== ROWS) return;
    var tag = body.getAttribute("data-etag");
    if (tag) event.detail.headers["If-None-Match"] = '"' + tag + '"';
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (document.hidden && event.detail.elt && event.detail.elt.id === ROWS) event.preventDefault();
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr;
    var date = xhr && Date.parse(xhr.getResponseHeader("Date") || "");
    if (date) setClock(date / 1000);
  });

  // New rows were swapped in: their waiting times as of now.
  document.addEventListener("htmx:afterSettle", tick);

  function start() {
    var body = rows();
    if (!body) return;
    setClock(Number(body.getAttribute("data-now")));
    tick();
    window.setInterval(tick, 10000);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
