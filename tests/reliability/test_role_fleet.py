# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The organizations role over a fleet: a no-op re-run costs one listing plus one request per organization."""

from __future__ import annotations

import collections
import json
import math

from conftest import record

ORGS = 120  # three pages of 50
PAGE_SIZE = 50


def seed(key):
    return {
        "users": [{"email": "admin@example.com"}],
        "keys": [{"name": "admin", "key": key, "owner": "admin@example.com", "org_create": True, "roles": {}}],
        "bulk_orgs": [{"count": ORGS, "name_prefix": "fleet-", "created_by": "admin@example.com",
                       "key_roles": {"admin": "org_super_admin"}}],
    }


def play(entries):
    return """
- name: Provision a fleet
  hosts: localhost
  gather_facts: false
  roles:
    - role: capgo.cloud.organizations
      vars:
        capgo_organizations: %s
""" % json.dumps(entries)


def by_method_and_path(entries):
    return collections.Counter((e["method"], e["path"].rstrip("/")) for e in entries)


def test_noop_rerun_over_120_organizations_lists_once_then_one_read_each(emulator, run_playbook):
    emulator.reset(seed(emulator.key))
    env = {"CAPGO_API_URL": emulator.url, "CAPGO_API_KEY": emulator.key}
    entries = [{"name": "fleet-%d" % i} for i in range(1, ORGS + 1)]
    entries[0]["website"] = "fleet-1.example"

    first = run_playbook(play(entries), env=env)
    assert first.rc == 0, first.describe()
    assert first.stats["localhost"]["changed"] == 1, first.stats
    assert len(emulator.orgs("fleet-")) == ORGS

    emulator.clear_log()
    state = emulator.state()["orgs"]
    second = run_playbook(play(entries), env=env)
    assert second.rc == 0, second.describe()
    assert second.stats["localhost"]["changed"] == 0, second.stats
    log = emulator.api_log()
    # Listing pages and reads by id are both GET /organization: floor(120/50) + 1 = 3 pages
    # (50, 50, 20) and one read per organization.
    pages = ORGS // PAGE_SIZE + 1
    assert pages <= math.ceil(ORGS / PAGE_SIZE) + 1
    assert by_method_and_path(log) == {("GET", "/organization"): pages + ORGS}, by_method_and_path(log)
    assert all(e["status"] == 200 for e in log)
    assert emulator.state()["orgs"] == state
    record("role_fleet", organizations=ORGS, noop_rerun_requests=len(log), expected=pages + ORGS,
           seconds_rerun=round(second.duration, 1))


def test_settings_and_members_add_their_reads_only(emulator, run_playbook):
    emulator.reset(seed(emulator.key))
    env = {"CAPGO_API_URL": emulator.url, "CAPGO_API_KEY": emulator.key}
    entries = [{"name": "fleet-%d" % i} for i in range(1, ORGS + 1)]
    with_settings = [2, 3, 4]
    with_members = [5, 6]
    for i in with_settings:
        entries[i]["enforce_encrypted_bundles"] = False
    for i in with_members:
        entries[i]["members"] = [{"email": "admin@example.com", "role": "org_super_admin"}]

    first = run_playbook(play(entries), env=env)
    assert first.rc == 0, first.describe()
    emulator.clear_log()
    state = emulator.state()["orgs"]
    second = run_playbook(play(entries), env=env)
    assert second.rc == 0, second.describe()
    assert second.stats["localhost"]["changed"] == 0, second.stats
    counts = by_method_and_path(emulator.api_log())
    # The security settings are read with a PUT that carries only orgId (the server writes
    # nothing for it); the state below shows nothing changed.
    assert counts == {("GET", "/organization"): ORGS // PAGE_SIZE + 1 + ORGS,
                      ("PUT", "/organization"): len(with_settings),
                      ("GET", "/organization/members"): len(with_members)}, counts
    assert emulator.state()["orgs"] == state


def test_entries_the_listing_cannot_settle_are_looked_up_by_name(emulator, run_playbook):
    """A name two entries share, and a name to delete that is gone: by name afresh, and no request at all."""
    emulator.reset(seed(emulator.key))
    env = {"CAPGO_API_URL": emulator.url, "CAPGO_API_KEY": emulator.key}
    entries = [{"name": "fleet-%d" % i} for i in range(1, ORGS + 1)]
    entries += [{"name": "fleet-1", "website": "fleet-1.example"}, {"name": "Never created", "state": "absent"}]

    first = run_playbook(play(entries), env=env)
    assert first.rc == 0, first.describe()
    emulator.clear_log()
    second = run_playbook(play(entries), env=env)
    assert second.rc == 0, second.describe()
    assert second.stats["localhost"]["changed"] == 0, second.stats
    pages = ORGS // PAGE_SIZE + 1
    # One listing; 119 reads by id; both fleet-1 entries look the name up afresh (every page each);
    # the organization to delete is not listed and costs nothing.
    counts = by_method_and_path(emulator.api_log())
    assert counts == {("GET", "/organization"): pages + (ORGS - 1) + 2 * pages}, counts
