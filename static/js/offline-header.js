// On every page of a logged-in user: the 待上传 count in the header, the service worker, the
// refresh of an old offline pack and the upload of what waits (at start and when the network
// returns), and the clean-up at logout (the pack, the queue and the kept pages hold personal
// data).
(function () {
  "use strict";
  var store = window.TongrenOffline;
  var script = document.getElementById("offline-header");
  if (!store || !script) { return; }
  var enabled = script.dataset.offlineApp === "1";
  var packUrl = script.dataset.packUrl;
  var syncUrl = script.dataset.syncUrl;
  var STALE_HOURS = 12;
  var logout = document.querySelector("form[data-logout]");
  var user = logout ? logout.dataset.user : "";

  function csrfToken() {
    var input = logout && logout.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // --- The count in the header ---------------------------------------------------------------
  function showCount() {
    var badge = document.querySelector("[data-queue-count]");
    if (!badge) { return Promise.resolve(); }
    return store.waitingCount().then(function (n) {
      badge.textContent = String(n);
      badge.hidden = n === 0;
      badge.setAttribute("data-count", String(n));
    }).catch(function () { return null; });
  }

  // --- The pack -------------------------------------------------------------------------------
  // Downloads the pack; resolves to {ok, info} or {ok: false, message, offline}.
  function downloadPack() {
    return fetch(packUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        return response.text().then(function (text) {
          var data = null;
          try { data = JSON.parse(text); } catch (e) { data = null; }
          if (!response.ok || !data) {
            var message = data && (data.message || data.detail) ? (data.message || data.detail) : "HTTP " + response.status;
            return { ok: false, message: message, status: response.status };
          }
          var size = new Blob([text]).size;
          return store.savePack(data, size, user).then(function () {
            return warmPages();
          }).then(store.packInfo).then(function (info) { return { ok: true, info: info }; });
        });
      }, function () { return { ok: false, offline: true }; });
  }

  // The pages used in the field are kept now (the worker serves them with no network).
  function warmPages() {
    if (!window.caches || !navigator.serviceWorker || !navigator.serviceWorker.controller) {
      return Promise.resolve();
    }
    var pages = Array.prototype.map.call(document.querySelectorAll("[data-field-page]"), function (a) {
      return a.getAttribute("href");
    });
    navigator.serviceWorker.controller.postMessage({ type: "warm", pages: pages });
    return Promise.resolve();
  }

  function refreshIfOld() {
    return store.packInfo().then(function (info) {
      if (!info || !navigator.onLine) { return null; }
      var age = Date.now() - new Date(info.downloaded_at).getTime();
      if (age < STALE_HOURS * 3600 * 1000) { return null; }
      return downloadPack();
    });
  }

  // --- Sync -----------------------------------------------------------------------------------
  function sync() {
    return store.sync({ url: syncUrl, csrf: csrfToken() }).then(function (summary) {
      showCount();
      return summary;
    });
  }

  function syncIfWaiting() {
    if (!navigator.onLine) { return Promise.resolve(null); }
    return store.waitingCount().then(function (n) { return n ? sync() : null; });
  }

  // Asks the browser to wake the service worker for a sync when the network returns.
  function askBackgroundSync() {
    if (!navigator.serviceWorker) { return Promise.resolve(); }
    return navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) { return registration.sync.register("tongren-offline-sync"); }
      return null;
    }).catch(function () { return null; });
  }

  // --- Logout ---------------------------------------------------------------------------------
  if (logout) {
    logout.addEventListener("submit", function (event) {
      event.preventDefault();
      store.queue().then(function (rows) {
        var unsent = rows.filter(function (r) { return r.state === "queued" || r.state === "sending" || r.state === "refused"; });
        if (unsent.length && !window.confirm(logout.dataset.confirmUnsent)) { return false; }
        return store.clearAll().then(function () { return true; });
      }, function () { return true; }).then(function (go) {
        if (go) { logout.submit(); }
      });
    });
  }

  window.TongrenOfflinePage = {
    downloadPack: downloadPack,
    sync: sync,
    showCount: showCount,
    askBackgroundSync: askBackgroundSync,
    csrfToken: csrfToken,
    enabled: enabled
  };

  if (!enabled) { return; }

  store.onChange(showCount);
  window.addEventListener("online", function () { syncIfWaiting(); });

  if (navigator.serviceWorker) {
    navigator.serviceWorker.register(script.dataset.worker, { scope: "/" }).catch(function () { return null; });
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "queue") { showCount(); }
    });
  }

  // A pack or a queue of someone else (a session that ended without logout) is not kept.
  store.getMeta("user").then(function (owner) {
    if (owner && owner !== user) { return store.clearAll().then(function () { window.location.reload(); }); }
    var token = csrfToken();
    return Promise.all([store.setMeta("user", user), token ? store.setMeta("csrf", token) : null])
      .then(showCount)
      .then(function () { return navigator.onLine ? refreshIfOld().then(syncIfWaiting) : null; });
  }).catch(function () { return null; });
}());
