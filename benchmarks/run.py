#!/usr/bin/env python
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmarks of the capgo.cloud modules against the local Capgo API emulator.

    .venv/bin/python benchmarks/run.py [--reps 5] [--lifecycle-reps 3] [--tasks 8]
                                       [--sizes 1000,10000] [--only 1,2,3,4] [--out DIR]

(`make bench` runs it from the repository root.) In one run, side by side:

1. per-task wall time of a no-op capgo_organization (by org_id) against ansible.builtin.ping,
   plus the module's requests and TCP connections per task (emulator log);
2. a lifecycle playbook (create 20 organizations, re-run, update, delete) with the
   capgo.cloud modules against the same job written with ansible.builtin.uri;
3. capgo_organization_info over 0 / 1,000 / 10,000 organizations: time, CPU and peak RSS
   of the module process, requests; the per-page and per-organization slopes;
4. start-up cost: import time of each module and its module_utils (python -X importtime),
   with requests separated from the collection's own code.

Every figure is repeated (--reps) and the median is reported; measurements of the two
sides of a comparison are interleaved so that load on the machine hits both alike.
Writes benchmarks/RESULTS.md and benchmarks/results.json. Starts and stops its own
emulators on 127.0.0.1 and talks to nothing else (proxy variables are dropped).

Module processes are measured directly: the AnsiballZ wrapper that ansible builds for a
task is kept once (ANSIBLE_KEEP_REMOTE_FILES) and then run as a child of this script,
so that os.wait4 gives the wall time, CPU time and peak RSS of exactly that process.
The connection options come from CAPGO_API_URL / CAPGO_API_KEY (the modules' env
fallback), so one wrapper serves every emulator.
"""

from __future__ import annotations

import argparse
import datetime
import glob
import http.client
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
EMULATOR = ROOT / "tests" / "emulator" / "capgo_emulator.py"
PAGE_SIZE = 50

ADMIN_KEY = "22222222-2222-4222-8222-222222222222"
ORG_ID = "11111111-1111-4111-8111-111111111111"
ADMIN_EMAIL = "admin@bench.example"

TARGET_TASK_RATIO = 1.2
TARGET_LIFECYCLE_RATIO = 0.5
# Linear: the marginal cost per page (and memory per organization) of the last span of sizes
# within this factor of the span before it; quadratic growth gives ~2.5x with 1k/5.5k/10k.
TARGET_LINEAR_TOLERANCE = 1.5


def log(msg):
    print("[bench %s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def rnd(value, digits=1):
    return None if value is None else round(value, digits)


# ---------------------------------------------------------------- environment

class Bench:
    """Paths, environment and helpers shared by every section."""

    def __init__(self, args):
        self.args = args
        self.python = sys.executable
        bindir = Path(self.python).parent
        self.bindir = bindir
        self.ansible_playbook = self._tool("ansible-playbook")
        self.ansible = self._tool("ansible")
        self.work = Path(tempfile.mkdtemp(prefix="capgo-bench-"))
        coll = os.environ.get("ANSIBLE_COLLECTIONS_PATH")
        if args.collection or not coll:
            # A collection path of our own: capgo.cloud is this checkout (or --collection).
            link = self.work / "collections" / "ansible_collections" / "capgo"
            link.mkdir(parents=True)
            (link / "cloud").symlink_to(Path(args.collection or ROOT).resolve(), target_is_directory=True)
            coll = str(self.work / "collections")
        self.collections_path = coll
        (self.work / "ansible.cfg").write_text("[defaults]\n")
        self.emulators = []

    def _tool(self, name):
        path = self.bindir / name
        if path.exists():
            return str(path)
        found = shutil.which(name)
        if not found:
            sys.exit("benchmarks/run.py: %s not found next to %s nor on PATH" % (name, self.python))
        return found

    def env(self, emulator=None, **extra):
        env = {k: v for k, v in os.environ.items()
               if not k.lower().endswith("_proxy") and not k.startswith(("ANSIBLE_", "CAPGO_"))}
        env.update({
            "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
            "PATH": "%s:%s" % (self.bindir, os.environ.get("PATH", "")),
            "ANSIBLE_CONFIG": str(self.work / "ansible.cfg"),
            "ANSIBLE_COLLECTIONS_PATH": self.collections_path,
            "ANSIBLE_PYTHON_INTERPRETER": self.python,
            "ANSIBLE_CALLBACK_PLUGINS": str(BENCH / "callback_plugins"),
            "ANSIBLE_CALLBACKS_ENABLED": "bench_timing",
            "ANSIBLE_LOCALHOST_WARNING": "false",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "false",
            "ANSIBLE_HOME": str(self.work / "ansible-home"),
            "ANSIBLE_LOCAL_TEMP": str(self.work / "ansible-local"),
            "ANSIBLE_REMOTE_TMP": str(self.work / "ansible-remote"),
            "PYTHONDONTWRITEBYTECODE": "1",
        })
        if emulator is not None:
            env["CAPGO_API_URL"] = emulator.url
            env["CAPGO_API_KEY"] = ADMIN_KEY
        env.update(extra)
        return env

    def run_playbook(self, playbook, emulator, extra_vars=None):
        """Run one playbook; return wall, CPU (whole process tree) and the callback's records."""
        timing = self.work / "timing.jsonl"
        if timing.exists():
            timing.unlink()
        cmd = [self.ansible_playbook, "-i", "localhost,", "-c", "local", str(BENCH / playbook)]
        for key, value in (extra_vars or {}).items():
            cmd += ["-e", "%s=%s" % (key, value)]
        out = self.work / "playbook.log"
        with open(out, "w") as handle:
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, cwd=self.work, stdout=handle, stderr=subprocess.STDOUT,
                                    env=self.env(emulator, BENCH_TIMING_FILE=str(timing)))
            _dummy, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            sys.exit("benchmarks/run.py: %s failed (rc %s):\n%s" % (playbook, proc.returncode, out.read_text()[-4000:]))
        records = [json.loads(line) for line in timing.read_text().splitlines()] if timing.exists() else []
        return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "records": records}

    def close(self):
        for emulator in self.emulators:
            emulator.stop()
        shutil.rmtree(self.work, ignore_errors=True)


