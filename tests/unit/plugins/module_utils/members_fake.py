# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A recording fake of the client for /organization and /organization/members together (no HTTP).

The member tasks find an organization by name (GET /organization, page by page) and then read and
write its members (GET/POST/DELETE /organization/members). This joins the fakes of test_organization.py
and test_member.py, which answer like the real server, and records every request as
(method, path, query, body). Wire behaviour is covered by the integration targets against the emulator.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.capgo.cloud.plugins.module_utils.api import CapgoClient
from ansible_collections.capgo.cloud.tests.unit.plugins.module_utils.test_member import FakeClient as MembersServer
from ansible_collections.capgo.cloud.tests.unit.plugins.module_utils.test_member import ORG, member
from ansible_collections.capgo.cloud.tests.unit.plugins.module_utils.test_organization import (
    FakeClient as OrganizationsServer,
    org_row,
)

MEMBERS = '/organization/members'
ORGS = '/organization'

# The organization every test starts from: on the second page of GET /organization (the server
# lists 50 a page), beside two organizations that share a name.
TEAM = ORG
OWNER = 'owner@acme.example'
DEV = 'dev@acme.example'
PENDING = 'pending@acme.example'
NEW = 'new@acme.example'
OPS = 'ops@acme.example'
# GET /organization page by page until Team's page, a short one.
LISTING = [('GET', ORGS, {}, {}), ('GET', ORGS, {}, {'page': 1})]


class FakeCapgo:
    """The client interface the member tasks use: request(...) and paginate(...)."""

    retries = 2

    def __init__(self, orgs, members=(), users=None, fail=None):
        """orgs: organization rows (org_row); members: member rows (member(email, role, is_tmp, org)) of those
        organizations; users: the emails that have a Capgo account (default: the members'); fail: {method: error}
        for /organization/members, as test_member.FakeClient takes it."""
        self.organizations = OrganizationsServer(orgs)
        self.members = MembersServer(members, users=users, orgs=[org['id'] for org in orgs], fail=fail)
        self.requests = []

    def request(self, method, path='/organization', params=None, body=None, action=None):
        self.requests.append((method, path, dict(params or {}), dict(body or {})))
        server = self.members if path == MEMBERS else self.organizations
        return server.request(method, path, params, body, action)

    # Listing goes through the product's own paging loop; this fake only serves raw pages.
    paginate = CapgoClient.paginate

    def writes(self):
        return [call for call in self.requests if call[0] != 'GET']

    def member_rows(self, org_id):
        """The organization's members as the server now stores them: (email, role, pending)."""
        return sorted((m['email'], m['role'], bool(m.get('is_tmp'))) for m in self.members.members[org_id])


def task_params(**kwargs):
    """capgo_organization_member's params as AnsibleModule hands them over (defaults filled in)."""
    base = dict(org_id=None, org=None, email=None, role='org_member', state='present', reinvite_on_role_change=False,
                members=None, exclusive=False)
    base.update(kwargs)
    return base


def organizations():
    return [org_row('id-%03d' % i, 'Org %03d' % i) for i in range(55)] + [
        org_row(TEAM, 'Team'), org_row('org-2', 'Twin'), org_row('org-3', 'Twin')]


def team(*extra):
    """Team's members: its active org_super_admin, a member and a pending invitation."""
    return [member(OWNER, 'org_super_admin'), member(DEV), member(PENDING, is_tmp=True)] + list(extra)


def capgo(members=None, users=(), **kwargs):
    """A server with the organizations and Team's members; NEW and OPS have accounts but are not members."""
    members = team() if members is None else members
    accounts = [m['email'] for m in members if m['email']] + [NEW, OPS] + list(users)
    return FakeCapgo(organizations(), members, users=accounts, **kwargs)


def read_members(org_id=TEAM):
    return ('GET', MEMBERS, {'orgId': org_id}, {})


def invite(email, role='org_member', org_id=TEAM):
    return ('POST', MEMBERS, {}, {'orgId': org_id, 'email': email, 'invite_type': role})


def remove(email, org_id=TEAM):
    return ('DELETE', MEMBERS, {'orgId': org_id, 'email': email}, {})


def entry(email, role='org_member', state='present', reinvite_on_role_change=None):
    """One entry of the members option as AnsibleModule hands it over (suboption defaults filled in)."""
    return dict(email=email, role=role, state=state, reinvite_on_role_change=reinvite_on_role_change)
