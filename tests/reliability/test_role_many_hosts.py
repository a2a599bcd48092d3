# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The organizations role applied to a group of hosts creates each organization and member once."""

from __future__ import annotations

import collections

from conftest import record

HOSTS = ["app%02d" % i for i in range(1, 11)]
INVENTORY = "[apps]\n" + "\n".join(HOSTS) + "\n"
PLAY = """
- name: Provision Capgo from every app host
  hosts: apps
  gather_facts: false
  roles:
    - role: capgo.cloud.organizations
      vars:
        capgo_organizations:
          - name: Acme Mobile
            website: https://acme.example
            members:
              - email: lead@acme.example
                role: org_admin
              - email: dev@acme.example
          - name: Acme Web
"""


def seed(key):
    return {
        "users": [{"email": "admin@example.com"}, {"email": "lead@acme.example"}, {"email": "dev@acme.example"}],
        "orgs": [{"name": "Default organization", "created_by": "admin@example.com"}],
        "keys": [{"name": "admin", "key": key, "owner": "admin@example.com", "org_create": True,
                  "roles": {"Default organization": "org_super_admin"}}],
    }


def test_role_on_ten_hosts_with_ten_forks_creates_each_organization_once(emulator_factory, run_playbook):
    # 200 ms per request: without run_once, every host's lookup would see no organization and POST one.
    emulator = emulator_factory("--latency-ms", "200")
    emulator.reset(seed(emulator.key))
    env = {"CAPGO_API_URL": emulator.url, "CAPGO_API_KEY": emulator.key}

    first = run_playbook(PLAY, inventory=INVENTORY, forks=len(HOSTS), env=env)
    assert first.rc == 0, first.describe()
    names = collections.Counter(o["name"] for o in emulator.state()["orgs"])
    assert names == {"Default organization": 1, "Acme Mobile": 1, "Acme Web": 1}
    posts = collections.Counter((e["method"], e["path"].rstrip("/")) for e in emulator.writes())
    assert posts == {("POST", "/organization"): 2, ("POST", "/organization/members"): 2}
    acme = next(o for o in emulator.state()["orgs"] if o["name"] == "Acme Mobile")
    assert sorted(m["email"] for m in acme["members"]) == ["admin@example.com", "dev@acme.example", "lead@acme.example"]

    emulator.clear_log()
    second = run_playbook(PLAY, inventory=INVENTORY, forks=len(HOSTS), env=env)
    assert second.rc == 0, second.describe()
    assert emulator.writes() == []
    assert all(s["changed"] == 0 for s in second.stats.values()), second.stats
    assert collections.Counter(o["name"] for o in emulator.state()["orgs"]) == names
    record("role_many_hosts", hosts=len(HOSTS), forks=len(HOSTS), latency_ms=200,
           organizations_created=2, members_invited=2, rerun_writes=0,
           seconds_first_run=round(first.duration, 1), seconds_rerun=round(second.duration, 1))
