# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rate limits and outages: the same playbooks with and without injected 429/503 end the same way."""

from __future__ import annotations

import collections
import time

from conftest import record

HOSTS = ["org%02d" % i for i in range(1, 21)]
PREFIX = "rel-fault-"
INVENTORY = "[orgs]\n" + "\n".join(HOSTS) + "\n"

# 20 organizations, one per inventory host, managed from the controller (delegate_to: localhost).
# api_retries is raised from 5 to 20 for this run only: with 20 forks the requests of different hosts interleave, so one
# host's retries can land on several fault numbers in a row (47% of all requests are faults here); 20 keeps the chance of
# a task legitimately giving up below 1e-7 per request. Serially, every 3rd/5th request never gives more than 2 faults in a row.
PHASE_A = """
- name: create, re-run, update, re-run
  hosts: orgs
  gather_facts: false
  strategy: free
  module_defaults:
    group/capgo.cloud.capgo:
      api_retries: 20
  vars:
    org_name: "%(prefix)s{{ inventory_hostname }}"
  tasks:
    - name: create
      capgo.cloud.capgo_organization:
        name: "{{ org_name }}"
        management_email: "billing-{{ inventory_hostname }}@example.com"
      delegate_to: localhost
    - name: create again
      capgo.cloud.capgo_organization:
        name: "{{ org_name }}"
        management_email: "billing-{{ inventory_hostname }}@example.com"
      delegate_to: localhost
    - name: update
      capgo.cloud.capgo_organization:
        name: "{{ org_name }}"
        website: "{{ inventory_hostname }}.example.com"
        max_apikey_expiration_days: 90
      delegate_to: localhost
    - name: update again
      capgo.cloud.capgo_organization:
        name: "{{ org_name }}"
        website: "{{ inventory_hostname }}.example.com"
        max_apikey_expiration_days: 90
      delegate_to: localhost
""" % {"prefix": PREFIX}

PHASE_B = """
- name: delete
  hosts: orgs
  gather_facts: false
  strategy: free
  module_defaults:
    group/capgo.cloud.capgo:
      api_retries: 20
  tasks:
    - name: delete
      capgo.cloud.capgo_organization:
        name: "%(prefix)s{{ inventory_hostname }}"
        state: absent
      delegate_to: localhost
""" % {"prefix": PREFIX}

EXPECTED_STATUS = {"create": "changed", "create again": "ok", "update": "changed", "update again": "ok",
                   "delete": "changed"}


def _env(emu):
    return {"CAPGO_API_URL": emu.url, "CAPGO_API_KEY": emu.key}


def _run_phases(emu, run_playbook):
    """Both phases; returns (runs, state after phase A, state after phase B)."""
    runs = []
    run = run_playbook(PHASE_A, inventory=INVENTORY, forks=20, env=_env(emu))
    runs.append(run)
    assert run.rc == 0, run.describe()
    after_a = emu.orgs(PREFIX)
    run = run_playbook(PHASE_B, inventory=INVENTORY, forks=20, env=_env(emu))
    runs.append(run)
    assert run.rc == 0, run.describe()
    after_b = emu.orgs(PREFIX)
    return runs, after_a, after_b


def _check_state(after_a, after_b):
    names = [o["name"] for o in after_a]
    assert len(names) == len(set(names)) == 20, "duplicates or missing organizations: %r" % sorted(names)
    assert set(names) == set(PREFIX + h for h in HOSTS)
    for org in after_a:
        host = org["name"][len(PREFIX):]
        assert org["management_email"] == "billing-%s@example.com" % host
        assert org["website"] == "https://%s.example.com/" % host
        assert org["max_apikey_expiration_days"] == 90
    assert after_b == []


