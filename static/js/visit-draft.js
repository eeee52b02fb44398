// Keeps the visit form as a draft on the phone (weak connections): every change is saved to
// localStorage and restored when the page opens again; a successful save clears it.
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  if (!form || !window.localStorage) { return; }
  var key = "draft:" + form.dataset.draftKey;
  var status = document.getElementById("draft-status");
  var hasErrors = form.querySelector(".field-error, .notice-error") !== null;

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      // A file cannot be kept (nor set back); the position is asked for again.
      return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "submit" &&
        el.type !== "file" && el.name !== "share_position";
    });
  }

  function save() {
    var data = {};
    fields().forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) { data[el.name] = el.value; }
      } else {
        data[el.name] = el.value;
      }
    });
    try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) { return; }
    if (status) { status.hidden = false; }
  }

  function restore() {
    var raw = localStorage.getItem(key);
    if (!raw || hasErrors) { return; }  // a re-shown form already holds the typed values
    var data;
    try { data = JSON.parse(raw); } catch (e) { return; }
    fields().forEach(function (el) {
      if (!(el.name in data)) { return; }
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = el.value === data[el.name];
      } else {
        el.value = data[el.name];  // includes client_token: a resend is the same visit
      }
    });
    if (status) { status.hidden = false; }
  }

  restore();
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", function () {
    // Cleared on the next page when the save succeeded (see household detail).
    sessionStorage.setItem("draft-submitted", key);
  });
  var done = sessionStorage.getItem("draft-submitted");
  if (done && done !== key) { sessionStorage.removeItem("draft-submitted"); }
}());

// On any page after a successful save: drop the submitted draft.
(function () {
  "use strict";
  if (!window.sessionStorage || !window.localStorage) { return; }
  var submitted = sessionStorage.getItem("draft-submitted");
  if (submitted && document.querySelector(".notice-success")) {
    localStorage.removeItem(submitted);
    sessionStorage.removeItem("draft-submitted");
  }
}());
