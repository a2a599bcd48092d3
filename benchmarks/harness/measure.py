# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One measured playbook run (time, CPU, requests, connections) and the ways to slice it."""

from __future__ import annotations

import datetime

from harness.common import BenchError, log
from harness.emulator import count_by_method


def measured_run(bench, emulator, playbook, extra_vars=None, env=None, reset=False):
    """Run a playbook against emulator and return what it cost.

    reset=True first puts the emulator back to its seed (a create run starts from the same
    state every time). The request log is cleared before the run, so "entries" are exactly
    the playbook's requests. Keys: wall (s), cpu (s, whole process tree), records (callback),
    entries (request log), requests, requests_by_method, connections.
    """
    if reset:
        emulator.reset()
    emulator.clear()
    result = bench.run_playbook(playbook, emulator, extra_vars=extra_vars, env=env)
    entries = emulator.requests()
    result.update({"entries": entries, "requests": len(entries), "requests_by_method": count_by_method(entries),
                   "connections": emulator.module_connections()})
    return result


def interleaved(reps, sides, measure_one, describe=None):
    """{side: [measure_one(side) per rep]}, the sides alternating run by run.

    Interleaving makes load from elsewhere on the machine hit every side alike; compare
    them with the median of the per-run ratios (harness.common.ratios). describe(runs, rep)
    returns a progress line logged after each rep.
    """
    runs = dict((side, []) for side in sides)
    for rep in range(reps):
        for side in sides:
            runs[side].append(measure_one(side))
        if describe:
            log("  rep %d: %s" % (rep + 1, describe(runs)))
    return runs


def item_times(records, skip_first=True):
    """Milliseconds per loop item (ok results), without the first item (AnsiballZ build, cold caches)."""
    values = [r["seconds"] * 1000 for r in records if r["status"] == "ok"]
    return values[1:] if skip_first and len(values) > 1 else values


def requests_per_window(records, entries, label_of, labels):
    """Requests per label: each log entry goes to the label whose result window holds its time.

    label_of(task name) gives a task's label (or None); the callback records each result's
    epoch window [start, end], matched against the emulator log's timestamps. Entries in no
    window count as "unassigned".
    """
    windows = []
    for record in records:
        label = label_of(record["task"])
        if label:
            windows.append((record["start"] - 0.002, record["end"] + 0.002, label))
    counts = dict((label, 0) for label in labels)
    counts["unassigned"] = 0
    for entry in entries:
        stamp = datetime.datetime.fromisoformat(entry["time"]).timestamp()
        label = next((lab for start, end, lab in windows if start <= stamp <= end), "unassigned")
        counts[label] += 1
    return counts


def require(condition, message):
    """Stop the benchmark when what was measured is not what the scenario meant to measure."""
    if not condition:
        raise BenchError(message)
