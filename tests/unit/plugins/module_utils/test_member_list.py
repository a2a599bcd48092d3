# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Exact member lists: the plan made from one member list, its guards and the predicted list.

Pure logic only; the requests (one GET, then the writes) are covered by the integration
target capgo_member_list against the emulator.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.capgo.cloud.plugins.module_utils.member import MemberError
from ansible_collections.capgo.cloud.plugins.module_utils.member_list import (
    desired_members,
    list_view,
    plan_members,
    predicted_list,
)

ORG = 'org-1'


def member(email, role='org_member', pending=False):
    return {'email': email, 'role': role, 'pending': pending, 'uid': 'uid-' + email.split('@')[0]}


TEAM = [member('admin@example.com', 'org_super_admin'), member('dev@example.com'),
        member('invited@example.com', 'org_admin', pending=True)]


def emails(items):
    return sorted(item['email'] if isinstance(item, dict) else item[0] if isinstance(item[0], str) else item[0]['email']
                  for item in items)


def test_entries_are_validated_and_roles_mapped():
    wanted = desired_members([{'email': 'a@example.com', 'role': 'write'},
                              {'email': 'b@example.com', 'role': None, 'state': None, 'reinvite_on_role_change': None}],
                             reinvite_default=True)
    assert wanted == [{'email': 'a@example.com', 'role': 'org_member', 'state': 'present', 'reinvite': True},
                      {'email': 'b@example.com', 'role': 'org_member', 'state': 'present', 'reinvite': True}]


@pytest.mark.parametrize('entries, fragment', [
    ([{'email': 'a@example.com'}, {'email': 'A@example.com'}], 'twice'),
    ([{'email': 'not an email'}], 'email'),
    ([{'email': 'a@example.com', 'role': 'owner'}], 'role must be one of'),
])
def test_bad_entries_fail_before_any_request(entries, fragment):
    with pytest.raises(MemberError) as err:
        desired_members(entries)
    assert fragment in str(err.value)


def test_listed_members_that_exist_are_no_change_and_pending_counts():
    wanted = desired_members([{'email': 'admin@example.com', 'role': 'org_super_admin'},
                              {'email': 'dev@example.com'}, {'email': 'invited@example.com', 'role': 'org_admin'}])
    plan = plan_members(TEAM, wanted, exclusive=True, org_id=ORG)
    assert plan == {'invite': [], 'remove': [], 'reinvite': [], 'kept': []}
    assert list_view(predicted_list(TEAM, plan)) == list_view(TEAM)


def test_without_exclusive_unlisted_members_stay():
    plan = plan_members(TEAM, desired_members([{'email': 'new@example.com'}]), exclusive=False, org_id=ORG)
    assert plan['invite'] == [('new@example.com', 'org_member')]
    assert plan['remove'] == [] and plan['kept'] == []


def test_exclusive_removes_unlisted_members_and_invitations_but_keeps_unlisted_super_admins():
    plan = plan_members(TEAM, desired_members([{'email': 'New@Example.com', 'role': 'org_admin'}]), exclusive=True,
                        org_id=ORG)
    assert plan['invite'] == [('New@Example.com', 'org_admin')]
    assert emails(plan['remove']) == ['dev@example.com', 'invited@example.com']
    assert emails(plan['kept']) == ['admin@example.com']
    after = list_view(predicted_list(TEAM, plan))
    assert after == [{'email': 'admin@example.com', 'role': 'org_super_admin', 'pending': False},
                     {'email': 'new@example.com', 'role': 'org_admin', 'pending': True}]


def test_a_listed_member_matches_ignoring_case():
    plan = plan_members(TEAM, desired_members([{'email': 'DEV@example.com'}]), exclusive=True, org_id=ORG)
    assert plan['invite'] == []
    assert 'dev@example.com' not in emails(plan['remove'])


def test_role_change_needs_the_opt_in_and_names_every_member():
    wanted = desired_members([{'email': 'dev@example.com', 'role': 'org_admin'},
                              {'email': 'invited@example.com', 'role': 'org_member'}])
    with pytest.raises(MemberError) as err:
        plan_members(TEAM, wanted, exclusive=False, org_id=ORG)
    assert 'dev@example.com' in str(err.value) and 'invited@example.com' in str(err.value)
    assert 'reinvite_on_role_change' in str(err.value)


def test_role_change_with_the_opt_in_reinvites_as_pending():
    wanted = desired_members([{'email': 'dev@example.com', 'role': 'org_admin', 'reinvite_on_role_change': True}])
    plan = plan_members(TEAM, wanted, exclusive=False, org_id=ORG)
    assert [(m['email'], role) for m, role in plan['reinvite']] == [('dev@example.com', 'org_admin')]
    dev = [m for m in predicted_list(TEAM, plan) if m['email'] == 'dev@example.com']
    assert dev == [{'email': 'dev@example.com', 'role': 'org_admin', 'pending': True, 'uid': 'uid-dev'}]


@pytest.mark.parametrize('entries', [
    [{'email': 'admin@example.com', 'state': 'absent'}],
    [{'email': 'admin@example.com', 'role': 'org_admin', 'reinvite_on_role_change': True}],
])
def test_the_last_active_super_admin_is_never_removed(entries):
    with pytest.raises(MemberError) as err:
        plan_members(TEAM, desired_members(entries), exclusive=True, org_id=ORG)
    assert 'last active org_super_admin' in str(err.value)


def test_a_super_admin_may_go_when_another_active_one_stays():
    team = TEAM + [member('second@example.com', 'org_super_admin')]
    plan = plan_members(team, desired_members([{'email': 'admin@example.com', 'state': 'absent'},
                                               {'email': 'second@example.com', 'role': 'org_super_admin'}]),
                        exclusive=False, org_id=ORG)
    assert emails(plan['remove']) == ['admin@example.com']


def test_a_pending_super_admin_does_not_count_as_the_one_that_stays():
    team = TEAM + [member('future@example.com', 'org_super_admin', pending=True)]
    with pytest.raises(MemberError):
        plan_members(team, desired_members([{'email': 'admin@example.com', 'state': 'absent'}]), exclusive=False,
                     org_id=ORG)


def test_absent_and_not_a_member_is_no_change():
    plan = plan_members(TEAM, desired_members([{'email': 'nobody@example.com', 'state': 'absent'}]), exclusive=False,
                        org_id=ORG)
    assert plan == {'invite': [], 'remove': [], 'reinvite': [], 'kept': []}


def test_list_view_is_sorted_by_email_and_shows_pending():
    assert list_view([member('b@example.com', pending=True), member('A@example.com')]) == [
        {'email': 'A@example.com', 'role': 'org_member', 'pending': False},
        {'email': 'b@example.com', 'role': 'org_member', 'pending': True}]


def test_list_view_keeps_the_order_of_rows_without_an_address():
    rows = [member('a@example.com'), dict(member('x@example.com'), email=None), dict(member('y@example.com'), email='')]
    assert [m['email'] for m in list_view(rows)] == [None, '', 'a@example.com']
    assert [m['email'] for m in list_view(rows[::-1])] == ['', None, 'a@example.com']
