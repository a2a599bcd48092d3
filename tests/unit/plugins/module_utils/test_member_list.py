# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Exact member lists: the plan made from one member list, its guards, the predicted list, and the requests.

The plan is pure logic; the requests (one GET, then the writes) go to the recording fake of
members_fake.py here, and to the emulator in the integration target capgo_member_list.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.capgo.cloud.plugins.module_utils.member import MemberError, MemberService
from ansible_collections.capgo.cloud.plugins.module_utils.member_list import (
    desired_members,
    ensure_member_list,
    list_view,
    plan_members,
    predicted_list,
)
from ansible_collections.capgo.cloud.tests.unit.plugins.module_utils import members_fake
from ansible_collections.capgo.cloud.tests.unit.plugins.module_utils.members_fake import FakeClient, invite_error

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
    ([{'email': 'a@example.com'}, {'email': 'A@example.com'}], "members lists 'A@example.com' twice (entries 1 and 2)"),
    ([{'email': 'b@example.com'}, {'email': 'a@example.com'}, {'email': 'c@example.com'}, {'email': 'a@example.com'}],
     'entries 2 and 4'),
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


def test_list_view_sorts_ignoring_case_then_by_the_exact_address():
    rows = [member('bob@example.com'), member('ab@example.com'), member('Bob@example.com'), member('a_b@example.com'),
            member('B@example.com')]
    assert [m['email'] for m in list_view(rows)] == [
        'a_b@example.com', 'ab@example.com', 'B@example.com', 'Bob@example.com', 'bob@example.com']


def test_list_view_puts_rows_without_an_address_first_in_server_order():
    rows = [dict(member('a@example.com'), email=None), member('a@example.com'), dict(member('b@example.com'), email='')]
    rows = [rows[1], rows[0], rows[2]]
    assert [m['email'] for m in list_view(rows)] == [None, '', 'a@example.com']


def test_an_absent_entry_does_not_end_the_plan():
    plan = plan_members(TEAM, desired_members([{'email': 'dev@example.com', 'state': 'absent'},
                                               {'email': 'new@example.com'}]), exclusive=False, org_id=ORG)
    assert emails(plan['remove']) == ['dev@example.com'] and plan['invite'] == [('new@example.com', 'org_member')]


def test_exclusive_removes_every_unlisted_member_after_a_listed_one():
    plan = plan_members(TEAM, desired_members([{'email': 'admin@example.com', 'role': 'org_super_admin'}]),
                        exclusive=True, org_id=ORG)
    assert emails(plan['remove']) == ['dev@example.com', 'invited@example.com'] and plan['kept'] == []


def test_the_last_super_admin_refusal_names_the_member_and_the_organization():
    with pytest.raises(MemberError) as err:
        plan_members(TEAM, desired_members([{'email': 'admin@example.com', 'state': 'absent'}]), exclusive=False,
                     org_id=ORG)
    assert str(err.value).startswith('refusing to remove admin@example.com: they are the last active org_super_admin '
                                     'of organization org-1')


# -- the requests --------------------------------------------------------------------------

ACME = members_fake.ORG
KEPT_WARNING = ('kept boss@acme.example in organization org-1 although not listed: active org_super_admins are only '
                'removed when listed with state absent')


def acme(*extra):
    """owner and boss: two active super admins; dev, old (pending) and qa are plain members."""
    return members_fake.team(members_fake.member('boss@acme.example', 'org_super_admin'),
                             members_fake.member('dev@acme.example'),
                             members_fake.member('old@acme.example', 'org_admin', is_tmp=True),
                             members_fake.member('qa@acme.example'), *extra)


USERS = ['owner@acme.example', 'boss@acme.example', 'dev@acme.example', 'old@acme.example', 'qa@acme.example',
         'new@acme.example']
# Invite one, re-invite one with another role, remove one listed absent and one unlisted; keep an unlisted super admin.
EVERYTHING = [{'email': 'owner@acme.example', 'role': 'org_super_admin'},
              {'email': 'New@Acme.example', 'role': 'org_admin'},
              {'email': 'qa@acme.example', 'role': 'admin', 'reinvite_on_role_change': True},
              {'email': 'dev@acme.example', 'state': 'absent'},
              {'email': 'nobody@acme.example', 'state': 'absent'}]


