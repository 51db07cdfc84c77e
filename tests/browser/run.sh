#!/usr/bin/env bash
# Real-browser checks of the bundled paper: installs headless Chromium, CJK fonts, playwright-core
# and lighthouse if missing, builds the site, and checks every chart's text layout, the search
# page's layout shift, unjustified text on phones and the Lighthouse scores.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
[ -d node_modules/playwright-core ] && [ -d node_modules/lighthouse ] || npm ci --silent --no-audit --no-fund
cd ../..
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cargo run --quiet --locked --features pdf -- build --quiet --output-dir "$out/public"
node tests/browser/chart-layout.mjs "$out/public"
# Legends with a long label wrap inside their charts (donut, pie, stacked) at both widths.
cp -r tests/fixtures/long-labels "$out/long-labels" && cp -r themes "$out/long-labels/"
cargo run --quiet --locked --features pdf -- --root "$out/long-labels" build --quiet --output-dir "$out/long-labels/public"
node tests/browser/chart-layout.mjs "$out/long-labels/public"
# The search page does not shift as results arrive (phone and desktop).
node tests/browser/search-shift.mjs "$out/public"
# Chinese text is not justified on a phone (no gaps around digits).
node tests/browser/narrow-text.mjs "$out/public"
# Lighthouse 100 in every category on the cover, a chapter and the search page, served at the
# domain root with the default base_url = "/" (offline; about 40 s).
node tests/browser/lighthouse.mjs "$out/public"
# The search page of a large generated site: paged results, whole-word matching.
cargo build --quiet --locked --features pdf
node tests/browser/search-large.mjs "$PWD/target/debug/baipi" "$out"
