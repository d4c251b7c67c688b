#!/bin/sh
# Build the JavaScript the HTML report inlines: the network map (sigma.js + graphology from npm,
# bundled with our drawing script by esbuild) into liens/report/static/vendor/ (git-ignored,
# shipped as package data). `make setup` runs it; run it again after changing
# liens/report/js/. Needs node and npm; the exact versions come from package-lock.json.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JS="$ROOT/liens/report/js"
OUT="$ROOT/liens/report/static/vendor"

command -v npm >/dev/null 2>&1 || {
    echo "build-js: npm not found; install Node.js 18 or newer (Debian: apt-get install nodejs npm)" >&2
    exit 1
}

npm ci --prefix "$JS" --no-audit --no-fund --loglevel=error
mkdir -p "$OUT"
npm run --prefix "$JS" --silent build
echo "build-js: wrote $(du -h "$OUT/network-map.min.js" | cut -f1) to ${OUT#"$ROOT"/}/network-map.min.js"
