#!/usr/bin/env bash
# Debian's headless-capable Chromium for the browser tests (test/browser.e2e-spec.ts).
# Does nothing when `chromium` is already on PATH; otherwise installs the package with
# apt-get. Last line on stdout: the path of the chromium executable.
set -euo pipefail

log() { echo "install-chromium: $*" >&2; }
die() { log "$*"; exit 1; }

if ! command -v chromium >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || die "chromium is not on PATH and apt-get is not available: install Chromium and put \`chromium\` on PATH"
  [ "$(id -u)" -eq 0 ] || die "chromium is not on PATH and installing it needs root: run \`sudo apt-get install -y --no-install-recommends chromium\` or this script as root"

  export DEBIAN_FRONTEND=noninteractive
  install_package() { apt-get install -y -qq --no-install-recommends chromium >&2; }
  # A fresh image has no package lists at all, and old lists may name files the mirror no longer has.
  candidate="$(apt-cache policy chromium 2>/dev/null | sed -n 's/^ *Candidate: //p' || true)"
  if [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then
    log "updating the package lists"
    apt-get update -qq >&2
  fi
  log "installing Debian's chromium package"
  if ! install_package; then
    log "retrying after updating the package lists"
    apt-get update -qq >&2
    install_package
  fi
  command -v chromium >/dev/null 2>&1 || die "the chromium package was installed but \`chromium\` is still not on PATH"
fi

command -v chromium
