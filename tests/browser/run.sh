#!/usr/bin/env bash
# Real-browser checks of the bundled paper: installs headless Chromium, CJK fonts and
# playwright-core if missing, builds the site, and checks every chart's text layout.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
[ -d node_modules/playwright-core ] || npm ci --silent --no-audit --no-fund
cd ../..
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cargo run --quiet --locked -- build --quiet --output-dir "$out/public"
node tests/browser/chart-layout.mjs "$out/public"
# The search page does not shift as results arrive (phone and desktop).
node tests/browser/search-shift.mjs "$out/public"
# Chinese text is not justified on a phone (no gaps around digits).
node tests/browser/narrow-text.mjs "$out/public"
# The search page of a large generated site: paged results, whole-word matching.
cargo build --quiet --locked
node tests/browser/search-large.mjs "$PWD/target/debug/baipi" "$out"
