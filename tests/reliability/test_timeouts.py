# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Timeouts: a server that accepts the connection and never answers."""

from __future__ import annotations

import time

from conftest import record

PLAY = """
- name: hang
  hosts: localhost
  gather_facts: false
  tasks:
    - name: read
      capgo.cloud.capgo_organization_info:
        api_timeout: 2
        api_retries: 0
      ignore_errors: true
    - name: create
      capgo.cloud.capgo_organization:
        name: Never answered
        api_timeout: 2
        api_retries: 0
      ignore_errors: true
    - name: read with one retry
      capgo.cloud.capgo_organization_info:
        api_timeout: 2
        api_retries: 1
      ignore_errors: true
"""


def test_hanging_server_fails_after_api_timeout(emulator_factory, run_playbook):
    emu = emulator_factory("--hang")
    start = time.monotonic()
    run = run_playbook(PLAY, env={"CAPGO_API_URL": emu.url, "CAPGO_API_KEY": emu.key}, timeout=120)
    seconds = time.monotonic() - start
    assert run.rc == 0, run.describe()
    for task in ("read", "create", "read with one retry"):
        event = run.one(task)
        assert event["status"] == "failed"
        assert "no answer within api_timeout=2s" in event["msg"], event["msg"]
    assert "gave up after 2 attempts" in run.one("read with one retry")["msg"]
    # 2 + 2 + 2x2 s of timeouts plus a backoff and ansible's start-up: far below 20 s per task
    assert seconds < 20 * 3, seconds
    assert emu.orgs("Never answered") == []
    record("timeouts", api_timeout=2, tasks=3, seconds_three_tasks=round(seconds, 1),
           message=run.one("read")["msg"])


def test_single_hanging_task_is_bounded(emulator_factory, run_playbook):
    emu = emulator_factory("--hang")
    play = ("- hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: one\n      capgo.cloud.capgo_organization:\n"
            "        name: Never answered\n        api_timeout: 2\n        api_retries: 0\n")
    start = time.monotonic()
    run = run_playbook(play, env={"CAPGO_API_URL": emu.url, "CAPGO_API_KEY": emu.key}, timeout=120)
    seconds = time.monotonic() - start
    assert run.rc != 0
    assert "api_timeout" in run.one("one")["msg"]
    assert seconds < 20, seconds
    record("timeouts", seconds_one_task=round(seconds, 1))
