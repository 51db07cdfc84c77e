#!/usr/bin/env bash
# Serves the bundled paper with nginx under a sub-path (with gzip_static) and runs the reader's
# checks: axe-core, links, anchors, 404, search, sideways scroll, page weight (site-check.mjs),
# and the Nu Html Checker on every HTML file. Installs nginx, Chromium, CJK fonts and the npm
# packages if they are missing.
set -euo pipefail
cd "$(dirname "$0")"
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
command -v nginx >/dev/null 2>&1 || need+=(nginx)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
[ -d node_modules/axe-core ] && [ -d node_modules/vnu-jar ] && [ -d node_modules/playwright-core ] || npm ci --silent --no-audit --no-fund
cd ../..
work=$(mktemp -d)
chmod 755 "$work"
port=${BAIPI_CHECK_PORT:-18089}
base="http://127.0.0.1:$port/tianhe-2021/"
cleanup() { [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cargo run --quiet --locked --features pdf -- build --quiet --base-url "$base" --output-dir "$work/www/tianhe-2021"
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
user root;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 64; }
http {
  include /etc/nginx/mime.types;
  types { text/csv csv; }
  access_log off;
  server {
    listen 127.0.0.1:$port;
    root $work/www;
    gzip_static on;
    location /tianhe-2021/ { error_page 404 /tianhe-2021/404.html; }
  }
}
CONF
nginx -c "$work/nginx.conf" -p "$work"
for _ in $(seq 50); do curl -sf -o /dev/null "$base" && break; sleep 0.1; done
echo "== Nu Html Checker"
java -jar tests/browser/node_modules/vnu-jar/build/dist/vnu.jar --errors-only --skip-non-html "$work/www"
echo "Nu Html Checker: 0 errors in $(find "$work/www" -name '*.html' | wc -l) HTML files"
echo "== Browser checks at $base"
node tests/browser/site-check.mjs "$base"
