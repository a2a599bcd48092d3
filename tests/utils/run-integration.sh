#!/usr/bin/env bash
# Run `ansible-test integration` on the collection copy against a fresh local emulator.
#
#   tests/utils/run-integration.sh CORE_VENV PYTHON_VERSION [ansible-test args / targets...]
#   e.g. tests/utils/run-integration.sh .venv 3.12
#        tests/utils/run-integration.sh .venv-oldest 3.11 emulator_smoke
#
# - CORE_VENV holds the ansible-core to test with (its ansible-test runs the tests);
# - the copy (.build/ansible_collections/capgo/cloud) must exist (make copy);
# - the emulator (the copy's tests/emulator/capgo_emulator.py) is started with
#   --port 0 --control and always stopped after (tests/utils/with-emulator.sh);
# - tests/integration/integration_config.yml is written in the copy from the
#   .template with capgo_api_url, capgo_api_key, capgo_control_url and
#   capgo_emulator_script, because ansible-test drops the caller's environment;
# - `--venv` makes ansible-test build the venv the modules run in; it installs
#   tests/integration/requirements.txt (requests) into it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
venv=${1:?usage: run-integration.sh CORE_VENV PYTHON_VERSION [args...]}
pyver=${2:?usage: run-integration.sh CORE_VENV PYTHON_VERSION [args...]}
shift 2
venv=$(cd "$venv" && pwd)
copy=${CAPGO_COLLECTION_COPY:-$root/.build/ansible_collections/capgo/cloud}

[ -x "$venv/bin/ansible-test" ] || { echo "run-integration.sh: no ansible-test in $venv" >&2; exit 1; }
[ -f "$copy/galaxy.yml" ] || { echo "run-integration.sh: no collection copy at $copy (run: make copy)" >&2; exit 1; }

if [ -z "${CAPGO_IN_EMULATOR:-}" ]; then
    # Re-run this script under with-emulator.sh (emulator from the copy, so the
    # absolute path given to the targets is inside the tested tree).
    CAPGO_EMULATOR_DIR=$copy/tests/emulator CAPGO_IN_EMULATOR=1 \
        exec "$here/with-emulator.sh" "$venv/bin/python" -- "$0" "$venv" "$pyver" "$@"
fi

"$venv/bin/python" - "$copy/tests/integration" <<'PY'
import json, os, sys
d = sys.argv[1]
text = open(os.path.join(d, "integration_config.yml.template")).read()
for name in ("CAPGO_API_URL", "CAPGO_API_KEY", "CAPGO_CONTROL_URL", "CAPGO_EMULATOR_SCRIPT"):
    # json.dumps gives a valid double-quoted YAML scalar
    text = text.replace('"@%s@"' % name, json.dumps(os.environ[name]))
with open(os.path.join(d, "integration_config.yml"), "w") as f:
    f.write(text)
PY

cd "$copy"
echo "run-integration.sh: $("$venv/bin/ansible" --version | head -n1), Python $pyver, emulator $CAPGO_API_URL"
# PATH: ansible-test finds "python$pyver" there to build its venvs (pyenv shims on PATH may be
# broken for versions that are not the global one).
PATH="$venv/bin:$PATH" "$venv/bin/ansible-test" integration --venv --python "$pyver" --color no "$@"
