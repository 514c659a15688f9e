/* Small progressive enhancements; every page works without them.
   On a slow link a second tap on "Save" would send the form twice: once a plain (non-htmx)
   form is submitted, its submit buttons are disabled until the next page is shown. */
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
})();
