# Shared by the bench scripts: source it after setting `here` (the repository root).

# generated_registry DIR MODULES: a fresh copy of the generated registry of MODULES modules in
# DIR (its registry/ and modreg.yaml), from /tmp/modreg-bench/reg2-MODULES when bench/run.sh
# already generated it (the same output), else from ../shared/bench/gen_registry.py. DIR is
# replaced; no parse cache is left in it.
generated_registry() {
    local dir="$1" modules="$2"
    rm -rf "$dir"
    if [ -d "/tmp/modreg-bench/reg2-$modules/registry" ]; then
        mkdir -p "$dir"
        cp -r "/tmp/modreg-bench/reg2-$modules/registry" "/tmp/modreg-bench/reg2-$modules/modreg.yaml" "$dir/"
    else
        python3 "$here/../shared/bench/gen_registry.py" --modules "$modules" --out "$dir"
    fi
    rm -rf "$dir/.modreg-cache"
}