def converge(client, entries, exclusive=False, check_mode=False, reinvite_default=False):
    service = MemberService(client)
    changed, diff, result = ensure_member_list(service, ACME, desired_members(entries, reinvite_default), exclusive,
                                               check_mode)
    return changed, diff, result, service.warnings


def stored(client):
    return list_view([dict(m, pending=m['is_tmp']) for m in client.members[ACME]])


def test_a_whole_list_is_one_get_then_invites_reinvites_and_removals_in_that_order():
    client = FakeClient(acme(), users=USERS)
    changed, diff, result, warnings = converge(client, EVERYTHING, exclusive=True)
    assert changed is True
    assert client.calls == [('GET',), ('POST', 'new@acme.example', 'org_admin'), ('DELETE', 'qa@acme.example', None),
                            ('POST', 'qa@acme.example', 'org_admin'), ('DELETE', 'dev@acme.example', None),
                            ('DELETE', 'old@acme.example', None)]
    assert result == {
        'members': [{'email': 'boss@acme.example', 'role': 'org_super_admin', 'pending': False, 'uid': 'uid-boss'},
                    {'email': 'new@acme.example', 'role': 'org_admin', 'pending': True, 'uid': None},
                    {'email': 'owner@acme.example', 'role': 'org_super_admin', 'pending': False, 'uid': 'uid-owner'},
                    {'email': 'qa@acme.example', 'role': 'org_admin', 'pending': True, 'uid': 'uid-qa'}],
        'invited': ['new@acme.example'],
        'removed': ['dev@acme.example', 'old@acme.example'],
        'reinvited': True,
        'reinvited_members': ['qa@acme.example'],
        'kept': ['boss@acme.example'],
        'msg': 'invited New@Acme.example; re-invited qa@acme.example; removed dev@acme.example, old@acme.example '
               'in organization org-1',
    }
    assert diff['before'] == {'members': [
        {'email': 'boss@acme.example', 'role': 'org_super_admin', 'pending': False},
        {'email': 'dev@acme.example', 'role': 'org_member', 'pending': False},
        {'email': 'old@acme.example', 'role': 'org_admin', 'pending': True},
        {'email': 'owner@acme.example', 'role': 'org_super_admin', 'pending': False},
        {'email': 'qa@acme.example', 'role': 'org_member', 'pending': False}]}
    assert diff['after'] == {'members': list_view(result['members'])} == {'members': stored(client)}
    assert warnings[-1] == KEPT_WARNING and len(warnings) == 2 and 'qa@acme.example' in warnings[0]


def test_check_mode_only_reads_and_predicts_the_real_run():
    check_client, real_client = FakeClient(acme(), users=USERS), FakeClient(acme(), users=USERS)
    c_changed, c_diff, c_result, c_warnings = converge(check_client, EVERYTHING, exclusive=True, check_mode=True)
    r_changed, r_diff, r_result, dummy = converge(real_client, EVERYTHING, exclusive=True)
    assert check_client.calls == [('GET',)] and check_client.members == FakeClient(acme(), users=USERS).members
    assert (c_changed, c_diff) == (r_changed, r_diff)
    assert dict(c_result, msg=None) == dict(r_result, msg=None)
    assert c_result['msg'] == ('would invite New@Acme.example; re-invite qa@acme.example; remove dev@acme.example, '
                               'old@acme.example in organization org-1')
    assert c_warnings == [KEPT_WARNING]


def test_a_list_as_it_stands_is_one_get_and_no_change():
    client = FakeClient(acme(), users=USERS)
    entries = [{'email': 'qa@acme.example'}, {'email': 'old@acme.example', 'role': 'org_admin'},
               {'email': 'nobody@acme.example', 'state': 'absent'}]
    for check_mode in (False, True):
        changed, diff, result, warnings = converge(client, entries, check_mode=check_mode)
        assert (changed, client.calls[-1:], warnings) == (False, [('GET',)], [])
        assert diff['before'] == diff['after'] == {'members': stored(client)}
        assert result['msg'] == 'the members of organization org-1 are as listed'
        assert (result['invited'], result['removed'], result['reinvited'], result['reinvited_members'],
                result['kept']) == ([], [], False, [], [])
        assert [m['email'] for m in result['members']] == ['boss@acme.example', 'dev@acme.example', 'old@acme.example',
                                                           'owner@acme.example', 'qa@acme.example']
    assert writes_of(client) == []


def writes_of(client):
    return [call for call in client.calls if call[0] != 'GET']


