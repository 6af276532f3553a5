#!/usr/bin/env bash
# `modreg diff` against `modreg validate --no-cache` on the 10,000-module registry committed into
# git, with 50 modules changed in the working tree (some breaking) (issue 11: diff, both sides
# read, within 1.5x of validate --no-cache).
#
#   bench/diff.sh                     # set up /tmp/h11diff if missing, then time
#   DIFF_DIR=/tmp/x RUNS=10 bench/diff.sh
#
# Knobs (environment):
#   DIFF_DIR   the project directory to create (default /tmp/h11diff)
#   MODULES    module count                                 (default 10000)
#   CHANGED    modules changed in the working tree          (default 50)
#   RUNS       timed runs per command, after 1 warmup      (default 5)
#   MODREG     the binary to time (default: a release build in CARGO_TARGET_DIR or target/)
#
# The registry comes from ../shared/bench/gen_registry.py (copied from
# /tmp/modreg-bench/reg2-$MODULES when bench/run.sh already generated it: the same output),
# committed in one commit and packed. Then CHANGED modules picked by a seeded generator are
# edited in the working tree: every fifth loses its first endpoint (breaking), the others get a
# new tag and a patch version (info). Needs git, python3 and hyperfine.
#
# Rows: diff --no-cache (the working tree parsed; of the base, listed with one ls-tree, only the
# files `git diff --name-only` says differ are read with one cat-file --batch and parsed), diff
# with the parse cache (the working tree from the cache), and validate --no-cache. Prints the
# medians and the ratios.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=bench/lib.sh
. "$here/bench/lib.sh"
dir="${DIFF_DIR:-/tmp/h11diff}"
modules="${MODULES:-10000}"
changed="${CHANGED:-50}"
runs="${RUNS:-5}"
target="${CARGO_TARGET_DIR:-$here/target}"
modreg="${MODREG:-$target/release/modreg}"

if [ ! -d "$dir/.git" ]; then
    generated_registry "$dir" "$modules"
    bench_git_init "$dir"
    git -C "$dir" add -A
    git -C "$dir" commit -q -m "the registry"
    git -C "$dir" gc -q
fi

# The working-tree changes, made afresh on every run of the script.
git -C "$dir" checkout -q -- registry
python3 - "$dir" "$changed" <<'EOF'
import os, random, re, sys
root, changed = sys.argv[1], int(sys.argv[2])
ids = sorted(os.listdir(os.path.join(root, "registry")))
rng = random.Random(11)
for n, mid in enumerate(rng.sample(ids, changed)):
    path = os.path.join(root, "registry", mid, "module.yaml")
    text = open(path).read()
    if n % 5 == 0 and re.search(r"\n    - \{ ?method:", text):
        # Breaking: the first endpoint goes.
        text = re.sub(r"\n    - \{ ?method:[^\n]*", "", text, count=1)
    else:
        text = re.sub(r"\n  version: (\d+)\.(\d+)\.(\d+)",
                      lambda m: f"\n  version: {m[1]}.{m[2]}.{int(m[3]) + 1}", text, count=1)
        text = text.replace("\n  tags: [", "\n  tags: [bench-edit, ", 1)
    open(path, "w").write(text)
EOF
echo "changed: $(git -C "$dir" diff --name-only | wc -l) manifests" >&2
if [ -z "${MODREG:-}" ]; then
    (cd "$here" && cargo build --release --quiet)
fi
cd "$dir"
"$modreg" diff --no-cache >/dev/null 2>&1 || true
"$modreg" -q diff --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("diff:", len(d["modules"]), "modules,", d["breaking"], "breaking,", d["warnings"], "warnings,", d["info"], "info", file=sys.stderr)'
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
hyperfine -N --warmup 1 --runs "$runs" --export-json "$tmp/1.json" \
    "$modreg --no-cache diff" \
    "$modreg diff" \
    "$modreg --no-cache validate"
python3 - "$tmp/1.json" <<'EOF'
import json, statistics, sys
rows = [(r["command"].split(" ", 1)[1], statistics.median(r["times"])) for r in json.load(open(sys.argv[1]))["results"]]
med = dict(rows)
print("\n| command | median (s) |\n|:---|---:|")
for cmd, m in rows:
    print(f"| {cmd} | {m:.3f} |")
for a in ["--no-cache diff", "diff"]:
    print(f"- {a} / --no-cache validate: {med[a] / med['--no-cache validate']:.2f}")
EOF
