#!/usr/bin/env bash
# `modreg health history` over a long committed history: a copy of the shipped registry in a
# fresh git repository, billing's snapshot then committed N times with changing values (status,
# record counts, error rate, p95 latency, issues; every 50th version does not parse), and
# hyperfine timing the table and the JSON. Issue 9's goal: at most 0.3 s for 500 versions.
#
#   bench/history.sh                  # 500 versions, 10 runs
#   N=2000 RUNS=5 bench/history.sh
#
# Knobs (environment): N (versions, default 500), RUNS (default 10), BENCH_DIR (default
# /tmp/modreg-bench; the repository is $BENCH_DIR/history-N, rebuilt each time), MODREG (a
# modreg binary to time instead of building one).
# Needs: cargo, git, hyperfine. Builds modreg in release mode (in CARGO_TARGET_DIR if set).
# The commits come from one `git fast-import`, so generating 500 takes well under a second.
set -euo pipefail

N=${N:-500}
RUNS=${RUNS:-10}
BENCH_DIR=${BENCH_DIR:-/tmp/modreg-bench}
here=$(cd "$(dirname "$0")/.." && pwd)

if [[ -z ${MODREG:-} ]]; then
  cargo build --release --quiet --manifest-path "$here/Cargo.toml"
fi
bin=${MODREG:-${CARGO_TARGET_DIR:-$here/target}/release/modreg}

repo=$BENCH_DIR/history-$N
rm -rf "$repo"
mkdir -p "$repo"
cp -r "$here/registry" "$here/modreg.yaml" "$repo/"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=monitor GIT_AUTHOR_EMAIL=monitor@example.com
export GIT_COMMITTER_NAME=monitor GIT_COMMITTER_EMAIL=monitor@example.com
export GIT_AUTHOR_DATE=2026-01-01T00:00:00Z GIT_COMMITTER_DATE=2026-01-01T00:00:00Z
git -C "$repo" init -q -b main
git -C "$repo" add -A
git -C "$repo" commit -q -m "the registry"

start=1767225600 # 2026-01-01T00:00:00Z
statuses=(healthy healthy healthy degraded healthy down healthy unknown)
{
  for ((i = 1; i <= N; i++)); do
    t=$((start + i * 3600))
    observed=$(date -u -d "@$t" +%Y-%m-%dT%H:%M:%SZ)
    echo "commit refs/heads/main"
    echo "committer monitor <monitor@example.com> $((t + 60)) +0000"
    echo "data <<END"
    echo "health snapshot $i"
    echo "END"
    if ((i == 1)); then echo "from refs/heads/main^0"; fi
    echo "M 100644 inline registry/billing/health.yaml"
    echo "data <<END"
    if ((i % 50 == 0)); then
      printf 'apiVersion: modreg/v1\nkind: Health\nmodule: billing\nstatus: [\n'
    else
      printf 'apiVersion: modreg/v1\nkind: Health\nmodule: billing\nobserved_at: %s\nstatus: %s\n' \
        "$observed" "${statuses[i % 8]}"
      printf 'records:\n  Invoice: { count: %d }\n  Payment: { count: %d }\n' $((40000 + i * 7)) $((38000 + i * 5))
      printf 'metrics:\n  requests_per_minute: %d\n  latency_p95_ms: %d\n  error_rate: 0.%03d\n' \
        $((90 + i % 13)) $((150 + (i * 37) % 900)) $(((i * 17) % 120))
      if ((i % 7 == 0)); then
        printf 'issues:\n  - { id: BILL-%d, severity: warning, summary: Slow webhooks }\n' "$i"
      fi
    fi
    echo "END"
    echo
  done
} | git -C "$repo" fast-import --quiet
git -C "$repo" reset -q --hard main

versions=$(git -C "$repo" rev-list --count HEAD -- registry/billing/health.yaml)
echo "$repo: $versions committed versions of registry/billing/health.yaml ($(nproc) CPUs, $(git --version))"
cd "$repo"
"$bin" health history billing --format json >/dev/null
hyperfine -N --runs "$RUNS" --warmup 1 \
  "$bin health history billing" \
  "$bin health history billing --format json"
