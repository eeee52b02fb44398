// What this phone keeps for field work without a network (IndexedDB through Dexie): the offline
// pack (households), the queue of records to upload, and a few facts (the pack's date and size,
// the session's CSRF token). Loaded by the pages and by the service worker (importScripts), so
// that a sync from either runs the same code, one run at a time (navigator.locks).
(function (root) {
  "use strict";
  var Dexie = root.Dexie;
  var NAME = "tongren-offline";
  // Caches that hold pages with personal data: deleted with the pack at logout.
  var PAGE_CACHES = ["tongren-pages"];
  var TIMEOUT_MS = 60000;
  var db = new Dexie(NAME);
  db.version(1).stores({
    households: "id, number, head_name",
    meta: "key",
    queue: "++seq, &client_token, state"
  });

  // A record is 'queued' (waiting), 'sending', 'uploaded' (accepted, shown once), 'conflict'
  // (accepted, some change waits for a reviewer), or 'refused' (kept with the server's reason).
  var WAITING = ["queued", "sending", "refused"];

  function getMeta(key) {
    return db.meta.get(key).then(function (row) { return row ? row.value : undefined; });
  }

  function setMeta(key, value) { return db.meta.put({ key: key, value: value }); }

  function newToken() {
    if (root.crypto && root.crypto.randomUUID) { return root.crypto.randomUUID(); }
    var bytes = root.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  // The pack as the server sent it: its households replace the ones kept.
  function savePack(pack, size, user) {
    var households = pack.households || pack.results || [];
    return db.transaction("rw", db.households, db.meta, function () {
      db.households.clear();
      db.households.bulkPut(households);
      // The code lists of the forms (work status, schooling…) as the server names them.
      db.meta.put({ key: "choices", value: pack.choices || null });
      db.meta.put({
        key: "pack",
        value: {
          downloaded_at: new Date().toISOString(),
          generated_at: pack.generated_at || null,
          size: size,
          count: households.length,
          region: pack.region || null,
          user: user
        }
      });
    });
  }

  function packInfo() { return getMeta("pack"); }

  function households() { return db.households.toArray(); }

  function household(id) { return db.households.get(Number(id)); }

  function enqueue(record) {
    var now = new Date().toISOString();
    var row = Object.assign({
      client_token: newToken(),
      recorded_at: now,
      photos: []
    }, record, { state: "queued", reason: "", errors: null, updated_at: now });
    return db.queue.add(row).then(function (seq) { notify(); return seq; });
  }

  function replace(seq, changes) {
    return db.queue.update(Number(seq), Object.assign({}, changes, {
      state: "queued", reason: "", errors: null, updated_at: new Date().toISOString()
    })).then(function (n) { notify(); return n; });
  }

  function queue() { return db.queue.orderBy("seq").toArray(); }

  function record(seq) { return db.queue.get(Number(seq)); }

  function remove(seq) {
    return db.queue.delete(Number(seq)).then(notify);
  }

  function waitingCount() {
    return db.queue.where("state").anyOf(WAITING).count();
  }

  // Pages that show the count listen to this (same tab) or to the channel (other tabs, worker).
  var channel = root.BroadcastChannel ? new root.BroadcastChannel("tongren-offline") : null;
  function notify() {
    if (channel) { channel.postMessage({ type: "queue" }); }
    if (root.dispatchEvent && root.CustomEvent) { root.dispatchEvent(new root.CustomEvent("tongren-queue")); }
  }
  function onChange(callback) {
    if (channel) {
      var listener = new root.BroadcastChannel("tongren-offline");
      listener.onmessage = callback;
    }
    if (root.addEventListener) { root.addEventListener("tongren-queue", callback); }
  }

  // --- Upload ---------------------------------------------------------------------------------

  // The body of the sync request: the record as JSON, or multipart (a `record` field of JSON
  // and the `photos` files) when it has photos. The token is the record's own, on every try.
  function requestBody(row) {
    var body = Object.assign({}, row.payload || {}, {
      client_token: row.client_token,
      kind: row.kind,
      recorded_at: row.recorded_at,
      household: row.household
    });
    var photos = row.photos || [];
    if (!photos.length) {
      return { body: JSON.stringify(body), type: "application/json" };
    }
    var form = new root.FormData();
    form.append("record", JSON.stringify(body));
    // Per photo, in the same order: its look, or empty for a photo of the visit.
    photos.forEach(function (p, i) {
      var name = p.name || ("photo-" + (i + 1) + ".jpg");
      form.append("photos", p.blob, name);
      form.append("looks", p.look || "");
    });
    return { body: form, type: null };
  }

  function reasonOf(data, status) {
    if (!data || typeof data !== "object") { return "HTTP " + status; }
    if (data.message) { return String(data.message); }
    if (data.detail) { return String(data.detail); }
    var errors = data.errors || data;
    for (var key in errors) {
      if (Object.prototype.hasOwnProperty.call(errors, key)) {
        var value = errors[key];
        var text = Array.isArray(value) ? value.join(" ") : (typeof value === "string" ? value : JSON.stringify(value));
        return key === "non_field_errors" ? text : key + ": " + text;
      }
    }
    return "HTTP " + status;
  }

  // Refusals that are not the record's fault: the session ended, or its CSRF token is stale.
  // The record stays waiting; the next sync from a fresh page sends it again.
  function sessionProblem(data) {
    if (!data) { return false; }
    var code = data.code || "";
    var text = String(data.message || data.detail || "");
    return code === "not_authenticated" || code === "authentication_failed" || /CSRF/i.test(text);
  }

  function conflictsOf(data) {
    if (!data || typeof data !== "object") { return []; }
    var found = data.conflicts || (data.result && data.result.conflicts) || [];
    return Array.isArray(found) ? found : [];
  }

  // A record with photos that was sent before without an answer (the network went during the
  // upload): ask whether the server has it before sending the photos again.
  function alreadyThere(row, options) {
    if (!row.attempts || !(row.photos || []).length) { return Promise.resolve(null); }
    var url = options.url.replace(/\/?$/, "/") + row.client_token + "/";
    return root.fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.status !== 200) { return null; }
        return response.json().then(function (data) { return { status: 200, data: data }; });
      }, function () { return null; });
  }

  function sendOne(row, options) {
    return alreadyThere(row, options).then(function (known) {
      return known || post(row, options);
    });
  }

  function post(row, options) {
    var made = requestBody(row);
    var headers = { "Accept": "application/json", "X-CSRFToken": options.csrf || "" };
    if (made.type) { headers["Content-Type"] = made.type; }
    var controller = root.AbortController ? new root.AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    return root.fetch(options.url, {
      method: "POST",
      body: made.body,
      headers: headers,
      credentials: "same-origin",
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        return { status: response.status, data: data };
      });
    }).finally(function () { if (timer) { clearTimeout(timer); } });
  }

  // Sends what waits, oldest first, one at a time. Stops at the first network failure, timeout
  // or server error (the rest keeps its order for the next run). Returns a summary.
  function syncNow(options) {
    var summary = { sent: 0, refused: 0, conflicts: 0, stopped: "" };
    return db.queue.where("state").anyOf(["queued", "sending"]).sortBy("seq").then(function (rows) {
      var chain = Promise.resolve();
      rows.forEach(function (row) {
        chain = chain.then(function () {
          if (summary.stopped) { return null; }
          return db.queue.update(row.seq, { state: "sending", attempts: (row.attempts || 0) + 1 }).then(function () {
            notify();
            return sendOne(row, options);
          }).then(function (result) {
            var now = new Date().toISOString();
            if (result.status === 200 || result.status === 201) {
              var conflicts = conflictsOf(result.data);
              summary.sent += 1;
              if (conflicts.length) { summary.conflicts += 1; }
              return db.queue.update(row.seq, {
                state: conflicts.length ? "conflict" : "uploaded",
                conflicts: conflicts,
                photos: [],  // the server has them; the phone's space is freed
                response: result.data,
                reason: "",
                errors: null,
                updated_at: now
              });
            }
            if ([400, 403, 404, 409, 413, 422].indexOf(result.status) >= 0 && !sessionProblem(result.data)) {
              summary.refused += 1;
              return db.queue.update(row.seq, {
                state: "refused",
                reason: reasonOf(result.data, result.status),
                errors: result.data && result.data.errors ? result.data.errors : null,
                status: result.status,
                updated_at: now
              });
            }
            summary.stopped = result.status >= 500 ? "server" : (sessionProblem(result.data) ? "session" : "http");
            return db.queue.update(row.seq, {
              state: "queued",
              reason: result.data ? reasonOf(result.data, result.status) : "HTTP " + result.status,
              updated_at: now
            });
          }, function () {
            summary.stopped = "network";
            return db.queue.update(row.seq, { state: "queued", updated_at: new Date().toISOString() });
          }).then(notify);
        });
      });
      return chain;
    }).then(function () { return summary; });
  }

  function sync(options) {
    var opts = Object.assign({ url: "/api/v1/sync/" }, options || {});
    return getMeta("csrf").then(function (csrf) {
      opts.csrf = opts.csrf || csrf || "";
      var locks = root.navigator && root.navigator.locks;
      if (locks && locks.request) {
        // One sync at a time across the tabs and the service worker; a second caller waits
        // for the first and then finds the queue already sent.
        return locks.request("tongren-offline-sync", function () { return syncNow(opts); });
      }
      if (root.__tongrenSyncing) { return root.__tongrenSyncing; }
      root.__tongrenSyncing = syncNow(opts).finally(function () { root.__tongrenSyncing = null; });
      return root.__tongrenSyncing;
    });
  }

  // At logout: the pack, the queue and the kept pages go (they hold personal data).
  function clearAll() {
    db.close();
    var deleting = Dexie.delete(NAME).catch(function () { return null; });
    var caching = root.caches ? Promise.all(PAGE_CACHES.map(function (name) {
      return root.caches.delete(name);
    })) : Promise.resolve();
    return Promise.all([deleting, caching]);
  }

  // "household: 您的管辖范围内没有这条记录。" with the field named in the page's language.
  function localReason(reason, labelsJson) {
    var labels = {};
    try { labels = JSON.parse(labelsJson || "{}"); } catch (e) { labels = {}; }
    var found = /^([a-z_]+): ([\s\S]*)$/.exec(reason || "");
    return found && labels[found[1]] ? labels[found[1]] + "：" + found[2] : (reason || "");
  }

  function formatSize(bytes) {
    if (bytes >= 1024 * 1024) { return (bytes / 1024 / 1024).toFixed(1) + " MB"; }
    return Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  function formatDate(iso) {
    if (!iso) { return ""; }
    var d = new Date(iso);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate()) + " " +
      two(d.getHours()) + ":" + two(d.getMinutes());
  }

  root.TongrenOffline = {
    db: db,
    PAGE_CACHES: PAGE_CACHES,
    getMeta: getMeta,
    setMeta: setMeta,
    savePack: savePack,
    packInfo: packInfo,
    households: households,
    household: household,
    enqueue: enqueue,
    replace: replace,
    queue: queue,
    record: record,
    remove: remove,
    waitingCount: waitingCount,
    onChange: onChange,
    notify: notify,
    requestBody: requestBody,
    sync: sync,
    clearAll: clearAll,
    formatSize: formatSize,
    localReason: localReason,
    formatDate: formatDate
  };
}(self));
