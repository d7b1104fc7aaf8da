#!/usr/bin/env bash
# Install Debian's Chromium and its WebDriver for tests/test_report_browser.py,
# unless they are there already. Needs root (or sudo) and apt.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    echo "browser-up: $(/usr/bin/chromium --version 2>/dev/null | head -1) already installed" >&2
    exit 0
fi
echo "browser-up: installing chromium and chromium-driver" >&2
export DEBIAN_FRONTEND=noninteractive
timeout -k 10 600 $SUDO apt-get update -qq
timeout -k 10 900 $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
echo "browser-up: $(/usr/bin/chromium --version 2>/dev/null | head -1)" >&2