class Emulator:
    """tests/emulator/capgo_emulator.py as a child process on 127.0.0.1, with --control."""

    def __init__(self, bench, seed, name):
        self.bench = bench
        seed_file = bench.work / ("seed-%s.json" % name)
        seed_file.write_text(json.dumps(seed))
        self.out = bench.work / ("emulator-%s.log" % name)
        with open(self.out, "w") as handle:
            self.proc = subprocess.Popen(
                [bench.python, "-u", str(EMULATOR), "--host", "127.0.0.1", "--port", "0", "--control",
                 "--seed", str(seed_file), "--rate-limit-per-key", "0", "--failed-auth-limit", "0"],
                stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=bench.env())
        bench.emulators.append(self)
        self.url = None
        self.control_calls_since_clear = 0
        deadline = time.time() + 120
        while time.time() < deadline:
            match = re.search(r"^CAPGO_EMULATOR_URL=(\S+)", self.out.read_text(), re.M)
            if match:
                self.url = match.group(1)
                break
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if not self.url:
            self.stop()
            sys.exit("benchmarks/run.py: the emulator did not start:\n%s" % self.out.read_text()[-3000:])
        match = re.match(r"^http://127\.0\.0\.1:(\d+)$", self.url)
        if not match:
            self.stop()
            sys.exit("benchmarks/run.py: the emulator is not on loopback: %s" % self.url)
        self.port = int(match.group(1))

    def call(self, method, path, body=None, headers=None, conn=None):
        own = conn is None
        conn = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            payload = json.dumps(body).encode() if body is not None else None
            # The control API refuses a POST or PUT without this type, even with no body.
            hdrs = {"Content-Type": "application/json"} if payload or method in ("POST", "PUT") else {}
            hdrs.update(headers or {})
            conn.request(method, path, body=payload, headers=hdrs)
            response = conn.getresponse()
            data = response.read()
            return response.status, json.loads(data) if data else None
        finally:
            if own:
                conn.close()

    def control(self, method, what, body=None):
        status, payload = self.call(method, "/_emulator/" + what, body)
        if status != 200:
            raise RuntimeError("emulator control %s %s: %s %s" % (method, what, status, payload))
        return payload

    def clear(self):
        self.control("DELETE", "log")
        self.control_calls_since_clear = 0

    def requests(self):
        self.control_calls_since_clear += 1
        return self.control("GET", "log")["requests"]

    def connections(self):
        return self.control("GET", "connections")["connections"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def seed_single():
    return {
        "users": [{"email": ADMIN_EMAIL}],
        "orgs": [{"id": ORG_ID, "name": "Bench home", "created_by": ADMIN_EMAIL}],
        "keys": [{"name": "admin", "key": ADMIN_KEY, "owner": ADMIN_EMAIL, "org_create": True,
                  "roles": {"Bench home": "org_super_admin"}}],
    }


def seed_bulk(count):
    seed = {
        "users": [{"email": ADMIN_EMAIL}],
        "keys": [{"name": "admin", "key": ADMIN_KEY, "owner": ADMIN_EMAIL, "roles": {}}],
    }
    if count:
        seed["bulk_orgs"] = [{"count": count, "name_prefix": "bulk-org-", "created_by": ADMIN_EMAIL,
                              "key_roles": {"admin": "apikey_org_reader"}}]
    return seed


# ---------------------------------------------------------------- module wrappers

# Runs a wrapper in the same process and writes that process's peak RSS (VmHWM) at exit.
# ru_maxrss from wait4 cannot be used: the child starts as a vfork of this script, and
# Linux keeps the parent's RSS high-water mark in the child's rusage across exec.
PEAK_RSS_BOOT = """
import atexit, runpy, sys
def _peak(path=sys.argv[1]):
    with open('/proc/self/status') as status:
        kb = next(line.split()[1] for line in status if line.startswith('VmHWM:'))
    with open(path, 'w') as out:
        out.write(kb)
atexit.register(_peak)
sys.argv = sys.argv[2:]
runpy.run_path(sys.argv[0], run_name='__main__')
"""
HAS_PROC = os.path.exists("/proc/self/status")


class Wrapper:
    """The AnsiballZ wrapper of one module with fixed arguments, run as a direct child."""

    def __init__(self, bench, emulator, module, args=""):
        self.bench = bench
        keep = bench.work / ("keep-%s" % re.sub(r"\W", "_", module))
        # A task environment makes the action plugin execute the module as a process (on the
        # controller it would otherwise run in-process, leaving no AnsiballZ wrapper to keep).
        play = bench.work / ("wrapper-%s.yml" % re.sub(r"\W", "_", module))
        play.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": [
            {"name": "run", module: args or {}, "environment": {"CAPGO_BENCHMARK": "wrapper"}}]}]))
        playbook = os.path.join(os.path.dirname(bench.ansible), "ansible-playbook")
        cmd = [playbook, "-i", "localhost,", "-c", "local", str(play)]
        env = bench.env(emulator, ANSIBLE_KEEP_REMOTE_FILES="1", ANSIBLE_REMOTE_TMP=str(keep))
        done = subprocess.run(cmd, cwd=bench.work, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            sys.exit("benchmarks/run.py: %s failed:\n%s%s" % (" ".join(cmd), done.stdout[-3000:], done.stderr[-3000:]))
        found = glob.glob(str(keep / "**" / "AnsiballZ_*.py"), recursive=True)
        if len(found) != 1:
            sys.exit("benchmarks/run.py: expected one kept AnsiballZ wrapper for %s, found %r" % (module, found))
        self.path = bench.work / ("wrapper-%s.py" % re.sub(r"\W", "_", module))
        shutil.copy(found[0], self.path)
        shutil.rmtree(keep, ignore_errors=True)
        self.module = module
        self.size = self.path.stat().st_size

    def run(self, emulator, importtime=False):
        """One run: wall, CPU, peak RSS of the module process, its parsed result and stderr."""
        out, err = self.bench.work / "wrapper.out", self.bench.work / "wrapper.err"
        peak = self.bench.work / "wrapper.peak"
        if peak.exists():
            peak.unlink()
        if importtime:
            cmd = [self.bench.python, "-X", "importtime", str(self.path)]
        elif HAS_PROC:
            cmd = [self.bench.python, "-c", PEAK_RSS_BOOT, str(peak), str(self.path)]
        else:
            cmd = [self.bench.python, str(self.path)]
        with open(out, "wb") as stdout, open(err, "wb") as stderr:
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, cwd=self.bench.work, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL,
                                    env=self.bench.env(emulator))
            _dummy, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - start
        text = out.read_text()
        try:
            result = json.loads(text)
        except ValueError:
            sys.exit("benchmarks/run.py: %s printed no JSON (status %s):\n%s\n%s" % (
                self.module, status, text[-2000:], err.read_text()[-2000:]))
        if result.get("failed"):
            sys.exit("benchmarks/run.py: %s failed: %s" % (self.module, result.get("msg")))
        maxrss = int(peak.read_text()) if peak.exists() else usage.ru_maxrss
        return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "user": usage.ru_utime,
                "maxrss_kb": maxrss, "result": result, "stderr": err.read_text() if importtime else ""}


