# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Per-task cost: a no-op capgo_organization (by org_id) against ansible.builtin.ping, on both execution paths.

The in-process path is the default; the module path is the same playbook with the documented
switch CAPGO_IN_PROCESS=false in the controller's environment.
"""

from __future__ import annotations

from harness.common import ORG_ID, log, median, rnd
from harness.emulator import raw_request_ms, seed_single
from harness.measure import item_times, measured_run, require
from report import yes
from scenarios.base import Scenario

TARGET_TASK_RATIO = 1.2
# Targets of the two execution paths, as ratios of ping (item times, median of the per-run ratios).
TARGET_IN_PROCESS_RATIO = 0.1
TARGET_MODULE_PATH_RATIO = 1.4
# The kinds measured: (name, playbook, controller environment).
KINDS = (("ping", "task_ping.yml", None), ("capgo", "task_capgo.yml", None),
         ("capgo_module", "task_capgo.yml", {"CAPGO_IN_PROCESS": "false"}))


class TaskCost(Scenario):
    name = "task_cost"
    title = "Per-task cost: capgo_organization (no-op by org_id), in-process and as a module, vs ansible.builtin.ping"
    summary = ("N no-op capgo_organization tasks (in-process, and as a module with CAPGO_IN_PROCESS=false) "
               "vs N ansible.builtin.ping (task_capgo.yml, task_ping.yml)")

    @classmethod
    def add_arguments(cls, parser):
        parser.add_argument("--tasks", type=int, default=20, help="tasks per playbook in task_cost (default 20)")

    def run(self):
        reps, n = self.args.reps, self.args.tasks
        log("task_cost: per-task cost, %d x %d tasks of ping and of capgo_organization (no-op by org_id)" % (reps, n))
        emulator = self.emulator(seed_single(), "task")
        runs = dict((kind, []) for kind, _playbook, _env in KINDS)
        empty = []
        requests_per_task, conns_per_task, statuses = [], [], set()
        for rep in range(reps):
            # The same playbook with no task run: ansible-playbook's own start-up and wind-down.
            result = self.bench.run_playbook("task_ping.yml", emulator, {"bench_n": 0})
            empty.append({"wall_s": result["wall"], "cpu_s": result["cpu"]})
            for kind, playbook, env in KINDS:
                result = measured_run(self.bench, emulator, playbook, {"bench_n": n}, env=env)
                per_item = item_times(result["records"])
                require(len(result["records"]) == n,
                        "expected %d results from %s, got %d" % (n, kind, len(result["records"])))
                runs[kind].append({"wall_s": result["wall"], "cpu_s": result["cpu"], "ms_per_task": median(per_item),
                                   "playbook_ms_per_task": (result["wall"] - empty[-1]["wall_s"]) * 1000 / n,
                                   "cpu_ms_per_task": (result["cpu"] - empty[-1]["cpu_s"]) * 1000 / n,
                                   "items_ms": [rnd(v) for v in per_item]})
                if kind == "capgo":
                    requests_per_task.append(result["requests"] / n)
                    conns_per_task.append(result["connections"] / n)
                    statuses.update(e["status"] for e in result["entries"])
                    require(not any(r["changed"] for r in result["records"]),
                            "a no-op capgo_organization task reported a change")
                if kind == "capgo_module":
                    require(not any(r["changed"] for r in result["records"]),
                            "a no-op capgo_organization task reported a change on the module path")
            log("  rep %d: ping %.0f ms/task, capgo_organization %.0f ms/task in-process, %.0f ms/task as a module" % (
                rep + 1, runs["ping"][-1]["ms_per_task"], runs["capgo"][-1]["ms_per_task"],
                runs["capgo_module"][-1]["ms_per_task"]))
        ping_ms = median([r["ms_per_task"] for r in runs["ping"]])
        capgo_ms = median([r["ms_per_task"] for r in runs["capgo"]])
        ping_cpu = median([r["cpu_ms_per_task"] for r in runs["ping"]])
        capgo_cpu = median([r["cpu_ms_per_task"] for r in runs["capgo"]])
        ping_pb = median([r["playbook_ms_per_task"] for r in runs["ping"]])
        capgo_pb = median([r["playbook_ms_per_task"] for r in runs["capgo"]])
        ratios = [c["ms_per_task"] / p["ms_per_task"] for p, c in zip(runs["ping"], runs["capgo"], strict=True)]
        module_ms = median([r["ms_per_task"] for r in runs["capgo_module"]])
        module_cpu = median([r["cpu_ms_per_task"] for r in runs["capgo_module"]])
        module_pb = median([r["playbook_ms_per_task"] for r in runs["capgo_module"]])
        module_ratios = [c["ms_per_task"] / p["ms_per_task"]
                         for p, c in zip(runs["ping"], runs["capgo_module"], strict=True)]
        req_fresh = raw_request_ms(emulator, "/organization?orgId=%s" % ORG_ID, fresh=True)
        req_keepalive = raw_request_ms(emulator, "/organization?orgId=%s" % ORG_ID, fresh=False)
        reqs = median(requests_per_task)
        allowance = TARGET_TASK_RATIO * ping_ms + req_fresh + max(0, reqs - 1) * req_keepalive
        emulator.stop()
        return {
            "tasks_per_run": n, "reps": reps,
            "ping_ms_per_task": rnd(ping_ms), "capgo_ms_per_task": rnd(capgo_ms),
            # The median of the per-run ratios: each run pairs two back-to-back measurements.
            "ratio": rnd(median(ratios), 3), "ratio_per_rep": [rnd(r, 3) for r in ratios],
            "ping_playbook_ms_per_task": rnd(ping_pb), "capgo_playbook_ms_per_task": rnd(capgo_pb),
            "playbook_ratio": rnd(capgo_pb / ping_pb, 3),
            "ping_cpu_ms_per_task": rnd(ping_cpu), "capgo_cpu_ms_per_task": rnd(capgo_cpu),
            "cpu_ratio": rnd(capgo_cpu / ping_cpu, 3),
            "empty_playbook_wall_s": rnd(median([e["wall_s"] for e in empty]), 2),
            "empty_playbook_cpu_s": rnd(median([e["cpu_s"] for e in empty]), 2),
            "requests_per_task": reqs, "connections_per_task": median(conns_per_task),
            "http_statuses": sorted(statuses),
            "raw_request_ms_fresh_connection": rnd(req_fresh, 2), "raw_request_ms_keepalive": rnd(req_keepalive, 2),
            "target_ms": rnd(allowance),
            "target": "capgo ms/task <= %.1f x ping ms/task + its requests (%g request(s), first on a fresh connection)"
                      % (TARGET_TASK_RATIO, reqs),
            "target_met": median(ratios) * ping_ms <= allowance,
            "module_ms_per_task": rnd(module_ms), "module_playbook_ms_per_task": rnd(module_pb),
            "module_cpu_ms_per_task": rnd(module_cpu),
            "module_ratio": rnd(median(module_ratios), 3), "module_ratio_per_rep": [rnd(r, 3) for r in module_ratios],
            "module_playbook_ratio": rnd(module_pb / ping_pb, 3), "module_cpu_ratio": rnd(module_cpu / ping_cpu, 3),
            "in_process_target_met": median(ratios) <= TARGET_IN_PROCESS_RATIO,
            "module_target_met": median(module_ratios) <= TARGET_MODULE_PATH_RATIO,
            "runs": runs,
        }

    @classmethod
    def targets(cls, result):
        return [("Task within %.1fx of ping plus its requests" % TARGET_TASK_RATIO,
                 "ratio %.2f: %.0f ms vs limit %.0f ms" % (result["ratio"], result["ratio"] * result["ping_ms_per_task"], result["target_ms"]),
                 result["target_met"]),
                ("In-process task <= %.1fx ping" % TARGET_IN_PROCESS_RATIO, "ratio %.3f" % result["ratio"],
                 result.get("in_process_target_met")),
                ("Module-path task (CAPGO_IN_PROCESS=false) <= %.1fx ping" % TARGET_MODULE_PATH_RATIO,
                 "ratio %.2f" % result.get("module_ratio", float("nan")), result.get("module_target_met"))]

    @classmethod
    def report(cls, result):
        return [
            "`task_ping.yml` and `task_capgo.yml`: %d loop items each, %d runs each (interleaved). Per-task time is the"
            % (result["tasks_per_run"], result["reps"]),
            "time between consecutive item results (callback `callback_plugins/bench_timing.py`), first item dropped;",
            "median over items, then over runs. Requests and connections from the emulator's log.",
            "",
            "Cross-checks: playbook wall time minus that of the same playbook with no item (%.2f s), per task;"
            % result["empty_playbook_wall_s"],
            "and CPU time of the whole ansible-playbook process tree (from `wait4`) minus the empty playbook's, per task.",
            "",
            "| | ms / task (item results) | ms / task (playbook) | CPU ms / task | requests / task | TCP connections / task |",
            "|---|---|---|---|---|---|",
            "| ansible.builtin.ping | %.0f | %.0f | %.0f | 0 | 0 |" % (
                result["ping_ms_per_task"], result["ping_playbook_ms_per_task"], result["ping_cpu_ms_per_task"]),
            "| capgo.cloud.capgo_organization | %.0f | %.0f | %.0f | %g | %g |" % (
                result["capgo_ms_per_task"], result["capgo_playbook_ms_per_task"], result["capgo_cpu_ms_per_task"],
                result["requests_per_task"], result["connections_per_task"]),
            "| capgo.cloud.capgo_organization as a module (`CAPGO_IN_PROCESS=false`) | %.0f | %.0f | %.0f | %g | |" % (
                result.get("module_ms_per_task", 0), result.get("module_playbook_ms_per_task", 0),
                result.get("module_cpu_ms_per_task", 0), result["requests_per_task"]),
            "| ratio in-process / ping | **%.2f** (median of the per-run ratios) | %.2f | %.2f | | |" % (
                result["ratio"], result["playbook_ratio"], result["cpu_ratio"]),
            "| ratio module path / ping | **%.2f** (median of the per-run ratios) | %.2f | %.2f | | |" % (
                result.get("module_ratio", 0), result.get("module_playbook_ratio", 0), result.get("module_cpu_ratio", 0)),
            "",
            "- ratio in-process / ping of the item times, per run: %s"
            % ", ".join("%.2f" % r for r in result["ratio_per_rep"]),
            "- ratio module path / ping of the item times, per run: %s"
            % ", ".join("%.2f" % r for r in result.get("module_ratio_per_rep", [])),
            "- one API request from a bare http.client: %.2f ms on a fresh connection, %.2f ms keep-alive" % (
                result["raw_request_ms_fresh_connection"], result["raw_request_ms_keepalive"]),
            "- limit (%s): %.0f ms -> %s" % (result["target"], result["target_ms"], yes(result["target_met"])),
            "",
        ]
