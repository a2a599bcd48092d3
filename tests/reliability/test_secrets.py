# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets: the API key never appears in -vvvv output, --diff, errors, tracebacks or the emulator's logs."""

from __future__ import annotations

import json
import socket
import uuid

import pytest
from conftest import HERE, record

SUCCESS = """
- name: success at -vvvv --diff
  hosts: localhost
  gather_facts: false
  tasks:
    - name: create
      capgo.cloud.capgo_organization:
        name: Secret Org
        management_email: secret@example.com
        website: secret.example.com
      register: created
    - name: update with the key from a variable
      capgo.cloud.capgo_organization:
        org_id: "{{ created.organization.id }}"
        website: other.example.com
        logo: org/logo.png
        max_apikey_expiration_days: 30
        api_key: "{{ lookup('env', 'REL_SECRET') }}"
    - name: predicted change (check mode)
      capgo.cloud.capgo_organization:
        org_id: "{{ created.organization.id }}"
        name: Secret Org renamed
      check_mode: true
    - name: read
      capgo.cloud.capgo_organization_info:
        name: Secret Org
      register: info
    - name: show everything
      ansible.builtin.debug:
        var: info
    - name: delete
      capgo.cloud.capgo_organization:
        org_id: "{{ created.organization.id }}"
        state: absent
"""

FAILURES = """
- name: failures at -vvvv --diff
  hosts: localhost
  gather_facts: false
  tasks:
    - name: server refuses an unknown key (HTTP 401)
      capgo.cloud.capgo_organization:
        name: Secret Org
        api_key: "{{ lookup('env', 'REL_WRONG') }}"
      ignore_errors: true
    - name: server error for an organization the key cannot see
      capgo.cloud.capgo_organization:
        org_id: 99999999-9999-4999-8999-999999999999
        name: Not visible
      ignore_errors: true
    - name: transport error (refused port, key in the URL path too)
      capgo.cloud.capgo_organization_info:
        api_url: "http://127.0.0.1:{{ lookup('env', 'REL_CLOSED_PORT') }}/{{ lookup('env', 'REL_SECRET') }}"
        api_retries: 1
      ignore_errors: true
    - name: invalid URL
      capgo.cloud.capgo_organization_info:
        api_url: "http://exa mple.invalid:99999/{{ lookup('env', 'REL_SECRET') }}"
        api_retries: 0
      ignore_errors: true
"""

FAULT_503 = """
- name: server error under faults
  hosts: localhost
  gather_facts: false
  tasks:
    - name: 503 on every request
      capgo.cloud.capgo_organization:
        name: Secret Org
        api_retries: 1
      ignore_errors: true
"""

INJECTED = """
- name: injected exception
  hosts: localhost
  gather_facts: false
  tasks:
    - name: exception with URL and headers
      capgo.cloud.capgo_organization:
        name: Secret Org
        api_retries: 0
      ignore_errors: true
"""


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _assert_absent(secrets, named_texts):
    for name, text in named_texts.items():
        for secret in secrets:
            assert secret not in text, "the API key appears in %s" % name


def _env(emu, **extra):
    env = {"CAPGO_API_URL": emu.url, "CAPGO_API_KEY": emu.key, "REL_SECRET": emu.key}
    env.update(extra)
    return env


def _on_path(play, path):
    """The play as it runs on one execution path: in-process (the default on the controller), or as a
    module process, which a task environment forces."""
    if path == "in_process":
        return play
    return play.replace("  gather_facts: false\n", "  gather_facts: false\n  environment:\n    CAPGO_EXECUTION: module\n")


