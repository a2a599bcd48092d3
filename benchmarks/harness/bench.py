# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The benchmark's environment: a private work directory, the child environment, playbook runs.

Every child (ansible-playbook, module wrappers, emulators) gets `Bench.env()`: proxy
variables and the caller's ANSIBLE_* / CAPGO_* are dropped, so a run talks only to its
own emulators on 127.0.0.1 and measures the same configuration on every machine.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from harness.common import ADMIN_KEY, BENCH, PLAYBOOKS, BenchError


class Bench:
    """Paths, the child environment and playbook runs, shared by every scenario."""

    def __init__(self, args):
        self.args = args
        self.python = sys.executable
        self.bindir = Path(self.python).parent
        self.ansible_playbook = self._tool("ansible-playbook")
        self.work = Path(tempfile.mkdtemp(prefix="capgo-bench-"))
        coll = os.environ.get("ANSIBLE_COLLECTIONS_PATH")
        if args.collection or not coll:
            # A collection path of our own: capgo.cloud is this checkout (or --collection).
            link = self.work / "collections" / "ansible_collections" / "capgo"
            link.mkdir(parents=True)
            (link / "cloud").symlink_to(Path(args.collection or BENCH.parent).resolve(), target_is_directory=True)
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
        """The environment of a child; with an emulator, the modules' CAPGO_API_URL / CAPGO_API_KEY."""
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

    def run_playbook(self, playbook, emulator, extra_vars=None, env=None, timeout=1800):
        """Run one playbook of benchmarks/playbooks/ (or a path) against an emulator.

        extra_vars go in as one JSON `-e` (booleans and numbers keep their type); env is
        added to the child's environment (e.g. a switch such as CAPGO_IN_PROCESS=false).
        Returns wall time, CPU time of the whole process tree (wait4) and the callback's
        records (one per task result or loop item).
        """
        timing = self.work / "timing.jsonl"
        if timing.exists():
            timing.unlink()
        path = Path(playbook) if os.path.isabs(playbook) else PLAYBOOKS / playbook
        cmd = [self.ansible_playbook, "-i", "localhost,", "-c", "local", str(path)]
        if extra_vars:
            cmd += ["-e", json.dumps(extra_vars)]
        out = self.work / "playbook.log"
        with open(out, "w") as handle:
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, cwd=self.work, stdout=handle, stderr=subprocess.STDOUT,
                                    env=self.env(emulator, BENCH_TIMING_FILE=str(timing), **(env or {})))
            status, usage = wait_bounded(proc, timeout)
            wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            raise BenchError("%s failed (rc %s):\n%s" % (path.name, code, out.read_text()[-4000:]))
        records = [json.loads(line) for line in timing.read_text().splitlines()] if timing.exists() else []
        return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "records": records}

    def close(self):
        for emulator in self.emulators:
            emulator.stop()
        shutil.rmtree(self.work, ignore_errors=True)


def wait_bounded(proc, timeout):
    """os.wait4 of a child (its own rusage, wall time undisturbed), killing it after timeout seconds.

    A blocking wait4 with a timer rather than a polling loop: polling would add its
    interval to the measured wall time and take CPU from what is measured.
    """
    fired = []

    def kill():
        fired.append(True)
        proc.kill()

    timer = threading.Timer(timeout, kill)
    timer.start()
    try:
        _dummy, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if fired:
        raise BenchError("%s ran over %d s and was killed" % (" ".join(map(str, proc.args)), timeout))
    return status, usage
