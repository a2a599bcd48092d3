# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fleets of 10 to 500 organizations: the organizations role vs a loop by name vs info then org_id."""

from __future__ import annotations

from harness.common import PAGE_SIZE, log, median, rnd
from harness.emulator import seed_single
from harness.measure import measured_run, require
from report import table, yes
from scenarios.base import Scenario

APPROACHES = (
    ("role", "fleet_role.yml", "capgo.cloud.organizations role"),
    ("loop", "fleet_loop.yml", "loop of capgo_organization by name"),
    ("info", "fleet_info.yml", "capgo_organization_info, then org_id"),
)
WRITES = ("POST", "PUT", "DELETE")
# Flat: the role's no-op requests per organization at the largest size within this factor of the smallest's.
TARGET_FLAT_TOLERANCE = 1.2


def pages(visible):
    """GET /organization pages a full listing reads: it stops at the first page shorter than 50."""
    return visible // PAGE_SIZE + 1


def expected_rerun(approach, size):
    """Requests of a no-op re-run over size organizations (plus the seed's own one)."""
    visible = size + 1
    if approach == "loop":
        return size * pages(visible)
    return pages(visible) + size


def fleet_orgs(size):
    return [{"name": "fleet-%04d" % i, "website": "https://fleet-%04d.example/" % i} for i in range(1, size + 1)]


class Fleet(Scenario):
    name = "fleet"
    title = "Fleets of organizations: the role vs a loop by name vs info then org_id"
    summary = "10 / 100 / 500 organizations, a create run and a no-op re-run, three ways"

    @classmethod
    def add_arguments(cls, parser):
        parser.add_argument("--fleet-sizes", default="10,100,500",
                            type=lambda text: [int(s) for s in text.split(",") if s.strip()],
                            help="organization counts of fleet (default 10,100,500)")
        parser.add_argument("--fleet-reps", type=int, default=1, help="repetitions of fleet (default 1)")

    def run(self):
        sizes, reps = self.args.fleet_sizes, self.args.fleet_reps
        log("fleet: %s organizations, %d rep(s), approaches %s" % (
            ", ".join(map(str, sizes)), reps, ", ".join(a for a, _p, _t in APPROACHES)))
        emulator = self.emulator(seed_single(), "fleet")
        rows = []
        for size in sizes:
            extra = {"fleet_orgs": fleet_orgs(size)}
            for approach, playbook, _title in APPROACHES:
                runs = []
                for _rep in range(reps):
                    create = measured_run(self.bench, emulator, playbook, extra, reset=True)
                    created = [e for e in create["entries"] if e["method"] == "POST"]
                    require(len(created) == size, "%s created %d organizations, %d expected" % (playbook, len(created), size))
                    rerun = measured_run(self.bench, emulator, playbook, extra)
                    require(not any(r["changed"] for r in rerun["records"]), "%s re-run reported a change" % playbook)
                    require(not any(e["method"] in WRITES for e in rerun["entries"]), "%s re-run wrote" % playbook)
                    require(not any(e["status"] >= 400 for e in create["entries"] + rerun["entries"]),
                            "%s had a failed request" % playbook)
                    runs.append({"create_requests": create["requests"], "create_wall_s": create["wall"],
                                 "rerun_requests": rerun["requests"], "rerun_wall_s": rerun["wall"]})
                row = {
                    "orgs": size, "approach": approach,
                    "create_requests": median([r["create_requests"] for r in runs]),
                    "create_wall_s": rnd(median([r["create_wall_s"] for r in runs]), 2),
                    "rerun_requests": median([r["rerun_requests"] for r in runs]),
                    "rerun_expected": expected_rerun(approach, size),
                    "rerun_wall_s": rnd(median([r["rerun_wall_s"] for r in runs]), 2),
                }
                rows.append(row)
                log("  %d orgs, %s: create %d requests %.1f s, re-run %d requests (expected %d) %.1f s" % (
                    size, approach, row["create_requests"], row["create_wall_s"], row["rerun_requests"],
                    row["rerun_expected"], row["rerun_wall_s"]))
        emulator.stop()
        role = [r for r in rows if r["approach"] == "role"]
        per_org = [r["rerun_requests"] / float(r["orgs"]) for r in role]
        flatness = max(per_org) / min(per_org)
        exact = all(r["rerun_requests"] == r["rerun_expected"] for r in rows)
        return {
            "sizes": sizes, "reps": reps, "rows": rows,
            "role_rerun_per_org_spread": rnd(flatness, 3), "rerun_requests_exact": exact,
            "target": "role no-op re-run: requests per organization within %.1fx from %d to %d organizations,"
                      " requests = floor((N+1)/50) + 1 + N (the seed adds one organization)" % (TARGET_FLAT_TOLERANCE, sizes[0], sizes[-1]),
            "target_met": bool(exact and flatness <= TARGET_FLAT_TOLERANCE),
        }

    @classmethod
    def targets(cls, result):
        return [("Role linear over a fleet (%d to %d organizations)" % (result["sizes"][0], result["sizes"][-1]),
                 "no-op requests per organization spread x%s, counts exact: %s" % (
                     result["role_rerun_per_org_spread"], result["rerun_requests_exact"]), result["target_met"])]

    @classmethod
    def report(cls, result):
        titles = dict((approach, title) for approach, _p, title in APPROACHES)
        lines = [
            "`fleet_role.yml` (the `capgo.cloud.organizations` role), `fleet_loop.yml` (a loop of `capgo_organization` by",
            "name) and `fleet_info.yml` (one `capgo_organization_info`, then `org_id` per organization, as README.md shows),",
            "each with a website per organization, against an emulator holding one other organization. Create run: emulator",
            "reset first; re-run: the same playbook again (no change, no write). %d run(s) each; \"expected\" is" % result["reps"],
            "floor((N+1)/50) + 1 list pages plus N reads for the role and info, and N x pages for the loop.",
            "Creates look every name up afresh (the listing never decides to create), so they cost every page each,",
            "whichever way the playbook is written.",
            "",
        ]
        lines += table(("organizations", "approach", "create requests", "create wall s", "re-run requests (expected)",
                        "re-run requests per organization", "re-run wall s"),
                       [(r["orgs"], titles[r["approach"]], "%g" % r["create_requests"], "%.1f" % r["create_wall_s"],
                         "%g (%d)" % (r["rerun_requests"], r["rerun_expected"]),
                         "%.2f" % (r["rerun_requests"] / float(r["orgs"])), "%.1f" % r["rerun_wall_s"])
                        for r in result["rows"]])
        lines += ["", "- %s -> %s" % (result["target"], yes(result["target_met"])),
                  "- Wall times: the emulator answers a request in about a millisecond, so they mostly show Ansible's own",
                  "  cost per loop item (the role adds its argument validation and the templating of its many per-entry",
                  "  options); one run each, so they carry the machine's load. Against the real server every request adds",
                  "  a network round trip, and a key that sends more than 2,000 requests without a 60-second pause is",
                  "  answered 429: the loop's no-op re-run over 500 organizations (5,500 requests) runs into that limit,",
                  "  the role's and the info pattern's (511) do not.", ""]
        return lines
