/* Small progressive enhancements; every page works without them.
   On a slow link a second tap on "Save" would send the form twice: once a plain (non-htmx)
   form is submitted, its submit buttons are disabled until the next page is shown.
   An error summary takes the focus, and its links the focus to their field (GOV.UK).
   Logging out asks before deleting alerts not yet sent from this device (see offline.js),
   then removes what the alert form keeps on the device. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.hasAttribute("data-allow-resubmit")) return;
    if (form.matches("[hx-post],[hx-get],[hx-put],[hx-patch],[hx-delete],[data-hx-post],[data-hx-get]")) return;
    // Disable after the browser has read the form, so the pressed button's value is still sent.
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]:enabled,button:not([type]):enabled,input[type=submit]:enabled").forEach(function (b) {
        b.disabled = true;
        b.setAttribute("data-locked", "");
      });
    }, 0);
  });
  // Coming back with the browser's Back button must not leave buttons disabled.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("[data-locked]").forEach(function (b) {
      b.disabled = false;
      b.removeAttribute("data-locked");
    });
  });

  // --- the error summary ---------------------------------------------------------------
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    // Show the question with the field: its legend or label, not just the box.
    var group = field.closest("fieldset");
    var label = document.querySelector("label[for='" + field.id + "']");
    var top = (group && group.querySelector("legend")) || label || field;
    if (top.scrollIntoView) top.scrollIntoView();
    field.focus({ preventScroll: true });
  });

  // --- logging out ---------------------------------------------------------------------
  var STORE = "ew-field";

  // How many alerts (and drafts with something typed) the device keeps; 0 when it keeps none.
  function unsentCount() {
    return new Promise(function (resolve) {
      if (!window.indexedDB) { resolve(0); return; }
      var request;
      try { request = window.indexedDB.open(STORE); } catch (error) { resolve(0); return; }
      request.onupgradeneeded = function () { request.transaction.abort(); };  // none kept
      request.onerror = function () { resolve(0); };
      request.onsuccess = function () {
        var db = request.result;
        var names = ["outbox", "drafts"].filter(function (name) { return db.objectStoreNames.contains(name); });
        if (!names.length) { db.close(); resolve(0); return; }
        var count = 0;
        var tx = db.transaction(names, "readonly");
        names.forEach(function (name) {
          tx.objectStore(name).getAll().onsuccess = function (event) {
            (event.target.result || []).forEach(function (entry) {
              var fields = entry && entry.fields;
              var typed = fields && typeof fields === "object" && String(fields.description || "").trim();
              if (name === "outbox" || typed) count += 1;
            });
          };
        });
        tx.oncomplete = function () { db.close(); resolve(count); };
        tx.onerror = tx.onabort = function () { db.close(); resolve(count); };
      }
    });
  }

  function forgetDevice() {
    var steps = [new Promise(function (resolve) {
      if (!window.indexedDB) { resolve(); return; }
      var request = window.indexedDB.deleteDatabase(STORE);
      request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
    })];
    if (window.caches) {
      steps.push(window.caches.keys().then(function (names) {
        return Promise.all(names.filter(function (name) { return name.indexOf("ew-form-") === 0; })
          .map(function (name) { return window.caches.delete(name); }));
      }).catch(function () { return null; }));
    }
    // Never keep anyone from logging out: a store that does not answer is left as it is.
    return Promise.race([Promise.all(steps), new Promise(function (resolve) { window.setTimeout(resolve, 2000); })]);
  }

  function question(form, count) {
    var template = form.getAttribute("data-msg-unsent");
    try {
      // Written by the alert form's script in the language of each visit; any will do.
      var store = window.localStorage;
      template = template || store.getItem("ew-logout:" + document.documentElement.lang);
      for (var i = 0; !template && i < store.length; i += 1) {
        if (store.key(i).indexOf("ew-logout:") === 0) template = store.getItem(store.key(i));
      }
    } catch (error) { /* no storage: the count alone below */ }
    return (template || "%(count)s ?").replace("%(count)s", String(count));
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form.logout") || form.hasAttribute("data-checked")) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    unsentCount().then(function (count) {
      if (count && !window.confirm(question(form, count))) return null;
      return forgetDevice().then(function () {
        form.setAttribute("data-checked", "");
        form.submit();
      });
    });
  }, true);
})();
