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

# bench_git_init DIR: make DIR a fresh git repository (branch main, the parse cache ignored),
# with git's user and system configuration shut out and a fixed committer, so the history a
# script builds is the same on every machine but for the commit dates. The environment stays
# exported for the script's own commits.
bench_git_init() {
    export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
    export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
    export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
    git -C "$1" init -q -b main
    printf '.modreg-cache/\n' >"$1/.gitignore"
}
