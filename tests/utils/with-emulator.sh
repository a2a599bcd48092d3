#!/usr/bin/env bash
# Run a command with the local Capgo API emulator running, and stop the emulator after,
# whatever the command's outcome (exit status of the command is returned).
#
#   tests/utils/with-emulator.sh PYTHON [EMULATOR_ARGS...] -- COMMAND [ARGS...]
#
# Starts `PYTHON tests/emulator/capgo_emulator.py --port 0 --control EMULATOR_ARGS...`,
# waits for its `CAPGO_EMULATOR_URL=...` line (and `CAPGO_EMULATOR_KEY=...`, which the emulator
# prints only without --seed: a seed names its own keys), then runs
# COMMAND with these exported:
#   CAPGO_EMULATOR_URL, CAPGO_EMULATOR_KEY, CAPGO_API_URL (= URL), CAPGO_API_KEY (= key),
#   CAPGO_CONTROL_URL (= URL + /_emulator), CAPGO_EMULATOR_SCRIPT (absolute path),
#   CAPGO_EMULATOR_LOG (the emulator's stdout/stderr, kept until the command ends).
# CAPGO_EMULATOR_DIR may point at another copy of tests/emulator (default: this checkout's).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
python=${1:?usage: with-emulator.sh PYTHON [EMULATOR_ARGS...] -- COMMAND [ARGS...]}
shift
emu_args=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do emu_args+=("$1"); shift; done
[ "${1:-}" = "--" ] || { echo "with-emulator.sh: missing -- COMMAND" >&2; exit 2; }
shift
[ $# -gt 0 ] || { echo "with-emulator.sh: missing COMMAND after --" >&2; exit 2; }

emu_dir=${CAPGO_EMULATOR_DIR:-$root/tests/emulator}
script=$(cd "$emu_dir" 2>/dev/null && pwd)/capgo_emulator.py || true
if [ ! -f "$script" ]; then
    echo "with-emulator.sh: ERROR: the Capgo API emulator is missing: $emu_dir/capgo_emulator.py" >&2
    exit 1
fi

# With a seed the emulator prints no admin key: the seed's keys are the caller's to use.
need_key=1
for arg in ${emu_args[@]+"${emu_args[@]}"}; do
    case $arg in --seed|--seed=*) need_key=0 ;; esac
done

log=$(mktemp "${TMPDIR:-/tmp}/capgo-emulator.XXXXXX")
# -u: unbuffered, so the URL line reaches the log at once.
"$python" -u "$script" --port 0 --control ${emu_args[@]+"${emu_args[@]}"} >"$log" 2>&1 </dev/null &
emu_pid=$!

# shellcheck disable=SC2329  # invoked through the EXIT trap
stop_emulator() {
    if kill -0 "$emu_pid" 2>/dev/null; then
        kill -TERM "$emu_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$emu_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$emu_pid" 2>/dev/null || true
    fi
    wait "$emu_pid" 2>/dev/null || true
    rm -f "$log"
}
trap stop_emulator EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

url="" key=""
for _ in $(seq 300); do   # up to 30 s
    url=$(sed -n 's/^CAPGO_EMULATOR_URL=//p' "$log" | head -n1 | tr -d '\r')
    key=$(sed -n 's/^CAPGO_EMULATOR_KEY=//p' "$log" | head -n1 | tr -d '\r')
    [ -n "$url" ] && { [ -n "$key" ] || [ "$need_key" = 0 ]; } && break
    if ! kill -0 "$emu_pid" 2>/dev/null; then
        echo "with-emulator.sh: ERROR: the emulator exited before it was ready; its output:" >&2
        cat "$log" >&2
        exit 1
    fi
    sleep 0.1
done
if [ -z "$url" ] || { [ -z "$key" ] && [ "$need_key" = 1 ]; }; then
    echo "with-emulator.sh: ERROR: no CAPGO_EMULATOR_URL/CAPGO_EMULATOR_KEY line within 30 s; output:" >&2
    cat "$log" >&2
    exit 1
fi
url=${url%/}
echo "with-emulator.sh: emulator pid $emu_pid at $url"

export CAPGO_EMULATOR_URL=$url CAPGO_EMULATOR_KEY=$key
export CAPGO_API_URL=$url CAPGO_API_KEY=$key
export CAPGO_CONTROL_URL=$url/_emulator CAPGO_EMULATOR_SCRIPT=$script CAPGO_EMULATOR_LOG=$log

set +e
"$@"
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
    echo "with-emulator.sh: command failed (exit $rc); last emulator output:" >&2
    tail -n 30 "$log" >&2 || true
fi
exit "$rc"
