#!/usr/bin/env bash
# The AI trio on the 10,000-module registry against `validate` (issue 10: `context --json` and
# `search` within 1.2x of `validate`, less with a warm parse cache), plus `register --dry-run`,
# the bundle's size in bytes, and a module's neighbourhood at `--max-tokens 100000` (the whole
# registry cannot fit: its module ids alone are about 250,000 tokens).
#
#   bench/ai.sh                      # set up /tmp/ai-bench if missing, then time
#   AI_DIR=/tmp/x RUNS=10 bench/ai.sh
#
# Knobs (environment):
#   AI_DIR   the project directory to create (default /tmp/ai-bench)
#   MODULES  module count                             (default 10000)
#   RUNS     timed runs per command, after 1 warmup  (default 5)
#   MODREG   the binary to time (default: a release build in CARGO_TARGET_DIR or target/)
#
# The registry comes from ../shared/bench/gen_registry.py (copied from
# /tmp/modreg-bench/reg2-$MODULES when bench/run.sh already generated it: the same output). It
# is not a git repository, so `context` has no git figures to gather. "cold" rows run with
# --no-cache (every manifest parsed), "warm" rows with the parse cache filled by the warmup.
# Needs python3 and hyperfine.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=bench/lib.sh
. "$here/bench/lib.sh"
dir="${AI_DIR:-/tmp/ai-bench}"
modules="${MODULES:-10000}"
runs="${RUNS:-5}"
target="${CARGO_TARGET_DIR:-$here/target}"
modreg="${MODREG:-$target/release/modreg}"

if [ ! -d "$dir/registry" ]; then
    generated_registry "$dir" "$modules"
fi
rm -rf "$dir/.modreg-cache"
if [ ! -x "$modreg" ]; then
    (cd "$here" && cargo build --release --quiet)
fi
# A new module for `register --dry-run`: unlike any generated one.
cp "$here/tests/fixtures/similar/new/fleet-tracking.yaml" "$dir/candidate.yaml"
cd "$dir"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
query="send an invoice to a customer and notify them by email"

# The focus of the budgeted rows: the module with the most relationships either way.
focus="$(python3 -c '
import os, re
counts = {}
for mid in sorted(os.listdir("registry")):
    text = open(os.path.join("registry", mid, "module.yaml")).read()
    targets = re.findall(r"target: *([a-z0-9-]+)", text)
    counts[mid] = counts.get(mid, 0) + len(targets)
    for t in targets:
        counts[t] = counts.get(t, 0) + 1
print(max(sorted(counts), key=lambda m: counts[m]))
')"
echo "sizes (focus: $focus):"
"$modreg" context --json >"$tmp/bundle.json"
"$modreg" context --json --module "$focus" --depth 1 >"$tmp/focus.json"
"$modreg" context --json --module "$focus" --depth 1 --max-tokens 100000 >"$tmp/focus-100k.json"
if "$modreg" context --json --max-tokens 100000 >/dev/null 2>"$tmp/err"; then
    echo "- the whole registry fits in 100000 tokens"
else
    echo "- the whole registry at --max-tokens 100000: $(head -1 "$tmp/err")"
fi
python3 - "$tmp/bundle.json" "$tmp/focus.json" "$tmp/focus-100k.json" <<'EOF'
import json, os, sys
for path in sys.argv[1:]:
    doc = json.load(open(path))
    print(f"- {os.path.basename(path)}: {os.path.getsize(path):,} bytes, {len(doc['modules'])} modules, "
          f"detail_level {doc['detail_level']}, indexes {doc['indexes']['scope']}, "
          f"estimated_tokens {doc['estimated_tokens']:,}")
EOF

hyperfine -N --warmup 1 --runs "$runs" --export-json "$tmp/1.json" \
    "$modreg --no-cache validate" \
    "$modreg --no-cache context --json" \
    "$modreg --no-cache context --json --module $focus --depth 1 --max-tokens 100000" \
    "$modreg --no-cache search '$query'" \
    "$modreg --no-cache register --dry-run candidate.yaml" \
    "$modreg validate" \
    "$modreg context --json" \
    "$modreg context --json --module $focus --depth 1 --max-tokens 100000" \
    "$modreg search '$query'" \
    "$modreg register --dry-run candidate.yaml" >/dev/null
python3 - "$tmp/1.json" <<'EOF'
import json, statistics, sys
# Wall time, and CPU time (user + system, mean): on a busy machine the second is the steadier.
rows = [(r["command"].split(" ", 1)[1], statistics.median(r["times"]), r["user"] + r["system"])
        for r in json.load(open(sys.argv[1]))["results"]]
base = {cmd: (m, c) for cmd, m, c in rows}["--no-cache validate"]
print("\n| command | median (s) | vs `--no-cache validate` | CPU (s) | CPU vs validate |\n|:---|---:|---:|---:|---:|")
for cmd, m, c in rows:
    print(f"| `{cmd}` | {m:.3f} | {m / base[0]:.2f}× | {c:.3f} | {c / base[1]:.2f}× |")
EOF
