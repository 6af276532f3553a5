#!/usr/bin/env bash
# Timings of `modreg mcp`: start-up to the first answer, and warm search_modules calls.
# Usage: bench/mcp.sh [MODREG_BINARY] [PROJECT_OR_REGISTRY_DIR]  (a project dir holds modreg.yaml)
# The registry is copied to a temp dir first (no .modreg-cache is left in the source).
set -euo pipefail
bin="$(realpath "${1:-${CARGO_TARGET_DIR:-target}/release/modreg}")"
src="${2:-$(dirname "$0")/../registry}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
if [ -f "$src/modreg.yaml" ]; then cp -r "$src/." "$work/"; else cp -r "$src" "$work/registry"; fi
rm -rf "$work/.modreg-cache"
cd "$work"
python3 - "$bin" <<'PY'
import json, subprocess, sys, time
bin = sys.argv[1]
def run():
    t0 = time.perf_counter()
    p = subprocess.Popen([bin, "mcp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    n = [0]
    def rpc(method, params, note=False):
        msg = {"jsonrpc": "2.0", "method": method, "params": params}
        if not note:
            n[0] += 1; msg["id"] = n[0]
        p.stdin.write(json.dumps(msg) + "\n"); p.stdin.flush()
        return None if note else json.loads(p.stdout.readline())
    rpc("initialize", {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}})
    rpc("notifications/initialized", {}, note=True)
    call = lambda q: rpc("tools/call", {"name": "search_modules", "arguments": {"query": q, "limit": 10}})
    call("send invoices to customers")
    first = time.perf_counter() - t0
    warm = []
    for q in ["send invoices to customers", "customer contacts and deals", "notify users by email", "report revenue"] * 5:
        t = time.perf_counter(); r = call(q); warm.append(time.perf_counter() - t)
        assert "result" in r, r
    p.stdin.close(); p.wait()
    return first, sorted(warm)
first, warm = run()
print(f"cold (no parse cache): start-up to first search answer {first*1000:.0f} ms")
first, warm = run()
print(f"parse cache warm:      start-up to first search answer {first*1000:.0f} ms")
print(f"warm search_modules ({len(warm)} calls): median {warm[len(warm)//2]*1000:.1f} ms, max {warm[-1]*1000:.1f} ms")
PY
