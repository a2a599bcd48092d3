#!/usr/bin/env bash
# Regenerate docs/ (the plugin documentation) from the modules' DOCUMENTATION,
# EXAMPLES and RETURN with antsibull-docs. `make docs` runs this.
#
#   VENV=.venv hacking/make-docs.sh
#
# VENV (default .venv) is the Python venv with ansible-core and antsibull-docs
# (requirements-dev.txt). Every *.rst file in docs/ is generated: edit the plugins'
# documentation, not docs/. hacking/check-docs.sh fails when docs/ is stale.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

need_venv ansible ansible-doc antsibull-docs

work=$(mktemp -d "${TMPDIR:-/tmp}/capgo-docs.XXXXXX")
trap 'rm -rf "$work"' EXIT

make_copy "$work/collections"
generate_docs "$work/collections" "$work/out"

mkdir -p "$ROOT/docs"
rm -f "$ROOT"/docs/*.rst
cp "$work"/out/*.rst "$ROOT/docs/"
log "wrote $(find "$ROOT/docs" -maxdepth 1 -name '*.rst' -printf 'docs/%f ' | sort)"