def module_connections(emulator):
    """TCP connections since the last clear(), without the ones this script opened for control calls.

    clear() ran on a connection opened before the count was reset; requests() and this
    call open one each: the GET /_emulator/connections itself is counted, requests() is
    counted when it ran first.
    """
    return emulator.connections() - 1 - emulator.control_calls_since_clear


def raw_request_ms(emulator, path, reps=30, fresh=True):
    """Median round trip of one API GET from a plain http.client (no Ansible, no requests)."""
    times = []
    conn = None
    for _dummy in range(reps):
        if fresh or conn is None:
            if conn is not None:
                conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=120)
        start = time.perf_counter()
        status, _dummy = emulator.call("GET", path, headers={"capgkey": ADMIN_KEY}, conn=conn)
        times.append((time.perf_counter() - start) * 1000)
        if status != 200:
            raise RuntimeError("GET %s answered %s" % (path, status))
    conn.close()
    return median(times)


def raw_page_walk(emulator, reps):
    """Wall time of walking every page of GET /organization with one keep-alive http.client."""
    times, pages = [], 0
    for _dummy in range(reps):
        conn = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=120)
        start = time.perf_counter()
        page, pages = 0, 0
        while True:
            status, rows = emulator.call("GET", "/organization", body={"page": page} if page else None,
                                         headers={"capgkey": ADMIN_KEY}, conn=conn)
            pages += 1
            if status != 200 or len(rows) < PAGE_SIZE:
                break
            page += 1
        times.append((time.perf_counter() - start) * 1000)
        conn.close()
    return median(times), pages