def test_faults_end_in_the_same_state_and_task_results(emulator_factory, run_playbook):
    clean = emulator_factory()
    start = time.monotonic()
    clean_runs, clean_a, clean_b = _run_phases(clean, run_playbook)
    clean_seconds = time.monotonic() - start
    _check_state(clean_a, clean_b)
    clean_log = clean.api_log()

    faulty = emulator_factory("--fault-429-every", 3, "--retry-after", 1, "--fault-503-every", 5)
    start = time.monotonic()
    faulty_runs, faulty_a, faulty_b = _run_phases(faulty, run_playbook)
    faulty_seconds = time.monotonic() - start
    _check_state(faulty_a, faulty_b)
    log = faulty.api_log()

    for clean_run, faulty_run in zip(clean_runs, faulty_runs):
        # every task on every host: ok/changed exactly as without faults, and as intended
        assert faulty_run.statuses() == clean_run.statuses()
        assert faulty_run.stats == clean_run.stats
        for (task, _host), status in faulty_run.statuses().items():
            assert status == EXPECTED_STATUS[task], (task, status)
    assert len(clean_runs[0].statuses()) == 4 * 20 and len(clean_runs[1].statuses()) == 20

    # No duplicate: exactly 20 POSTs were processed (answered 200); none of the faulted ones ran.
    created = [e for e in log if e["method"] == "POST" and e["status"] == 200]
    assert len(created) == 20
    assert len([e for e in log if e["method"] == "DELETE" and e["status"] == 200]) == 20
    faults = collections.Counter(e["fault"] for e in log if e["fault"])
    assert faults["429"] > 0 and faults["503"] > 0
    # The requests that were answered are those of the fault-free run, plus one name lookup (GET) for every POST
    # answered 503: the module looks the name up again before it sends a create a second time.
    post_503 = len([e for e in log if e["method"] == "POST" and e["fault"] == "503"])
    unfaulted = collections.Counter((e["method"], e["status"]) for e in log if not e["fault"])
    expected = collections.Counter((e["method"], e["status"]) for e in clean_log)
    expected[("GET", 200)] += post_503
    assert unfaulted == expected, "with faults, the requests that were answered differ from the fault-free run"
    warnings = [w for run in faulty_runs for e in run.events for w in e["warnings"]]
    record("faults", organizations=20, tasks=len(clean_runs[0].events) + len(clean_runs[1].events),
           requests_without_faults=len(clean_log), requests_with_faults=len(log),
           injected_429=faults["429"], injected_503=faults["503"], retries=faults["429"] + faults["503"],
           posts_answered_503=post_503, posts_processed=len(created), duplicates=0, warnings=len(warnings),
           seconds_without_faults=round(clean_seconds, 1), seconds_with_faults=round(faulty_seconds, 1))


def _single(run_playbook, emu, module, args):
    play = """
- name: exhausted
  hosts: localhost
  gather_facts: false
  tasks:
    - name: call
      %s: %s
""" % (module, args)
    run = run_playbook(play, env=_env(emu))
    assert run.rc != 0, run.describe()
    event = run.one("call")
    assert event["status"] == "failed"
    return event["msg"]


def test_retries_exhausted_say_status_code_and_attempts(emulator_factory, run_playbook):
    emu = emulator_factory("--fault-503-every", 1)
    msg = _single(run_playbook, emu, "capgo.cloud.capgo_organization_info", "{api_retries: 1}")
    assert "HTTP 503 service_unavailable" in msg and "gave up after 2 attempts" in msg, msg
    assert len(emu.api_log()) == 2
    emu.clear_log()
    msg2 = _single(run_playbook, emu, "capgo.cloud.capgo_organization", "{name: Never created, api_retries: 1}")
    assert "HTTP 503 service_unavailable" in msg2 and "gave up after 2 attempts" in msg2, msg2
    assert emu.writes() == [] and len(emu.api_log()) == 2

    emu.faults(fault_503_every=0, fault_429_every=1, retry_after=1)
    emu.clear_log()
    start = time.monotonic()
    msg3 = _single(run_playbook, emu, "capgo.cloud.capgo_organization", "{name: Never created, api_retries: 2}")
    seconds = time.monotonic() - start
    assert "HTTP 429 too_many_requests" in msg3 and "gave up after 3 attempts" in msg3, msg3
    assert len(emu.api_log()) == 3 and emu.writes() == []
    # two waits of Retry-After (1 s) plus jitter
    assert seconds >= 2
    assert [o["name"] for o in emu.state()["orgs"]] == ["Default organization"]
    record("retries_exhausted", message_503=msg, message_429=msg3, seconds_429=round(seconds, 1))


def test_connection_refused_retries_then_says_so(run_playbook):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # the port is closed now: every connection is refused
    start = time.monotonic()
    play = """
- name: refused
  hosts: localhost
  gather_facts: false
  tasks:
    - name: call
      capgo.cloud.capgo_organization_info:
        api_url: http://127.0.0.1:%d
        api_key: 00000000-0000-4000-8000-000000000000
        api_retries: 2
""" % port
    run = run_playbook(play)
    seconds = time.monotonic() - start
    assert run.rc != 0
    msg = run.one("call")["msg"]
    assert "connection error" in msg and "gave up after 3 attempts" in msg, msg
    assert "Traceback" not in run.text
    record("connection_refused", message=msg, seconds=round(seconds, 1))