@pytest.mark.parametrize("path", ["in_process", "module"])
def test_key_never_in_output_diff_errors_or_logs(emulator, run_playbook, path):
    wrong = str(uuid.uuid4())
    texts = {}
    runs = {}
    runs["success"] = run_playbook(_on_path(SUCCESS, path), verbosity=4, diff=True, env=_env(emulator))
    assert runs["success"].rc == 0, runs["success"].describe()
    assert [e["status"] for e in runs["success"].events] == ["changed", "changed", "changed", "ok", "ok", "changed"]
    assert "--- before" in runs["success"].stdout  # the diff was shown
    # -vvvv shows every step of a module process; the in-process path sends no module.
    assert ("AnsiballZ_capgo_organization" in runs["success"].stdout) is (path == "module")

    runs["failures"] = run_playbook(_on_path(FAILURES, path), verbosity=4, diff=True,
                                    env=_env(emulator, REL_WRONG=wrong, REL_CLOSED_PORT=str(_closed_port())))
    assert runs["failures"].rc == 0, runs["failures"].describe()
    msgs = [e.get("msg", "") for e in runs["failures"].events]
    assert [e["status"] for e in runs["failures"].events] == ["failed"] * 4, msgs
    assert "HTTP 401 invalid_apikey" in msgs[0]
    assert "does not exist or is not visible" in msgs[1]
    assert "connection error" in msgs[2] and "gave up after 2 attempts" in msgs[2]

    emulator.faults(fault_503_every=1)
    runs["fault_503"] = run_playbook(_on_path(FAULT_503, path), verbosity=4, diff=True, env=_env(emulator))
    assert "HTTP 503 service_unavailable" in runs["fault_503"].one("503 on every request")["msg"]
    emulator.faults(fault_503_every=0)

    inject = {"PYTHONPATH": str(HERE / "inject")}
    runs["requests_exc"] = run_playbook(_on_path(INJECTED, path), verbosity=4, diff=True,
                                        env=_env(emulator, RELIABILITY_INJECT="requests_exc", **inject))
    msg = runs["requests_exc"].one("exception with URL and headers")["msg"]
    assert "ConnectionError" in msg or "connection error" in msg, msg

    for name, run in runs.items():
        texts[name + " stdout"] = run.stdout
        texts[name + " stderr"] = run.stderr
        texts[name + " results"] = json.dumps(run.events)
    texts["emulator request log file"] = emulator.log_file_text()
    texts["/_emulator/log"] = json.dumps(emulator.log())
    # the emulator announces its admin key on start (CAPGO_EMULATOR_KEY=...); nothing else it prints may hold it
    texts["emulator output"] = "".join(line for line in emulator.output().splitlines(True)
                                       if not line.startswith("CAPGO_EMULATOR_KEY="))
    assert emulator.log_file_text().count("\n") == len(emulator.log()) > 10
    _assert_absent([emulator.key, wrong], texts)
    record("secrets", playbook_runs=len(runs), texts_checked=len(texts),
           bytes_checked=sum(len(t) for t in texts.values()), key_found=0)


def test_key_never_in_a_traceback(emulator, run_playbook):
    run = run_playbook(INJECTED, verbosity=4, diff=True,
                       env=_env(emulator, RELIABILITY_INJECT="other_exc", PYTHONPATH=str(HERE / "inject")))
    event = run.one("exception with URL and headers")
    assert event["status"] == "failed"
    _assert_absent([emulator.key], {"stdout": run.stdout, "stderr": run.stderr, "results": json.dumps(run.events)})
    assert "Traceback" not in json.dumps(event.get("msg"))


def test_key_with_whitespace_never_echoed(emulator, run_playbook):
    play = """
- name: bad key
  hosts: localhost
  gather_facts: false
  tasks:
    - name: tab before the key
      capgo.cloud.capgo_organization_info:
        api_key: "\\t{{ lookup('env', 'REL_SECRET') }}"
        api_retries: 0
      ignore_errors: true
"""
    run = run_playbook(play, verbosity=4, env=_env(emulator))
    event = run.one("tab before the key")
    assert event["status"] == "failed"
    _assert_absent([emulator.key], {"stdout": run.stdout, "stderr": run.stderr})
    assert "api_key" in event["msg"]
    assert emulator.api_log() == []
