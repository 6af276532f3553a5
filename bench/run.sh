#!/usr/bin/env bash
# modreg's benchmark: every timed command against a floor, on generated registries, one results
# table per size. The numbers in BENCHMARKS.md come from here.
#
#   bench/run.sh                          # 1000, 10000 and 100000 modules, 5 runs each
#   SIZES=10000 RUNS=3 bench/run.sh       # one size, fewer runs
#
# Knobs (environment):
#   SIZES      module counts to run                 (default "1000 10000 100000")
#   RUNS       timed runs per row, after 1 warmup   (default 5)
#   BENCH_DIR  registries, peers, results           (default /tmp/modreg-bench, as peers.sh)
#   PEERS_MAX  run ../shared/bench/peers.sh for sizes up to this (default 10000)
#
# Needs: cargo, python3, hyperfine, GNU time (/usr/bin/time); node/npm for the peers.
# Builds modreg and examples/floor.rs in release mode (in CARGO_TARGET_DIR if set), generates
# $BENCH_DIR/reg2-N with ../shared/bench/gen_registry.py if missing (the directory peers.sh
# uses), times every row in ONE hyperfine invocation per size (so all rows share conditions),
# then runs each command once more under /usr/bin/time for its peak memory, and writes
# $BENCH_DIR/results-N.md. The raw hyperfine data is kept beside it as hyperfine-N.json.
#
# Rows (each "vs floor" is the row's median over the floor's median):
#   floor                          examples/floor.rs: read every */module.yaml and parse it into
#                                  a plain saphyr tree, in parallel; nothing else
#   validate cold                  modreg --no-cache validate: no parse cache read or written
#                                  (the OS page cache is warm in every row: this is not a cold disk)
#   validate warm                  modreg validate with the parse cache in .modreg-cache/ beside
#                                  modreg.yaml, filled by the warmup run
#   validate warm, 1 file edited   as warm, but before every run one manifest's description
#                                  changes by one character (same length, new mtime), so that
#                                  file alone is re-parsed
#   list --format json / graph / deps ID --reverse --transitive, cold and warm: as for validate;
#                                  ID is the first module directory, sorted
# Below the table: validate cold against ajv-cli and check-jsonschema (means, taken from
# peers.sh's own hyperfine run, so under slightly different conditions), and, when a smaller
# size ran in the same invocation, how validate cold grew with the module count.
#
# Any command exiting non-zero, or the floor not seeing every manifest, stops the script
# before it writes a table.
set -euo pipefail

SIZES=${SIZES:-"1000 10000 100000"}
RUNS=${RUNS:-5}
BENCH_DIR=${BENCH_DIR:-/tmp/modreg-bench}
PEERS_MAX=${PEERS_MAX:-10000}
export BENCH_DIR RUNS # peers.sh reads both
export LC_ALL=C       # sorted globs, '.' decimals
# Settings that would silently change what a row measures
unset MODREG_NO_CACHE MODREG_REGISTRY MODREG_NOW

die() { echo "bench/run.sh: $*" >&2; exit 1; }
for tool in cargo python3 hyperfine git; do
  command -v "$tool" >/dev/null || die "needs $tool"
done
[ -x /usr/bin/time ] || die "needs GNU time at /usr/bin/time (apt-get install time)"
case $RUNS in '' | *[!0-9]*) die "RUNS must be a number, not '$RUNS'" ;; esac
for n in $SIZES; do
  case $n in '' | *[!0-9]*) die "SIZES must be numbers, not '$n'" ;; esac
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && git rev-parse --show-toplevel)
cd "$root"
peers=$root/../shared/bench/peers.sh
gen=$root/../shared/bench/gen_registry.py
[ -f "$gen" ] || die "no $gen"
mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)

