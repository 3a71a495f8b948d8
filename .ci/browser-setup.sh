#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests (the lab report, the live page), and does
# nothing when it is already there. No browser is ever downloaded by a test tool: playwright-core
# drives this one (testkit's launchChromium). Usage: bash .ci/browser-setup.sh (as root).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "browser-setup: $(/usr/bin/chromium --version 2>/dev/null || echo chromium) already installed"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
echo "browser-setup: installing Debian's chromium ..."
apt-get -o DPkg::Lock::Timeout=600 -qq update
apt-get -o DPkg::Lock::Timeout=600 -qq install -y --no-install-recommends chromium >/dev/null
/usr/bin/chromium --version
