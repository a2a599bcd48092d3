# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every example the collection shows is executed: extract (extract.py), classify (manifest.yml), run, assert.

Each example runs against its own emulator process (port 0, loaded with seed.json), with real
ansible-playbook / ansible runs. Examples run in parallel (EXAMPLES_JOBS, default 3); an
unclassified example, or an entry whose example is gone, fails.
"""

from __future__ import annotations

import concurrent.futures
import importlib.util
import itertools
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import yaml

from extract import ROOT, adhoc_commands, all_examples

HERE = Path(__file__).resolve().parent
SEED = json.loads((HERE / "seed.json").read_text(encoding="utf-8"))
MANIFEST = yaml.safe_load((HERE / "manifest.yml").read_text(encoding="utf-8"))
ENTRIES = dict((entry["key"], entry) for entry in MANIFEST)
EXAMPLES = dict((example.key, example) for example in all_examples())
KINDS = {"playbook", "tasks", "adhoc", "seed", "python", "parse", "self-checking", "not-run"}
RUN_KINDS = KINDS - {"not-run"}
JOBS = max(1, int(os.environ.get("EXAMPLES_JOBS", "3")))

# The emulator process and the playbook-result record of the reliability tests.
_spec = importlib.util.spec_from_file_location("capgo_reliability_fixtures", ROOT / "tests" / "reliability" / "conftest.py")
reliability = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reliability)

_RUN_IDS = itertools.count(1)


class ExampleFailure(AssertionError):
    pass


def expect(condition, message, run=None):
    if not condition:
        raise ExampleFailure(message + ("\n" + run.describe() if run is not None else ""))


# ------------------------------------------------------------------------------ classification
def test_every_example_is_classified():
    unclassified = sorted(set(EXAMPLES) - set(ENTRIES))
    assert not unclassified, "examples not in tests/examples/manifest.yml (classify them):\n" + "\n".join(
        "%s\n    first line: %s" % (key, EXAMPLES[key].first_line) for key in unclassified)
    gone = sorted(set(ENTRIES) - set(EXAMPLES))
    assert not gone, "manifest entries whose example no longer exists:\n" + "\n".join(gone)


def test_manifest_entries_are_well_formed():
    problems = []
    for key, entry in ENTRIES.items():
        if entry.get("kind") not in KINDS:
            problems.append("%s: unknown kind %r" % (key, entry.get("kind")))
        if entry.get("kind") == "not-run" and not entry.get("reason"):
            problems.append("%s: not-run needs a reason" % key)
        if entry.get("check_first", "compare") not in ("compare", "chain"):
            problems.append("%s: check_first is compare or chain" % key)
        example = EXAMPLES.get(key)
        if example is not None and not example.first_line.startswith(str(entry.get("starts", ""))):
            problems.append("%s: the example starts with %r, the manifest says %r (did examples move?)"
                            % (key, example.first_line, entry.get("starts")))
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------------------------ running
def _collections_path(tmp):
    existing = os.environ.get("ANSIBLE_COLLECTIONS_PATH", "")
    if any((Path(e) / "ansible_collections" / "capgo" / "cloud" / "galaxy.yml").is_file() for e in existing.split(os.pathsep) if e):
        return existing
    (tmp / "collections" / "ansible_collections" / "capgo").mkdir(parents=True)
    (tmp / "collections" / "ansible_collections" / "capgo" / "cloud").symlink_to(ROOT, target_is_directory=True)
    return str(tmp / "collections")


class Workspace:
    """One example's emulator and runs, in its own directory."""

    def __init__(self, base, key, collections_path):
        self.dir = Path(tempfile.mkdtemp(prefix="example-", dir=base))
        self.collections_path = collections_path
        self.emulator = reliability.EmulatorProcess(self.dir / "emulator")
        # The control API answers key values only when the seed asks for them.
        self.api_key = self.emulator.reset(dict(SEED, echo_keys=True))["keys"]["ci"]
        self.transcript = ["example: " + key]

    def env(self):
        env = dict((k, v) for k, v in os.environ.items() if not k.startswith("CAPGO_"))
        env.update({
            "CAPGO_API_URL": self.emulator.url,
            "CAPGO_API_KEY": self.api_key,
            "ANSIBLE_COLLECTIONS_PATH": self.collections_path,
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ANSIBLE_CALLBACK_PLUGINS": str(ROOT / "tests" / "reliability" / "callback_plugins"),
            "ANSIBLE_CALLBACKS_ENABLED": "reliability_events",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_LOCALHOST_WARNING": "0",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
            "ANSIBLE_HOME": str(self.dir / "ansible-home"),
            "ANSIBLE_LOCAL_TEMP": str(self.dir / "ansible-tmp"),
            "ANSIBLE_CONFIG": str(self.dir / "ansible.cfg"),
            "PATH": str(reliability.BIN) + os.pathsep + os.environ.get("PATH", ""),
        })
        (self.dir / "ansible.cfg").write_text("[defaults]\n", encoding="utf-8")
        return env

    def run(self, argv, label, timeout=300):
        n = next(_RUN_IDS)
        events = self.dir / ("events-%d.json" % n)
        env = self.env()
        env["RELIABILITY_EVENTS_FILE"] = str(events)
        start = time.monotonic()
        proc = subprocess.run(argv, capture_output=True, text=True, encoding="utf-8", errors="replace", env=env,
                              cwd=str(self.dir), timeout=timeout, stdin=subprocess.DEVNULL, check=False)
        report = json.loads(events.read_text(encoding="utf-8")) if events.exists() else {}
        run = reliability.PlaybookRun(argv, proc.returncode, proc.stdout, proc.stderr, time.monotonic() - start, report)
        self.transcript.append("%s: rc=%s %s" % (label, run.rc, dict(run.stats)))
        return run

    def playbook(self, path, extra_vars, check=False, label="run"):
        vars_file = self.dir / "extra-vars.json"
        vars_file.write_text(json.dumps(extra_vars), encoding="utf-8")
        argv = [reliability.tool("ansible-playbook"), "-i", "localhost,", "-c", "local", "-e", "@%s" % vars_file, str(path)]
        if check:
            argv.append("--check")
        return self.run(argv, label)

    def stop(self):
        self.emulator.stop()


