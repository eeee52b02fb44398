// 离线包: one button downloads (or refreshes) the pack; its size, date and household count are
// shown from what is kept on the phone.
(function () {
  "use strict";
  var box = document.getElementById("offline-pack");
  var store = window.TongrenOffline;
  var page = window.TongrenOfflinePage;
  if (!box || !store || !page) { return; }
  var button = document.getElementById("pack-download");
  var status = document.getElementById("pack-status");
  var facts = document.getElementById("pack-facts");
  var msg = box.dataset;

  function say(text, kind) {
    status.textContent = text;
    status.className = "notice" + (kind ? " notice-" + kind : "");
  }

  function show(info) {
    if (!info) { facts.hidden = true; say(msg.msgNone); return; }
    facts.hidden = false;
    facts.querySelector('[data-pack="count"]').textContent = info.count + " " + msg.msgHouseholds;
    facts.querySelector('[data-pack="size"]').textContent = store.formatSize(info.size);
    facts.querySelector('[data-pack="date"]').textContent = store.formatDate(info.downloaded_at);
    var region = info.region;
    facts.querySelector('[data-pack="region"]').textContent =
      region && typeof region === "object" ? (region.name || region.code || "") : (region || "—");
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    say(msg.msgDownloading);
    page.downloadPack().then(function (result) {
      if (result.ok) {
        show(result.info);
        say(msg.msgDone, "success");
      } else if (result.offline) {
        say(msg.msgOffline, "warning");
      } else {
        say(result.message || msg.msgFailed, "error");
      }
    }).catch(function () { say(msg.msgFailed, "error"); }).then(function () {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    });
  });

  store.packInfo().then(function (info) {
    show(info);
    if (info) { say(msg.msgDone, "success"); }
  });
}());
