#!/usr/bin/env bash
# Execution-environment check; `make test-ee` runs this. No container engine needed.
#
#   VENV=.venv hacking/check-ee.sh
#
# 1. The release tarball is built (clean export of the tracked files).
# 2. `ansible-builder create` renders tests/ee/execution-environment.yml, with that
#    tarball, into a build context. The context must install the collection from the
#    tarball (galaxy requirements, the tarball in _build/, the ansible-galaxy install
#    step) and then collect the Python requirements of the installed collections
#    (the introspect step).
# 3. The context's own introspect script runs on the tarball installed into an
#    empty collections path: what it collects for the image must be exactly the
#    collection's meta/ee-requirements.txt (requests>=2.25), read through
#    meta/execution-environment.yml as ansible-builder reads it. requirements.txt
#    (what users install by hand) must say the same.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

need_venv python ansible-galaxy ansible-builder

work=$(mktemp -d "${TMPDIR:-/tmp}/capgo-ee.XXXXXX")
trap 'rm -rf "$work"' EXIT

log "1/3 release tarball"
tarball=$(build_tarball "$work/dist")
log "    $(basename "$tarball")"

log "2/3 ansible-builder create (tests/ee/execution-environment.yml)"
mkdir -p "$work/ee"
cp "$ROOT/tests/ee/execution-environment.yml" "$work/ee/"
cp "$tarball" "$work/ee/capgo-cloud.tar.gz"
(cd "$work/ee" && ansible-builder create --context context --output-filename Containerfile >"$work/create.log" 2>&1) ||
    { cat "$work/create.log"; die "ansible-builder create failed"; }
ctx=$work/ee/context
"$VENV_DIR/bin/python" - "$ctx" <<'PY' || die "the rendered build context does not install the collection"
import os, sys, yaml
ctx = sys.argv[1]
containerfile = open(os.path.join(ctx, 'Containerfile')).read()
reqs = yaml.safe_load(open(os.path.join(ctx, '_build', 'requirements.yml')))
problems = []
if reqs != {'collections': [{'name': '/build/capgo-cloud.tar.gz', 'type': 'file'}]}:
    problems.append('galaxy requirements are not the capgo.cloud tarball: %r' % (reqs,))
if not os.path.getsize(os.path.join(ctx, '_build', 'capgo-cloud.tar.gz')):
    problems.append('the tarball is not in the build context')
for needed in ('COPY _build /build',
               'ansible-galaxy collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml',
               'introspect.py introspect',
               '/output/scripts/install-from-bindep'):
    if needed not in containerfile:
        problems.append('the Containerfile has no %r step' % needed)
for p in problems:
    print('    FAILED: ' + p)
sys.exit(1 if problems else 0)
PY
log "    ok: the context installs capgo.cloud from its tarball, then its Python requirements"

log "3/3 the Python requirements the image gets (the context's introspect script)"
mkdir -p "$work/collections"
ansible-galaxy collection install --offline -p "$work/collections" "$tarball" >"$work/install.log" 2>&1 ||
    { cat "$work/install.log"; die "ansible-galaxy collection install failed"; }
"$VENV_DIR/bin/python" "$ctx/_build/scripts/introspect.py" introspect \
    --write-pip "$work/pip.txt" --write-bindep "$work/bindep.txt" "$work/collections" >"$work/introspect.log" 2>&1 ||
    { cat "$work/introspect.log"; die "introspect failed"; }
"$VENV_DIR/bin/python" - "$work/pip.txt" "$ROOT/meta/ee-requirements.txt" "$ROOT/requirements.txt" <<'PY' || die "the image would not get the collection's Python requirements"
import sys
def reqs(path):
    return sorted(line.split('#')[0].strip() for line in open(path) if line.split('#')[0].strip())
got, want, users = reqs(sys.argv[1]), reqs(sys.argv[2]), reqs(sys.argv[3])
if got != want or not any(r.startswith('requests') for r in got):
    sys.exit('    FAILED: introspect collected %r, meta/ee-requirements.txt says %r' % (got, want))
# requirements.txt tells users the same (the test venvs pin exact versions elsewhere).
if users != want:
    sys.exit('    FAILED: requirements.txt says %r, meta/ee-requirements.txt says %r' % (users, want))
print('    ok: %s (the same as requirements.txt)' % ', '.join(got))
PY
log "execution environment check passed"