def expect_no_write(ws, before, run, label):
    """The emulator's state is what it was, and its request log shows no POST or DELETE."""
    writes = [e for e in ws.emulator.api_log() if e["method"] in ("POST", "DELETE")]
    expect(not writes, "%s sent %r" % (label, writes), run)
    # A PUT carrying only orgId reads the security settings; any other PUT would change the state.
    expect(ws.emulator.state() == before, "%s changed the emulator's state" % label, run)


def changed_total(run):
    return sum(host.get("changed", 0) for host in run.stats.values())


def as_playbook(example, entry):
    """The example as playbook text (a task list becomes the tasks of a localhost play)."""
    if entry["kind"] == "playbook":
        return example.text
    tasks = "".join("    " + line + "\n" if line.strip() else "\n" for line in example.text.splitlines())
    return ("---\n- name: Example tasks of %s\n  hosts: localhost\n  gather_facts: false\n  tasks:\n%s"
            % (example.file, tasks))


def run_playbook_example(ws, example, entry):
    """Check first (fresh emulator), real, real again, check: idempotent, honest check mode, no write in checks."""
    book = ws.dir / "playbook.yml"
    book.write_text(as_playbook(example, entry), encoding="utf-8")
    extra = {"vault_capgo_api_key": ws.api_key}
    extra.update(entry.get("vars") or {})

    before = ws.emulator.state()
    ws.emulator.clear_log()
    first_check = ws.playbook(book, extra, check=True, label="--check on the fresh emulator")
    expect(first_check.rc == 0, "--check on a fresh emulator failed", first_check)
    expect_no_write(ws, before, first_check, "--check on a fresh emulator")

    real = ws.playbook(book, extra, label="first real run")
    expect(real.rc == 0, "the first real run failed", real)
    if entry.get("check_first", "compare") == "compare":
        predicted, done = first_check.statuses(), real.statuses()
        expect(predicted == done, "check mode predicted %r, the real run did %r" % (predicted, done), real)

    again = ws.playbook(book, extra, label="second real run")
    expect(again.rc == 0 and changed_total(again) == 0, "the second real run is not changed=0", again)

    before = ws.emulator.state()
    ws.emulator.clear_log()
    last_check = ws.playbook(book, extra, check=True, label="--check after two runs")
    expect(last_check.rc == 0 and changed_total(last_check) == 0, "--check after two runs is not changed=0", last_check)
    expect_no_write(ws, before, last_check, "--check after two runs")


def run_adhoc_example(ws, example, entry):
    commands = adhoc_commands(example.text)
    expect(commands, "no `ansible localhost -m ...` line in this example")
    for command in commands:
        argv = shlex.split(command)
        argv[0] = reliability.tool("ansible")
        before = ws.emulator.state()
        ws.emulator.clear_log()
        run = ws.run(argv, command)
        expect(run.rc == 0, "ad hoc command failed: %s" % command, run)
        if "--check" in argv or "-C" in argv:
            expect_no_write(ws, before, run, "ad hoc --check: %s" % command)


