# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Exact member lists against the recording fake of members_fake.py: the guard and the order of the result.

The request sequences themselves are in test_member_list.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.capgo.cloud.plugins.module_utils.member import MemberError, MemberService
from ansible_collections.capgo.cloud.plugins.module_utils.member_list import desired_members, ensure_member_list
from ansible_collections.capgo.cloud.tests.unit.plugins.module_utils.members_fake import ORG, FakeClient, member, team


def converge(client, entries, exclusive=False, check_mode=False):
    return ensure_member_list(MemberService(client), ORG, desired_members(entries), exclusive, check_mode)


@pytest.mark.parametrize('check_mode', [True, False])
def test_removing_the_last_active_super_admin_fails_naming_them_and_the_organization(check_mode):
    client = FakeClient(team(member('dev@acme.example'), member('next@acme.example', 'org_super_admin', is_tmp=True)))
    with pytest.raises(MemberError) as err:
        converge(client, [{'email': 'dev@acme.example'}, {'email': 'owner@acme.example', 'state': 'absent'}],
                 exclusive=True, check_mode=check_mode)
    # A pending org_super_admin does not count: the server needs an active one.
    assert str(err.value).startswith('refusing to remove owner@acme.example: they are the last active org_super_admin '
                                     'of organization org-1')
    assert client.calls == [('GET',)]


def test_result_members_sort_by_email_ignoring_case_and_rows_without_an_email_first():
    # The server lists members in its own order; a row of the docs' shape may come without an email.
    odd = [member('aab@acme.example'), member('Zed@acme.example'), member(None), member('a_b@acme.example')]
    users = ['owner@acme.example', 'aab@acme.example', 'Zed@acme.example', 'a_b@acme.example', 'new@acme.example']
    for check_mode in (True, False):
        client = FakeClient(team(*odd), users=users)
        dummy, diff, result = converge(client, [{'email': 'new@acme.example'}], check_mode=check_mode)
        expected = [None, 'a_b@acme.example', 'aab@acme.example', 'new@acme.example', 'owner@acme.example',
                    'Zed@acme.example']
        assert [m['email'] for m in result['members']] == expected
        assert [m['email'] for m in diff['after']['members']] == expected
