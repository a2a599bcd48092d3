# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Exact member lists (the members option) end to end: the requests, the result, the diff and check mode.

The client is a recording fake of the server's /organization/members routes (members_fake.py); the
plan itself is tested in test_member_list.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.capgo.cloud.plugins.module_utils.member import REINVITE_NOTE, MemberError
from ansible_collections.capgo.cloud.plugins.module_utils.member_tasks import run_member
from ansible_collections.capgo.cloud.tests.unit.plugins.module_utils.members_fake import (
    DEV,
    NEW,
    OPS,
    OWNER,
    PENDING,
    TEAM,
    capgo,
    entry,
    invite,
    member,
    read_members,
    remove,
    task_params,
    team,
)

# The complete membership of Team: DEV is left out, NEW and OPS are new, PENDING stays invited.
EXACT = [entry(OWNER, 'org_super_admin'), entry(NEW), entry(OPS, 'org_admin'), entry(PENDING)]


def run(client, check_mode=False, members=EXACT, exclusive=False, **kwargs):
    warnings = []
    result = run_member(client, task_params(org_id=TEAM, members=members, exclusive=exclusive, **kwargs),
                        check_mode, warnings.append)
    return result, warnings


def view(email, role='org_member', pending=False):
    return {'email': email, 'role': role, 'pending': pending}


def returned(email, role='org_member', pending=False, uid=None):
    return {'email': email, 'role': role, 'pending': pending, 'uid': uid}


def test_an_exclusive_list_invites_then_removes_and_check_mode_predicts_it():
    check_client, real_client = capgo(), capgo()
    check, check_warnings = run(check_client, check_mode=True, exclusive=True)
    real, real_warnings = run(real_client, exclusive=True)
    assert check_client.requests == [read_members()]
    assert real_client.requests == [read_members(), invite(NEW), invite(OPS, 'org_admin'), remove(DEV)]
    assert real_client.member_rows(TEAM) == [
        (NEW, 'org_member', True), (OPS, 'org_admin', True), (OWNER, 'org_super_admin', False),
        (PENDING, 'org_member', True)]
    assert real['diff'] == check['diff'] == {
        'before': {'members': [view(DEV), view(OWNER, 'org_super_admin'), view(PENDING, pending=True)]},
        'after': {'members': [view(NEW, pending=True), view(OPS, 'org_admin', pending=True),
                              view(OWNER, 'org_super_admin'), view(PENDING, pending=True)]}}
    expected = {
        'changed': True, 'org_id': TEAM,
        'members': [returned(NEW, pending=True), returned(OPS, 'org_admin', pending=True),
                    returned(OWNER, 'org_super_admin', uid='uid-owner'), returned(PENDING, pending=True, uid='uid-pending')],
        'invited': [NEW, OPS], 'removed': [DEV], 'reinvited': False, 'reinvited_members': [], 'kept': []}
    assert dict((key, check[key]) for key in expected) == expected
    assert dict((key, real[key]) for key in expected) == expected
    assert check['msg'] == 'would invite new@acme.example, ops@acme.example; remove dev@acme.example in organization org-1'
    assert real['msg'] == 'invited new@acme.example, ops@acme.example; removed dev@acme.example in organization org-1'
    assert check_warnings == real_warnings == []


@pytest.mark.parametrize('check_mode', [True, False])
def test_a_list_as_it_stands_only_reads(check_mode):
    client = capgo()
    members = [entry(PENDING), entry(OWNER, 'org_super_admin'), entry(DEV)]
    result, warnings = run(client, check_mode=check_mode, members=members, exclusive=True)
    assert client.requests == [read_members()]
    assert result['changed'] is False
    assert result['diff']['before'] == result['diff']['after'] == {
        'members': [view(DEV), view(OWNER, 'org_super_admin'), view(PENDING, pending=True)]}
    assert (result['invited'], result['removed'], result['reinvited'], result['kept']) == ([], [], False, [])
    assert result['msg'] == 'the members of organization org-1 are as listed'
    assert warnings == []


# Absent first: the entries after it still count.
EVERY_KIND = [entry(PENDING, state='absent'), entry(NEW, 'org_billing_admin'),
              entry(DEV, 'org_admin', reinvite_on_role_change=True)]


def test_invitations_go_first_then_reinvitations_then_removals():
    check_client, real_client = capgo(), capgo()
    check, check_warnings = run(check_client, check_mode=True, members=EVERY_KIND)
    real, real_warnings = run(real_client, members=EVERY_KIND)
    assert check_client.requests == [read_members()]
    assert real_client.requests == [read_members(), invite(NEW, 'org_billing_admin'), remove(DEV),
                                    invite(DEV, 'org_admin'), remove(PENDING)]
    assert real_client.member_rows(TEAM) == [
        (DEV, 'org_admin', True), (NEW, 'org_billing_admin', True), (OWNER, 'org_super_admin', False)]
    for result in (check, real):
        assert result['changed'] is True
        assert result['members'] == [returned(DEV, 'org_admin', True, 'uid-dev'),
                                     returned(NEW, 'org_billing_admin', True),
                                     returned(OWNER, 'org_super_admin', uid='uid-owner')]
        assert (result['invited'], result['removed'], result['reinvited'], result['reinvited_members']) == (
            [NEW], [PENDING], True, [DEV])
    assert real['diff'] == check['diff']
    assert real['diff']['after'] == {'members': [view(DEV, 'org_admin', True), view(NEW, 'org_billing_admin', True),
                                                 view(OWNER, 'org_super_admin')]}
    assert check['msg'] == ('would invite new@acme.example; re-invite dev@acme.example; remove pending@acme.example in '
                            'organization org-1')
    assert real['msg'] == 'invited new@acme.example; re-invited dev@acme.example; removed pending@acme.example in ' \
                          'organization org-1'
    assert check_warnings == []
    assert real_warnings == [REINVITE_NOTE % ('removed', DEV, TEAM, 'invited them', 'org_admin')]