def run_seed_example(ws, example, entry):
    seed = json.loads(example.text)
    answer = ws.emulator.reset(seed)
    expect(set(answer["key_names"]) == set(k["name"] for k in seed.get("keys", [])), "the seed's keys were not all loaded")
    names = sorted(o["name"] for o in ws.emulator.state()["orgs"])
    expect(names == sorted(o["name"] for o in seed.get("orgs", [])), "the seed's organizations were not loaded: %r" % names)


def run_python_example(ws, example, entry):
    proc = subprocess.run([sys.executable, "-c", example.text], capture_output=True, text=True, cwd=str(ROOT),
                          timeout=120, stdin=subprocess.DEVNULL, check=False)
    expect(proc.returncode == 0, "the Python example failed:\n%s\n%s" % (proc.stdout[-3000:], proc.stderr[-3000:]))


def run_parse_example(ws, example, entry):
    if example.language == "json":
        json.loads(example.text)
    else:
        expect(yaml.safe_load(example.text) is not None, "empty YAML")


def run_self_checking_example(ws, example, entry):
    book = ROOT / example.file
    names = sorted(o["name"] for o in ws.emulator.state()["orgs"])
    for label in ("first run", "second run"):
        run = ws.playbook(book, {}, label=label)
        expect(run.rc == 0, "%s failed" % label, run)
        after = sorted(o["name"] for o in ws.emulator.state()["orgs"])
        expect(after == names, "%s left organizations behind: %r" % (label, after), run)


RUNNERS = {
    "playbook": run_playbook_example,
    "tasks": run_playbook_example,
    "adhoc": run_adhoc_example,
    "seed": run_seed_example,
    "python": run_python_example,
    "parse": run_parse_example,
    "self-checking": run_self_checking_example,
}


def run_example(base, collections_path, key):
    example, entry = EXAMPLES[key], ENTRIES[key]
    ws = Workspace(base, key, collections_path)
    try:
        RUNNERS[entry["kind"]](ws, example, entry)
        return None
    except ExampleFailure as exc:
        return "\n".join(ws.transcript) + "\n" + str(exc)
    finally:
        ws.stop()


def _selected_keys(session):
    keys = []
    for item in session.items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and item.originalname == "test_example" and callspec.params.get("key") in ENTRIES:
            keys.append(callspec.params["key"])
    return keys


@pytest.fixture(scope="session")
def outcomes(request, tmp_path_factory):
    """Run every selected example once, JOBS at a time; {key: None or failure text}."""
    base = tmp_path_factory.mktemp("examples")
    collections_path = _collections_path(base)
    keys = [k for k in _selected_keys(request.session) if ENTRIES[k]["kind"] in RUN_KINDS]
    with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as pool:
        futures = dict((key, pool.submit(run_example, base, collections_path, key)) for key in keys)
        return dict((key, future.result()) for key, future in futures.items())


RUNNABLE = sorted(key for key in EXAMPLES if ENTRIES.get(key, {}).get("kind") in RUN_KINDS)


@pytest.mark.parametrize("key", RUNNABLE)
def test_example(key, outcomes):
    failure = outcomes[key]
    assert failure is None, failure


# ------------------------------------------------------------------------------------- lint
def test_playbook_examples_pass_ansible_lint(tmp_path):
    """Every playbook and task-list example, as the playbook the runner runs, passes ansible-lint (production)."""
    books = []
    for key in RUNNABLE:
        entry = ENTRIES[key]
        if entry["kind"] in ("playbook", "tasks", "self-checking"):
            name = "".join(c if c.isalnum() else "-" for c in key.lower()).strip("-") + ".yml"
            text = as_playbook(EXAMPLES[key], entry) if entry["kind"] != "self-checking" else EXAMPLES[key].text
            if not text.startswith("---"):
                text = "---\n" + text
            (tmp_path / name).write_text(text, encoding="utf-8")
            books.append(name)
    assert len(books) >= 8
    env = dict(os.environ)
    env["ANSIBLE_COLLECTIONS_PATH"] = _collections_path(tmp_path)
    env["PATH"] = str(reliability.BIN) + os.pathsep + env.get("PATH", "")
    env["ANSIBLE_HOME"] = str(tmp_path / "ansible-home")
    proc = subprocess.run([reliability.tool("ansible-lint"), "--offline", "--profile", "production", "--nocolor"] + books,
                          capture_output=True, text=True, cwd=str(tmp_path), env=env, timeout=600, check=False)
    assert proc.returncode == 0, "ansible-lint failed:\n%s\n%s" % (proc.stdout[-6000:], proc.stderr[-6000:])
