# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parallel runs: 50 hosts, 20 forks, one organization each; and the emulator under concurrent load."""

from __future__ import annotations

import collections
import threading
import time

import requests

from conftest import record

HOSTS = ["node%02d" % i for i in range(1, 51)]
INVENTORY = "[fleet]\n" + "\n".join(HOSTS) + "\n"
PLAY = """
- name: one organization per host
  hosts: fleet
  gather_facts: false
  tasks:
    - name: ensure
      capgo.cloud.capgo_organization:
        name: "par-{{ inventory_hostname }}"
        website: "{{ inventory_hostname }}.example.org"
      delegate_to: localhost
"""


def test_fifty_hosts_twenty_forks_create_exactly_fifty(emulator, run_playbook):
    env = {"CAPGO_API_URL": emulator.url, "CAPGO_API_KEY": emulator.key}
    first = run_playbook(PLAY, inventory=INVENTORY, forks=20, env=env)
    assert first.rc == 0, first.describe()
    assert collections.Counter(first.statuses().values()) == {"changed": 50}
    orgs = emulator.orgs("par-")
    names = [o["name"] for o in orgs]
    assert len(names) == len(set(names)) == 50
    assert set(names) == set("par-" + h for h in HOSTS)
    posts = [e for e in emulator.api_log() if e["method"] == "POST"]
    assert len(posts) == 50 and all(e["status"] == 200 for e in posts)
    ids = set(e["organization"]["id"] for e in first.events)
    assert ids == set(o["id"] for o in orgs)
    requests_first = len(emulator.api_log())

    emulator.clear_log()
    second = run_playbook(PLAY, inventory=INVENTORY, forks=20, env=env)
    assert second.rc == 0, second.describe()
    assert collections.Counter(second.statuses().values()) == {"ok": 50}
    assert emulator.writes() == []
    assert sorted(o["id"] for o in emulator.orgs("par-")) == sorted(o["id"] for o in orgs)
    record("parallel", hosts=50, forks=20, created=len(orgs), rerun_changed=0, requests_first_run=requests_first,
           requests_rerun=len(emulator.api_log()), seconds_first_run=round(first.duration, 1),
           seconds_rerun=round(second.duration, 1))


def test_emulator_consistent_under_concurrent_clients(emulator):
    """32 threads over keep-alive sessions: creates, updates of one shared row, reads, deletes; nothing lost or doubled."""
    headers = {"capgkey": emulator.key}
    url = emulator.url + "/organization"
    shared = requests.post(url, json={"name": "shared-row"}, headers=headers, timeout=30).json()["id"]
    created, deleted, errors = [], [], []
    lock = threading.Lock()

    def worker(index):
        with requests.Session() as session:
            session.headers.update(headers)
            for step in range(10):
                resp = session.post(url, json={"name": "load-%02d-%02d" % (index, step)}, timeout=30)
                if resp.status_code != 200:
                    errors.append(resp.text)
                    continue
                org_id = resp.json()["id"]
                with lock:
                    created.append(org_id)
                resp = session.put(url, json={"orgId": shared, "website": "w%d-%d.example.com" % (index, step)}, timeout=30)
                if resp.status_code != 200:
                    errors.append(resp.text)
                resp = session.get(url, params={"orgId": org_id}, timeout=30)
                if resp.status_code != 200 or resp.json()["name"] != "load-%02d-%02d" % (index, step):
                    errors.append(resp.text)
                if step % 2:
                    resp = session.delete(url, params={"orgId": org_id}, timeout=30)
                    if resp.status_code == 200:
                        with lock:
                            deleted.append(org_id)
                    else:
                        errors.append(resp.text)

    start = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    seconds = time.monotonic() - start
    assert not errors, errors[:5]
    assert len(created) == len(set(created)) == 320
    state = emulator.state()
    remaining = [o for o in state["orgs"] if o["name"].startswith("load-")]
    assert len(remaining) == 160 and set(o["id"] for o in remaining) == set(created) - set(deleted)
    assert len(set(o["name"] for o in remaining)) == 160
    shared_row = [o for o in state["orgs"] if o["id"] == shared]
    assert len(shared_row) == 1 and shared_row[0]["website"].startswith("https://w")
    listed, page = [], 0
    while True:
        chunk = requests.get(url, json={"page": page}, headers=headers, timeout=30).json()
        listed.extend(o["id"] for o in chunk)
        if len(chunk) < 50:
            break
        page += 1
    assert len(listed) == len(set(listed)) == 162  # 160 + shared-row + the default organization
    record("emulator_load", threads=32, requests=len(emulator.api_log()), created=320, deleted=len(deleted),
           seconds=round(seconds, 1), lost=0, duplicated=0)
