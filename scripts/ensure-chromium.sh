#!/usr/bin/env bash
# Make sure Debian's chromium is installed for the Playground browser tests.
# Idempotent: does nothing when /usr/bin/chromium already exists. We never use
# `npx playwright install`: it downloads a browser build and CI has no internet
# except the Debian and npm mirrors.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  echo "ensure-chromium: $CHROMIUM already installed ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown')); nothing to do."
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-chromium: $CHROMIUM is missing and installing it needs root; run: sudo $0" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "ensure-chromium: $CHROMIUM is missing; running apt-get update..."
apt-get update -qq
echo "ensure-chromium: installing the chromium package..."
apt-get install -y -qq --no-install-recommends chromium

if [ ! -x "$CHROMIUM" ]; then
  echo "ensure-chromium: apt-get finished but $CHROMIUM is still missing." >&2
  exit 1
fi
echo "ensure-chromium: installed $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")."
