# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The two member modules' tasks: input checks, the organization by id or by name, and what each returns.

The client is the recording fake of members_fake.py, which also answers the organization list
that a lookup by name reads.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.capgo.cloud.plugins.module_utils.member import MemberError
from ansible_collections.capgo.cloud.plugins.module_utils.member_tasks import MEMBER_INFO_TASK, MEMBER_TASK
from ansible_collections.capgo.cloud.plugins.module_utils.resource import InputError
from ansible_collections.capgo.cloud.tests.unit.plugins.module_utils.members_fake import (
    ORG,
    FakeClient,
    member,
    team,
    writes,
)

DEV = 'dev@acme.example'
USERS = ['owner@acme.example', DEV, 'qa@acme.example']
LIST = ('GET', '/organization')
NAMES = {ORG: 'Acme', 'org-2': 'Other'}


def params(**kwargs):
    """What AnsibleModule hands the task: every option, with its default."""
    base = dict(org_id=None, org=None, email=None, role='org_member', state='present', reinvite_on_role_change=False,
                members=None, exclusive=False)
    base.update(kwargs)
    return base


def info_params(**kwargs):
    return dict(dict(org_id=None, org=None, email=None), **kwargs)


def client_for(*extra, **kwargs):
    return FakeClient(team(*extra), users=USERS, names=kwargs.pop('names', NAMES), **kwargs)


# -- input checks, before any request ------------------------------------------------------

@pytest.mark.parametrize('task, kwargs, error, text', [
    (MEMBER_TASK, dict(org_id=' ', email=DEV), InputError, 'org_id must not be empty'),
    (MEMBER_TASK, dict(org=' <b></b> ', email=DEV), MemberError, 'org must not be empty'),
    (MEMBER_TASK, dict(org_id=ORG, email=DEV, exclusive=True), MemberError, 'exclusive needs members'),
    (MEMBER_TASK, dict(org_id=ORG), MemberError, 'email is required'),
    (MEMBER_TASK, dict(org_id=ORG, email='not-an-email'), MemberError, "email 'not-an-email' is not an email"),
    (MEMBER_TASK, dict(org_id=ORG, email=DEV, role='owner'), MemberError, 'role must be one of'),
    (MEMBER_TASK, dict(org='Acme', members=[{'email': DEV}, {'email': 'Dev@acme.example'}]), MemberError,
     "members lists 'Dev@acme.example' twice (entries 1 and 2)"),
    (MEMBER_TASK, dict(org='Acme', members=[{'email': 'nope'}]), MemberError, "email 'nope' is not an email"),
    (MEMBER_INFO_TASK, dict(org_id=' '), InputError, 'org_id must not be empty'),
    (MEMBER_INFO_TASK, dict(org='  '), MemberError, 'org must not be empty'),
    (MEMBER_INFO_TASK, dict(org='Acme', email='nope'), MemberError, "email 'nope' is not an email"),
])
def test_bad_input_is_refused(task, kwargs, error, text):
    task_params = params(**kwargs) if task is MEMBER_TASK else info_params(**kwargs)
    with pytest.raises(error) as err:
        task.check_input(task_params)
    assert str(err.value).startswith(text)


@pytest.mark.parametrize('task, kwargs', [
    (MEMBER_TASK, dict(org_id=' org-1 ', email=DEV, role='write')),
    (MEMBER_TASK, dict(org='Acme', email=DEV)),
    # With members, email and the task-wide role are not used.
    (MEMBER_TASK, dict(org='Acme', members=[{'email': DEV}], exclusive=True, role=None)),
    (MEMBER_INFO_TASK, dict(org='Acme')),
    (MEMBER_INFO_TASK, dict(org_id=ORG, email=DEV)),
])
def test_good_input_passes(task, kwargs):
    task_params = params(**kwargs) if task is MEMBER_TASK else info_params(**kwargs)
    assert task.check_input(task_params) is None


# -- capgo_organization_member ----------------------------------------------------------------

def test_one_member_by_organization_name():
    client, warnings = client_for(), []
    result = MEMBER_TASK.run(client, params(org=' Acme ', email=DEV, role='org_admin'), False, warnings.append)
    assert result == {
        'changed': True, 'org_id': ORG, 'reinvited': False,
        'member': {'email': DEV, 'role': 'org_admin', 'pending': True, 'uid': None},
        'diff': {'before': {}, 'after': {'email': DEV, 'role': 'org_admin', 'pending': True}},
        'msg': 'invited dev@acme.example as org_admin; the invitation stays pending until accepted'}
    assert client.calls == [LIST, ('GET',), ('POST', DEV, 'org_admin')] and warnings == []


