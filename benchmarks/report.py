# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The report: the machine's description and RESULTS.md around the scenarios' own sections.

render() writes the parts every run has (machine, how to reproduce, the Targets table of
all scenarios, notes) and puts each scenario's section, from Scenario.report(), under a
numbered heading. table() and yes() here format the rows of every section.
"""

from __future__ import annotations

import datetime
import os
import platform
import sys

from harness.common import rnd


def yes(flag):
    return "**met**" if flag else "**not met**"


def table(header, rows):
    """A Markdown table; cells are written with str() (format numbers before)."""
    return (["| %s |" % " | ".join(header), "|" + "---|" * len(header)]
            + ["| %s |" % " | ".join(str(cell) for cell in row) for row in rows])


def machine():
    import ansible.release  # the controller's ansible-core, the one that runs the playbooks
    import requests
    model = ""
    try:
        with open("/proc/cpuinfo") as handle:
            model = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), "")
    except OSError:
        pass
    return {
        "date_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(), "cpu": model, "platform": platform.platform(),
        "python": platform.python_version(), "python_executable": sys.executable,
        "ansible_core": ansible.release.__version__, "requests": requests.__version__,
        "loadavg_start": [rnd(x, 2) for x in os.getloadavg()],
    }


def busy_note(machine_figures):
    """A note when the load average exceeded the cores at start or end, else None."""
    busiest = max(machine_figures["loadavg_start"][0], machine_figures["loadavg_end"][0])
    if busiest > (os.cpu_count() or 1):
        return ("The machine was busy with other work (load average up to %.1f on %d cores): wall times carry that noise;"
                " the CPU-time figures and the request counts are the steadier ones." % (busiest, os.cpu_count() or 1))
    return None


def render(results, scenarios):
    """RESULTS.md from results.json's figures; scenarios: the SCENARIOS classes, in report order."""
    m = results["machine"]
    lines = [
        "# capgo.cloud benchmarks",
        "",
        "Written by `benchmarks/run.py` (`make bench`); raw figures in `results.json` next to this file.",
        "Every figure is the median of the repetitions stated; the two sides of each comparison are",
        "interleaved run by run. Times are wall clock unless marked CPU.",
        "",
        "## Machine",
        "",
        "| | |", "|---|---|",
        "| date | %s |" % m["date_utc"],
        "| cores | %s (%s) |" % (m["cores"], m["cpu"] or "?"),
        "| platform | %s |" % m["platform"],
        "| Python | %s (`%s`) |" % (m["python"], m["python_executable"]),
        "| ansible-core | %s |" % m["ansible_core"],
        "| requests | %s |" % m["requests"],
        "| load average at start / end | %s / %s |" % (m["loadavg_start"], m.get("loadavg_end")),
        "| total run time | %s s |" % m.get("run_seconds"),
        "",
        "## Reproduce",
        "",
        "```sh",
        "make bench                      # = .venv/bin/python benchmarks/run.py",
        "# or, with any Python that has ansible-core and requests (requirements-dev.txt):",
        "python benchmarks/run.py --reps 5 --lifecycle-reps 3 --tasks 8 --sizes 1000,10000",
        "python benchmarks/run.py --only info_scaling --sizes 1000,10000   # one section (--list names them)",
        "```",
        "",
        "Command of this run: `%s`" % results["command"],
        "",
    ]
    present = [(number, scenario) for number, scenario in enumerate(scenarios, 1) if results.get(scenario.name)]
    targets = [row for _number, scenario in present for row in scenario.targets(results[scenario.name])]
    if targets:
        lines += ["## Targets", "", "| target | measured | |", "|---|---|---|"]
        lines += ["| %s | %s | %s |" % (name, value, yes(flag)) for name, value, flag in targets]
        lines.append("")
    for number, scenario in present:
        lines += ["## %d. %s" % (number, scenario.title), ""] + scenario.report(results[scenario.name])
    if results.get("notes"):
        lines += ["## Notes", ""] + ["- %s" % n for n in results["notes"]] + [""]
    return "\n".join(lines)
