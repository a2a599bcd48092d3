# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Lifecycle of 20 organizations (create, re-run, update, delete): capgo.cloud vs ansible.builtin.uri."""

from __future__ import annotations

from harness.common import log, median, ratios, rnd
from harness.emulator import seed_single
from harness.measure import interleaved, measured_run, require, requests_per_window
from report import yes
from scenarios.base import Scenario

TARGET_LIFECYCLE_RATIO = 0.5
# The playbooks' task names start with their phase ("create | ...").
PHASES = ("create", "rerun", "update", "delete")


def phase_of(task_name):
    head = task_name.split("|", 1)[0].strip()
    return head if head in PHASES else None


def in_method_order(counts):
    """{"GET": n, "POST": n, ...} in CRUD order, whatever order results.json (sorted keys) gave."""
    order = ("GET", "POST", "PUT", "DELETE")
    return dict(sorted(counts.items(), key=lambda item: (order.index(item[0]) if item[0] in order else len(order), item[0])))


class Lifecycle(Scenario):
    name = "lifecycle"
    title = "Lifecycle of 20 organizations: capgo.cloud vs ansible.builtin.uri"
    summary = "create 20 organizations, re-run, update, delete: lifecycle_capgo.yml vs lifecycle_uri.yml"

    @classmethod
    def add_arguments(cls, parser):
        parser.add_argument("--lifecycle-reps", type=int, default=3, help="repetitions of lifecycle (default 3)")

    def run(self):
        reps = self.args.lifecycle_reps
        log("lifecycle: lifecycle of 20 organizations, capgo.cloud vs ansible.builtin.uri, %d reps" % reps)
        emulator = self.emulator(seed_single(), "lifecycle")

        def measure(kind):
            result = measured_run(self.bench, emulator, "lifecycle_%s.yml" % kind, reset=True)
            records, entries = result["records"], result["entries"]
            require(not any(r["status"] == "failed" for r in records) and not any(e["status"] >= 400 for e in entries),
                    "%s lifecycle had a failure" % kind)
            phases = {}
            for phase in PHASES:
                mine = [r for r in records if phase_of(r["task"]) == phase]
                phases[phase] = {
                    "seconds": sum(r["seconds"] for r in mine),
                    "module_runs": sum(1 for r in mine if r["status"] != "skipped"),
                    "changed": sum(1 for r in mine if r["changed"]),
                }
            for phase, count in requests_per_window(records, entries, phase_of, PHASES).items():
                phases.setdefault(phase, {})["requests"] = count
            require(kind != "capgo" or not phases["rerun"]["changed"], "the capgo.cloud re-run phase reported changes")
            return {
                "wall_s": result["wall"], "cpu_s": result["cpu"],
                "tasks_s": sum(r["seconds"] for r in records),
                "requests": result["requests"], "requests_by_method": result["requests_by_method"],
                "connections": result["connections"], "phases": phases,
            }

        runs = interleaved(reps, ("capgo", "uri"), measure, lambda runs: "capgo.cloud %.1f s (%d requests), uri %.1f s (%d requests)" % (
            runs["capgo"][-1]["wall_s"], runs["capgo"][-1]["requests"], runs["uri"][-1]["wall_s"], runs["uri"][-1]["requests"]))
        emulator.stop()

        def summary(kind):
            items = runs[kind]
            return {
                "wall_s": rnd(median([r["wall_s"] for r in items]), 2),
                "tasks_s": rnd(median([r["tasks_s"] for r in items]), 2),
                "cpu_s": rnd(median([r["cpu_s"] for r in items]), 2),
                "requests": median([r["requests"] for r in items]),
                "requests_by_method": items[-1]["requests_by_method"],
                "connections": median([r["connections"] for r in items]),
                "phases": dict((phase, {
                    "seconds": rnd(median([r["phases"][phase]["seconds"] for r in items]), 2),
                    "requests": median([r["phases"][phase]["requests"] for r in items]),
                    "module_runs": median([r["phases"][phase]["module_runs"] for r in items]),
                }) for phase in PHASES),
                "unassigned_requests": median([r["phases"]["unassigned"]["requests"] for r in items]),
            }

        capgo, uri = summary("capgo"), summary("uri")
        # The median of the per-run ratios (each run pairs two back-to-back playbooks).
        wall_ratios = ratios(runs["capgo"], runs["uri"], "wall_s")
        ratio = median(wall_ratios)
        return {
            "reps": reps, "orgs": 20, "capgo": capgo, "uri": uri,
            "wall_ratio": rnd(ratio, 3),
            "wall_ratio_per_rep": [rnd(r, 3) for r in wall_ratios],
            "tasks_ratio": rnd(capgo["tasks_s"] / uri["tasks_s"], 3),
            "cpu_ratio": rnd(capgo["cpu_s"] / uri["cpu_s"], 3),
            "request_ratio": rnd(capgo["requests"] / uri["requests"], 3),
            "target": "capgo.cloud lifecycle wall time <= %.1f x the uri version's" % TARGET_LIFECYCLE_RATIO,
            "target_met": ratio <= TARGET_LIFECYCLE_RATIO,
            "runs": runs,
        }

    @classmethod
    def targets(cls, result):
        return [("Lifecycle at most %.1fx of the uri version" % TARGET_LIFECYCLE_RATIO,
                 "%.2fx wall (CPU %.2fx)" % (result["wall_ratio"], result["cpu_ratio"]), result["target_met"])]

    @classmethod
    def report(cls, result):
        c, u = result["capgo"], result["uri"]
        lines = [
            "`lifecycle_capgo.yml` (one capgo_organization task per phase, by name) vs `lifecycle_uri.yml` (per phase:",
            "one list request, then POST / PUT / DELETE only where needed). Emulator reset before each run; %d runs each."
            % result["reps"],
            "",
            "| | capgo.cloud | uri | capgo / uri |",
            "|---|---|---|---|",
            "| playbook wall time (s) | %.2f | %.2f | **%.2f** (median of the per-run ratios) |" % (
                c["wall_s"], u["wall_s"], result["wall_ratio"]),
            "| sum of task times (s) | %.2f | %.2f | %.2f |" % (c["tasks_s"], u["tasks_s"], result["tasks_ratio"]),
            "| CPU, whole process tree (s) | %.2f | %.2f | %.2f |" % (c["cpu_s"], u["cpu_s"], c["cpu_s"] / u["cpu_s"]),
            "| API requests | %g | %g | %.2f |" % (c["requests"], u["requests"], result["request_ratio"]),
            "| TCP connections | %g | %g | |" % (c["connections"], u["connections"]),
            "| requests by method | %s | %s | |" % (in_method_order(c["requests_by_method"]), in_method_order(u["requests_by_method"])),
            "",
            "| phase | capgo.cloud s | capgo.cloud module runs | capgo.cloud requests | uri s | uri module runs | uri requests |",
            "|---|---|---|---|---|---|---|",
        ]
        for phase in PHASES:
            cp, up = c["phases"][phase], u["phases"][phase]
            lines.append("| %s | %.2f | %g | %g | %.2f | %g | %g |" % (
                phase, cp["seconds"], cp["module_runs"], cp["requests"], up["seconds"], up["module_runs"], up["requests"]))
        lines += ["", "- wall-time ratio per run: %s -> %s" % (
            ", ".join("%.2f" % r for r in result["wall_ratio_per_rep"]), yes(result["target_met"])), ""]
        return lines
