#!/bin/sh
# Make sure the Chromium that the report's browser tests (and screenshots) drive is installed.
# liens uses Debian's chromium package at /usr/bin/chromium, never a browser downloaded by
# `playwright install`. Run as root (or with sudo) on a fresh Debian/Ubuntu machine.
set -eu

BROWSER=/usr/bin/chromium

if [ -x "$BROWSER" ]; then
    echo "ensure-browser: $BROWSER is present ($("$BROWSER" --version 2>/dev/null || echo 'version unknown'))"
    exit 0
fi

fail() {
    echo "ensure-browser: $1" >&2
    echo "ensure-browser: install Debian's 'chromium' package so that $BROWSER exists, then re-run." >&2
    exit 1
}

command -v apt-get >/dev/null 2>&1 || fail "$BROWSER is missing and apt-get is not available on this system."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        fail "$BROWSER is missing and installing it needs root (run this script as root or install sudo)."
    fi
fi

echo "ensure-browser: $BROWSER is missing; installing Debian's chromium package..."
$SUDO apt-get update || fail "apt-get update failed (no network access to the Debian mirrors?)."
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium \
    || fail "apt-get install chromium failed."

[ -x "$BROWSER" ] || fail "chromium was installed but $BROWSER does not exist."
echo "ensure-browser: installed $("$BROWSER" --version 2>/dev/null || echo "$BROWSER")"