# Build. The example is built first and modreg last, on its own: building an example unifies
# the dev-dependencies' features into the shared crates, which would give a modreg binary
# different from `cargo build --release` (what users and peers.sh build).
echo "building (release)..." >&2
cargo build --release --quiet --example floor
cargo build --release --quiet --bin modreg
target=$(cargo metadata --no-deps --format-version 1 |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
modreg=$target/release/modreg
floor=$target/release/examples/floor
[ -x "$modreg" ] && [ -x "$floor" ] || die "build produced no $modreg or $floor"
"$modreg" --help | grep -q -- '--no-cache' || die "this modreg has no --no-cache: cold rows would not be cold"

# peers.sh times $root/target/release/modreg. With CARGO_TARGET_DIR elsewhere, point
# $root/target at the real target directory for the run (and remove the link afterwards);
# never let it time a stale binary.
made_link=
restore=() # an edited manifest and its original, while the one-edit row may have changed it
cleanup() {
  if [ -n "$made_link" ]; then rm -f "$root/target"; fi
  if [ "${#restore[@]}" -eq 2 ]; then cp "${restore[1]}" "${restore[0]}"; fi
}
trap cleanup EXIT
need_peers=
for n in $SIZES; do
  if [ "$n" -le "$PEERS_MAX" ]; then need_peers=1; fi
done
if [ -n "$need_peers" ]; then
  [ -x "$peers" ] || die "no executable $peers"
  if ! [ "$root/target/release/modreg" -ef "$modreg" ]; then
    if [ -e "$root/target" ] || [ -L "$root/target" ]; then
      die "peers.sh would time $root/target/release/modreg, not the modreg just built ($modreg); unset CARGO_TARGET_DIR or move $root/target away"
    fi
    ln -s "$target" "$root/target"
    made_link=1
  fi
fi

# Toggles one manifest's description (same length, new mtime) before each one-edit run.
toggle=$root/bench/toggle-description.py

argv=() # one command, split by eval from a cmds entry
q() { printf '%q ' "$@"; } # one command line for hyperfine -N and for eval below

dirty=
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then dirty=+uncommitted; fi
machine="$(nproc) CPUs, $(free -g | awk '/^Mem:/ {print $2}') GB RAM, Linux $(uname -r), $(rustc --version), modreg $(git rev-parse --short HEAD)$dirty"
written=() # results files of this invocation
with_peers=() # their peers.sh tables, or "" where peers did not run
done_sizes=() # sizes timed so far, for the scaling line

for n in $SIZES; do
  reg=$BENCH_DIR/reg2-$n # reg2: the name peers.sh uses
  if ! [ -d "$reg/registry" ]; then
    echo "generating $n modules in $reg..." >&2
    rm -rf "$reg.tmp"
    python3 "$gen" --modules "$n" --out "$reg.tmp" >/dev/null
    mv "$reg.tmp" "$reg"
  fi
  rm -f "$BENCH_DIR/results-$n.md" # no stale table survives a failed run
  rm -rf "$reg/.modreg-cache" # leftovers of another modreg build; the warmups refill it
  dirs=("$reg"/registry/*/)
  first=$(basename "${dirs[0]}")
  files=$(printf '%s\n' "${dirs[@]}" | wc -l)
  edited=$reg/registry/$first/module.yaml
  cp "$edited" "$BENCH_DIR/edited-$n.orig"
  restore=("$edited" "$BENCH_DIR/edited-$n.orig")
  r=$reg/registry
  names=(
    "floor"
    "validate cold"
    "validate warm"
    "validate warm, 1 file edited"
    "list --format json cold"
    "list --format json warm"
    "graph cold"
    "graph warm"
    "deps --reverse --transitive cold"
    "deps --reverse --transitive warm"
  )
  cmds=(
    "$(q "$floor" "$r")"
    "$(q "$modreg" --no-cache --registry "$r" validate)"
    "$(q "$modreg" --registry "$r" validate)"
    "$(q "$modreg" --registry "$r" validate)"
    "$(q "$modreg" --no-cache --registry "$r" list --format json)"
    "$(q "$modreg" --registry "$r" list --format json)"
    "$(q "$modreg" --no-cache --registry "$r" graph)"
    "$(q "$modreg" --registry "$r" graph)"
    "$(q "$modreg" --no-cache --registry "$r" deps "$first" --reverse --transitive)"
    "$(q "$modreg" --registry "$r" deps "$first" --reverse --transitive)"
  )
  edit_row=3
  noop=$(q true)
  edit=$(q python3 "$toggle" "$edited")

  # Once each, in table order, under GNU time: peak memory, and a check that every command
  # succeeds before anything is timed. The warm rows run after a first warm run filled the cache.
  rss=$BENCH_DIR/rss-$n.tsv
  : >"$rss"
  echo "checking every command and measuring peak memory ($n modules)..." >&2
  eval "argv=(${cmds[2]})"
  # Fills the cache; its status is checked just below. Twice, a second apart: files written in
  # the second a cache run starts are "racily clean" and read again by the next run, so right
  # after the registry was generated the first run cannot trust any of them.
  "${argv[@]}" >/dev/null 2>&1 || true
  sleep 1.1
  "${argv[@]}" >/dev/null 2>&1 || true
  for i in "${!names[@]}"; do
    if [ "$i" -eq "$edit_row" ]; then python3 "$toggle" "$edited"; fi
    eval "argv=(${cmds[$i]})"
    status=0
    /usr/bin/time -f %M -o "$BENCH_DIR/time.out" "${argv[@]}" >"$BENCH_DIR/out.txt" 2>"$BENCH_DIR/err.txt" || status=$?
    if [ "$status" -ne 0 ]; then
      tail -n 20 "$BENCH_DIR/out.txt" "$BENCH_DIR/err.txt" >&2
      die "'${names[$i]}' exited $status at $n modules: ${cmds[$i]}"
    fi
    if [ "$i" -eq 0 ]; then
      grep -qx "parsed $files files, [0-9]* bytes" "$BENCH_DIR/out.txt" ||
        die "the floor did not parse all $files manifests: $(cat "$BENCH_DIR/out.txt")"
      floor_says=$(cat "$BENCH_DIR/out.txt")
    fi
    printf '%s\t%s\n' "${names[$i]}" "$(tail -n 1 "$BENCH_DIR/time.out")" >>"$rss"
  done

  args=(-N --warmup 1 --runs "$RUNS" -i --export-json "$BENCH_DIR/hyperfine-$n.json")
  for i in "${!names[@]}"; do
    if [ "$i" -eq "$edit_row" ]; then args+=(--prepare "$edit"); else args+=(--prepare "$noop"); fi
  done
  for i in "${!names[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
  echo "timing $n modules..." >&2
  hyperfine "${args[@]}" >&2
  cp "$BENCH_DIR/edited-$n.orig" "$edited" # leave the shared registry as generated
  restore=()

  peers_md=
  if [ "$n" -le "$PEERS_MAX" ]; then
    echo "peers ($n modules)..." >&2
    "$peers" "$n" >"$BENCH_DIR/peers-$n.out"
    peers_md=$BENCH_DIR/peers-$n.md
  fi

  python3 - "$n" "$floor_says" "$BENCH_DIR" "$peers_md" "$machine" "$RUNS" "$first" "$PEERS_MAX" "${done_sizes[@]}" <<'EOF'
import json, re, sys

n, floor_says, bench, peers_md, machine, runs, first, peers_max, *sizes = sys.argv[1:]

def load(size):
    with open(f"{bench}/hyperfine-{size}.json") as f:
        return {r["command"]: r for r in json.load(f)["results"]}

rows = load(n)
bad = [f"'{name}' exited {sorted(set(r['exit_codes']))}" for name, r in rows.items() if any(r["exit_codes"])]
if bad:
    sys.exit(f"bench/run.sh: non-zero exit during timing at {n} modules: {'; '.join(bad)}")
rss = dict(line.rstrip("\n").split("\t") for line in open(f"{bench}/rss-{n}.tsv", encoding="utf-8"))
floor = rows["floor"]["median"]

def label(size):
    return f"{int(size) // 1000}k" if int(size) % 1000 == 0 else size

out = [f"## {int(n):,} modules", "",
       f"The floor {floor_says}; {runs} runs per row after 1 warmup; deps on `{first}`.", "",
       "| command | median (s) | ± | vs floor | max RSS (MB) |",
       "|:---|---:|---:|---:|---:|"]
for name, r in rows.items():
    out.append(f"| {name} | {r['median']:.3f} | {r['stddev'] or 0:.3f} | {r['median'] / floor:.1f}× "
               f"| {int(rss[name]) / 1024:.0f} |")
out += ["", "± is the standard deviation of the runs. vs floor: median over the floor's median.", ""]
notes = []

cold = rows["validate cold"]
if peers_md:
    peers = {}
    with open(peers_md, encoding="utf-8") as f:
        table = f.read()
    for line in table.splitlines():
        m = re.match(r"\|\s*`?([^`|]+?)`?\s*\|\s*([\d.]+)\s*±", line)
        if m:
            peers[m.group(1)] = float(m.group(2))
    unit = re.search(r"Mean \[(\w+)\]", table).group(1)
    scale = {"s": 1, "ms": 1e-3, "µs": 1e-6, "us": 1e-6}[unit]
    for peer in ("ajv-cli", "check-jsonschema"):
        if peer in peers:
            p = peers[peer] * scale
            notes.append(f"- validate cold vs {peer}: {cold['mean'] / p:.3f} ({peer} takes {p / cold['mean']:.1f}× "
                       f"as long; means: modreg {cold['mean']:.3f} s, {peer} {p:.3f} s in peers-{n}.md, "
                       f"a separate hyperfine run)")
        else:
            notes.append(f"- validate cold vs {peer}: not run at this size (see peers-{n}.md)")
smaller = [s for s in sizes if int(s) < int(n)]  # sizes timed earlier in this invocation
if smaller:
    s = max(smaller, key=int)
    prev = load(s)["validate cold"]["median"]
    notes.append(f"- {label(n)} cold / {label(s)} cold: {cold['median'] / prev:.1f} "
               f"(validate cold medians; {int(n) / int(s):g}× the modules)")
if not peers_md:
    notes.append(f"- peers (ajv-cli, check-jsonschema): not run at this size (PEERS_MAX={peers_max})")
out += notes + ["", f"Machine: {machine}.", ""]
with open(f"{bench}/results-{n}.md", "w", encoding="utf-8") as f:
    f.write("\n".join(out))
EOF
  written+=("$BENCH_DIR/results-$n.md")
  with_peers+=("$peers_md")
  done_sizes+=("$n")
done

for i in "${!written[@]}"; do
  cat "${written[$i]}"
  if [ -n "${with_peers[$i]}" ]; then
    echo "peers.sh ($(head -n 1 "${with_peers[$i]%.md}.out")):"
    echo
    cat "${with_peers[$i]}"
    echo
  fi
done
echo "machine: $machine"
