#!/usr/bin/env bash
# The third-party browser files the templates load, copied from node_modules (after `npm ci`) to
# static/vendor, so that no page loads anything from the internet. The Makefile's `assets` and
# the Dockerfile both run this script: the image ships the same files as a checkout.
#
# Usage: scripts/vendor-assets.sh [NODE_MODULES [DEST]]  (default: node_modules static/vendor)
set -euo pipefail

src=${1:-node_modules}
dest=${2:-static/vendor}

# copy FILE-IN-NODE_MODULES DIR-IN-DEST
copy() {
  mkdir -p "$dest/$2"
  cp "$src/$1" "$dest/$2/"
}

copy @picocss/pico/css/pico.min.css pico
copy echarts/dist/echarts.min.js echarts
# Each minified file with the source map it names: collectstatic's manifest storage (the
# Dockerfile's) refuses a file whose sourceMappingURL points at nothing.
copy dexie/dist/dexie.min.js dexie
copy dexie/dist/dexie.min.js.map dexie
# The service worker loads Workbox's modules from here (workbox-sw's modulePathPrefix): the
# production builds only, the worker sets debug off.
copy workbox-sw/build/workbox-sw.js workbox
copy workbox-sw/build/workbox-sw.js.map workbox
for module in core routing strategies precaching expiration cacheable-response; do
  copy "workbox-$module/build/workbox-$module.prod.js" workbox
  copy "workbox-$module/build/workbox-$module.prod.js.map" workbox
done