# ---------------------------------------------------------------- section 1

def item_times(records, skip_first=True):
    """Milliseconds per loop item (ok results), without the first item (AnsiballZ build, cold caches)."""
    values = [r["seconds"] * 1000 for r in records if r["status"] == "ok"]
    return values[1:] if skip_first and len(values) > 1 else values


def section_task_cost(bench):
    reps, n = bench.args.reps, bench.args.tasks
    log("section 1: per-task cost, %d x %d tasks of ping and of capgo_organization (no-op by org_id)" % (reps, n))
    emulator = Emulator(bench, seed_single(), "task")
    runs = {"ping": [], "capgo": []}
    empty = []
    requests_per_task, conns_per_task, statuses = [], [], set()
    for rep in range(reps):
        # The same playbook with no task run: ansible-playbook's own start-up and wind-down.
        result = bench.run_playbook("task_ping.yml", emulator, {"bench_n": 0})
        empty.append({"wall_s": result["wall"], "cpu_s": result["cpu"]})
        for kind in ("ping", "capgo"):
            emulator.clear()
            result = bench.run_playbook("task_%s.yml" % kind, emulator, {"bench_n": n})
            per_item = item_times(result["records"])
            if len(result["records"]) != n:
                sys.exit("section 1: expected %d results from %s, got %d" % (n, kind, len(result["records"])))
            runs[kind].append({"wall_s": result["wall"], "cpu_s": result["cpu"], "ms_per_task": median(per_item),
                               "playbook_ms_per_task": (result["wall"] - empty[-1]["wall_s"]) * 1000 / n,
                               "cpu_ms_per_task": (result["cpu"] - empty[-1]["cpu_s"]) * 1000 / n,
                               "items_ms": [rnd(v) for v in per_item]})
            if kind == "capgo":
                log_entries = emulator.requests()
                requests_per_task.append(len(log_entries) / n)
                conns_per_task.append(module_connections(emulator) / n)
                statuses.update(e["status"] for e in log_entries)
                if any(r["changed"] for r in result["records"]):
                    sys.exit("section 1: a no-op capgo_organization task reported a change")
        log("  rep %d: ping %.0f ms/task, capgo_organization %.0f ms/task" % (
            rep + 1, runs["ping"][-1]["ms_per_task"], runs["capgo"][-1]["ms_per_task"]))
    ping_ms = median([r["ms_per_task"] for r in runs["ping"]])
    capgo_ms = median([r["ms_per_task"] for r in runs["capgo"]])
    ping_cpu = median([r["cpu_ms_per_task"] for r in runs["ping"]])
    capgo_cpu = median([r["cpu_ms_per_task"] for r in runs["capgo"]])
    ping_pb = median([r["playbook_ms_per_task"] for r in runs["ping"]])
    capgo_pb = median([r["playbook_ms_per_task"] for r in runs["capgo"]])
    ratios = [c["ms_per_task"] / p["ms_per_task"] for p, c in zip(runs["ping"], runs["capgo"], strict=True)]
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
        "runs": runs,
    }


# ---------------------------------------------------------------- section 2

PHASES = ("create", "rerun", "update", "delete")


def phase_of(task_name):
    head = task_name.split("|", 1)[0].strip()
    return head if head in PHASES else None


def split_requests(records, entries):
    """Requests per phase: each log entry goes to the phase whose result window holds its time."""
    windows = []
    for record in records:
        phase = phase_of(record["task"])
        if phase:
            windows.append((record["start"] - 0.002, record["end"] + 0.002, phase))
    counts = dict((phase, 0) for phase in PHASES)
    counts["unassigned"] = 0
    for entry in entries:
        stamp = datetime.datetime.fromisoformat(entry["time"]).timestamp()
        phase = next((p for start, end, p in windows if start <= stamp <= end), "unassigned")
        counts[phase] += 1
    return counts


