# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A module process measured directly: its kept AnsiballZ wrapper run as a child of run.py.

The wrapper that ansible builds for a task is kept once (ANSIBLE_KEEP_REMOTE_FILES) and
then run as a direct child, so that os.wait4 gives the wall time, CPU time and peak RSS
of exactly that process. The connection options come from CAPGO_API_URL / CAPGO_API_KEY
(the modules' env fallback), so one wrapper serves every emulator.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import subprocess
import time

from harness.bench import wait_bounded
from harness.common import BenchError

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
IMPORT_RE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)\s*$")


class Wrapper:
    """The AnsiballZ wrapper of one module with fixed arguments, run as a direct child."""

    def __init__(self, bench, emulator, module, args=""):
        self.bench = bench
        slug = re.sub(r"\W", "_", module)
        keep = bench.work / ("keep-%s" % slug)
        # A task environment makes the action plugin execute the module as a process (on the
        # controller it would otherwise run in-process, leaving no AnsiballZ wrapper to keep).
        play = bench.work / ("wrapper-%s.yml" % slug)
        play.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": [
            {"name": "run", module: args or {}, "environment": {"CAPGO_BENCHMARK": "wrapper"}}]}]))
        cmd = [bench.ansible_playbook, "-i", "localhost,", "-c", "local", str(play)]
        env = bench.env(emulator, ANSIBLE_KEEP_REMOTE_FILES="1", ANSIBLE_REMOTE_TMP=str(keep))
        try:
            done = subprocess.run(cmd, cwd=bench.work, env=env, capture_output=True, text=True, check=False, timeout=600)
        except subprocess.TimeoutExpired as err:
            raise BenchError("%s ran over 600 s" % " ".join(cmd)) from err
        if done.returncode != 0:
            raise BenchError("%s failed:\n%s%s" % (" ".join(cmd), done.stdout[-3000:], done.stderr[-3000:]))
        found = glob.glob(str(keep / "**" / "AnsiballZ_*.py"), recursive=True)
        if len(found) != 1:
            raise BenchError("expected one kept AnsiballZ wrapper for %s, found %r" % (module, found))
        self.path = bench.work / ("wrapper-%s.py" % slug)
        shutil.copy(found[0], self.path)
        shutil.rmtree(keep, ignore_errors=True)
        self.module = module
        self.size = self.path.stat().st_size

    def run(self, emulator, importtime=False, timeout=600):
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
            status, usage = wait_bounded(proc, timeout)
            wall = time.perf_counter() - start
        text = out.read_text()
        try:
            result = json.loads(text)
        except ValueError as error:
            raise BenchError("%s printed no JSON (status %s):\n%s\n%s" % (
                self.module, status, text[-2000:], err.read_text()[-2000:])) from error
        if result.get("failed"):
            raise BenchError("%s failed: %s" % (self.module, result.get("msg")))
        maxrss = int(peak.read_text()) if peak.exists() else usage.ru_maxrss
        return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "user": usage.ru_utime,
                "maxrss_kb": maxrss, "result": result, "stderr": err.read_text() if importtime else ""}


def parse_importtime(text):
    """`python -X importtime` lines as (self us, cumulative us, depth, module name)."""
    rows = []
    for line in text.splitlines():
        match = IMPORT_RE.match(line)
        if match:
            rows.append((int(match.group(1)), int(match.group(2)), len(match.group(3)) // 2, match.group(4)))
    return rows
