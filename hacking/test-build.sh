#!/usr/bin/env bash
# Release build test; `make test-build` runs this.
#
#   VENV=.venv hacking/test-build.sh
#   UPDATE_TARBALL_CONTENTS=1 VENV=.venv hacking/test-build.sh   (rewrite the list, see 2.)
#
# 1. ansible-galaxy collection build from a clean export of the files git tracks
#    (build_tarball in common.sh, as `make build` builds a release), into a
#    temporary directory: ignored or untracked files never reach the tarball.
# 2. The tarball's file list is exactly hacking/tarball-contents.txt. A new file
#    that belongs in a release goes into that list (UPDATE_TARBALL_CONTENTS=1
#    rewrites it; review the diff); a development file goes into build_ignore in
#    galaxy.yml. Then the tarball must hold what a release needs (meta/runtime.yml,
#    the plugins, README, docs, LICENSE, CHANGELOG, the execution-environment
#    metadata) and no development files (venvs, the .build copy, tests/output,
#    caches, Makefile, .ci, benchmarks, the integration config with its key).
# 3. ansible-galaxy collection install of that tarball into an empty collections
#    path (offline), and ansible-galaxy collection verify of the result.
# 4. The local Capgo API emulator is started with a seed of its own, and
#    `ansible localhost -m capgo.cloud.capgo_organization_info` runs with
#    ANSIBLE_COLLECTIONS_PATH = only the installed path; its result must list the
#    seeded organization. The emulator is always stopped.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

need_venv python ansible ansible-galaxy

emulator_script=$ROOT/tests/emulator/capgo_emulator.py
[ -f "$emulator_script" ] || die "the emulator is missing: $emulator_script"

