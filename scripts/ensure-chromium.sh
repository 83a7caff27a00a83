#!/usr/bin/env bash
# The end-to-end tests drive Debian's Chromium (Playwright cannot download browsers here), with a
# CJK font so that the Chinese interface's screenshots show characters, not boxes.
# Installs what is missing; that needs root, as on CI.
set -euo pipefail
browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
packages=()
[ -x "$browser" ] || packages+=(chromium)
dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || packages+=(fonts-wqy-microhei)
if [ "${#packages[@]}" -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  if [ -x "$browser" ]; then
    echo "Optional: 'sudo apt-get install -y fonts-wqy-microhei' for Chinese text in screenshots." >&2
    exit 0
  fi
  echo "Chromium is missing at $browser: install it with 'sudo apt-get install -y chromium' (or set CHROMIUM_PATH)." >&2
  exit 1
fi
echo "Installing ${packages[*]} for the end-to-end tests…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${packages[@]}" >/dev/null
"$browser" --version
