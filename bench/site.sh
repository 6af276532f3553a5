#!/usr/bin/env bash
# `modreg site` on the 10,000-module registry against `modreg validate --no-cache` (issue 13:
# site within 3x of validate), the site's size, and the index page in headless Chromium: how
# long the page takes to load and run its script, and how long a filter takes.
#
#   bench/site.sh
#   REG=/tmp/modreg-bench/reg2-10000 RUNS=3 bench/site.sh
#
# Knobs (environment):
#   REG      the project directory holding modreg.yaml and registry/ (default
#            /tmp/modreg-bench/reg2-10000, which bench/run.sh generates)
#   RUNS     timed runs per command, after 1 warmup (default 3)
#   MODREG   the binary to time (default: a release build in CARGO_TARGET_DIR or target/)
# Needs hyperfine and chromium.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
reg="${REG:-/tmp/modreg-bench/reg2-10000}"
runs="${RUNS:-3}"
target="${CARGO_TARGET_DIR:-$here/target}"
modreg="${MODREG:-$target/release/modreg}"
if [ -z "${MODREG:-}" ]; then
    (cd "$here" && cargo build --release --quiet)
fi
[ -d "$reg/registry" ] || { echo "no registry at $reg (run bench/run.sh first)" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
out="$tmp/site"

echo "modules: $(ls "$reg/registry" | wc -l)" >&2
hyperfine -N --warmup 1 --runs "$runs" --export-json "$tmp/h.json" \
    "$modreg --registry $reg/registry --no-cache validate" \
    "$modreg --registry $reg/registry --no-cache site -o $out"
python3 - "$tmp/h.json" <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"]
v, s = statistics.median(r[0]["times"]), statistics.median(r[1]["times"])
print(f"\n| command | median (s) |\n|:---|---:|\n| validate --no-cache | {v:.3f} |\n| site --no-cache | {s:.3f} |")
print(f"- site / validate: {s / v:.2f}x")
PY
echo "- site: $(du -sb "$out" | cut -f1 | awk '{printf "%.1f MB", $1/1e6}') in $(find "$out" -type f | wc -l) files; index.html $(stat -c %s "$out/index.html" | awk '{printf "%.1f MB", $1/1e6}')"
/usr/bin/time -f "- site max RSS: %M KB" "$modreg" --registry "$reg/registry" --no-cache -q site -o "$out" 2>&1 | tail -1

# The index in a real browser: wall time of a headless load (start-up included), and the
# script's own figures it leaves on <html>: data-ready-ms (reading 10,000 rows, applying the
# URL's filter, showing the first page) and data-render-ms (the last render).
chrome=(chromium --headless --no-sandbox --disable-gpu --disable-background-networking
        --disable-component-update --disable-sync --no-first-run --user-data-dir="$tmp/profile")
blank="$tmp/blank.html"
printf '<!DOCTYPE html><title>x</title>' >"$blank"
t0=$(date +%s.%N); "${chrome[@]}" --dump-dom "file://$blank" >/dev/null 2>&1; t1=$(date +%s.%N)
for q in "" "?q=invoice" "?status=active&type=crud"; do
    s0=$(date +%s.%N)
    dom="$("${chrome[@]}" --dump-dom "file://$out/index.html$q" 2>/dev/null)"
    s1=$(date +%s.%N)
    ready=$(printf '%s' "$dom" | grep -o 'data-ready-ms="[0-9.]*"' | head -1 | cut -d'"' -f2)
    render=$(printf '%s' "$dom" | grep -o 'data-render-ms="[0-9.]*"' | head -1 | cut -d'"' -f2)
    shown=$(printf '%s' "$dom" | grep -o '<p id="shown"[^<]*' | sed 's/.*>//')
    printf -- '- index%s in Chromium: %.2f s wall (an empty page: %.2f s), script %s ms (render %s ms): %s\n' \
        "$q" "$(echo "$s1 - $s0" | bc)" "$(echo "$t1 - $t0" | bc)" "$ready" "$render" "$shown"
done
