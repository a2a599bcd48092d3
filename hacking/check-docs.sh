#!/usr/bin/env bash
# Documentation checks; `make test-docs` runs this.
#
#   VENV=.venv hacking/check-docs.sh
#
# 1. docs/ is up to date: the documentation is regenerated into a temporary
#    directory and compared with docs/ (a diff is printed and the check fails when
#    they differ; fix with `make docs`).
# 2. The generated files are valid reStructuredText (docutils, warnings are errors),
#    as GitHub renders them.
# 3. antsibull-docs lint-collection-docs --plugin-docs passes (flags given
#    explicitly, as antsibull-docs 2.x asks, since their defaults change in 3.0).
# 4. ansible-doc renders every module (and role) of the collection without a warning.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

need_venv ansible ansible-doc antsibull-docs

work=$(mktemp -d "${TMPDIR:-/tmp}/capgo-check-docs.XXXXXX")
trap 'rm -rf "$work"' EXIT
failed=0

make_copy "$work/collections"
copy=$work/collections/ansible_collections/capgo/cloud

log "1/4 docs/ is up to date"
generate_docs "$work/collections" "$work/fresh"
mkdir -p "$work/current"
cp "$ROOT"/docs/*.rst "$work/current/" 2>/dev/null || true
if diff -ru "$work/current" "$work/fresh" >"$work/docs.diff" 2>&1; then
    log "    ok: docs/ matches the plugins' documentation"
else
    sed -e "s#$work/current#docs#g" -e "s#$work/fresh#generated#g" "$work/docs.diff"
    log "    FAILED: docs/ is stale; run 'make docs' (or VENV=$VENV hacking/make-docs.sh) and commit docs/"
    failed=1
fi

log "2/4 the generated reStructuredText is valid (docutils, as GitHub renders it)"
if "$VENV_DIR/bin/python" - "$work"/fresh/*.rst <<'PY'
import sys
from docutils.core import publish_parts
from docutils.utils import SystemMessage

bad = 0
for path in sys.argv[1:]:
    with open(path, encoding='utf-8') as handle:
        text = handle.read()
    try:
        publish_parts(text, source_path=path, writer_name='html',
                      settings_overrides={'raw_enabled': True, 'file_insertion_enabled': False,
                                          'report_level': 2, 'halt_level': 2})
    except SystemMessage as exc:
        print('%s: %s' % (path.rsplit('/', 1)[-1], exc))
        bad += 1
sys.exit(1 if bad else 0)
PY
then
    log "    ok"
else
    log "    FAILED: docutils reported problems in the generated documentation"
    failed=1
fi

log "3/4 antsibull-docs lint-collection-docs"
if (cd "$work/collections" &&
    ANSIBLE_COLLECTIONS_PATH=$work/collections ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false \
    antsibull-docs lint-collection-docs --plugin-docs --skip-rstcheck --check-extra-docs-refs \
        --validate-collection-refs all --disallow-unknown-collection-refs "$copy"); then
    log "    ok"
else
    log "    FAILED: antsibull-docs lint-collection-docs"
    failed=1
fi

log "4/4 ansible-doc renders every module and role"
modules=$(find "$copy/plugins/modules" -maxdepth 1 -name '*.py' ! -name '__init__.py' -printf '%f\n' | sed -e 's/\.py$//' | sort)
for m in $modules; do
    if (cd "$work" &&
        ANSIBLE_COLLECTIONS_PATH=$work/collections ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false ANSIBLE_NOCOLOR=1 \
        ansible-doc -t module "$COLLECTION.$m" >"$work/ansible-doc.out" 2>"$work/ansible-doc.err") &&
       ! grep -qiE 'warning|error' "$work/ansible-doc.err" &&
       grep -q "$COLLECTION.$m" "$work/ansible-doc.out" &&
       grep -q '^EXAMPLES:' "$work/ansible-doc.out" &&
       grep -q '^RETURN VALUES:' "$work/ansible-doc.out"; then
        log "    ok: ansible-doc $COLLECTION.$m ($(wc -l <"$work/ansible-doc.out") lines)"
    else
        cat "$work/ansible-doc.err" >&2
        log "    FAILED: ansible-doc $COLLECTION.$m"
        failed=1
    fi
done

for r in $(cd "$copy" && find roles -mindepth 3 -maxdepth 3 -path 'roles/*/meta/argument_specs.yml' 2>/dev/null | cut -d/ -f2 | sort); do
    if (cd "$work" &&
        ANSIBLE_COLLECTIONS_PATH=$work/collections ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false ANSIBLE_NOCOLOR=1 \
        ansible-doc -t role "$COLLECTION.$r" >"$work/ansible-doc.out" 2>"$work/ansible-doc.err") &&
       # ansible-core's own internal collection has no version: not about this collection.
       ! grep -v 'ansible_collections/ansible/_protomatter' "$work/ansible-doc.err" | grep -qiE 'warning|error' &&
       grep -q "$COLLECTION.$r" "$work/ansible-doc.out"; then
        log "    ok: ansible-doc -t role $COLLECTION.$r ($(wc -l <"$work/ansible-doc.out") lines)"
    else
        cat "$work/ansible-doc.err" >&2
        log "    FAILED: ansible-doc -t role $COLLECTION.$r"
        failed=1
    fi
done

if [ "$failed" -ne 0 ]; then
    die "documentation checks failed"
fi
log "all documentation checks passed"
