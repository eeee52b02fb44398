// 待上传: the records kept on this phone, oldest first, each with its state. 同步 sends what
// waits; a refused record can be corrected (its form reopens) or discarded after a
// confirmation; an uploaded one is shown once and then leaves the phone.
(function () {
  "use strict";
  var box = document.getElementById("offline-queue");
  var store = window.TongrenOffline;
  var page = window.TongrenOfflinePage;
  if (!box || !store || !page) { return; }
  var msg = box.dataset;
  var list = document.getElementById("queue-list");
  var empty = document.getElementById("queue-empty");
  var status = document.getElementById("queue-status");
  var button = document.getElementById("queue-sync");
  var shownUploaded = {};  // seq → true: uploaded records already shown once

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function say(text, kind) {
    status.textContent = text;
    status.className = "notice" + (kind ? " notice-" + kind : "");
    status.hidden = !text;
  }

  var STATE_CLASS = { queued: "", sending: "", uploaded: "tag-ok", refused: "tag-warn", conflict: "tag-warn" };

  // A conflict: the field, then base → the server's value, and the value recorded here.
  function conflictText(c) {
    function shown(v) { return v === null || v === undefined || v === "" ? "—" : String(v); }
    return (c.label || c.field) + "：" + shown(c.base) + " → " + shown(c.server) + " / " + shown(c.offline);
  }

  function item(row) {
    var li = el("li", { "class": "queue-item", "data-seq": String(row.seq), "data-state": row.state });
    var head = el("div", { "class": "record-row" });
    var title = el("span", { "class": "record-title" }, kindLabel(row.kind) + " · " + (row.household_label || row.household));
    head.appendChild(title);
    var stateLine = el("small", {});
    var tag = el("span", { "class": "tag " + (STATE_CLASS[row.state] || ""), "data-state-label": row.state }, msg["state" + row.state.charAt(0).toUpperCase() + row.state.slice(1)]);
    stateLine.appendChild(tag);
    stateLine.appendChild(document.createTextNode(" " + store.formatDate(row.recorded_at) +
      (row.photos && row.photos.length ? " · " + row.photos.length + " " + msg.msgPhotos : "")));
    head.appendChild(stateLine);
    if (row.reason && (row.state === "refused" || row.state === "queued")) {
      head.appendChild(el("small", { "class": row.state === "refused" ? "field-error queue-reason" : "muted queue-reason", role: row.state === "refused" ? "alert" : "status" }, store.localReason(row.reason, msg.fieldLabels)));
    }
    li.appendChild(head);
    if (row.state === "conflict") {
      li.appendChild(el("small", { "class": "muted" }, msg.msgConflict));
      var ul = el("ul", { "class": "conflict-list" });
      (row.conflicts || []).forEach(function (c) { ul.appendChild(el("li", {}, conflictText(c))); });
      li.appendChild(ul);
    }
    var actions = el("p", { "class": "row-actions" });
    if (row.state === "refused") {
      actions.appendChild(el("a", { href: msg.appUrl + "#edit/" + row.seq, role: "button", "class": "secondary" }, msg.msgCorrect));
      var discard = el("button", { type: "button", "class": "secondary outline", "data-discard": String(row.seq) }, msg.msgDiscard);
      actions.appendChild(discard);
    }
    if (row.state === "conflict") {
      actions.appendChild(el("button", { type: "button", "class": "secondary outline", "data-dismiss": String(row.seq) }, msg.msgDismiss));
    }
    if (actions.childNodes.length) { li.appendChild(actions); }
    return li;
  }

  function kindLabel(kind) {
    return { visit: msg.kindVisit, household_update: msg.kindHousehold_update, problem: msg.kindProblem }[kind] || kind;
  }

  function render() {
    return store.queue().then(function (rows) {
      list.textContent = "";
      rows.forEach(function (row) {
        list.appendChild(item(row));
        if (row.state === "uploaded") { shownUploaded[row.seq] = true; }
      });
      empty.hidden = rows.length > 0;
      // Shown now: they leave the phone at the next sync or the next opening of this page.
      return store.setMeta("shown-uploaded", Object.keys(shownUploaded).map(Number));
    });
  }

  // An uploaded record is shown once, then it leaves the phone.
  function dropShown() {
    var seqs = Object.keys(shownUploaded).map(Number);
    shownUploaded = {};
    return store.db.queue.where("seq").anyOf(seqs).and(function (r) { return r.state === "uploaded"; })
      .primaryKeys().then(function (keys) { return Promise.all(keys.map(store.remove)); });
  }

  list.addEventListener("click", function (event) {
    var discard = event.target.closest("[data-discard]");
    var dismiss = event.target.closest("[data-dismiss]");
    if (discard && window.confirm(msg.msgConfirmDiscard)) {
      store.remove(discard.dataset.discard).then(render);
    }
    if (dismiss) { store.remove(dismiss.dataset.dismiss).then(render); }
  });

  function runSync() {
    if (!navigator.onLine) { say(msg.msgOffline, "warning"); return Promise.resolve(); }
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    say(msg.msgSyncing);
    return dropShown().then(page.sync).then(function (summary) {
      if (summary && summary.stopped === "network") { say(msg.msgOffline, "warning"); } else { say(msg.msgSynced, "success"); }
    }, function () { say(msg.msgOffline, "warning"); }).then(render).then(function () {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    });
  }

  button.addEventListener("click", runSync);
  window.addEventListener("online", function () { setTimeout(render, 500); });
  store.onChange(function () { render(); });

  // Uploaded records shown on an earlier opening of this page go now.
  store.getMeta("shown-uploaded").then(function (seqs) {
    (seqs || []).forEach(function (seq) { shownUploaded[seq] = true; });
    return dropShown();
  }).then(render);
}());