def section_lifecycle(bench):
    reps = bench.args.lifecycle_reps
    log("section 2: lifecycle of 20 organizations, capgo.cloud vs ansible.builtin.uri, %d reps" % reps)
    emulator = Emulator(bench, seed_single(), "lifecycle")
    runs = {"capgo": [], "uri": []}
    for rep in range(reps):
        for kind in ("capgo", "uri"):
            emulator.control("POST", "reset")
            emulator.clear()
            result = bench.run_playbook("lifecycle_%s.yml" % kind, emulator)
            entries = emulator.requests()
            records = result["records"]
            if any(r["status"] == "failed" for r in records) or any(e["status"] >= 400 for e in entries):
                sys.exit("section 2: %s lifecycle had a failure" % kind)
            phases = {}
            for phase in PHASES:
                mine = [r for r in records if phase_of(r["task"]) == phase]
                phases[phase] = {
                    "seconds": sum(r["seconds"] for r in mine),
                    "module_runs": sum(1 for r in mine if r["status"] != "skipped"),
                    "changed": sum(1 for r in mine if r["changed"]),
                }
            for phase, count in split_requests(records, entries).items():
                phases.setdefault(phase, {})["requests"] = count
            by_method = {}
            for entry in entries:
                by_method[entry["method"]] = by_method.get(entry["method"], 0) + 1
            runs[kind].append({
                "wall_s": result["wall"], "cpu_s": result["cpu"],
                "tasks_s": sum(r["seconds"] for r in records),
                "requests": len(entries), "requests_by_method": by_method,
                "connections": module_connections(emulator), "phases": phases,
            })
            if kind == "capgo" and phases["rerun"]["changed"]:
                sys.exit("section 2: the capgo.cloud re-run phase reported changes")
        log("  rep %d: capgo.cloud %.1f s (%d requests), uri %.1f s (%d requests)" % (
            rep + 1, runs["capgo"][-1]["wall_s"], runs["capgo"][-1]["requests"],
            runs["uri"][-1]["wall_s"], runs["uri"][-1]["requests"]))
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
    ratio = median([c["wall_s"] / u["wall_s"] for c, u in zip(runs["capgo"], runs["uri"], strict=True)])
    return {
        "reps": reps, "orgs": 20, "capgo": capgo, "uri": uri,
        "wall_ratio": rnd(ratio, 3),
        "wall_ratio_per_rep": [rnd(c["wall_s"] / u["wall_s"], 3) for c, u in zip(runs["capgo"], runs["uri"], strict=True)],
        "tasks_ratio": rnd(capgo["tasks_s"] / uri["tasks_s"], 3),
        "cpu_ratio": rnd(capgo["cpu_s"] / uri["cpu_s"], 3),
        "request_ratio": rnd(capgo["requests"] / uri["requests"], 3),
        "target": "capgo.cloud lifecycle wall time <= %.1f x the uri version's" % TARGET_LIFECYCLE_RATIO,
        "target_met": ratio <= TARGET_LIFECYCLE_RATIO,
        "runs": runs,
    }


# ---------------------------------------------------------------- section 3

def expected_pages(count):
    return count // PAGE_SIZE + 1


def section_info_scaling(bench):
    reps, sizes = bench.args.reps, sorted(set([0] + bench.args.sizes))
    if len(sizes) == 3:
        # A midpoint, so that linearity is judged on two large spans (1k-5.5k, 5.5k-10k): the
        # 0-1k difference (~20 pages) is within the run-to-run noise of the start-up cost.
        sizes.insert(2, (sizes[1] + sizes[2]) // 2)
    log("section 3: capgo_organization_info over %s organizations, %d reps" % (", ".join(map(str, sizes)), reps))
    emulators = dict((size, Emulator(bench, seed_bulk(size), "bulk-%d" % size)) for size in sizes)
    wrapper = Wrapper(bench, emulators[sizes[0]], "capgo.cloud.capgo_organization_info")
    runs = dict((size, []) for size in sizes)
    for rep in range(reps):
        for size in sizes:
            emulator = emulators[size]
            emulator.clear()
            run = wrapper.run(emulator)
            found = len(run["result"].get("organizations", []))
            if found != size:
                sys.exit("section 3: info returned %d organizations, %d expected" % (found, size))
            entries = emulator.requests()
            runs[size].append({"wall_ms": run["wall"] * 1000, "cpu_ms": run["cpu"] * 1000, "maxrss_kb": run["maxrss_kb"],
                               "requests": len(entries), "connections": module_connections(emulator)})
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

    def slope(a, b, key, per):
        fa, fb = figures[a], figures[b]
        return (fb[key] - fa[key]) / float(per(fb) - per(fa)) if per(fb) != per(fa) else None

    def growth(top, bottom):
        return top / bottom if top is not None and bottom else None

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


# ---------------------------------------------------------------- section 4

IMPORT_RE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)\s*$")
OWN_PREFIX = "ansible_collections.capgo.cloud"


