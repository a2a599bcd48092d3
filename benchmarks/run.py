#!/usr/bin/env python
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmarks of the capgo.cloud modules against the local Capgo API emulator.

    .venv/bin/python benchmarks/run.py [--list] [--only NAME[,NAME]] [--reps 5] [--out DIR]
                                       [--tasks 8] [--lifecycle-reps 3] [--sizes 1000,10000]

(`make bench` runs it from the repository root.) Writes benchmarks/RESULTS.md and
benchmarks/results.json. Starts and stops its own emulators on 127.0.0.1 and talks to
nothing else (proxy variables are dropped).

Layout (imports go one way: run.py -> scenarios -> harness, report):

    run.py            this entry point: options, which scenarios run, results.json, RESULTS.md
    scenarios/        WHAT is measured: one module per comparison, listed in scenarios/__init__.py
                      (SCENARIOS); each has its options, run(), targets() and its report section
    playbooks/        the playbooks the scenarios run
    harness/          HOW it is measured: the environment and playbook runs (bench.py), the
                      emulator and its request log (emulator.py), one measured run and
                      interleaving (measure.py), module processes (wrapper.py), medians (common.py)
    report.py         the report around the sections: machine, Targets table, notes
    callback_plugins/ bench_timing: the wall time of every task result and loop item

A new comparison is one Scenario subclass in scenarios/ (plus its playbooks), added to
SCENARIOS; nothing else changes. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from harness.bench import Bench
from harness.common import BENCH, EMULATOR, ROOT, BenchError, log, rnd
from report import busy_note, machine, render
from scenarios import SCENARIOS


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    parser.add_argument("--only", help="scenarios to run, by name or section number, comma-separated (default: all)")
    parser.add_argument("--reps", type=int, default=5, help="repetitions of scenarios without a count of their own (default 5)")
    parser.add_argument("--collection", help="benchmark this copy of the collection instead of the checkout"
                        " (e.g. a patched private copy, for before/after figures)")
    parser.add_argument("--out", default=str(BENCH), help="where RESULTS.md and results.json go (default benchmarks/)")
    for scenario in SCENARIOS:
        scenario.add_arguments(parser)
    args = parser.parse_args(argv)
    args.scenarios = select(parser, args.only)
    return args


def select(parser, only):
    """The scenarios named by --only (names or 1-based section numbers), in report order."""
    if not only:
        return list(SCENARIOS)
    wanted = set()
    for word in (w.strip() for w in only.split(",") if w.strip()):
        found = [s for number, s in enumerate(SCENARIOS, 1) if word in (s.name, str(number))]
        if not found:
            parser.error("--only: no scenario %r; --list shows: %s" % (word, ", ".join(s.name for s in SCENARIOS)))
        wanted.update(found)
    return [s for s in SCENARIOS if s in wanted]


def list_scenarios():
    for number, scenario in enumerate(SCENARIOS, 1):
        print("%d  %-14s %s" % (number, scenario.name, scenario.summary))


def command_line():
    python = os.path.relpath(sys.executable) if sys.executable.startswith(str(ROOT)) else sys.executable
    return " ".join([python, os.path.relpath(__file__, os.getcwd())] + sys.argv[1:])


def main(argv=None):
    args = parse_args(argv)
    if args.list:
        list_scenarios()
        return 0
    if not EMULATOR.exists():
        sys.exit("benchmarks/run.py: the emulator is missing: %s" % EMULATOR)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.time()
    results = {"command": command_line(), "machine": machine(), "notes": []}
    bench = Bench(args)
    try:
        for scenario in args.scenarios:
            try:
                results[scenario.name] = scenario(bench).run()
            except BenchError as err:
                sys.exit("benchmarks/run.py: %s: %s" % (scenario.name, err))
            # What is measured so far survives a later failure.
            (out / "results.partial.json").write_text(json.dumps(results, indent=1, default=str) + "\n")
    finally:
        bench.close()
    results["machine"]["loadavg_end"] = [rnd(x, 2) for x in os.getloadavg()]
    note = busy_note(results["machine"])
    if note:
        results["notes"].append(note)
    results["machine"]["run_seconds"] = round(time.time() - started)
    (out / "results.json").write_text(json.dumps(results, indent=1, sort_keys=True, default=str) + "\n")
    (out / "RESULTS.md").write_text(render(results, SCENARIOS) + "\n")
    partial = out / "results.partial.json"
    if partial.exists():
        partial.unlink()
    log("wrote %s and %s in %d s" % (out / "RESULTS.md", out / "results.json", results["machine"]["run_seconds"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
