#!/usr/bin/env bash
# `modreg stats` against `modreg validate` on the 10,000-module registry committed into git with
# a history that touches different modules (issue 9: stats, git pass included, within 1.3x of
# validate).
#
#   bench/stats.sh                    # set up /tmp/h9stats if missing, then time
#   STATS_DIR=/tmp/x RUNS=10 bench/stats.sh
#
# Knobs (environment):
#   STATS_DIR  the project directory to create (default /tmp/h9stats)
#   MODULES    module count                                 (default 10000)
#   BATCHES    commits that add the modules, in batches    (default 50)
#   EDITS      commits that each edit 5 random modules      (default 300)
#   RUNS       timed runs per command, after 1 warmup      (default 5)
#   MODREG     the binary to time (default: a release build in CARGO_TARGET_DIR or target/)
#
# The registry comes from ../shared/bench/gen_registry.py (copied from
# /tmp/modreg-bench/reg2-$MODULES when bench/run.sh already generated it: the same output). The
# history: BATCHES commits adding the modules in id order, then EDITS commits each changing the
# description of 5 modules picked by a seeded generator (same history on every machine except
# for the commit ids, which carry the dates of the run), then `git gc`. Needs git, python3 and
# hyperfine.
#
# Rows: stats and validate with the parse cache (validate then answers from its cached report
# without loading the registry), with --no-cache, and with one manifest edited before every run;
# list --format json (which runs the git pass) against the table (which does not). Prints the
# medians and the ratios.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=bench/lib.sh
. "$here/bench/lib.sh"
dir="${STATS_DIR:-/tmp/h9stats}"
modules="${MODULES:-10000}"
batches="${BATCHES:-50}"
edits="${EDITS:-300}"
runs="${RUNS:-5}"
target="${CARGO_TARGET_DIR:-$here/target}"
modreg="${MODREG:-$target/release/modreg}"

if [ ! -d "$dir/.git" ]; then
    generated_registry "$dir" "$modules"
    bench_git_init "$dir"
    git -C "$dir" add .gitignore modreg.yaml
    git -C "$dir" commit -q -m "settings"
    # Batches of module directories, in id order.
    (cd "$dir" && ls registry) | python3 -c '
import sys
ids = sys.stdin.read().split()
n = int(sys.argv[1])
size = -(-len(ids) // n)
for b in range(n):
    chunk = ids[b * size:(b + 1) * size]
    if chunk:
        print(" ".join("registry/" + i for i in chunk))
' "$batches" | while read -r paths; do
        # shellcheck disable=SC2086
        git -C "$dir" add -- $paths
        git -C "$dir" commit -q -m "add a batch of modules"
    done
    # Edits: flip the last character of the description of 5 seeded-random modules per commit.
    python3 - "$dir" "$edits" <<'EOF'
import os, random, subprocess, sys
root, edits = sys.argv[1], int(sys.argv[2])
ids = sorted(os.listdir(os.path.join(root, "registry")))
rng = random.Random(9)
for c in range(edits):
    picked = rng.sample(ids, 5)
    for mid in picked:
        path = os.path.join(root, "registry", mid, "module.yaml")
        with open(path, "r+b") as f:
            data = f.read()
            start = data.index(b"\n  description: ")
            end = data.index(b"\n", start + 1) - 1
            f.seek(end)
            f.write(b"!" if data[end:end + 1] == b"." else b".")
    subprocess.run(["git", "-C", root, "commit", "-q", "-a", "-m", f"edit {c}: " + " ".join(picked)], check=True)
EOF
    # Packed, as a repository that has seen `git gc` (loose objects make every log 10x slower).
    git -C "$dir" gc -q
fi

echo "commits: $(git -C "$dir" rev-list --count HEAD)" >&2
git -C "$dir" diff --quiet || { echo "$dir has uncommitted changes" >&2; exit 1; }
if [ -z "${MODREG:-}" ]; then
    (cd "$here" && cargo build --release --quiet)
fi
reg="$dir/registry"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# The second pair edits one manifest before every run (same length, new mtime), so neither
# command can answer from its cache alone: validate re-parses that file and re-runs the checks.
modules_sorted=("$reg"/*)
first="$(basename "${modules_sorted[0]}")"
hyperfine -N --warmup 1 --runs "$runs" --export-json "$tmp/1.json" \
    "$modreg --registry $reg stats" \
    "$modreg --registry $reg validate" \
    "$modreg --registry $reg --no-cache stats" \
    "$modreg --registry $reg --no-cache validate" \
    "$modreg --registry $reg list --format json" \
    "$modreg --registry $reg list" \
    "$modreg --registry $reg --no-cache list --format json" \
    "$modreg --registry $reg --no-cache list"
hyperfine -N --warmup 1 --runs "$runs" --export-json "$tmp/2.json" \
    --prepare "python3 $here/bench/toggle-description.py $reg/$first/module.yaml" \
    "$modreg --registry $reg stats" \
    "$modreg --registry $reg validate"
git -C "$dir" checkout -q -- "registry/$first"
python3 - "$tmp/1.json" "$tmp/2.json" <<'EOF'
import json, statistics, sys
rows = []
for i, path in enumerate(sys.argv[1:]):
    for r in json.load(open(path))["results"]:
        cmd = r["command"].split(" --registry ")[1].split(" ", 1)[1]
        rows.append((cmd + (" (1 file edited)" if i else ""), statistics.median(r["times"])))
med = dict(rows)
print("\n| command | median (s) |\n|:---|---:|")
for cmd, m in rows:
    print(f"| {cmd} | {m:.3f} |")
for a, b in [("stats", "validate"), ("--no-cache stats", "--no-cache validate"),
             ("stats (1 file edited)", "validate (1 file edited)"),
             ("list --format json", "list"), ("--no-cache list --format json", "--no-cache list")]:
    print(f"- {a} / {b}: {med[a] / med[b]:.2f}")
EOF
