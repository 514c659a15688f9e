/* Service worker of the alert form: the form and its files stay on the device, so a CLA can
   open it and fill it with no link at all (the page's script keeps what is sent in an outbox).
   Rendered by the server (alerts.views.service_worker) with the addresses of this release's
   static files; a new release is a new worker, which replaces the old caches. */
"use strict";

var CACHE = {{ cache_name|safe }};
var FORM_URL = {{ form_url|safe }};
var OFFLINE_URL = {{ offline_url|safe }};
var STATIC_PREFIX = {{ static_prefix|safe }};
var FILES = {{ files|safe }};
var NETWORK_WAIT_MS = 8000;  // a 2G page can be slow: wait this long before showing the kept copy

// The static files a page loads, read from its HTML: what the form needs follows the layout.
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

// Keep a fresh copy of the form as this user sees it (their location, their networks) and
// every file it loads.
function keepForm(cache, response) {
  return response.clone().text().then(function (html) {
    return cache.put(FORM_URL, response).then(function () {
      return Promise.all(staticFilesOf(html).map(function (url) {
        return cache.match(url).then(function (hit) {
          return hit || cache.add(url).catch(function () { return null; });
        });
      }));
    });
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return cache.addAll(FILES.concat([OFFLINE_URL])).then(function () {
        return fetch(FORM_URL, { credentials: "same-origin" }).then(function (response) {
          if (response.ok && !response.redirected) return keepForm(cache, response);
          return null;
        }, function () { return null; });
      });
    }).then(function () { return self.skipWaiting(); })
  );
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
  if (request.method !== "GET") return;  // posts are the page's business (its outbox)
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    // Files this worker keeps (their names carry their content's hash in production): the
    // kept copy is the file. Any other static file comes from the network, untouched.
    event.respondWith(caches.match(request, { cacheName: CACHE }).then(function (hit) {
      return hit || fetch(request);
    }));
    return;
  }
  if (request.mode !== "navigate") return;

  if (url.pathname === FORM_URL) {
    // The freshest form when the link answers in time, else the copy kept on the device.
    event.respondWith(
      fromNetwork(request, NETWORK_WAIT_MS).then(function (response) {
        // Only the plain form is kept (not a form brought back with what was typed).
        if (response.ok && !response.redirected && !url.search) {
          var copy = response.clone();
          event.waitUntil(caches.open(CACHE).then(function (cache) { return keepForm(cache, copy); }));
        }
        if (response.status >= 500) {
          // The server cannot take alerts now (restarting): the kept form can, in its outbox.
          return caches.match(FORM_URL, { cacheName: CACHE }).then(function (hit) {
            return hit || response;
          });
        }
        return response;
      }).catch(function () {
        return caches.match(FORM_URL, { cacheName: CACHE }).then(function (hit) {
          return hit || offlinePage();
        });
      })
    );
    return;
  }
  // Any other page: the network; with no link, a page that leads to the kept form.
  event.respondWith(fetch(request).catch(offlinePage));
});

// Nothing kept (after logging out): the browser's own "no connection" page.
function offlinePage() {
  return caches.match(OFFLINE_URL, { cacheName: CACHE }).then(function (hit) {
    return hit || Response.error();
  });
}
