#!/usr/bin/env bash
# CI: build the bundled paper into a temp folder, then check that its prose is its own
# (overlap.py) and that every fact of the source report is still on it (facts.py).
# Skips, with a message, only when the source report (the seed) is absent.
set -euo pipefail
cd "$(dirname "$0")/../.."
seed=../shared/seeds/000_ab6749eb65077178.txt
if [ ! -f "$seed" ]; then
  echo "prose-overlap: skipped: no seed file at $seed"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cargo run --locked --quiet --features pdf -- build --output-dir "$tmp/site"
python3 tests/prose-overlap/overlap.py --site "$tmp/site" --seed "$seed"
python3 tests/prose-overlap/facts.py --site "$tmp/site" --seed "$seed"
