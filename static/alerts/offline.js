/* The alert form that never loses an alert: drafts kept on the device as the CLA types, an
   outbox of alerts sent by themselves when the link is back, and replays that can never
   double an alert (each carries the client key of its form).

   Without JavaScript, or without IndexedDB, the form posts as a plain form; this script only
   adds to it. Every text shown comes from data-msg-* attributes of #outbox, translated by the
   server. The server answers the script in JSON (alerts/views.py, alert_create), `status`
   and `message` in every answer:
     201 created · 200 already received · 400 invalid (errors and summary) · 401 signed out ·
     403 CSRF token refused ("csrf") or not allowed · 409 client key used for another alert ·
     anything else, or no answer: kept, sent again later. */
(function () {
  "use strict";

  var DB_NAME = "ew-field";
  var RETRY_SECONDS = [5, 15, 30, 60, 120, 300];
  var KEY = /^[A-Za-z0-9-]{1,64}$/;
  var TYPED = ["description", "place", "perpetrator", "source_name", "source_contact", "translation"];
  var form = document.querySelector("form.alert-form[data-offline]");
  var panel = document.getElementById("outbox");
  if (!form || !panel) return;
  // This page as the server sent it, before anything below changes it: what the service worker
  // keeps for when there is no link (only the plain form, not one sent back with what was typed).
  var copyVersion = panel.getAttribute("data-kept-copy");
  var pageCopy = copyVersion && !form.hasAttribute("data-bound") && !window.location.search
    ? "<!DOCTYPE html>\n" + document.documentElement.outerHTML : null;
  var formVersion = form.getAttribute("data-form-version");
  var userKey = form.getAttribute("data-user");
  var sending = false;
  var retryTimer = null;
  var retryIndex = 0;

  function text(name, values) {
    var template = panel.getAttribute("data-msg-" + name) || "";
    return template.replace(/%\((\w+)\)s/g, function (_, key) {
      return values && key in values ? String(values[key]) : "";
    });
  }

  // The question app.js asks before logging out, in the page's language (see app.js).
  try {
    window.localStorage.setItem("ew-logout:" + document.documentElement.lang, panel.getAttribute("data-msg-logout"));
  } catch (error) { /* private mode: app.js asks in no language then */ }

  if (!window.indexedDB || !window.fetch || !window.Promise || !window.URLSearchParams) return;

  // --- the store on the device ---------------------------------------------------------

  function openStore(version) {
    return new Promise(function (resolve, reject) {
      var request;
      try {
        request = version ? window.indexedDB.open(DB_NAME, version) : window.indexedDB.open(DB_NAME);
      } catch (error) {
        reject(error);
        return;
      }
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains("drafts")) db.createObjectStore("drafts");
        if (!db.objectStoreNames.contains("outbox")) db.createObjectStore("outbox", { keyPath: "client_key" });
      };
      request.onsuccess = function () {
        var db = request.result;
        db.onversionchange = function () { db.close(); };
        if (db.objectStoreNames.contains("drafts") && db.objectStoreNames.contains("outbox")) {
          resolve(db);
          return;
        }
        // A store that lost its tables: add them in a new version, keeping whatever is there.
        var next = db.version + 1;
        db.close();
        if (version) reject(new Error("repair"));
        else openStore(next).then(resolve, reject);
      };
      request.onerror = function () { reject(request.error); };
      request.onblocked = function () { reject(new Error("blocked")); };
    });
  }

  function withStore(name, mode, work) {
    return openStore().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx;
        try {
          tx = db.transaction(name, mode);
        } catch (error) {
          db.close();
          reject(error);
          return;
        }
        var result;
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
        var request = work(tx.objectStore(name));
        if (request) request.onsuccess = function () { result = request.result; };
      });
    });
  }

  function isFields(value) {
    return !!value && typeof value === "object" && !Array.isArray(value) &&
      Object.keys(value).every(function (name) { return typeof value[name] === "string"; });
  }

  function usable(entry) {
    return !!entry && typeof entry === "object" && typeof entry.client_key === "string" &&
      KEY.test(entry.client_key) && isFields(entry.fields) && entry.fields.client_key === entry.client_key;
  }

  // This user's alerts (others' wait for them to sign in), and what cannot be read.
  function outboxAll() {
    return withStore("outbox", "readonly", function (store) { return store.getAll(); })
      .then(function (entries) {
        var mine = [];
        var damaged = [];
        (entries || []).forEach(function (entry) {
          var owner = entry && typeof entry === "object" ? entry.user : undefined;
          if (usable(entry) && !entry.state) entry.state = "waiting";
          if (usable(entry) && owner === userKey) mine.push(entry);
          else if (!usable(entry) && (owner === undefined || owner === userKey)) damaged.push(entry);
        });
        return { mine: mine, damaged: damaged };
      });
  }
  function outboxPut(entry) {
    return withStore("outbox", "readwrite", function (store) { return store.put(entry); });
  }
  function outboxDelete(key) {
    return withStore("outbox", "readwrite", function (store) { return store.delete(key); });
  }
  function draftKey() { return "alert-form:" + userKey; }
  function draftGet() {
    return withStore("drafts", "readonly", function (store) { return store.get(draftKey()); });
  }
  function draftPut(draft) {
    return withStore("drafts", "readwrite", function (store) { return store.put(draft, draftKey()); });
  }
  function draftDelete() {
    return withStore("drafts", "readwrite", function (store) { return store.delete(draftKey()); });
  }

  // --- the form's fields ---------------------------------------------------------------

  function readFields() {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || element.name === "csrfmiddlewaretoken" || element.disabled) return;
      if ((element.type === "radio" || element.type === "checkbox") && !element.checked) return;
      if (element.type === "submit" || element.type === "button") return;
      fields[element.name] = element.value;
    });
    return fields;
  }

  function writeFields(fields) {
    var unknown = {};
    Object.keys(fields).forEach(function (name) {
      var elements = form.querySelectorAll("[name='" + name.replace(/[^\w-]/g, "") + "']");
      if (!elements.length) unknown[name] = fields[name];
      Array.prototype.forEach.call(elements, function (element) {
        if (element.type === "radio" || element.type === "checkbox") element.checked = element.value === fields[name];
        else element.value = fields[name];
      });
    });
    return unknown;
  }

  function hasTyped(fields) {
    return TYPED.some(function (name) { return fields && String(fields[name] || "").trim(); });
  }

  // What was typed, as lines a person can copy somewhere safe: labels and chosen options as
  // the form shows them; names and values as they are for what the form no longer has.
  function describe(fields) {
    return Object.keys(fields).map(function (name) {
      var value = String(fields[name]);
      var control = document.getElementById("id_" + name);
      if (!value.trim() || (control && control.type === "hidden")) return "";
      if (!control) return name + ": " + value;
      var label = form.querySelector("label[for='id_" + name + "']");
      if (!label && control.closest("fieldset")) label = control.closest("fieldset").querySelector("legend");
      var choices = control.tagName === "SELECT" ? control.options : control.querySelectorAll("input");
      Array.prototype.forEach.call(choices, function (choice) {
        if (choice.value === value) value = (choice.parentNode.tagName === "LABEL" ? choice.parentNode : choice).textContent.trim();
      });
      return (label ? label.textContent.trim() : name + ":") + " " + value;
    }).filter(Boolean).join("\n");
  }

  function raw(value) {
    try {
      return JSON.stringify(value, null, 1) || String(value);
    } catch (error) {
      return String(value);
    }
  }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID().replace(/-/g, "");
    return (Date.now().toString(16) + Math.random().toString(16).slice(2) + Math.random().toString(16).slice(2)).slice(0, 32);
  }

  function keyField() { return form.querySelector("input[name=client_key]"); }

  // --- what the CLA sees ----------------------------------------------------------------

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  function button(label, onClick, className) {
    var node = el("button", className || "", label);
    node.type = "button";
    node.addEventListener("click", onClick);
    return node;
  }

  function notice(message, kind, extra) {
    var box = document.getElementById("offline-notice");
    box.hidden = false;
    box.className = "msg msg-" + (kind || "info");
    box.textContent = "";
    box.setAttribute("role", kind === "error" ? "alert" : "status");
    box.appendChild(el("p", "", message));
    if (extra) box.appendChild(extra);
  }

  function copyBlock(content) {
    var pre = el("pre", "outbox-copy", content);
    pre.tabIndex = 0;
    return pre;
  }

  function render(store) {
    var list = panel.querySelector(".outbox-list");
    var entries = store.mine;
    list.textContent = "";
    panel.hidden = !entries.length && !store.damaged.length;
    var summary = entries.length === 1 ? text("waiting-one") : text("waiting-many", { count: entries.length });
    if (entries.length && !navigator.onLine) summary += " " + text("offline");
    panel.querySelector(".outbox-summary").textContent = entries.length ? summary : "";
    panel.querySelector(".outbox-send").hidden = !entries.some(function (e) { return e.state === "waiting"; });
    entries.sort(function (a, b) { return a.saved_at < b.saved_at ? -1 : 1; });
    entries.forEach(function (entry) {
      var item = el("li", "outbox-item");
      item.setAttribute("data-key", entry.client_key);
      item.appendChild(el("p", "outbox-what", (entry.fields.description || "").slice(0, 120)));
      item.appendChild(el("p", "small", text("saved", { when: new Date(entry.saved_at).toLocaleString(document.documentElement.lang) })));
      if (entry.last_attempt && entry.state === "waiting") {
        item.appendChild(el("p", "small", text("last-attempt", {
          when: new Date(entry.last_attempt).toLocaleString(document.documentElement.lang),
          error: entry.last_error || ""
        })));
      }
      if (entry.state !== "waiting") {
        item.appendChild(el("p", "outbox-problem", entry.problem || ""));
        var wrong = el("ul", "outbox-errors");
        (entry.state === "invalid" && Array.isArray(entry.summary) ? entry.summary : []).forEach(function (line) {
          wrong.appendChild(el("li", "", line && line.text));
        });
        if (wrong.childNodes.length) item.appendChild(wrong);
      }
      var details = el("details");
      details.appendChild(el("summary", "", text("show")));
      details.appendChild(copyBlock(describe(entry.fields)));
      item.appendChild(details);
      var actions = el("p", "actions");
      if (entry.state === "conflict") actions.appendChild(button(text("send-as-new"), function () { resendAsNew(entry); }));
      if (entry.state === "invalid") actions.appendChild(button(text("open-in-form"), function () { openInForm(entry); }));
      actions.appendChild(button(text("discard"), function () { discard(entry.client_key); }, "link"));
      item.appendChild(actions);
      list.appendChild(item);
    });
    store.damaged.forEach(function (entry) {
      var item = el("li", "outbox-item outbox-damaged");
      item.appendChild(el("p", "outbox-problem", text("damaged")));
      var fields = entry && typeof entry === "object" && entry.fields !== undefined ? entry.fields : entry;
      item.appendChild(copyBlock(raw(fields)));
      var actions = el("p", "actions");
      actions.appendChild(button(text("discard"), function () {
        discard(entry && typeof entry === "object" ? entry.client_key : entry);
      }, "link"));
      item.appendChild(actions);
      list.appendChild(item);
    });
  }

  function refresh() {
    return outboxAll().then(function (store) {
      render(store);
      return store.mine;
    });
  }

  // The GOV.UK error summary, built as the server builds it (alert_form.html).
  function clearErrors() {
    var old = document.getElementById("error-summary");
    if (old) old.parentNode.removeChild(old);
    Array.prototype.forEach.call(form.querySelectorAll("ul.errorlist"), function (list) {
      list.parentNode.removeChild(list);
    });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (node) {
      node.removeAttribute("aria-invalid");
    });
  }

  function showErrors(body, extra) {
    clearErrors();
    var box = el("div", "error-summary");
    box.id = "error-summary";
    box.tabIndex = -1;
    box.setAttribute("aria-labelledby", "error-summary-title");
    box.setAttribute("data-error-summary", "");
    var inner = el("div");
    inner.setAttribute("role", "alert");
    var title = el("h2", "", text("problem"));
    title.id = "error-summary-title";
    inner.appendChild(title);
    if (body.message) inner.appendChild(el("p", "", body.message));
    var list = el("ul", "error-summary-list");
    (body.summary || []).forEach(function (item) {
      var line = el("li");
      if (item.href) {
        var link = el("a", "", item.text);
        link.href = item.href;
        line.appendChild(link);
      } else {
        line.textContent = item.text;
      }
      list.appendChild(line);
    });
    inner.appendChild(list);
    if (extra) inner.appendChild(extra);
    box.appendChild(inner);
    var heading = document.querySelector("main h1");
    heading.parentNode.insertBefore(box, heading);
    var errors = body.errors || {};
    Object.keys(errors).forEach(function (name) {
      var control = document.getElementById("id_" + name);
      if (!control || !control.closest(".field")) return;  // hidden: in the summary only
      var messages = el("ul", "errorlist");
      messages.id = "id_" + name + "_error";
      errors[name].forEach(function (message) { messages.appendChild(el("li", "", message)); });
      control.parentNode.insertBefore(messages, control);
      var inputs = control.matches("input, select, textarea") ? [control] : control.querySelectorAll("input");
      Array.prototype.forEach.call(inputs, function (input) { input.setAttribute("aria-invalid", "true"); });
      var details = control.closest("details");
      if (details) details.open = true;
    });
    box.focus();
  }

  function firstAlertLine(first) {
    if (!first) return undefined;
    var line = el("p", "", text("first-alert", { reference: first.reference }) + " ");
    var link = el("a", "", text("open-it"));
    link.href = first.url;
    line.appendChild(link);
    return line;
  }

  // --- sending ---------------------------------------------------------------------------

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function post(fields, follow) {
    var body = new URLSearchParams();
    Object.keys(fields).forEach(function (name) { body.append(name, fields[name]); });
    body.append("csrfmiddlewaretoken", csrfToken());
    var headers = { Accept: "application/json", "X-CSRFToken": csrfToken(), "X-Requested-With": "XMLHttpRequest" };
    if (follow) headers["X-Alert-Follow"] = "1";
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? window.setTimeout(function () { controller.abort(); }, 60000) : null;
    return window.fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual",
      signal: controller ? controller.signal : undefined,
      headers: headers
    }).then(function (response) {
      window.clearTimeout(timer);
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) return { status: response.status, body: {} };
      return response.json().then(function (data) {
        return { status: response.status, body: data || {} };
      }, function () { return { status: response.status, body: {} }; });
    });
  }

  // A refused CSRF token (signed in again elsewhere, cookie cleared): a page load sets a new one.
  function postWithFreshToken(fields, follow) {
    return post(fields, follow).then(function (answer) {
      if (answer.status !== 403 || answer.body.status !== "csrf") return answer;
      return window.fetch(form.action, { credentials: "same-origin" }).then(function () {
        return post(fields, follow);
      });
    });
  }

  // Sends one alert and records the answer on the device; resolves to {state, body}, state
  // being "done", "invalid", "conflict" or "waiting" (kept, to be sent again).
  function sendEntry(entry, follow) {
    entry.last_attempt = new Date().toISOString();
    return postWithFreshToken(entry.fields, follow).then(function (answer) {
      var body = answer.body;
      var status = answer.status;
      if (status === 201 || status === 200) {
        return outboxDelete(entry.client_key).then(function () { return { state: "done", body: body }; });
      }
      var state = "waiting";
      if (status === 400 || (status === 403 && body.status === "forbidden")) state = "invalid";
      if (status === 409) state = "conflict";
      entry.state = state;
      entry.problem = state === "waiting" ? "" : body.message || "";
      entry.errors = body.errors || {};
      entry.summary = body.summary || [];
      entry.first = body.first || null;
      entry.last_error = status === 401 ? text("signed-out") : body.message || text("no-answer");
      return outboxPut(entry).then(function () { return { state: state, body: body, status: status }; });
    }, function () {
      entry.last_error = text("no-answer");
      return outboxPut(entry).then(function () { return { state: "waiting", body: {} }; });
    });
  }

  function sendAll() {
    if (sending) return Promise.resolve();
    sending = true;
    window.clearTimeout(retryTimer);
    return outboxAll().then(function (store) {
      var received = [];
      var signedOut = false;
      var chain = Promise.resolve();
      store.mine.filter(function (entry) { return entry.state === "waiting"; }).forEach(function (entry) {
        chain = chain.then(function () {
          if (signedOut) return null;
          return sendEntry(entry, false).then(function (outcome) {
            if (outcome.status === 401) signedOut = true;
            if (outcome.state === "done") received.push(outcome.body.message);
          });
        });
      });
      return chain.then(function () {
        sending = false;
        if (signedOut) notice(text("signed-out"), "error", loginLink());
        else if (received.length) notice(received.join(" "), "success");
        if (received.length) retryIndex = 0;
        return refresh().then(scheduleRetry);
      });
    }).catch(function (error) {
      sending = false;
      storeBroken(error);
    });
  }

  function scheduleRetry(entries) {
    if (!entries.some(function (entry) { return entry.state === "waiting"; })) return;
    var seconds = RETRY_SECONDS[Math.min(retryIndex, RETRY_SECONDS.length - 1)];
    retryIndex += 1;
    retryTimer = window.setTimeout(sendAll, seconds * 1000);
  }

  function sendNow() {
    retryIndex = 0;
    sendAll();
  }

  function loginLink() {
    var link = el("a", "button primary", text("sign-in"));
    link.href = panel.getAttribute("data-login-url");
    return link;
  }

  // --- what the CLA does -----------------------------------------------------------------

  function newEntry(fields) {
    return {
      client_key: fields.client_key,
      fields: fields,
      user: userKey,
      form_version: formVersion,
      saved_at: new Date().toISOString(),
      state: "waiting",
      last_attempt: null,
      last_error: ""
    };
  }

  function startOver() {
    form.reset();
    clearErrors();
    keyField().value = newKey();
  }

  function submit(event) {
    if (event.defaultPrevented) return;
    event.preventDefault();
    var submitButton = form.querySelector("button[type=submit]");
    if (submitButton.disabled) return;
    var fields = readFields();
    if (!KEY.test(fields.client_key || "")) fields.client_key = keyField().value = newKey();
    var entry = newEntry(fields);
    submitButton.disabled = true;
    document.getElementById("offline-notice").hidden = true;  // what it said is past
    outboxPut(entry).then(function () {
      return sendEntry(entry, true).then(function (outcome) {
        submitButton.disabled = false;
        if (outcome.state === "done") {
          return draftDelete().then(function () { window.location.assign(outcome.body.url); });
        }
        if (outcome.state === "waiting") {
          // Kept on the device: the form is free for the next alert, under a new key.
          startOver();
          var out = outcome.status === 401;
          notice(out ? text("signed-out") : text("kept"), out ? "error" : "info", out ? loginLink() : undefined);
          return draftDelete().then(refresh).then(scheduleRetry);
        }
        // The server says what to correct: the alert stays in the form (and its draft).
        return outboxDelete(entry.client_key).then(function () {
          if (outcome.state === "conflict") {
            keyField().value = newKey();  // sent again, it is another alert
            saveDraft();
            showErrors({ summary: [{ text: outcome.body.message || "" }] }, firstAlertLine(outcome.body.first));
          } else {
            showErrors(outcome.body);
          }
        });
      });
    }, function (error) {
      // The device cannot keep it: the browser sends the form as it always did.
      submitButton.disabled = false;
      storeBroken(error);
      form.submit();
    });
  }

  function resendAsNew(entry) {
    var fields = Object.assign({}, entry.fields);
    fields.client_key = newKey();
    outboxDelete(entry.client_key).then(function () {
      return outboxPut(newEntry(fields));
    }).then(sendNow, storeBroken);
  }

  function openInForm(entry) {
    if (hasTyped(readFields()) && !window.confirm(text("confirm-replace"))) return;
    clearErrors();
    writeFields(entry.fields);
    draftPut({ form_version: formVersion, saved_at: new Date().toISOString(), fields: entry.fields })
      .then(function () { return outboxDelete(entry.client_key); })
      .then(refresh)
      .then(function () {
        showErrors({ message: entry.problem, summary: entry.summary, errors: entry.errors });
      }, storeBroken);
  }

  function discard(key) {
    if (!window.confirm(text("confirm-discard"))) return;
    outboxDelete(key).then(refresh, storeBroken);
  }

  function storeBroken(error) {
    notice(text("store-broken", { error: (error && error.name) || String(error || "") }), "error");
  }

  // --- drafts ----------------------------------------------------------------------------

  var draftTimer = null;
  function saveDraft() {
    window.clearTimeout(draftTimer);
    draftTimer = window.setTimeout(function () {
      draftPut({ form_version: formVersion, saved_at: new Date().toISOString(), fields: readFields() })
        .catch(storeBroken);
    }, 300);
  }

  function draftNotice(message, kind, content, restored) {
    var wrap = el("div");
    if (content) wrap.appendChild(copyBlock(content));
    wrap.appendChild(button(text("discard-draft"), function () {
      if (!window.confirm(text("confirm-discard"))) return;
      draftDelete().then(function () {
        if (restored) startOver();
        document.getElementById("offline-notice").hidden = true;
      }, storeBroken);
    }, "link"));
    notice(message, kind, wrap);
  }

  function restoreDraft() {
    if (form.hasAttribute("data-bound")) {
      // The server sent back what was typed: that is the draft now.
      saveDraft();
      return Promise.resolve();
    }
    // A page kept on the device carries the key of an earlier visit: every new form gets
    // a key of its own (a restored draft brings back its own key below).
    keyField().value = newKey();
    return draftGet().then(function (draft) {
      if (draft === undefined) return;
      if (!draft || typeof draft !== "object" || !isFields(draft.fields)) {
        draftNotice(text("draft-damaged"), "warning", raw(draft));
      } else if (draft.form_version !== formVersion) {
        draftNotice(text("draft-old"), "warning", describe(draft.fields));
      } else {
        var unknown = writeFields(draft.fields);
        if (!KEY.test(keyField().value)) keyField().value = newKey();
        var when = new Date(draft.saved_at).toLocaleString(document.documentElement.lang);
        draftNotice(text("draft-restored", { when: when }), "info",
          Object.keys(unknown).length ? describe(unknown) : "", true);
      }
    }).catch(storeBroken);
  }

  // --- start -----------------------------------------------------------------------------

  panel.querySelector(".outbox-send").addEventListener("click", sendNow);
  form.addEventListener("submit", submit);
  form.addEventListener("input", saveDraft);
  form.addEventListener("change", saveDraft);
  window.addEventListener("online", sendNow);
  window.addEventListener("offline", function () { refresh().catch(storeBroken); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") sendNow();
  });
  restoreDraft().then(sendAll);

  if ("serviceWorker" in navigator && panel.getAttribute("data-sw-url")) {
    navigator.serviceWorker.register(panel.getAttribute("data-sw-url"), { scope: "/" })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        if (pageCopy && registration.active) {
          registration.active.postMessage({ type: "keep-form", version: copyVersion, html: pageCopy });
        }
      })
      .catch(function () { /* the form still works online without it */ });
  }
})();
