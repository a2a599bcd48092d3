# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a scenario is: a name, a title, a run that measures and a report section that shows it."""

from __future__ import annotations

from harness.emulator import Emulator


class Scenario:
    """One comparison of the benchmark. Subclass it and list the class in scenarios/__init__.py.

    name     --only NAME, and the key of the scenario's figures in results.json
    title    the heading of its section in RESULTS.md (numbered by its place in SCENARIOS)
    summary  one line for --list
    """

    name = ""
    title = ""
    summary = ""

    @classmethod
    def add_arguments(cls, parser):
        """Options of this scenario only (e.g. its sizes); --reps is shared by all."""

    def __init__(self, bench):
        self.bench = bench
        self.args = bench.args

    def emulator(self, seed, label=None):
        """A fresh emulator with this seed; run.py stops it at the end if the scenario does not."""
        return Emulator(self.bench, seed, label or self.name)

    def run(self):
        """Measure; return a JSON-serialisable dict (medians, per-run figures, targets)."""
        raise NotImplementedError

    @classmethod
    def targets(cls, result):
        """(target, measured, met) rows for the report's Targets table."""
        return []

    @classmethod
    def report(cls, result):
        """The Markdown lines of this scenario's section, below its heading (ending with a blank line).

        A class method, like targets(): the report is written from results.json alone.
        """
        raise NotImplementedError
