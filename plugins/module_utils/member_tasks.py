# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The two member modules' tasks: options, input checks, and the organization by id or by name.

The organization's name is looked up with capgo_organization's own lookup (organization.py):
the exact name as the server stores it, every page read afresh, and an error naming the ids
when several organizations have that name.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.capgo.cloud.plugins.module_utils.member import (
    ROLE_CHOICES,
    MemberError,
    MemberService,
    canonical_role,
    ensure_member,
    list_members,
    validate_member_email,
)
from ansible_collections.capgo.cloud.plugins.module_utils.member_list import desired_members, ensure_member_list
from ansible_collections.capgo.cloud.plugins.module_utils.normalize import normalize_name
from ansible_collections.capgo.cloud.plugins.module_utils.organization import OrganizationService
from ansible_collections.capgo.cloud.plugins.module_utils.resource import validate_org_id
from ansible_collections.capgo.cloud.plugins.module_utils.task import CapgoTask

ORG_CHOICE = dict(mutually_exclusive=[('org_id', 'org')], required_one_of=[('org_id', 'org')])


def check_org_input(params):
    if params.get('org_id') is not None:
        validate_org_id(params['org_id'])
    if params.get('org') is not None and not normalize_name(params['org']):
        raise MemberError('org must not be empty (it is the exact name of the organization)')


def resolve_org_id(client, params, warn):
    """org_id as given, else the id of the one organization named org; None when no organization has that name."""
    if params.get('org_id') is not None:
        return validate_org_id(params['org_id'])
    return OrganizationService(client, warn=warn).id_by_name(params['org'])


def not_found_message(name):
    return ('no organization named %r is visible to this API key (names are compared exactly, as the server stores '
            'them); create it with capgo.cloud.capgo_organization, or set org_id' % normalize_name(name))


# -- capgo_organization_member ------------------------------------------------------------

def member_options():
    return dict(
        org_id=dict(type='str'),
        org=dict(type='str'),
        email=dict(type='str'),
        role=dict(type='str', default='org_member', choices=ROLE_CHOICES),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        reinvite_on_role_change=dict(type='bool', default=False),
        members=dict(type='list', elements='dict', options=dict(
            email=dict(type='str', required=True),
            role=dict(type='str', default='org_member', choices=ROLE_CHOICES),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            reinvite_on_role_change=dict(type='bool'),
        )),
        exclusive=dict(type='bool', default=False),
    )


def check_member_input(params):
    check_org_input(params)
    if params.get('members') is not None:
        desired_members(params['members'])
    else:
        if params.get('exclusive'):
            raise MemberError('exclusive needs members, the complete list of members of the organization')
        validate_member_email(params['email'])
        canonical_role(params['role'])


def run_member(client, params, check_mode, warn):
    org_id = resolve_org_id(client, params, warn)
    if org_id is None:
        raise MemberError(not_found_message(params['org']))
    service = MemberService(client, warn=warn)
    if params.get('members') is not None:
        wanted = desired_members(params['members'], params['reinvite_on_role_change'])
        changed, diff, result = ensure_member_list(service, org_id, wanted, params['exclusive'], check_mode)
    else:
        changed, diff, result = ensure_member(service, dict(params, org_id=org_id), check_mode)
    return dict(result, changed=changed, diff=diff, org_id=org_id)


MEMBER_TASK = CapgoTask(member_options, check_member_input, run_member,
                        mutually_exclusive=[('org_id', 'org'), ('email', 'members')],
                        required_one_of=[('org_id', 'org'), ('email', 'members')])


# -- capgo_organization_member_info -------------------------------------------------------

def member_info_options():
    return dict(org_id=dict(type='str'), org=dict(type='str'), email=dict(type='str'))


def check_member_info_input(params):
    check_org_input(params)
    if params['email'] is not None:
        validate_member_email(params['email'])


def run_member_info(client, params, check_mode, warn):
    org_id = resolve_org_id(client, params, warn)
    # Like an org_id the key cannot see: an empty list, not an error.
    members = list_members(MemberService(client, warn=warn), org_id, params['email']) if org_id else []
    return dict(changed=False, members=members, org_id=org_id)


MEMBER_INFO_TASK = CapgoTask(member_info_options, check_member_info_input, run_member_info, **ORG_CHOICE)
