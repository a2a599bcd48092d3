#!/usr/bin/env bash
# Run `ansible-test integration` on the collection copy against a fresh local emulator, once per
# execution path, and compare the two runs.
#
#   tests/utils/run-integration.sh CORE_VENV PYTHON_VERSION [ansible-test args / targets...]
#   e.g. tests/utils/run-integration.sh .venv 3.12
#        tests/utils/run-integration.sh .venv-oldest 3.11 emulator_smoke
#
# - CORE_VENV holds the ansible-core to test with (its ansible-test runs the tests);
# - the copy (.build/ansible_collections/capgo/cloud) must exist (make copy);
# - the targets run twice, each time against a new emulator (the copy's
#   tests/emulator/capgo_emulator.py, started with --port 0 --control --request-log by
#   tests/utils/with-emulator.sh and always stopped after): first with the modules' code
#   in-process where the collection allows it (capgo_in_process=auto), then with every task
#   run as a module process (capgo_in_process=false). CAPGO_TEST_PATHS="in-process" (or
#   "module") runs one path only, without comparison;
# - tests/integration/integration_config.yml is written in the copy from the .template with
#   capgo_api_url, capgo_api_key, capgo_control_url, capgo_emulator_script and
#   capgo_in_process, because ansible-test drops the caller's environment;
# - tests/integration/integration.cfg (the ansible.cfg ansible-test gives the targets) is
#   written to load tests/utils/callback_plugins/capgo_record.py, which records every
#   capgo.cloud task result; tests/utils/compare_paths.py then compares the results and the
#   emulator request logs of the two paths (in tests/output/paths/ of the copy): any
#   difference fails the run;
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

out=$copy/tests/output/paths
if [ -z "${CAPGO_PATH:-}" ]; then
    paths=${CAPGO_TEST_PATHS:-in-process module}
    for path in $paths; do
        case $path in in-process|module) ;; *) echo "run-integration.sh: unknown path $path" >&2; exit 2 ;; esac
        rm -rf "${out:?}/$path" && mkdir -p "$out/$path"
        echo "run-integration.sh: === execution path: $path"
        # Re-run this script under with-emulator.sh (emulator from the copy, so the
        # absolute path given to the targets is inside the tested tree).
        CAPGO_EMULATOR_DIR=$copy/tests/emulator CAPGO_PATH=$path \
            "$here/with-emulator.sh" "$venv/bin/python" --request-log "$out/$path/requests.jsonl" \
            -- "$0" "$venv" "$pyver" "$@"
    done
    if [ "$paths" = "in-process module" ]; then
        "$venv/bin/python" "$here/compare_paths.py" "$out/in-process" "$out/module"
    fi
    exit 0
fi

case $CAPGO_PATH in in-process) switch=auto ;; *) switch=false ;; esac
CAPGO_IN_PROCESS_SWITCH=$switch CAPGO_RECORD=$out/$CAPGO_PATH/results.jsonl \
CAPGO_CALLBACKS=$copy/tests/utils/callback_plugins \
"$venv/bin/python" - "$copy/tests/integration" <<'PY'
import json, os, sys
d = sys.argv[1]
text = open(os.path.join(d, "integration_config.yml.template")).read()
for name in ("CAPGO_API_URL", "CAPGO_API_KEY", "CAPGO_CONTROL_URL", "CAPGO_EMULATOR_SCRIPT", "CAPGO_IN_PROCESS_SWITCH"):
    # json.dumps gives a valid double-quoted YAML scalar
    text = text.replace('"@%s@"' % name, json.dumps(os.environ[name]))
with open(os.path.join(d, "integration_config.yml"), "w") as f:
    f.write(text)
with open(os.path.join(d, "integration.cfg"), "w") as f:
    f.write("# Written by tests/utils/run-integration.sh: record every capgo.cloud task result.\n"
            "[defaults]\ncallback_plugins = %s\n\n[callback_capgo_record]\noutput = %s\n"
            % (os.environ["CAPGO_CALLBACKS"], os.environ["CAPGO_RECORD"]))
PY

cd "$copy"
echo "run-integration.sh: $("$venv/bin/ansible" --version | sed -n 1p), Python $pyver, emulator $CAPGO_API_URL, capgo_in_process=$switch"
# PATH: ansible-test finds "python$pyver" there to build its venvs (pyenv shims on PATH may be
# broken for versions that are not the global one).
PATH="$venv/bin:$PATH" "$venv/bin/ansible-test" integration --venv --python "$pyver" --color no "$@"