def parse_importtime(text):
    rows = []
    for line in text.splitlines():
        match = IMPORT_RE.match(line)
        if match:
            rows.append((int(match.group(1)), int(match.group(2)), len(match.group(3)) // 2, match.group(4)))
    return rows


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


HEAVY_SUSPECTS = ("ansible.module_utils.urls", "urllib.request", "email.mime", "cryptography", "yaml", "jinja2",
                  "xml.etree", "asyncio", "multiprocessing", "ansible.module_utils.six.moves.urllib", "decimal",
                  "ipaddress", "distutils", "pkg_resources", "importlib.metadata", "chardet")


def section_startup(bench):
    reps = bench.args.reps
    log("section 4: start-up cost (python -X importtime of the AnsiballZ wrappers), %d reps" % reps)
    emulator = Emulator(bench, seed_single(), "startup")
    wrappers = {
        "ansible.builtin.ping": Wrapper(bench, emulator, "ansible.builtin.ping"),
        "capgo_organization": Wrapper(bench, emulator, "capgo.cloud.capgo_organization", "org_id=%s" % ORG_ID),
        "capgo_organization_info": Wrapper(bench, emulator, "capgo.cloud.capgo_organization_info", "org_id=%s" % ORG_ID),
    }
    plain = dict((name, []) for name in wrappers)
    traced = dict((name, []) for name in wrappers)
    for _dummy in range(reps):
        for name, wrapper in wrappers.items():
            plain[name].append(wrapper.run(emulator))
            traced[name].append(wrapper.run(emulator, importtime=True))
    bare = []
    for _dummy in range(reps):
        start = time.perf_counter()
        subprocess.run([bench.python, "-c", "pass"], check=True, env=bench.env())
        bare.append((time.perf_counter() - start) * 1000)
    result = {"reps": reps, "python_startup_ms": rnd(median(bare)), "modules": {}}
    ping_modules = set()
    for name in wrappers:
        parsed = [classify_imports(parse_importtime(run["stderr"])) for run in traced[name]]
        if name == "ansible.builtin.ping":
            ping_modules = parsed[0]["modules"]
        extra = parsed[0]["modules"] - ping_modules
        own_names = sorted(parsed[0]["own_by_module_ms"])
        entry = {
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
        result["modules"][name] = entry
    ping = result["modules"]["ansible.builtin.ping"]
    for name in ("capgo_organization", "capgo_organization_info"):
        entry = result["modules"][name]
        entry["process_ratio_to_ping"] = rnd(entry["process_wall_ms"] / ping["process_wall_ms"], 3)
    emulator.stop()
    return result


# ---------------------------------------------------------------- report

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


def yes(flag):
    return "**met**" if flag else "**not met**"


def render(results):
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
        "python benchmarks/run.py --only 3 --sizes 1000,10000   # one section",
        "```",
        "",
        "Command of this run: `%s`" % results["command"],
        "",
    ]
    targets = []
    s1 = results.get("task_cost")
    if s1:
        targets.append(("Task within %.1fx of ping plus its requests" % TARGET_TASK_RATIO,
                        "ratio %.2f: %.0f ms vs limit %.0f ms" % (s1["ratio"], s1["ratio"] * s1["ping_ms_per_task"], s1["target_ms"]),
                        s1["target_met"]))
    s2 = results.get("lifecycle")
    if s2:
        targets.append(("Lifecycle at most %.1fx of the uri version" % TARGET_LIFECYCLE_RATIO,
                        "%.2fx wall (CPU %.2fx)" % (s2["wall_ratio"], s2["cpu_ratio"]), s2["target_met"]))
    s3 = results.get("info_scaling")
    if s3:
        targets.append(("Linear scaling up to %d organizations" % s3["sizes"][-1],
                        "CPU/page slope x%s, RSS/org slope x%s, requests exact: %s" % (
                            s3["cpu_slope_growth"], s3["rss_slope_growth"], s3["requests_exact"]), s3["target_met"]))
    if targets:
        lines += ["## Targets", "", "| target | measured | |", "|---|---|---|"]
        lines += ["| %s | %s | %s |" % (name, value, yes(flag)) for name, value, flag in targets]
        lines.append("")
    if s1:
        lines += [
            "## 1. Per-task cost: capgo_organization (no-op by org_id) vs ansible.builtin.ping",
            "",
            "`task_ping.yml` and `task_capgo.yml`: %d loop items each, %d runs each (interleaved). Per-task time is the"
            % (s1["tasks_per_run"], s1["reps"]),
            "time between consecutive item results (callback `callback_plugins/bench_timing.py`), first item dropped;",
            "median over items, then over runs. Requests and connections from the emulator's log.",
            "",
            "Cross-checks: playbook wall time minus that of the same playbook with no item (%.2f s), per task;"
            % s1["empty_playbook_wall_s"],
            "and CPU time of the whole ansible-playbook process tree (from `wait4`) minus the empty playbook's, per task.",
            "",
            "| | ms / task (item results) | ms / task (playbook) | CPU ms / task | requests / task | TCP connections / task |",
            "|---|---|---|---|---|---|",
            "| ansible.builtin.ping | %.0f | %.0f | %.0f | 0 | 0 |" % (
                s1["ping_ms_per_task"], s1["ping_playbook_ms_per_task"], s1["ping_cpu_ms_per_task"]),
            "| capgo.cloud.capgo_organization | %.0f | %.0f | %.0f | %g | %g |" % (
                s1["capgo_ms_per_task"], s1["capgo_playbook_ms_per_task"], s1["capgo_cpu_ms_per_task"],
                s1["requests_per_task"], s1["connections_per_task"]),
            "| ratio capgo / ping | **%.2f** (median of the per-run ratios) | %.2f | %.2f | | |" % (
                s1["ratio"], s1["playbook_ratio"], s1["cpu_ratio"]),
            "",
            "- ratio capgo / ping of the item times, per run: %s" % ", ".join("%.2f" % r for r in s1["ratio_per_rep"]),
            "- one API request from a bare http.client: %.2f ms on a fresh connection, %.2f ms keep-alive" % (
                s1["raw_request_ms_fresh_connection"], s1["raw_request_ms_keepalive"]),
            "- limit (%s): %.0f ms -> %s" % (s1["target"], s1["target_ms"], yes(s1["target_met"])),
            "",
        ]
    if s2:
        c, u = s2["capgo"], s2["uri"]
        lines += [
            "## 2. Lifecycle of 20 organizations: capgo.cloud vs ansible.builtin.uri",
            "",
            "`lifecycle_capgo.yml` (one capgo_organization task per phase, by name) vs `lifecycle_uri.yml` (per phase:",
            "one list request, then POST / PUT / DELETE only where needed). Emulator reset before each run; %d runs each."
            % s2["reps"],
            "",
            "| | capgo.cloud | uri | capgo / uri |",
            "|---|---|---|---|",
            "| playbook wall time (s) | %.2f | %.2f | **%.2f** (median of the per-run ratios) |" % (
                c["wall_s"], u["wall_s"], s2["wall_ratio"]),
            "| sum of task times (s) | %.2f | %.2f | %.2f |" % (c["tasks_s"], u["tasks_s"], s2["tasks_ratio"]),
            "| CPU, whole process tree (s) | %.2f | %.2f | %.2f |" % (c["cpu_s"], u["cpu_s"], c["cpu_s"] / u["cpu_s"]),
            "| API requests | %g | %g | %.2f |" % (c["requests"], u["requests"], s2["request_ratio"]),
            "| TCP connections | %g | %g | |" % (c["connections"], u["connections"]),
            "| requests by method | %s | %s | |" % (c["requests_by_method"], u["requests_by_method"]),
            "",
            "| phase | capgo.cloud s | capgo.cloud module runs | capgo.cloud requests | uri s | uri module runs | uri requests |",
            "|---|---|---|---|---|---|---|",
        ]
        for phase in PHASES:
            cp, up = c["phases"][phase], u["phases"][phase]
            lines.append("| %s | %.2f | %g | %g | %.2f | %g | %g |" % (
                phase, cp["seconds"], cp["module_runs"], cp["requests"], up["seconds"], up["module_runs"], up["requests"]))
        lines += ["", "- wall-time ratio per run: %s -> %s" % (
            ", ".join("%.2f" % r for r in s2["wall_ratio_per_rep"]), yes(s2["target_met"])), ""]
    if s3:
        lines += [
            "## 3. capgo_organization_info over many organizations",
            "",
            "The module's AnsiballZ wrapper run directly (time, CPU and peak RSS of the module process from `wait4`),",
            "against an emulator seeded with `bulk_orgs`; %d runs per size. \"raw walk\" is the same pages fetched by a"
            % s3["reps"],
            "bare keep-alive http.client: the emulator's own share of the wall time.",
            "",
            "| organizations | wall ms | CPU ms | peak RSS MB | requests (expected) | connections | raw walk ms | wall - raw walk ms |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for size in s3["sizes"]:
            f = s3["figures"][size]
            lines.append("| %d | %.0f | %.0f | %.1f | %g (%d) | %g | %.0f | %.0f |" % (
                size, f["wall_ms"], f["cpu_ms"], f["maxrss_mb"], f["requests"], f["expected_requests"],
                f["connections"], f["raw_page_walk_ms"], f["wall_minus_raw_walk_ms"]))
        spans = list(s3["slopes"]["rss_kb_per_org"])
        lines += ["", "| slope | %s |" % " | ".join(spans), "|---|" + "---|" * len(spans)]
        for key, label in (("cpu_ms_per_page", "module CPU ms per page"), ("wall_ms_per_page", "wall ms per page"),
                           ("module_wall_ms_per_page_without_server", "wall - raw walk, ms per page"),
                           ("server_ms_per_page", "emulator (raw walk) ms per page"),
                           ("rss_kb_per_org", "peak RSS KB per organization")):
            lines.append("| %s | %s |" % (label, " | ".join("%s" % s3["slopes"][key].get(span, "") for span in spans)))
        lines += ["", "- %s -> %s" % (s3["target"], yes(s3["target_met"])), ""]
    s4 = results.get("startup")
    if s4:
        lines += [
            "## 4. Start-up cost",
            "",
            "Each AnsiballZ wrapper run directly, %d times plain and %d times under `python -X importtime`"
            % (s4["reps"], s4["reps"]),
            "(import figures are self times summed; requests = cumulative time of `import requests`;",
            "own = self time of the collection's modules, compiled from the AnsiballZ zip on every run).",
            "`python -c pass` takes %.0f ms here." % s4["python_startup_ms"],
            "",
            "| module | process wall ms | vs ping | CPU ms | peak RSS MB | wrapper KB | imports ms | basic ms"
            " | requests ms | own module_utils ms |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for name, e in s4["modules"].items():
            lines.append("| %s | %.0f | %s | %.0f | %.1f | %.0f | %.0f | %.0f | %.0f | %.1f |" % (
                name, e["process_wall_ms"], e.get("process_ratio_to_ping", "1"), e["process_cpu_ms"], e["process_maxrss_mb"],
                e["wrapper_kb"], e["imports_total_ms"], e["basic_ms"], e["requests_ms"], e["own_module_utils_ms"]))
        lines.append("")
        for name in ("capgo_organization", "capgo_organization_info"):
            e = s4["modules"][name]
            lines.append("- %s: own module_utils %s; heavy imports beyond ping's: %s; slowest other imports beyond ping's: %s" % (
                name, ", ".join("%s %.1f ms" % (k, v) for k, v in e["own_by_module_ms"].items()),
                ", ".join(e["heavy_imports"]) or "none",
                ", ".join("%s %.1f ms" % (k, v) for k, v in e["slowest_beyond_ping_ms"])))
        lines.append("")
    if results.get("notes"):
        lines += ["## Notes", ""] + ["- %s" % n for n in results["notes"]] + [""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--reps", type=int, default=5, help="repetitions of sections 1, 3 and 4 (default 5)")
    parser.add_argument("--lifecycle-reps", type=int, default=3, help="repetitions of section 2 (default 3)")
    parser.add_argument("--tasks", type=int, default=8, help="tasks per playbook in section 1 (default 8)")
    parser.add_argument("--sizes", default="1000,10000", help="organization counts of section 3 (default 1000,10000)")
    parser.add_argument("--only", default="1,2,3,4", help="sections to run (default 1,2,3,4)")
    parser.add_argument("--collection", help="benchmark this copy of the collection instead of the checkout"
                        " (e.g. a patched private copy, for before/after figures)")
    parser.add_argument("--out", default=str(BENCH), help="where RESULTS.md and results.json go (default benchmarks/)")
    args = parser.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    only = set(args.only.split(","))
    if not EMULATOR.exists():
        sys.exit("benchmarks/run.py: the emulator is missing: %s" % EMULATOR)
    started = time.time()
    results = {"command": " ".join([os.path.relpath(sys.executable) if sys.executable.startswith(str(ROOT)) else sys.executable]
                                   + [os.path.relpath(__file__, os.getcwd())] + sys.argv[1:]),
               "machine": machine(), "notes": []}
    bench = Bench(args)
    sections = (("1", "task_cost", section_task_cost), ("2", "lifecycle", section_lifecycle),
                ("3", "info_scaling", section_info_scaling), ("4", "startup", section_startup))
    try:
        for number, key, function in sections:
            if number in only:
                results[key] = function(bench)
                # What is measured so far survives a later failure.
                Path(args.out).mkdir(parents=True, exist_ok=True)
                (Path(args.out) / "results.partial.json").write_text(json.dumps(results, indent=1, default=str) + "\n")
    finally:
        bench.close()
    results["machine"]["loadavg_end"] = [rnd(x, 2) for x in os.getloadavg()]
    busiest = max(results["machine"]["loadavg_start"][0], results["machine"]["loadavg_end"][0])
    if busiest > (os.cpu_count() or 1):
        results["notes"].append(
            "The machine was busy with other work (load average up to %.1f on %d cores): wall times carry that noise;"
            " the CPU-time figures and the request counts are the steadier ones." % (busiest, os.cpu_count() or 1))
    results["machine"]["run_seconds"] = round(time.time() - started)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=1, sort_keys=True, default=str) + "\n")
    (out / "RESULTS.md").write_text(render(results) + "\n")
    partial = out / "results.partial.json"
    if partial.exists():
        partial.unlink()
    log("wrote %s and %s in %d s" % (out / "RESULTS.md", out / "results.json", results["machine"]["run_seconds"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