work=$(mktemp -d "${TMPDIR:-/tmp}/capgo-build.XXXXXX")
emu_pid=""
cleanup() {
    if [ -n "$emu_pid" ] && kill -0 "$emu_pid" 2>/dev/null; then
        kill -TERM "$emu_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$emu_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$emu_pid" 2>/dev/null || true
    fi
    [ -z "$emu_pid" ] || wait "$emu_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Nothing from the checkout or the user's configuration may leak into the run.
: >"$work/ansible.cfg"
export ANSIBLE_CONFIG=$work/ansible.cfg ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false ANSIBLE_NOCOLOR=1
export ANSIBLE_LOCAL_TEMP=$work/ansible-tmp ANSIBLE_HOME=$work/ansible-home
unset ANSIBLE_COLLECTIONS_PATH ANSIBLE_COLLECTIONS_PATHS CAPGO_API_KEY CAPGO_API_URL

version=$("$VENV_DIR/bin/python" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["version"])' "$ROOT/galaxy.yml")

log "1/4 ansible-galaxy collection build from a clean export (capgo.cloud $version)"
tarball=$(build_tarball "$work/dist")
[ "$tarball" = "$work/dist/capgo-cloud-$version.tar.gz" ] || die "unexpected tarball: $tarball"
log "    $(basename "$tarball"): $(du -k "$tarball" | cut -f1) KiB, $(tar -tzf "$tarball" | grep -vc '/$') files"

log "2/4 tarball contents"
tar -tzf "$tarball" | sed -e 's#^\./##' | grep -v '/$' | LC_ALL=C sort >"$work/contents"
expected=$ROOT/hacking/tarball-contents.txt
if [ -n "${UPDATE_TARBALL_CONTENTS:-}" ]; then
    cp "$work/contents" "$expected"
    log "    wrote $(wc -l <"$expected") names to hacking/tarball-contents.txt"
fi
bad=0
if ! diff -u --label hacking/tarball-contents.txt --label tarball "$expected" "$work/contents" >"$work/contents.diff"; then
    cat "$work/contents.diff"
    log "    FAILED: the tarball's files differ from hacking/tarball-contents.txt (+ in the tarball only, - missing from it):"
    log "    add release files to the list (UPDATE_TARBALL_CONTENTS=1 rewrites it), development files to build_ignore in galaxy.yml"
    bad=1
fi
dev_files='^(\.venv[^/]*|\.build|tests/output|Makefile|\.ci|benchmarks|\.git|\.github|\.pytest_cache|\.ruff_cache|\.hypothesis|\.mypy_cache|\.tox|\.nox|\.idea|\.vscode)(/|$)|(^|/)__pycache__(/|$)|\.py[co]$|\.tar\.gz$|^tests/integration/integration_config\.yml$'
if grep -E "$dev_files" "$work/contents" >"$work/unwanted"; then
    log "    FAILED: development files in the tarball (add them to build_ignore in galaxy.yml):"
    sed -e 's#/.*##' "$work/unwanted" | sort -u | sed -e 's/^/      /'
    bad=1
fi
for required in MANIFEST.json FILES.json README.md LICENSE CHANGELOG.md meta/runtime.yml \
        meta/execution-environment.yml meta/ee-requirements.txt changelogs/changelog.yaml \
        plugins/modules/capgo_organization.py plugins/modules/capgo_organization_info.py \
        plugins/module_utils/api.py plugins/doc_fragments/capgo.py docs/README.rst \
        docs/capgo_organization_module.rst docs/capgo_organization_info_module.rst; do
    if ! grep -qxF "$required" "$work/contents"; then
        log "    FAILED: $required is missing from the tarball"
        bad=1
    fi
done
# README.md is the collection's page on Galaxy: a relative link there only works for a
# file in the tarball; other files need an absolute link to the repository.
if ! "$VENV_DIR/bin/python" - "$ROOT/README.md" "$work/contents" <<'PY'
import re, sys
readme, contents = sys.argv[1], set(open(sys.argv[2]).read().split())
text = re.sub(r'```.*?```', '', open(readme, encoding='utf-8').read(), flags=re.S)
dead = sorted({t.split('#')[0] for t in re.findall(r'\]\(([^)\s]+)\)', text)
               if not re.match(r'[a-z][a-z0-9+.-]*:|#', t) and t.split('#')[0].rstrip('/') not in contents
               and not any(c.startswith(t.split('#')[0].rstrip('/') + '/') for c in contents)})
for t in dead:
    print('    FAILED: README.md links %s, which is not in the tarball (link to the repository instead)' % t)
sys.exit(1 if dead else 0)
PY
then
    bad=1
fi
[ "$bad" -eq 0 ] || die "the release tarball is not right"
log "    ok: exactly hacking/tarball-contents.txt; no development files; README links resolve in the tarball"

log "3/4 ansible-galaxy collection install into an empty collections path"
installed=$work/collections
mkdir -p "$installed"
ansible-galaxy collection install --offline -p "$installed" "$tarball" >"$work/install.out" 2>&1 ||
    { cat "$work/install.out"; die "ansible-galaxy collection install failed"; }
coll=$installed/ansible_collections/capgo/cloud
[ -f "$coll/MANIFEST.json" ] || { cat "$work/install.out"; die "nothing installed at $coll"; }
(cd "$work" && ansible-galaxy collection verify --offline -p "$installed" capgo.cloud >"$work/verify.out" 2>&1) ||
    { cat "$work/verify.out"; die "ansible-galaxy collection verify failed"; }
"$VENV_DIR/bin/python" - "$coll" <<'PY' || die "the installed execution-environment metadata is not usable"
import os, sys, yaml
coll = sys.argv[1]
ee = yaml.safe_load(open(os.path.join(coll, 'meta', 'execution-environment.yml')))
assert ee.get('version') == 1, ee
python_file = os.path.join(coll, ee['dependencies']['python'])
reqs = [line.split('#')[0].strip() for line in open(python_file)]
assert any(r.startswith('requests') for r in reqs), reqs
PY
log "    ok: installed at $coll, verified against its MANIFEST, EE metadata names requests"

log "4/4 capgo.cloud.capgo_organization_info from the installed tarball against the emulator"
key=$("$VENV_DIR/bin/python" -c 'import uuid; print(uuid.uuid4())')
cat >"$work/seed.json" <<JSON
{
  "users": [{"email": "release@example.com"}],
  "orgs": [{"name": "Release build check", "created_by": "release@example.com",
            "website": "https://release.example/"}],
  "keys": [{"name": "release", "key": "$key", "owner": "release@example.com",
            "roles": {"Release build check": "org_admin"}}]
}
JSON
"$VENV_DIR/bin/python" -u "$emulator_script" --port 0 --seed "$work/seed.json" \
    >"$work/emulator.log" 2>&1 </dev/null &
emu_pid=$!
url=""
for _ in $(seq 300); do
    url=$(sed -n 's/^CAPGO_EMULATOR_URL=//p' "$work/emulator.log" | head -n1 | tr -d '\r')
    [ -n "$url" ] && break
    kill -0 "$emu_pid" 2>/dev/null || { cat "$work/emulator.log"; die "the emulator exited before it was ready"; }
    sleep 0.1
done
[ -n "$url" ] || { cat "$work/emulator.log"; die "the emulator printed no URL within 30 s"; }
log "    emulator pid $emu_pid at $url"

set +e
(
    cd "$work"
    ANSIBLE_COLLECTIONS_PATH=$installed CAPGO_API_URL=$url CAPGO_API_KEY=$key \
    ANSIBLE_PYTHON_INTERPRETER=$VENV_DIR/bin/python \
    ANSIBLE_LOAD_CALLBACK_PLUGINS=true ANSIBLE_STDOUT_CALLBACK=ansible.builtin.minimal \
    ANSIBLE_CALLBACK_RESULT_FORMAT=json \
    ansible localhost -i localhost, -c local -m capgo.cloud.capgo_organization_info
) >"$work/adhoc.out" 2>"$work/adhoc.err"
rc=$?
set -e
"$VENV_DIR/bin/python" - "$work/adhoc.out" "$rc" <<'PY' || { cat "$work/adhoc.err" >&2; die "the ad hoc run from the installed collection failed"; }
import json, sys
path, rc = sys.argv[1], int(sys.argv[2])
text = open(path).read()
# The minimal callback prints "localhost | SUCCESS => {...}".
try:
    head, sep, body = text.partition(' => ')
    if not head.startswith('localhost | ') or not sep:
        raise ValueError(text)
    result = json.loads(body)
except Exception:
    sys.exit('    FAILED: no JSON result from the ad hoc run (exit %d):\n%s' % (rc, text[-3000:]))
orgs = result.get('organizations')
if rc != 0 or result.get('failed') or not isinstance(orgs, list):
    sys.exit('    FAILED: the module did not return an organization list (exit %d): %s' % (rc, json.dumps(result)[:2000]))
names = [o.get('name') for o in orgs]
if names != ['Release build check'] or not orgs[0].get('id') or orgs[0].get('website') != 'https://release.example/':
    sys.exit('    FAILED: unexpected organizations: %s' % json.dumps(orgs))
if result.get('changed'):
    sys.exit('    FAILED: an info module reported changed')
print('    ok: organizations = %s (id %s), changed=false' % (names, orgs[0]['id']))
PY
[ -s "$work/adhoc.err" ] && grep -iE 'warn|error' "$work/adhoc.err" >&2 || true
log "release build test passed"
