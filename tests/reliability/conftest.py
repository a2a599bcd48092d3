# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the reliability and security tests.

Every test drives real ``ansible-playbook`` (or module) runs against emulator
*processes* (tests/emulator/capgo_emulator.py) on loopback; each emulator is
stopped at the end of its test, pass or fail.

The collection is found through ``ANSIBLE_COLLECTIONS_PATH`` when that names a
directory holding ``ansible_collections/capgo/cloud``; else a temporary
directory with a symlink to this checkout is made.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
import warnings
from pathlib import Path

import pytest
import requests
import urllib3

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
EMULATOR = ROOT / "tests" / "emulator" / "capgo_emulator.py"
FIGURES_FILE = ROOT / "tests" / "output" / "reliability-figures.json"
PYTHON = sys.executable
BIN = Path(sys.executable).parent

# Figures every test adds to; printed in the terminal summary and written to FIGURES_FILE.
FIGURES: dict = {}


def record(section, **values):
    """Add measured figures (requests, retries, durations, counts) of one test."""
    FIGURES.setdefault(section, {}).update(values)


def tool(name):
    """An ansible CLI next to the running Python (the venv), else on PATH."""
    candidate = BIN / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        pytest.fail("%s not found next to %s nor on PATH" % (name, sys.executable))
    return found


# --------------------------------------------------------------------------- collection
def _has_collection(entry):
    return (Path(entry) / "ansible_collections" / "capgo" / "cloud" / "galaxy.yml").is_file()


@pytest.fixture(scope="session")
def collections_path(tmp_path_factory):
    existing = os.environ.get("ANSIBLE_COLLECTIONS_PATH") or os.environ.get("ANSIBLE_COLLECTIONS_PATHS")
    if existing and any(_has_collection(e) for e in existing.split(os.pathsep) if e):
        return existing
    base = tmp_path_factory.mktemp("collections")
    (base / "ansible_collections" / "capgo").mkdir(parents=True)
    (base / "ansible_collections" / "capgo" / "cloud").symlink_to(ROOT, target_is_directory=True)
    return str(base)


# ----------------------------------------------------------------------------- emulator
class EmulatorProcess:
    """``capgo_emulator.py --control`` as a child process, with a fresh random admin key."""

    def __init__(self, workdir, *args, key=None, start_timeout=30):
        self.key = key or str(uuid.uuid4())
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        n = next(_EMU_IDS)
        self.log_file = self.workdir / ("emulator-%d-requests.jsonl" % n)
        self.output_file = self.workdir / ("emulator-%d-output.txt" % n)
        self.cmd = [PYTHON, "-u", str(EMULATOR), "--port", "0", "--control", "--admin-key", self.key,
                    "--request-log", str(self.log_file), "--rate-limit-per-key", "1000000"] + [str(a) for a in args]
        self._lines = []
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     text=True, encoding="utf-8", errors="replace")
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.url = None
        deadline = time.monotonic() + start_timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            urls = [line.split("=", 1)[1].strip() for line in list(self._lines) if line.startswith("CAPGO_EMULATOR_URL=")]
            keys = [line.split("=", 1)[1].strip() for line in list(self._lines) if line.startswith("CAPGO_EMULATOR_KEY=")]
            if urls and keys:
                self.url = urls[0]
                assert keys[0] == self.key, "the emulator did not take --admin-key"
                break
            time.sleep(0.05)
        if self.url is None:
            self.stop()
            raise RuntimeError("emulator did not start: %s\n%s" % (" ".join(self.cmd), self.output()))
        # An HTTPS emulator has a test certificate: the control calls do not verify it.
        self.session = requests.Session()

    def _read(self):
        with open(self.output_file, "a", encoding="utf-8") as out:
            for line in self.proc.stdout:
                self._lines.append(line)
                out.write(line)
                out.flush()

    def output(self):
        return "".join(self._lines)

    # -- control API --
    def control(self, method, path, body=None):
        # verify=False per request: REQUESTS_CA_BUNDLE in the environment would override a session setting
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", urllib3.exceptions.InsecureRequestWarning)
            # The control API refuses a POST or PUT without this type, even with no body.
            resp = self.session.request(method, self.url + "/_emulator/" + path, json=body, timeout=30, verify=False,
                                        headers={"Content-Type": "application/json"})
        resp.raise_for_status()
        return resp.json()

    def log(self):
        return self.control("GET", "log")["requests"]

    def api_log(self):
        """The API requests (the control API is not logged by the emulator)."""
        return [e for e in self.log() if not e["path"].startswith("/_emulator")]

    def writes(self):
        return [e for e in self.api_log() if e["method"] in ("POST", "PUT", "DELETE")]

    def clear_log(self):
        self.control("DELETE", "log")

    def state(self):
        return self.control("GET", "state")

    def orgs(self, prefix=""):
        return [o for o in self.state()["orgs"] if o["name"].startswith(prefix)]

    def faults(self, **faults):
        return self.control("PUT", "faults", faults)

    def reset(self, seed=None):
        return self.control("POST", "reset", seed)

    def log_file_text(self):
        return self.log_file.read_text(encoding="utf-8") if self.log_file.exists() else ""

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._reader.join(5)


