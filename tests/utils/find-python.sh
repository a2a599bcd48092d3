#!/usr/bin/env bash
# Print the path of a Python interpreter of the given minor version (e.g. 3.12).
# Prefers the newest pyenv build ($PYENV_ROOT or ~/.pyenv), then pythonX.Y on PATH.
# A candidate is only accepted if it runs and really is that version
# (pyenv shims for versions that are not "global" exist on PATH but fail).
set -euo pipefail
want=${1:?usage: find-python.sh X.Y}
root=${PYENV_ROOT:-$HOME/.pyenv}
candidates=()
if [ -d "$root/versions" ]; then
    # pyenv builds X.Y and X.Y.Z, newest first
    while IFS= read -r d; do
        candidates+=("$d/bin/python$want" "$d/bin/python3")
    done < <(for d in "$root/versions/$want" "$root/versions/$want".*; do
                 [ -d "$d" ] && echo "$d"
             done | sort -rV)
fi
p=$(command -v "python$want" 2>/dev/null || true)
[ -n "$p" ] && candidates+=("$p")
for p in "${candidates[@]}"; do
    [ -x "$p" ] || continue
    if "$p" -c "import sys; sys.exit(0 if '%d.%d' % sys.version_info[:2] == '$want' else 1)" 2>/dev/null; then
        echo "$p"
        exit 0
    fi
done
echo "find-python.sh: no working Python $want found (looked in $root/versions and PATH)" >&2
exit 1
