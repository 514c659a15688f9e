{% comment %}Service worker of the alert form: the form and its files stay on the device, so a CLA can
   open it and fill it with no link at all (the page's script keeps what is sent in an outbox).
   Rendered by the server (alerts.views.service_worker) with the addresses of this release's
   static files; a new release is a new worker, which replaces the old caches. {% endcomment %}
"use strict";

var CACHE = {{ cache_name|safe }};
var FORM_URL = {{ form_url|safe }};
var OFFLINE_URL = {{ offline_url|safe }};
var STATIC_PREFIX = {{ static_prefix|safe }};
var FILES = {{ files|safe }};
var NETWORK_WAIT_MS = 8000;  {# a 2G page can be slow: wait this long before showing the kept copy #}
var VERSION_HEADER = "X-Kept-Copy";  {# the version of a copy of the form (alerts/kept_copy.py) #}
var VERSION = /^[0-9a-f]{32}$/;
var MAX_COPY_CHARS = 500000;

{# The static files a page loads, read from its HTML: what the form needs follows the layout. #}
function staticFilesOf(html) {
  var found = [];
  var pattern = /(?:src|href)="([^"]+)"/g;
  var match;
  while ((match = pattern.exec(html))) {
    var url = match[1].replace(/&amp;/g, "&");
    if (url.indexOf(STATIC_PREFIX) === 0 && found.indexOf(url) === -1) found.push(url);
  }
  return found;
}

{# The browser's HTTP cache first: the page that asked has just loaded these files. #}
function keepFile(cache, url) {
  return cache.add(new Request(url, { cache: "force-cache" }));
}

{# Keep a fresh copy of the form as this user sees it (their location, their networks) and #}
{# every file it loads. #}
function keepForm(cache, response) {
  return response.clone().text().then(function (html) {
    return cache.put(FORM_URL, response).then(function () {
      return Promise.all(staticFilesOf(html).map(function (url) {
        return cache.match(url).then(function (hit) {
          return hit || keepFile(cache, url).catch(function () { return null; });
        });
      }));
    });
  });
}

{# The form itself is not downloaded again: the page that registered this worker sends its #}
{# own copy once the worker is active (the "keep-form" message below). #}
self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return Promise.all(FILES.map(function (url) { return keepFile(cache, url); }))
        .then(function () { return cache.add(OFFLINE_URL); });
    }).then(function () { return self.skipWaiting(); })
  );
});

{# The form page, as the server sent it, with its version: kept for when there is no link. #}
self.addEventListener("message", function (event) {
  var data = event.data;
  if (!data || data.type !== "keep-form" || typeof data.html !== "string") return;
  if (!VERSION.test(data.version || "") || data.html.length > MAX_COPY_CHARS) return;
  var headers = { "Content-Type": "text/html; charset=utf-8" };
  headers[VERSION_HEADER] = data.version;
  var copy = new Response(data.html, { headers: headers });
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.match(FORM_URL).then(function (kept) {
      if (kept && kept.headers.get(VERSION_HEADER) === data.version) return null;
      return keepForm(cache, copy);
    });
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("ew-form-") === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function fromNetwork(request, wait) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("slow")); }, wait);
    fetch(request).then(function (response) {
      clearTimeout(timer);
      resolve(response);
    }, function (error) {
      clearTimeout(timer);
      reject(error);
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;  {# posts are the page's business (its outbox) #}
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
{# Files this worker keeps (their names carry their content's hash in production): the #}
{# kept copy is the file. Any other static file comes from the network, untouched. #}
    event.respondWith(caches.match(request, { cacheName: CACHE }).then(function (hit) {
      return hit || fetch(request);
    }));
    return;
  }
  if (request.mode !== "navigate") return;

  if (url.pathname === FORM_URL) {
{# The freshest form when the link answers in time, else the copy kept on the device. #}
{# With a copy, the server is asked whether it is still the form: 204 if so, no body. #}
    event.respondWith(caches.match(FORM_URL, { cacheName: CACHE }).then(function (kept) {
      var version = kept && !url.search ? kept.headers.get(VERSION_HEADER) : null;
      var ask = request;
      if (version) {
        var headers = {};
        headers[VERSION_HEADER] = version;
        ask = new Request(FORM_URL, { headers: headers, credentials: "same-origin", redirect: "manual" });
      }
      return fromNetwork(ask, NETWORK_WAIT_MS).then(function (response) {
        if (response.status === 204 && kept) return kept;
{# Signed out: the browser follows the redirect to the login page itself. #}
        if (response.type === "opaqueredirect") return response;
{# Only the plain form is kept (not a form brought back with what was typed). #}
        if (response.ok && !response.redirected && !url.search) {
          var copy = response.clone();
          event.waitUntil(caches.open(CACHE).then(function (cache) { return keepForm(cache, copy); }));
        }
        if (response.status >= 500) {
{# The server cannot take alerts now (restarting): the kept form can, in its outbox. #}
          return kept || response;
        }
        return response;
      }).catch(function () {
        return kept || offlinePage();
      });
    }));
    return;
  }
{# Any other page: the network; with no link, a page that leads to the kept form. #}
  event.respondWith(fetch(request).catch(offlinePage));
});

{# Nothing kept (after logging out): the browser's own "no connection" page. #}
function offlinePage() {
  return caches.match(OFFLINE_URL, { cacheName: CACHE }).then(function (hit) {
    return hit || Response.error();
  });
}
