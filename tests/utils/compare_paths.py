# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Compare two integration runs of the same targets, one per execution path.

    python tests/utils/compare_paths.py DIR_A DIR_B

Each DIR holds results.jsonl (tests/utils/callback_plugins/capgo_record.py: every capgo.cloud
task result) and requests.jsonl (the emulator's --request-log). Server-generated ids and
timestamps, the emulators' ports, the emulator's own bookkeeping (sequence numbers, times, connection ids) and
timings are normalised out; anything else that differs is printed and the exit status is 1.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

UUID = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', re.I)
# Each run has its own emulator, on a port of its own.
LOOPBACK_PORT = re.compile(r'(https?://(?:127\.0\.0\.1|localhost|\[::1\])):\d+')
TIMESTAMP = re.compile(r'\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?')
# Per-request bookkeeping of the emulator log that differs between two identical runs.
REQUEST_NOISE = ('seq', 'time', 'conn')
MAX_SHOWN = 20


def normalise(value):
    if isinstance(value, dict):
        return {key: normalise(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalise(item) for item in value]
    if isinstance(value, str):
        return LOOPBACK_PORT.sub(r'\1:<port>', TIMESTAMP.sub('<time>', UUID.sub('<uuid>', value)))
    return value


def load(path, noise=()):
    if not path.exists():
        sys.exit('compare_paths.py: %s is missing' % path)
    rows = []
    for line in path.read_text(encoding='utf-8').splitlines():
        if line.strip():
            row = json.loads(line)
            rows.append(normalise({key: item for key, item in row.items() if key not in noise}))
    return rows


def differences(what, rows_a, rows_b, describe):
    found = []
    if len(rows_a) != len(rows_b):
        found.append('%s: %d on the first path, %d on the second' % (what, len(rows_a), len(rows_b)))
    for index, (row_a, row_b) in enumerate(zip(rows_a, rows_b)):
        if row_a != row_b:
            found.append('%s #%d (%s):\n  first:  %s\n  second: %s' % (
                what, index + 1, describe(row_a), json.dumps(row_a, sort_keys=True), json.dumps(row_b, sort_keys=True)))
    return found


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    dir_a, dir_b = Path(argv[1]), Path(argv[2])
    results_a, results_b = load(dir_a / 'results.jsonl'), load(dir_b / 'results.jsonl')
    found = differences('task result', results_a, results_b, lambda row: '%s, %s' % (row['task'], row['path']))
    found += differences('request', load(dir_a / 'requests.jsonl', REQUEST_NOISE),
                         load(dir_b / 'requests.jsonl', REQUEST_NOISE), lambda row: '%s %s' % (row['method'], row['path']))
    if not results_a:
        found.append('no capgo.cloud task result was recorded: is the capgo_record callback enabled?')
    for text in found[:MAX_SHOWN]:
        print(text)
    if found:
        print('compare_paths.py: %s and %s differ (%d differences)' % (dir_a.name, dir_b.name, len(found)))
        return 1
    print('compare_paths.py: %s and %s agree on %d task results and their requests' % (dir_a.name, dir_b.name, len(results_a)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
