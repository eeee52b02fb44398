// The service worker of the offline web app (loaded by /sw.js, which sets TONGREN_OFFLINE: the
// files to keep with their revisions, where Workbox's modules are served, the field pages).
//
// - The app shell (CSS, scripts, Dexie, the offline fallback page) is kept at install
//   (workbox-precaching) and served from the cache.
// - The field pages (home, 离线包, 离线记录, 待上传) are network first: the copy kept from the
//   last visit answers when there is no network. Other pages answer the fallback page offline.
// - Other static files: cache first once seen (their URLs change with their content).
// - Background Sync: the browser wakes the worker when the network returns, and the queue is
//   sent by the same code as the pages' (offline-store.js), under the same lock.
/* global importScripts, workbox */
(function () {
  "use strict";
  var config = self.TONGREN_OFFLINE;
  importScripts(config.workbox);
  workbox.setConfig({ modulePathPrefix: config.workboxModules, debug: false });
  // Every module is loaded now: a worker may not import scripts after its install.
  workbox.loadModule("workbox-core");
  workbox.loadModule("workbox-routing");
  workbox.loadModule("workbox-strategies");
  workbox.loadModule("workbox-precaching");
  workbox.loadModule("workbox-expiration");
  workbox.loadModule("workbox-cacheable-response");
  config.scripts.forEach(function (url) { importScripts(url); });

  var PAGES = "tongren-pages";
  var STATIC = "tongren-static";
  var fieldPages = config.pages;

  workbox.core.setCacheNameDetails({ prefix: "tongren", suffix: "v1" });
  workbox.core.clientsClaim();
  self.skipWaiting();
  workbox.precaching.cleanupOutdatedCaches();
  workbox.precaching.precacheAndRoute(config.precache, { ignoreURLParametersMatching: [/.*/] });

  // A page is kept only as itself: not a redirect to the login page, not an error.
  var onlyThePage = {
    cacheWillUpdate: function (args) {
      var response = args.response;
      return response && response.status === 200 && !response.redirected ? response : null;
    }
  };

  function isFieldPage(url) {
    return url.origin === self.location.origin && fieldPages.indexOf(url.pathname) >= 0;
  }

  workbox.routing.registerRoute(
    function (options) { return options.request.mode === "navigate" && isFieldPage(options.url); },
    new workbox.strategies.NetworkFirst({
      cacheName: PAGES,
      networkTimeoutSeconds: 8,
      // The pages vary by cookie and language: the copy kept is this phone's user's (the cache
      // goes at logout), whatever headers the request has.
      matchOptions: { ignoreVary: true },
      plugins: [onlyThePage]
    })
  );

  workbox.routing.registerRoute(
    function (options) {
      return options.url.origin === self.location.origin &&
        options.url.pathname.indexOf(config.static) === 0;
    },
    new workbox.strategies.CacheFirst({
      cacheName: STATIC,
      plugins: [
        new workbox.cacheableResponse.CacheableResponsePlugin({ statuses: [200] }),
        new workbox.expiration.ExpirationPlugin({ maxEntries: 80, maxAgeSeconds: 30 * 24 * 3600 })
      ]
    })
  );

  // Any other page: the network, and the fallback page without one.
  workbox.routing.setDefaultHandler(new workbox.strategies.NetworkOnly());
  workbox.routing.setCatchHandler(function (options) {
    if (options.request.destination === "document" || options.request.mode === "navigate") {
      return workbox.precaching.matchPrecache(config.fallback).then(function (response) {
        return response || Response.error();
      });
    }
    return Promise.resolve(Response.error());
  });

  // After a download of the pack, the page asks for the field pages to be kept now.
  function warm() {
    return caches.open(PAGES).then(function (cache) {
      return Promise.all(fieldPages.map(function (page) {
        return fetch(page, { credentials: "same-origin" }).then(function (response) {
          return onlyThePage.cacheWillUpdate({ response: response }) ? cache.put(page, response) : null;
        }).catch(function () { return null; });
      }));
    });
  }

  function tellPages() {
    return self.clients.matchAll({ type: "window" }).then(function (clients) {
      clients.forEach(function (client) { client.postMessage({ type: "queue" }); });
    });
  }

  self.addEventListener("message", function (event) {
    var data = event.data || {};
    if (data.type === "warm") { event.waitUntil(warm()); }
  });

  self.addEventListener("sync", function (event) {
    if (event.tag !== "tongren-offline-sync") { return; }
    event.waitUntil(self.TongrenOffline.sync({}).then(function (summary) {
      return tellPages().then(function () {
        // A sync stopped by the network is retried by the browser later.
        if (summary.stopped === "network" || summary.stopped === "server") {
          throw new Error("sync stopped: " + summary.stopped);
        }
      });
    }));
  });
}());
