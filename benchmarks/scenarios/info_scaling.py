# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""capgo_organization_info over 0 to 10,000 organizations: time, CPU, peak RSS, requests, slopes."""

from __future__ import annotations

from harness.common import PAGE_SIZE, log, median, rnd
from harness.emulator import raw_page_walk, seed_bulk
from harness.measure import require
from harness.wrapper import Wrapper
from report import yes
from scenarios.base import Scenario

# Linear: the marginal cost per page (and memory per organization) of the last span of sizes
# within this factor of the span before it; quadratic growth gives ~2.5x with 1k/5.5k/10k.
TARGET_LINEAR_TOLERANCE = 1.5


def expected_pages(count):
    return count // PAGE_SIZE + 1


def sizes_of(args):
    sizes = sorted(set([0] + args.sizes))
    if len(sizes) == 3:
        # A midpoint, so that linearity is judged on two large spans (1k-5.5k, 5.5k-10k): the
        # 0-1k difference (~20 pages) is within the run-to-run noise of the start-up cost.
        sizes.insert(2, (sizes[1] + sizes[2]) // 2)
    return sizes


def slopes_of(figures, sizes):
    """Marginal cost per page and per organization between consecutive sizes, and over all."""

    def slope(a, b, key, per):
        fa, fb = figures[a], figures[b]
        return (fb[key] - fa[key]) / float(per(fb) - per(fa)) if per(fb) != per(fa) else None

    def pages(figure):
        return figure["requests"]

    def orgs(figure):
        return figure["orgs"]

    spans = list(zip(sizes, sizes[1:])) + [(sizes[0], sizes[-1])]
    keys = (("cpu_ms_per_page", "cpu_ms", pages, 1), ("wall_ms_per_page", "wall_ms", pages, 1),
            ("module_wall_ms_per_page_without_server", "wall_minus_raw_walk_ms", pages, 1),
            ("server_ms_per_page", "raw_page_walk_ms", pages, 1), ("rss_kb_per_org", "maxrss_mb", orgs, 1024))
    slopes = dict((name, dict(("%d-%d" % (a, b), rnd(None if slope(a, b, key, per) is None else slope(a, b, key, per) * scale, 3))
                              for a, b in spans)) for name, key, per, scale in keys)
    return spans, slopes


class InfoScaling(Scenario):
    name = "info_scaling"
    title = "capgo_organization_info over many organizations"
    summary = "capgo_organization_info's module process over 0 / 1,000 / 5,500 / 10,000 organizations"

    @classmethod
    def add_arguments(cls, parser):
        parser.add_argument("--sizes", default="1000,10000",
                            type=lambda text: [int(s) for s in text.split(",") if s.strip()],
                            help="organization counts of info_scaling (default 1000,10000)")

    def run(self):
        reps, sizes = self.args.reps, sizes_of(self.args)
        log("info_scaling: capgo_organization_info over %s organizations, %d reps" % (", ".join(map(str, sizes)), reps))
        emulators = dict((size, self.emulator(seed_bulk(size), "bulk-%d" % size)) for size in sizes)
        wrapper = Wrapper(self.bench, emulators[sizes[0]], "capgo.cloud.capgo_organization_info")
        runs = dict((size, []) for size in sizes)
        for rep in range(reps):
            for size in sizes:
                emulator = emulators[size]
                emulator.clear()
                run = wrapper.run(emulator)
                found = len(run["result"].get("organizations", []))
                require(found == size, "info returned %d organizations, %d expected" % (found, size))
                entries = emulator.requests()
                runs[size].append({"wall_ms": run["wall"] * 1000, "cpu_ms": run["cpu"] * 1000, "maxrss_kb": run["maxrss_kb"],
                                   "requests": len(entries), "connections": emulator.module_connections()})
            log("  rep %d: %s" % (rep + 1, ", ".join("%d orgs %.0f ms %.1f MB" % (
                size, runs[size][-1]["wall_ms"], runs[size][-1]["maxrss_kb"] / 1024.0) for size in sizes)))
        figures = {}
        for size in sizes:
            server_ms, pages = raw_page_walk(emulators[size], max(3, reps))
            figures[size] = {
                "orgs": size,
                "wall_ms": rnd(median([r["wall_ms"] for r in runs[size]])),
                "cpu_ms": rnd(median([r["cpu_ms"] for r in runs[size]])),
                "maxrss_mb": rnd(median([r["maxrss_kb"] for r in runs[size]]) / 1024.0, 2),
                "requests": median([r["requests"] for r in runs[size]]),
                "expected_requests": expected_pages(size),
                "connections": median([r["connections"] for r in runs[size]]),
                "raw_page_walk_ms": rnd(server_ms), "raw_pages": pages,
            }
            figures[size]["wall_minus_raw_walk_ms"] = rnd(figures[size]["wall_ms"] - server_ms)
        for emulator in emulators.values():
            emulator.stop()

        def growth(top, bottom):
            return top / bottom if top is not None and bottom else None

        spans, slopes = slopes_of(figures, sizes)
        # Linear: the marginal cost of the last span against the one before it (quadratic work
        # would show as >2x with spans 1k-5.5k and 5.5k-10k).
        last, before = "%d-%d" % spans[-2], "%d-%d" % spans[-3] if len(spans) > 2 else None
        cpu_growth = growth(slopes["cpu_ms_per_page"][last], slopes["cpu_ms_per_page"].get(before))
        rss_growth = growth(slopes["rss_kb_per_org"][last], slopes["rss_kb_per_org"].get(before))
        requests_exact = all(figures[s]["requests"] == figures[s]["expected_requests"] for s in sizes)
        return {
            "reps": reps, "sizes": sizes, "figures": figures, "slopes": slopes,
            "cpu_slope_growth": rnd(cpu_growth, 3), "rss_slope_growth": rnd(rss_growth, 3),
            "requests_exact": requests_exact,
            "target": "linear: module CPU per page and peak RSS per organization over %s orgs within %.2fx of %s;"
                      " requests = floor(N/50)+1" % (last, TARGET_LINEAR_TOLERANCE, before),
            "target_met": bool(requests_exact and cpu_growth is not None and rss_growth is not None
                               and cpu_growth <= TARGET_LINEAR_TOLERANCE and rss_growth <= TARGET_LINEAR_TOLERANCE),
            "runs": dict((str(k), v) for k, v in runs.items()),
        }

    @classmethod
    def targets(cls, result):
        return [("Linear scaling up to %d organizations" % result["sizes"][-1],
                 "CPU/page slope x%s, RSS/org slope x%s, requests exact: %s" % (
                     result["cpu_slope_growth"], result["rss_slope_growth"], result["requests_exact"]), result["target_met"])]

    @classmethod
    def report(cls, result):
        lines = [
            "The module's AnsiballZ wrapper run directly (time, CPU and peak RSS of the module process from `wait4`),",
            "against an emulator seeded with `bulk_orgs`; %d runs per size. \"raw walk\" is the same pages fetched by a"
            % result["reps"],
            "bare keep-alive http.client: the emulator's own share of the wall time.",
            "",
            "| organizations | wall ms | CPU ms | peak RSS MB | requests (expected) | connections | raw walk ms | wall - raw walk ms |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for size in result["sizes"]:
            # results.json has string keys; a fresh run has int keys.
            f = result["figures"][size] if size in result["figures"] else result["figures"][str(size)]
            lines.append("| %d | %.0f | %.0f | %.1f | %g (%d) | %g | %.0f | %.0f |" % (
                size, f["wall_ms"], f["cpu_ms"], f["maxrss_mb"], f["requests"], f["expected_requests"],
                f["connections"], f["raw_page_walk_ms"], f["wall_minus_raw_walk_ms"]))
        # From the sizes, not the dict's order: results.json sorts its keys.
        sizes = result["sizes"]
        spans = ["%d-%d" % span for span in list(zip(sizes, sizes[1:])) + [(sizes[0], sizes[-1])]]
        lines += ["", "| slope | %s |" % " | ".join(spans), "|---|" + "---|" * len(spans)]
        for key, label in (("cpu_ms_per_page", "module CPU ms per page"), ("wall_ms_per_page", "wall ms per page"),
                           ("module_wall_ms_per_page_without_server", "wall - raw walk, ms per page"),
                           ("server_ms_per_page", "emulator (raw walk) ms per page"),
                           ("rss_kb_per_org", "peak RSS KB per organization")):
            lines.append("| %s | %s |" % (label, " | ".join("%s" % result["slopes"][key].get(span, "") for span in spans)))
        lines += ["", "- %s -> %s" % (result["target"], yes(result["target_met"])), ""]
        return lines
