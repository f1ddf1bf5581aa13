#!/usr/bin/env bash
# README command 1: the main job on the embedded default, the closed-loop demo.
#
# Installs what is missing, builds the `sightline` CLI and the desktop app, then
# runs `sightline demo`: the bundled demo shop in three regions, a runner per
# region replaying the demo journeys in headless Chromium, the live SLOs, and
# the default scenario (a bad release of payment in us-east-1). With a display
# the desktop app opens on the demo; without one the demo runs headless, with a
# live view in the terminal and a report at the end. Extra arguments go to
# `sightline demo` (e.g. --headless, --scenario checkout-short, --speed 2).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

# Set-up talks on stderr, so `--json` leaves only the report on stdout.
{
  setup

  say "building sightline"
  cargo build --locked -p sightline-cli
  if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    build_ui
    say "building the desktop app"
    cargo build --locked -p sightline-app
  fi
} >&2

exec "$CARGO_TARGET_DIR/debug/sightline" demo "$@"