@pytest.mark.parametrize('members, writes, msg', [
    ([entry(NEW)], [invite(NEW)], 'invited new@acme.example in organization org-1'),
    ([entry(PENDING, 'org_admin', reinvite_on_role_change=True)], [remove(PENDING), invite(PENDING, 'org_admin')],
     're-invited pending@acme.example in organization org-1'),
    ([entry(DEV, state='absent'), entry(PENDING, state='absent')], [remove(DEV), remove(PENDING)],
     'removed dev@acme.example, pending@acme.example in organization org-1'),
])
def test_each_kind_of_write_alone_is_a_change(members, writes, msg):
    client = capgo()
    result, dummy = run(client, members=members)
    assert client.writes() == writes
    assert (result['changed'], result['msg']) == (True, msg)


def test_unlisted_active_super_admins_are_kept_and_named_in_one_warning():
    client = capgo(team(member('second@acme.example', 'org_super_admin'),
                        member('future@acme.example', 'org_super_admin', is_tmp=True)))
    result, warnings = run(client, members=[entry(DEV)], exclusive=True)
    # A pending org_super_admin is no active one: removed like any unlisted invitation.
    assert client.writes() == [remove(PENDING), remove('future@acme.example')]
    assert result['kept'] == [OWNER, 'second@acme.example']
    assert result['removed'] == [PENDING, 'future@acme.example']
    assert warnings == ['kept owner@acme.example, second@acme.example in organization org-1 although not listed: '
                        'active org_super_admins are only removed when listed with state absent']


@pytest.mark.parametrize('check_mode', [True, False])
def test_removing_the_last_active_super_admin_fails_before_any_write(check_mode):
    client = capgo()
    with pytest.raises(MemberError) as err:
        run(client, check_mode=check_mode, members=[entry(OWNER, state='absent')], exclusive=True)
    assert str(err.value).startswith('refusing to remove owner@acme.example: they are the last active '
                                     'org_super_admin of organization org-1')
    assert client.requests == [read_members()]


def test_role_changes_without_the_opt_in_name_every_member_and_write_nothing():
    client = capgo()
    with pytest.raises(MemberError) as err:
        run(client, members=[entry(NEW), entry(DEV, 'org_admin'), entry(PENDING, 'org_admin')])
    assert ('these members have another role than listed: dev@acme.example (org_member, listed as org_admin); '
            'pending@acme.example (org_member, listed as org_admin). Set reinvite_on_role_change=true') in str(err.value)
    assert client.requests == [read_members()]


def test_an_organization_the_key_cannot_see_fails_clearly():
    client = capgo()
    with pytest.raises(MemberError) as err:
        run_member(client, task_params(org_id='org-9', members=[entry(DEV)]), False, [].append)
    assert str(err.value).startswith('organization org-9 does not exist, or this API key cannot read its members')
    assert client.requests == [read_members('org-9')]


def test_an_account_stored_with_capitals_is_invited_as_written_after_the_lower_case_fails():
    client = capgo(users=['Cap@Acme.example'])
    result, dummy = run(client, members=[entry('Cap@Acme.example')])
    assert client.writes() == [invite('cap@acme.example'), invite('Cap@Acme.example')]
    assert returned('Cap@Acme.example', pending=True) in result['members']


def test_members_and_the_diff_are_sorted_by_email_ignoring_case():
    # The server lists members in its own order; two accounts may differ only in case, and
    # a row may come without an email (the docs' shape does not promise one).
    odd = [member('Zoe@acme.example'), member('kim@acme.example'), member('Kim@acme.example'),
           member('aab@acme.example'), member('a_b@acme.example'), member(None)]
    client = capgo(team(*odd))
    result, dummy = run(client, members=[entry(NEW)])
    assert [m['email'] for m in result['members']] == [
        None, 'a_b@acme.example', 'aab@acme.example', DEV, 'kim@acme.example', 'Kim@acme.example', NEW, OWNER,
        PENDING, 'Zoe@acme.example']
    # The diff breaks ties by the exact address, so it does not depend on the server's order.
    assert [m['email'] for m in result['diff']['after']['members']] == [
        None, 'a_b@acme.example', 'aab@acme.example', DEV, 'Kim@acme.example', 'kim@acme.example', NEW, OWNER,
        PENDING, 'Zoe@acme.example']
    assert [m['email'] for m in result['diff']['before']['members']] == [
        None, 'a_b@acme.example', 'aab@acme.example', DEV, 'Kim@acme.example', 'kim@acme.example', OWNER,
        PENDING, 'Zoe@acme.example']
