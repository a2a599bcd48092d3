# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The two member tasks end to end: input checks, the organization by id or by name, and what is returned.

The client is a recording fake of the server's /organization and /organization/members routes
(members_fake.py); the exact member lists are in test_member_list_requests.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.capgo.cloud.plugins.module_utils.api import CapgoError
from ansible_collections.capgo.cloud.plugins.module_utils.member import REINVITE_NOTE, MemberError
from ansible_collections.capgo.cloud.plugins.module_utils.member_tasks import (
    MEMBER_INFO_TASK,
    MEMBER_TASK,
    run_member,
    run_member_info,
)
from ansible_collections.capgo.cloud.plugins.module_utils.organization import OrganizationError
from ansible_collections.capgo.cloud.tests.unit.plugins.module_utils.members_fake import (
    DEV,
    LISTING,
    NEW,
    OWNER,
    PENDING,
    TEAM,
    capgo,
    entry,
    invite,
    read_members,
    remove,
    task_params,
)


def run(client, check_mode=False, **kwargs):
    warnings = []
    return run_member(client, task_params(**kwargs), check_mode, warnings.append), warnings


def run_info(client, org_id=None, org=None, email=None):
    warnings = []
    result = run_member_info(client, dict(org_id=org_id, org=org, email=email), False, warnings.append)
    assert warnings == []
    return result


# -- input checks, before any request -------------------------------------------------

@pytest.mark.parametrize('kwargs, message', [
    (dict(org_id=' ', email=DEV), 'org_id must not be empty'),
    (dict(org=' <b> </b> ', email=DEV), 'org must not be empty (it is the exact name of the organization)'),
    (dict(org='', members=[entry(DEV)]), 'org must not be empty'),
    (dict(org_id=TEAM, email=DEV, exclusive=True),
     'exclusive needs members, the complete list of members of the organization'),
    (dict(org_id=TEAM, email='dev'), "email 'dev' is not an email address the Capgo API accepts"),
    (dict(org_id=TEAM, email=None), 'email is required'),
    (dict(org_id=TEAM, email=DEV, role='owner'), "role must be one of org_member, org_admin"),
    (dict(org_id=TEAM, members=[entry(DEV), entry(NEW), entry('DEV@acme.example')]),
     "members lists 'DEV@acme.example' twice (entries 1 and 3); list each member once"),
    (dict(org_id=TEAM, members=[entry(NEW), entry(DEV), entry(OWNER), entry('Dev@acme.example')]),
     "members lists 'Dev@acme.example' twice (entries 2 and 4)"),
    (dict(org_id=TEAM, members=[entry('nope')]), "email 'nope' is not an email address"),
])
def test_bad_member_input_is_refused_naming_the_option(kwargs, message):
    with pytest.raises(CapgoError) as err:
        MEMBER_TASK.check_input(task_params(**kwargs))
    assert message in str(err.value)


@pytest.mark.parametrize('kwargs', [
    dict(org_id=TEAM, email=DEV),
    dict(org='Team', email=DEV, role='admin', state='absent'),
    dict(org='Team', members=[entry(DEV, 'write'), entry(OWNER, 'org_super_admin')], exclusive=True),
    dict(org_id=TEAM, members=[]),
])
def test_good_member_input_passes(kwargs):
    assert MEMBER_TASK.check_input(task_params(**kwargs)) is None


@pytest.mark.parametrize('kwargs, message', [
    (dict(org_id=' '), 'org_id must not be empty'),
    (dict(org=''), 'org must not be empty'),
    (dict(org_id=TEAM, email='nope'), "email 'nope' is not an email address"),
])
def test_bad_member_info_input_is_refused(kwargs, message):
    with pytest.raises(CapgoError) as err:
        MEMBER_INFO_TASK.check_input(dict(dict(org_id=None, org=None, email=None), **kwargs))
    assert message in str(err.value)


@pytest.mark.parametrize('kwargs', [dict(org_id=TEAM), dict(org='Team', email=DEV)])
def test_good_member_info_input_passes(kwargs):
    assert MEMBER_INFO_TASK.check_input(dict(dict(org_id=None, org=None, email=None), **kwargs)) is None


# -- the organization: by id, or by name ----------------------------------------------------

def test_by_name_every_page_is_read_then_the_members_of_the_one_found():
    client = capgo()
    result, warnings = run(client, org='Team', email=NEW, role='org_admin')
    assert client.requests == LISTING + [read_members(), invite(NEW, 'org_admin')]
    assert result == {
        'changed': True, 'org_id': TEAM, 'reinvited': False,
        'member': {'email': NEW, 'role': 'org_admin', 'pending': True, 'uid': None},
        'diff': {'before': {}, 'after': {'email': NEW, 'role': 'org_admin', 'pending': True}},
        'msg': 'invited new@acme.example as org_admin; the invitation stays pending until accepted'}
    assert warnings == []


def test_by_id_no_organization_is_listed_and_the_id_is_trimmed():
    client = capgo()
    result, warnings = run(client, org_id=' %s ' % TEAM, email=DEV)
    assert client.requests == [read_members()]
    assert result == {
        'changed': False, 'org_id': TEAM, 'reinvited': False,
        'member': {'email': DEV, 'role': 'org_member', 'pending': False, 'uid': 'uid-dev'},
        'diff': {'before': {'email': DEV, 'role': 'org_member', 'pending': False},
                 'after': {'email': DEV, 'role': 'org_member', 'pending': False}},
        'msg': 'dev@acme.example is already a member of organization org-1 as org_member'}
    assert warnings == []


