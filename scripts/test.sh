#!/usr/bin/env bash
# README command 2: the whole test suite, from a fresh Debian/Ubuntu machine.
#
# Installs what is missing, then runs, in order: formatting, clippy (warnings
# are errors), the Rust tests (nextest when installed, else cargo test), the
# desktop app end to end in a real window under Xvfb, the docs build, and the
# UI's type check and vitest suite. Stops at the first failure with a
# non-zero exit.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

setup
build_ui
ensure_lint_tools
ensure_tauri_driver

say "cargo fmt --check"
cargo fmt --all --check

say "cargo clippy (all targets, warnings denied)"
cargo clippy --workspace --all-targets --locked -- -D warnings

say "Rust tests"
# The closed-loop demo test (README command 1 end to end: three browsers,
# the shop, live SLOs) runs on its own afterwards, so the rest of the suite's
# browsers do not slow its journeys into false failures.
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast -E 'not test(/closed_loop/)'
  cargo test --workspace --locked --doc
  say "the closed-loop demo, end to end"
  cargo nextest run --workspace --locked -E 'test(/closed_loop/)'
else
  cargo test --workspace --locked --no-fail-fast -- --skip closed_loop
  say "the closed-loop demo, end to end"
  cargo test --workspace --locked closed_loop
fi

say "end to end: the app in a real window (Xvfb, tauri-driver, WebKitWebDriver)"
# The test is #[ignore]d in the runs above (it needs a display); here it gets one.
# --workspace keeps the features of the runs above, so nothing is rebuilt. One
# test at a time: the second runs the closed-loop demo (three browsers) itself.
PATH="$HOME/.cargo/bin:$PATH" xvfb-run -a -s "-screen 0 1440x900x24" \
  cargo test --workspace --test e2e --locked -- --ignored --nocapture --test-threads=1

say "cargo doc (warnings denied)"
# The desktop shell is left out: documenting it would check all of Tauri again.
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --exclude sightline-app --no-deps --locked --quiet

say "deployment examples (hadolint, kubernetes-validate --strict)"
"$LINT_VENV/bin/hadolint" docs/deploy/*.Dockerfile
"$LINT_VENV/bin/kubernetes-validate" --strict --quiet docs/deploy/*.yaml

if [ -f ui/package.json ]; then
  say "ui: type check and vitest"
  (cd ui && npm run --silent typecheck && npx vitest run)
fi

say "all checks passed"