def test_one_member_by_id_sends_the_trimmed_id_and_passes_warnings_on():
    client, warnings = client_for(member(DEV)), []
    result = MEMBER_TASK.run(client, params(org_id=' org-1 ', email=DEV, role='org_admin', reinvite_on_role_change=True),
                             False, warnings.append)
    assert (result['changed'], result['reinvited'], result['org_id']) == (True, True, ORG)
    assert client.calls == [('GET',), ('DELETE', DEV, None), ('POST', DEV, 'org_admin')]
    assert len(warnings) == 1 and warnings[0].startswith('removed dev@acme.example from organization org-1 and invited')


def test_one_member_in_check_mode_only_reads():
    client = client_for()
    result = MEMBER_TASK.run(client, params(org_id=ORG, email=DEV), True, [].append)
    assert result['changed'] is True and result['msg'].startswith('would invite') and writes(client) == []


@pytest.mark.parametrize('kwargs', [dict(email=DEV), dict(members=[{'email': DEV}])])
def test_an_organization_name_nobody_has_fails_naming_it(kwargs):
    client = client_for()
    with pytest.raises(MemberError) as err:
        MEMBER_TASK.run(client, params(org=' <b>Nope</b> ', **kwargs), False, [].append)
    assert str(err.value).startswith("no organization named 'Nope' is visible to this API key")
    assert client.calls == [LIST]


def test_a_member_list_by_organization_name_with_the_task_wide_options():
    client, warnings = client_for(member(DEV), member('qa@acme.example')), []
    task_params = params(org='Acme', members=[{'email': DEV, 'role': 'org_admin'}], reinvite_on_role_change=True,
                         exclusive=True)
    result = MEMBER_TASK.run(client, task_params, False, warnings.append)
    assert client.calls == [LIST, ('GET',), ('DELETE', DEV, None), ('POST', DEV, 'org_admin'),
                            ('DELETE', 'qa@acme.example', None)]
    assert (result['changed'], result['org_id'], result['reinvited_members'], result['removed']) == (
        True, ORG, [DEV], ['qa@acme.example'])
    assert result['diff']['after'] == {'members': [
        {'email': DEV, 'role': 'org_admin', 'pending': True},
        {'email': 'owner@acme.example', 'role': 'org_super_admin', 'pending': False}]}
    assert sorted(result) == ['changed', 'diff', 'invited', 'kept', 'members', 'msg', 'org_id', 'reinvited',
                              'reinvited_members', 'removed']
    assert result['kept'] == ['owner@acme.example'] and len(warnings) == 2
    assert DEV in warnings[0] and warnings[1].startswith('kept owner@acme.example in organization org-1')


def test_a_member_list_in_check_mode_only_reads():
    client = client_for(member('qa@acme.example'))
    result = MEMBER_TASK.run(client, params(org_id=ORG, members=[{'email': DEV}], exclusive=True), True, [].append)
    assert client.calls == [('GET',)]
    assert (result['changed'], result['invited'], result['removed']) == (True, [DEV], ['qa@acme.example'])
    assert result['msg'].startswith('would invite')


def test_a_member_list_without_the_task_wide_reinvite_refuses_a_role_change():
    client = client_for(member(DEV))
    with pytest.raises(MemberError, match='reinvite_on_role_change'):
        MEMBER_TASK.run(client, params(org_id=ORG, members=[{'email': DEV, 'role': 'org_admin'}]), False, [].append)
    assert writes(client) == []


# -- capgo_organization_member_info ------------------------------------------------------------

def test_info_by_organization_name_and_email():
    client = client_for(member(DEV), member('qa@acme.example', is_tmp=True))
    result = MEMBER_INFO_TASK.run(client, info_params(org='Acme', email='Dev@Acme.example'), False, [].append)
    assert result == {'changed': False, 'org_id': ORG, 'members': [
        {'uid': 'uid-dev', 'email': DEV, 'role': 'org_member', 'pending': False, 'image_url': ''}]}
    assert client.calls == [LIST, ('GET',)]


def test_info_by_id_lists_everyone():
    client = client_for(member(DEV))
    result = MEMBER_INFO_TASK.run(client, info_params(org_id=' org-1 '), False, [].append)
    assert (result['org_id'], [m['email'] for m in result['members']]) == (ORG, ['owner@acme.example', DEV])


def test_info_for_an_organization_name_nobody_has_is_empty_without_reading_members():
    client = client_for(member(DEV))
    result = MEMBER_INFO_TASK.run(client, info_params(org='Nope'), False, [].append)
    assert result == {'changed': False, 'members': [], 'org_id': None} and client.calls == [LIST]