@pytest.mark.parametrize('check_mode, requests', [
    (True, [read_members()]),
    (False, [read_members(), remove(DEV)]),
])
def test_absent_by_name_in_check_mode_only_reads(check_mode, requests):
    client = capgo()
    result, dummy = run(client, check_mode=check_mode, org='Team', email=DEV, state='absent')
    assert client.requests == LISTING + requests
    assert (result['changed'], result['member'], result['org_id']) == (True, {}, TEAM)
    assert result['msg'] == '%s dev@acme.example from organization org-1' % ('would remove' if check_mode else 'removed')


def test_a_name_no_organization_has_fails_naming_it_before_any_member_request():
    client = capgo()
    with pytest.raises(MemberError) as err:
        run(client, org=' <b>Nobody here</b> ', email=DEV)
    assert str(err.value) == (
        "no organization named 'Nobody here' is visible to this API key (names are compared exactly, as the server "
        "stores them); create it with capgo.cloud.capgo_organization, or set org_id")
    assert client.requests == LISTING


@pytest.mark.parametrize('task', ['member', 'info'])
def test_a_name_two_organizations_have_fails_naming_both_ids(task):
    client = capgo()
    with pytest.raises(OrganizationError) as err:
        if task == 'member':
            run(client, org='Twin', email=DEV)
        else:
            run_info(client, org='Twin')
    assert "more than one organization is named 'Twin' (ids: org-2, org-3)" in str(err.value)
    assert client.requests == LISTING


# -- capgo_organization_member: one member, or a list ---------------------------------------

def test_the_task_reinvite_flag_applies_to_entries_without_their_own_and_warnings_reach_the_task():
    client = capgo()
    result, warnings = run(client, org_id=TEAM, reinvite_on_role_change=True, members=[entry(DEV, 'org_admin')])
    assert client.writes() == [remove(DEV), invite(DEV, 'org_admin')]
    assert (result['changed'], result['org_id'], result['reinvited_members']) == (True, TEAM, [DEV])
    assert warnings == [REINVITE_NOTE % ('removed', DEV, TEAM, 'invited them', 'org_admin')]


def test_an_entry_reinvite_flag_overrides_the_task_one():
    client = capgo()
    with pytest.raises(MemberError, match='dev@acme.example \\(org_member, listed as org_admin\\)'):
        run(client, org_id=TEAM, reinvite_on_role_change=True,
            members=[entry(DEV, 'org_admin', reinvite_on_role_change=False)])
    assert client.writes() == []


@pytest.mark.parametrize('check_mode', [True, False])
def test_exclusive_reaches_the_list_and_check_mode_writes_nothing(check_mode):
    client = capgo()
    result, warnings = run(client, check_mode=check_mode, org='Team', exclusive=True,
                           members=[entry(OWNER, 'org_super_admin'), entry(DEV)])
    assert client.requests == LISTING + [read_members()] + ([] if check_mode else [remove(PENDING)])
    assert (result['changed'], result['removed'], result['org_id']) == (True, [PENDING], TEAM)
    assert [m['email'] for m in result['members']] == [DEV, OWNER]
    assert result['diff']['after']['members'] == [
        {'email': DEV, 'role': 'org_member', 'pending': False},
        {'email': OWNER, 'role': 'org_super_admin', 'pending': False}]
    assert warnings == []


def test_a_list_without_the_super_admin_warns_through_the_task():
    client = capgo()
    result, warnings = run(client, check_mode=True, org_id=TEAM, exclusive=True, members=[entry(DEV)])
    assert result['kept'] == [OWNER]
    assert warnings == ['kept owner@acme.example in organization org-1 although not listed: active org_super_admins '
                        'are only removed when listed with state absent']


# -- capgo_organization_member_info -------------------------------------------------------------

def test_info_by_name_filters_by_email_ignoring_case():
    client = capgo()
    result = run_info(client, org='Team', email='DEV@acme.example')
    assert result == {'changed': False, 'org_id': TEAM, 'members': [
        {'uid': 'uid-dev', 'email': DEV, 'role': 'org_member', 'pending': False, 'image_url': ''}]}
    assert client.requests == LISTING + [read_members()]


def test_info_by_id_lists_every_member_and_invitation():
    client = capgo()
    result = run_info(client, org_id=TEAM)
    assert result['changed'] is False and result['org_id'] == TEAM
    assert [(m['email'], m['role'], m['pending']) for m in result['members']] == [
        (OWNER, 'org_super_admin', False), (DEV, 'org_member', False), (PENDING, 'org_member', True)]
    assert client.requests == [read_members()]


def test_info_for_a_name_no_organization_has_is_an_empty_list_without_a_member_request():
    client = capgo()
    assert run_info(client, org='Nobody here') == {'changed': False, 'members': [], 'org_id': None}
    assert client.requests == LISTING


def test_info_for_an_organization_the_key_cannot_see_is_an_empty_list():
    client = capgo()
    assert run_info(client, org_id='org-9') == {'changed': False, 'members': [], 'org_id': 'org-9'}
    assert client.requests == [read_members('org-9')]
