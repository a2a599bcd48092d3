# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A recording fake of the client for /organization/members (and the organization list), no HTTP.

It answers like the real server (Cap-go/capgo supabase/functions/_backend/public/organization/members/
get.ts, post.ts, delete.ts): NO_EMAIL and ALREADY_INVITED in the data of a 400, user_not_found and
organization_member_not_found on DELETE, CANNOT_REMOVE_LAST_SUPER_ADMIN, cannot_access_organization
for an organization the key cannot read. Wire behaviour itself is covered by the integration
targets against the emulator.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.capgo.cloud.plugins.module_utils.api import CapgoApiError, CapgoClient
from ansible_collections.capgo.cloud.plugins.module_utils.member import canonical_role

ORG = 'org-1'


def invite_error(code):
    return CapgoApiError(400, 'error_inviting_user_to_organization', 'Error inviting user to organization',
                         more_info={'data': code})


class FakeClient:
    """Answers GET/POST/DELETE /organization/members like the real server, and records the calls.

    GET /organization (the organization list, for lookups by name) answers the rows of names
    ({id: name}) and is recorded as ('GET', '/organization').
    """

    retries = 2

    def __init__(self, members=(), users=None, orgs=(ORG,), fail=None, names=None):
        self.members = {}
        for m in members:
            self.members.setdefault(m['org'], []).append(dict(m))
        for org in orgs:
            self.members.setdefault(org, [])
        emails = [m['email'] for m in members]
        self.users = dict((e, 'uid-' + e.split('@')[0]) for e in (users if users is not None else emails))
        self.calls = []
        self.fail = fail or {}
        self.names = names if names is not None else {ORG: 'Acme'}

    def request(self, method, path='/organization', params=None, body=None, action=None):
        # Errors name what was being done.
        assert isinstance(action, str) and action, action
        if path == '/organization':
            assert method == 'GET' and not (params or {}).get('orgId')
            self.calls.append(('GET', path))
            page = (body or {}).get('page', 0)
            rows = [{'id': org_id, 'name': name} for org_id, name in sorted(self.names.items())]
            return rows[page * 50:(page + 1) * 50]
        assert path == '/organization/members'
        args = dict(params or {}, **(body or {}))
        self.calls.append((method, args.get('email'), args.get('invite_type')) if method != 'GET' else ('GET',))
        failure = self.fail.get(method)
        if failure:
            exc = failure.pop(0) if isinstance(failure, list) else failure
            if exc is not None:
                if isinstance(exc, tuple):
                    exc, then = exc
                    then(self)
                raise exc
        org = args['orgId']
        if org not in self.members:
            raise CapgoApiError(400, 'cannot_access_organization', "You can't access this organization",
                                more_info={'orgId': org})
        rows = self.members[org]
        if method == 'GET':
            return [{'uid': m.get('uid', self.users.get(m['email'])), 'email': m['email'], 'image_url': '',
                     'role': m['role'], 'is_tmp': m.get('is_tmp', False)} for m in rows]
        if method == 'POST':
            if args['email'] not in self.users:
                raise invite_error('NO_EMAIL')
            if any(m['email'] == args['email'] for m in rows):
                raise invite_error('ALREADY_INVITED')
            rows.append({'org': org, 'email': args['email'], 'role': canonical_role(args['invite_type']),
                         'is_tmp': True})
            return {'status': 'ok'}
        if method == 'DELETE':
            if args['email'] not in self.users:
                raise CapgoApiError(404, 'user_not_found', 'User not found')
            target = next((m for m in rows if m['email'] == args['email']), None)
            if target is None:
                raise CapgoApiError(404, 'organization_member_not_found', 'User is not a member of this organization')
            supers = [m for m in rows if m['role'] == 'org_super_admin' and not m.get('is_tmp')]
            if target in supers and len(supers) == 1:
                raise CapgoApiError(400, 'CANNOT_REMOVE_LAST_SUPER_ADMIN',
                                    'Cannot remove the last super admin from the organization')
            rows.remove(target)
            return {'status': 'ok'}
        raise AssertionError(method)

    # Lookups by name go through the product's own paging loop; this fake only serves raw pages.
    paginate = CapgoClient.paginate


def member(email, role='org_member', is_tmp=False, org=ORG):
    return {'org': org, 'email': email, 'role': role, 'is_tmp': is_tmp}


def team(*extra):
    return [member('owner@acme.example', 'org_super_admin')] + list(extra)


def writes(client):
    return [call for call in client.calls if call[0] != 'GET']
