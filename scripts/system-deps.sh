#!/usr/bin/env bash
# Debian packages the test suite needs: Chromium and its driver for the browser tests, CJK fonts
# so screenshots and the notices' PDFs show Chinese, Pango for WeasyPrint (the PDFs,
# tongren_fupin/pdf.py; the Dockerfile installs the same), gettext for compiling translations.
# Installed when missing.
set -euo pipefail

missing=()
for package in chromium chromium-driver fonts-noto-cjk gettext \
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "Missing Debian packages: ${missing[*]} (install them with apt-get as root)" >&2
  exit 1
fi
echo "Installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