def test_the_task_wide_reinvite_default_applies_to_entries_that_do_not_say():
    client = FakeClient(acme(), users=USERS)
    changed, dummy, result, dummy2 = converge(client, [{'email': 'qa@acme.example', 'role': 'org_admin'}],
                                              reinvite_default=True)
    assert changed and result['reinvited_members'] == ['qa@acme.example'] and result['invited'] == []
    assert result['msg'] == 're-invited qa@acme.example in organization org-1'


def test_only_removals_are_described_as_such():
    client = FakeClient(acme(), users=USERS)
    changed, dummy, result, dummy2 = converge(client, [{'email': 'dev@acme.example', 'state': 'absent'},
                                                       {'email': 'qa@acme.example', 'state': 'absent'}],
                                              check_mode=True)
    assert changed and result['msg'] == 'would remove dev@acme.example, qa@acme.example in organization org-1'
    assert result['removed'] == ['dev@acme.example', 'qa@acme.example'] and result['reinvited'] is False


def test_an_organization_the_key_cannot_read_fails_before_any_write():
    client = FakeClient(acme(), users=USERS)
    service = MemberService(client)
    with pytest.raises(MemberError) as err:
        ensure_member_list(service, 'org-other', desired_members([{'email': 'new@acme.example'}]), False, False)
    assert str(err.value).startswith('organization org-other does not exist, or this API key cannot read its members')
    assert client.calls == [('GET',)]


def test_an_account_stored_with_capitals_is_invited_as_written():
    client = FakeClient(acme(), users=USERS + ['Ann@Acme.example'])
    changed, diff, result, dummy = converge(client, [{'email': 'Ann@Acme.example'}])
    assert writes_of(client) == [('POST', 'ann@acme.example', 'org_member'), ('POST', 'Ann@Acme.example', 'org_member')]
    assert {'email': 'Ann@Acme.example', 'role': 'org_member', 'pending': True, 'uid': None} in result['members']
    assert result['invited'] == ['Ann@Acme.example']
    assert diff['after'] == {'members': stored(client)}


def test_an_invitation_made_meanwhile_is_reported_as_the_server_lists_it():
    def invited_meanwhile(c):
        c.members[ACME].append(members_fake.member('new@acme.example', 'org_admin', is_tmp=True))
    client = FakeClient(acme(), users=USERS, fail={'POST': [(invite_error('ALREADY_INVITED'), invited_meanwhile)]})
    changed, diff, result, dummy = converge(client, [{'email': 'new@acme.example', 'role': 'org_admin'}])
    assert client.calls == [('GET',), ('POST', 'new@acme.example', 'org_admin'), ('GET',)]
    assert {'email': 'new@acme.example', 'role': 'org_admin', 'pending': True, 'uid': 'uid-new'} in result['members']
    assert diff['after'] == {'members': stored(client)}


def test_result_members_are_sorted_ignoring_case():
    client = FakeClient(members_fake.team(members_fake.member('Zed@acme.example'), members_fake.member('al@acme.example')),
                        users=['owner@acme.example', 'Zed@acme.example', 'al@acme.example', 'Bea@acme.example'])
    dummy, dummy2, result, dummy3 = converge(client, [{'email': 'Bea@acme.example'}], check_mode=True)
    assert [m['email'] for m in result['members']] == ['al@acme.example', 'bea@acme.example', 'owner@acme.example',
                                                       'Zed@acme.example']


def test_result_members_sort_underscores_as_the_lower_case_address_does_and_rows_without_address_first():
    client = FakeClient([dict(members_fake.member(None), uid='uid-x'), members_fake.member('ab@acme.example'),
                         members_fake.member('a_b@acme.example')], users=['ab@acme.example', 'a_b@acme.example'])
    dummy, dummy2, result, dummy3 = converge(client, [{'email': 'ab@acme.example'}])
    assert [m['email'] for m in result['members']] == [None, 'a_b@acme.example', 'ab@acme.example']


def test_a_list_that_removes_the_last_super_admin_fails_naming_the_organization():
    client = FakeClient(acme(), users=USERS)
    with pytest.raises(MemberError) as err:
        converge(client, [{'email': 'owner@acme.example', 'state': 'absent'}, {'email': 'boss@acme.example', 'state': 'absent'}])
    assert 'of organization org-1' in str(err.value) and writes_of(client) == []