_EMU_IDS = itertools.count(1)


@pytest.fixture
def emulator_factory(tmp_path):
    """start(*cli_args, key=None) -> EmulatorProcess; every one is stopped after the test."""
    started = []

    def start(*args, key=None):
        emu = EmulatorProcess(tmp_path / "emulator", *args, key=key)
        started.append(emu)
        return emu

    yield start
    for emu in started:
        emu.stop()


@pytest.fixture
def emulator(emulator_factory):
    """A fault-free emulator with the default seed (one org, one admin key)."""
    return emulator_factory()


# ----------------------------------------------------------------------------- playbooks
class PlaybookRun:
    """Outcome of one ansible-playbook run: rc, stdout, stderr, duration, per-task events and recap."""

    def __init__(self, cmd, rc, stdout, stderr, duration, report):
        self.cmd = cmd
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.duration = duration
        self.events = report.get("events", [])
        self.stats = report.get("stats", {})

    @property
    def text(self):
        return self.stdout + "\n" + self.stderr

    def task_events(self, task):
        return [e for e in self.events if e["task"] == task]

    def one(self, task, host="localhost"):
        found = [e for e in self.events if e["task"] == task and e["host"] == host]
        assert len(found) == 1, "expected one result of %r on %s, got %r\n%s" % (task, host, found, self.text[-4000:])
        return found[0]

    def statuses(self):
        """{(task, host): ok|changed|failed|skipped}, the shape compared between runs."""
        return dict(((e["task"], e["host"]), e["status"]) for e in self.events)

    def describe(self):
        return "rc=%s in %.1fs\n--- stdout (tail)\n%s\n--- stderr (tail)\n%s" % (
            self.rc, self.duration, self.stdout[-6000:], self.stderr[-3000:])


_RUN_IDS = itertools.count(1)


