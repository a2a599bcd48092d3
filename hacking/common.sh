# shellcheck shell=bash
# Shared helpers of the hacking/ scripts; sourced, not run.
#
#   ROOT          the repository (= collection) root
#   VENV_DIR      absolute path of the Python venv the scripts use: $VENV, default .venv
#   need_venv     fail unless the venv has the given commands
#   make_copy DIR fresh copy of the collection at DIR/ansible_collections/capgo/cloud

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${VENV:-.venv}
case $VENV in
    /*) VENV_DIR=$VENV ;;
    *) VENV_DIR=$ROOT/$VENV ;;
esac
COLLECTION=capgo.cloud

log() { printf '%s: %s\n' "$(basename "$0")" "$*"; }
die() { printf '%s: ERROR: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

need_venv() {
    local cmd
    [ -x "$VENV_DIR/bin/python" ] || die "no Python venv at $VENV_DIR (run 'make venv', or set VENV=/path/to/venv)"
    for cmd in "$@"; do
        [ -x "$VENV_DIR/bin/$cmd" ] || die "$VENV_DIR has no '$cmd' (pip install -r requirements-dev.txt)"
    done
    # ansible-doc, antsibull-docs and ansible-galaxy call other tools of the venv by name.
    export PATH="$VENV_DIR/bin:$PATH"
}

# Copy every file git knows about or would add (git ls-files --cached --others
# --exclude-standard: uncommitted new files count, ignored files do not) into
# $1/ansible_collections/capgo/cloud. The copy is always made afresh from the work
# tree, so the documentation is generated from the plugins as they are now, not from
# an older .build copy.
make_copy() {
    local base=$1 dest list
    dest=$base/ansible_collections/capgo/cloud
    mkdir -p "$dest"
    list=$(mktemp)
    (
        cd "$ROOT" || exit 1
        git ls-files -z --cached --others --exclude-standard |
            while IFS= read -r -d '' f; do
                # tracked but deleted in the work tree, or a nested repository
                if [ -L "$f" ] || [ -f "$f" ]; then printf '%s\0' "$f"; fi
            done >"$list"
        tar --null -T "$list" -cf - | tar -xf - -C "$dest"
    )
    rm -f "$list"
    [ -f "$dest/galaxy.yml" ] || die "the collection copy at $dest has no galaxy.yml"
}

# The release tarball, built from a clean export: only the files git tracks (as they
# are in the work tree), never ignored or untracked ones such as
# tests/integration/integration_config.yml. Prints the tarball's path (in $1).
build_tarball() {
    local out=$1 src list
    src=$(mktemp -d "${TMPDIR:-/tmp}/capgo-export.XXXXXX")
    list=$(mktemp)
    (
        cd "$ROOT" || exit 1
        git ls-files -z --cached |
            while IFS= read -r -d '' f; do
                if [ -L "$f" ] || [ -f "$f" ]; then printf '%s\0' "$f"; fi
            done >"$list"
        tar --null -T "$list" -cf - | tar -xf - -C "$src"
    )
    rm -f "$list"
    mkdir -p "$out"
    ansible-galaxy collection build --force --output-path "$out" "$src" >"$out/build.log" 2>&1 ||
        { cat "$out/build.log" >&2; rm -rf "$src"; die "ansible-galaxy collection build failed"; }
    rm -rf "$src"
    ls "$out"/capgo-cloud-*.tar.gz
}

# Generate the plugin documentation of the collection copy under $1 into $2.
# simplified-rst: plain reStructuredText (option tables as HTML blocks) that GitHub
# renders as it is, without Sphinx. The collection index becomes README.rst so that
# GitHub shows it when browsing docs/. No antsibull-docs version in the files, so the
# output only changes when the documentation does.
generate_docs() {
    local base=$1 out=$2
    mkdir -p "$out"
    (
        cd "$base"
        ANSIBLE_COLLECTIONS_PATH=$base ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false \
            antsibull-docs collection --use-current --squash-hierarchy \
            --output-format simplified-rst --no-add-antsibull-docs-version \
            --fail-on-error --dest-dir "$out" "$COLLECTION"
    ) || die "antsibull-docs collection failed"
    [ -f "$out/index.rst" ] || die "antsibull-docs wrote no index.rst"
    mv "$out/index.rst" "$out/README.rst"
}
