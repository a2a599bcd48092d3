# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Start-up cost of a module process: wall, CPU, RSS and import times of the AnsiballZ wrappers."""

from __future__ import annotations

import subprocess
import time

from harness.common import ORG_ID, log, median, rnd
from harness.emulator import seed_single
from harness.wrapper import Wrapper, parse_importtime
from scenarios.base import Scenario

OWN_PREFIX = "ansible_collections.capgo.cloud"
HEAVY_SUSPECTS = ("ansible.module_utils.urls", "urllib.request", "email.mime", "cryptography", "yaml", "jinja2",
                  "xml.etree", "asyncio", "multiprocessing", "ansible.module_utils.six.moves.urllib", "decimal",
                  "ipaddress", "distutils", "pkg_resources", "importlib.metadata", "chardet")
# The collection's modules, with the ping wrapper as the floor.
MODULES = (("ansible.builtin.ping", "ansible.builtin.ping", ""),
           ("capgo_organization", "capgo.cloud.capgo_organization", "org_id=%s" % ORG_ID),
           ("capgo_organization_info", "capgo.cloud.capgo_organization_info", "org_id=%s" % ORG_ID))


def classify_imports(rows):
    names = dict((name, (self_us, cum_us)) for self_us, cum_us, _dummy, name in rows)
    own = sum(self_us for self_us, _dummy, _dummy2, name in rows if name.startswith(OWN_PREFIX))
    own_by_module = dict((name[len(OWN_PREFIX) + 1:], self_us / 1000.0)
                         for self_us, _dummy, _dummy2, name in rows if name.startswith(OWN_PREFIX + ".plugins.module_utils."))
    requests_stack = 0
    # requests and everything only it pulls in: its cumulative time where it is first imported.
    if "requests" in names:
        requests_stack = names["requests"][1]
    total = sum(self_us for self_us, _dummy, _dummy2, _dummy3 in rows)
    return {
        "total_ms": total / 1000.0,
        "requests_ms": requests_stack / 1000.0,
        "own_ms": own / 1000.0,
        "own_by_module_ms": own_by_module,
        "basic_ms": names.get("ansible.module_utils.basic", (0, 0))[1] / 1000.0,
        "modules": set(names),
        "cumulative": dict((name, cum / 1000.0) for name, (_dummy, cum) in names.items()),
    }


class Startup(Scenario):
    name = "startup"
    title = "Start-up cost"
    summary = "AnsiballZ wrappers of ping and the capgo modules: process time, RSS, python -X importtime"

    def run(self):
        reps = self.args.reps
        log("startup: start-up cost (python -X importtime of the AnsiballZ wrappers), %d reps" % reps)
        emulator = self.emulator(seed_single(), "startup")
        wrappers = dict((name, Wrapper(self.bench, emulator, module, args)) for name, module, args in MODULES)
        plain = dict((name, []) for name in wrappers)
        traced = dict((name, []) for name in wrappers)
        for _dummy in range(reps):
            for name, wrapper in wrappers.items():
                plain[name].append(wrapper.run(emulator))
                traced[name].append(wrapper.run(emulator, importtime=True))
        bare = []
        for _dummy in range(reps):
            start = time.perf_counter()
            subprocess.run([self.bench.python, "-c", "pass"], check=True, env=self.bench.env(), timeout=60)
            bare.append((time.perf_counter() - start) * 1000)
        result = {"reps": reps, "python_startup_ms": rnd(median(bare)), "modules": {}}
        ping_modules = set()
        for name in wrappers:
            parsed = [classify_imports(parse_importtime(run["stderr"])) for run in traced[name]]
            if name == "ansible.builtin.ping":
                ping_modules = parsed[0]["modules"]
            extra = parsed[0]["modules"] - ping_modules
            own_names = sorted(parsed[0]["own_by_module_ms"])
            result["modules"][name] = {
                "process_wall_ms": rnd(median([r["wall"] * 1000 for r in plain[name]])),
                "process_cpu_ms": rnd(median([r["cpu"] * 1000 for r in plain[name]])),
                "process_maxrss_mb": rnd(median([r["maxrss_kb"] for r in plain[name]]) / 1024.0, 2),
                "wrapper_kb": rnd(wrappers[name].size / 1024.0),
                "imports_total_ms": rnd(median([p["total_ms"] for p in parsed])),
                "basic_ms": rnd(median([p["basic_ms"] for p in parsed])),
                "requests_ms": rnd(median([p["requests_ms"] for p in parsed])),
                "own_module_utils_ms": rnd(median([p["own_ms"] for p in parsed])),
                "own_by_module_ms": dict((m, rnd(median([p["own_by_module_ms"].get(m) for p in parsed]), 2)) for m in own_names),
                "modules_beyond_ping": len(extra),
                "heavy_imports": sorted(m for m in extra if m in HEAVY_SUSPECTS or m.split(".")[0] in HEAVY_SUSPECTS),
                "slowest_beyond_ping_ms": sorted(
                    ((m, rnd(median([p["cumulative"].get(m) for p in parsed]), 2)) for m in extra
                     if not m.startswith(("requests.", "urllib3.", "charset_normalizer.", "idna.", "certifi."))),
                    key=lambda item: -(item[1] or 0))[:8],
            }
        ping = result["modules"]["ansible.builtin.ping"]
        for name in ("capgo_organization", "capgo_organization_info"):
            entry = result["modules"][name]
            entry["process_ratio_to_ping"] = rnd(entry["process_wall_ms"] / ping["process_wall_ms"], 3)
        emulator.stop()
        return result

    @classmethod
    def report(cls, result):
        lines = [
            "Each AnsiballZ wrapper run directly, %d times plain and %d times under `python -X importtime`"
            % (result["reps"], result["reps"]),
            "(import figures are self times summed; requests = cumulative time of `import requests`;",
            "own = self time of the collection's modules, compiled from the AnsiballZ zip on every run).",
            "`python -c pass` takes %.0f ms here." % result["python_startup_ms"],
            "",
            "| module | process wall ms | vs ping | CPU ms | peak RSS MB | wrapper KB | imports ms | basic ms"
            " | requests ms | own module_utils ms |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for name, e in result["modules"].items():
            lines.append("| %s | %.0f | %s | %.0f | %.1f | %.0f | %.0f | %.0f | %.0f | %.1f |" % (
                name, e["process_wall_ms"], e.get("process_ratio_to_ping", "1"), e["process_cpu_ms"], e["process_maxrss_mb"],
                e["wrapper_kb"], e["imports_total_ms"], e["basic_ms"], e["requests_ms"], e["own_module_utils_ms"]))
        lines.append("")
        for name in ("capgo_organization", "capgo_organization_info"):
            e = result["modules"][name]
            lines.append("- %s: own module_utils %s; heavy imports beyond ping's: %s; slowest other imports beyond ping's: %s" % (
                name, ", ".join("%s %.1f ms" % (k, v) for k, v in e["own_by_module_ms"].items()),
                ", ".join(e["heavy_imports"]) or "none",
                ", ".join("%s %.1f ms" % (k, v) for k, v in e["slowest_beyond_ping_ms"])))
        lines.append("")
        return lines