@pytest.fixture
def run_playbook(collections_path, tmp_path):
    """run_playbook(yaml_text, inventory=None, forks=None, verbosity=0, diff=False, env=None, args=(), timeout=600)."""

    def run(playbook, inventory=None, forks=None, verbosity=0, diff=False, env=None, args=(), timeout=600):
        n = next(_RUN_IDS)
        work = tmp_path / ("run-%d" % n)
        work.mkdir()
        book = work / "playbook.yml"
        book.write_text(playbook, encoding="utf-8")
        events = work / "events.json"
        config = tmp_path / "ansible.cfg"
        if not config.exists():
            # no ansible.cfg of the caller's leaks in
            config.write_text("[defaults]\n", encoding="utf-8")
        cmd = [tool("ansible-playbook"), "-c", "local"]
        if inventory is None:
            cmd += ["-i", "localhost,"]
        else:
            inv = work / "inventory.ini"
            inv.write_text(inventory, encoding="utf-8")
            cmd += ["-i", str(inv)]
        if forks:
            cmd += ["-f", str(forks)]
        if verbosity:
            cmd.append("-" + "v" * verbosity)
        if diff:
            cmd.append("--diff")
        cmd += list(args) + [str(book)]
        full_env = dict((k, v) for k, v in os.environ.items() if not k.startswith("CAPGO_"))
        full_env.update({
            "ANSIBLE_COLLECTIONS_PATH": collections_path,
            "ANSIBLE_PYTHON_INTERPRETER": PYTHON,
            "ANSIBLE_CALLBACK_PLUGINS": str(HERE / "callback_plugins"),
            "ANSIBLE_CALLBACKS_ENABLED": "reliability_events",
            "RELIABILITY_EVENTS_FILE": str(events),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_HOST_KEY_CHECKING": "0",
            "ANSIBLE_LOCALHOST_WARNING": "0",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
            "ANSIBLE_HOME": str(tmp_path / "ansible-home"),
            "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp"),
            "ANSIBLE_REMOTE_TEMP": str(tmp_path / "ansible-remote-tmp"),
            "ANSIBLE_CONFIG": str(config),
            "PATH": str(BIN) + os.pathsep + os.environ.get("PATH", ""),
        })
        full_env.update(env or {})
        start = time.monotonic()
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace",
                                  env=full_env, cwd=str(work), timeout=timeout, stdin=subprocess.DEVNULL, check=False)
        except subprocess.TimeoutExpired as exc:
            pytest.fail("ansible-playbook did not finish within %ss: %s\n%s" % (timeout, cmd, exc.stdout))
        duration = time.monotonic() - start
        (work / "stdout.txt").write_text(proc.stdout, encoding="utf-8")
        (work / "stderr.txt").write_text(proc.stderr, encoding="utf-8")
        report = {}
        if events.exists():
            report = json.loads(events.read_text(encoding="utf-8"))
        return PlaybookRun(cmd, proc.returncode, proc.stdout, proc.stderr, duration, report)

    return run


def task_yaml(module, args, name=None, register=None, extra=None):
    """One task as YAML text (args rendered as a JSON flow mapping, which YAML reads as is)."""
    lines = ["    - name: %s" % json.dumps(name or module, ensure_ascii=False),
             "      %s: %s" % (module, json.dumps(args, ensure_ascii=False))]
    if register:
        lines.append("      register: %s" % register)
    for key, value in (extra or {}).items():
        lines.append("      %s: %s" % (key, json.dumps(value)))
    return "\n".join(lines) + "\n"


def play_yaml(tasks, hosts="localhost", defaults=None):
    """A one-play playbook; ``defaults`` become module_defaults of group/capgo.cloud.capgo."""
    text = "- name: reliability\n  hosts: %s\n  gather_facts: false\n" % hosts
    if defaults:
        text += "  module_defaults:\n    group/capgo.cloud.capgo: %s\n" % json.dumps(defaults)
    return text + "  tasks:\n" + "".join(tasks)


# --------------------------------------------------------------------------- modules direct
def run_module(collections_path, module, args, timeout=120):
    """Run a module the way AnsiballZ does, without ansible-playbook: (rc, stdout, stderr, result or None, seconds).

    Used by the property-based test, where one ansible-playbook start per example would cost 10x more.
    """
    payload = json.dumps({"ANSIBLE_MODULE_ARGS": args})
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith("CAPGO_"))
    env["PYTHONPATH"] = os.pathsep.join(e for e in collections_path.split(os.pathsep) if e)
    start = time.monotonic()
    proc = subprocess.run([PYTHON, "-m", "ansible_collections.capgo.cloud.plugins.modules.%s" % module],
                          input=payload, capture_output=True, text=True, encoding="utf-8", errors="replace",
                          env=env, timeout=timeout, check=False)
    seconds = time.monotonic() - start
    result = None
    try:
        result = json.loads(proc.stdout)
    except ValueError:
        pass
    return proc.returncode, proc.stdout, proc.stderr, result, seconds


# ------------------------------------------------------------------------------ figures
def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    FIGURES_FILE.parent.mkdir(parents=True, exist_ok=True)
    FIGURES_FILE.write_text(json.dumps(FIGURES, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    terminalreporter.section("reliability figures (also in %s)" % FIGURES_FILE.relative_to(ROOT))
    for section in sorted(FIGURES):
        values = ", ".join("%s=%s" % (k, v) for k, v in sorted(FIGURES[section].items()))
        terminalreporter.write_line("%s: %s" % (section, values))
