#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: capgo_organization_member_info
short_description: List the members of a Capgo organization
version_added: 1.0.0
description:
  - Returns the members and pending invitations of one organization, in one request.
  - Read-only. An organization that does not exist, or whose members the API key may not read, is not an error; the
    list is then empty, as M(capgo.cloud.capgo_organization_info) returns an empty list for an organization it cannot
    see. Reading members needs an V(org_member), V(org_admin) or V(org_super_admin) key; an V(org_billing_admin) key
    gets an empty list.
  - A separate module rather than an option of M(capgo.cloud.capgo_organization_info), so that listing organizations
    keeps its request count and members have a result of their own with the same fields as
    M(capgo.cloud.capgo_organization_member) returns.
author:
  - capgo.cloud maintainers (@Cap-go)
extends_documentation_fragment:
  - capgo.cloud.capgo
  - capgo.cloud.capgo.actiongroup_capgo
  - capgo.cloud.attributes
  - capgo.cloud.attributes.info_module
options:
  org_id:
    description:
      - Id (UUID) of the organization. One of O(org_id) and O(org) is required.
    type: str
  org:
    description:
      - Exact name of the organization, when O(org_id) is not given; found as M(capgo.cloud.capgo_organization) finds
        a name (HTML tags and surrounding whitespace ignored), reading every page of the organization list.
      - The task fails when several organizations have this name (the message names their ids); when none has it,
        RV(members) is empty, as for an O(org_id) the key cannot see.
    type: str
  email:
    description:
      - Only return the member with this email address (compared ignoring case).
    type: str
seealso:
  - module: capgo.cloud.capgo_organization_member
  - module: capgo.cloud.capgo_organization_info
'''

EXAMPLES = r'''
- name: List the members of an organization
  capgo.cloud.capgo_organization_member_info:
    api_key: "{{ vault_capgo_api_key }}"
    org_id: 1f0e7b52-3b2f-4d8b-9a52-0c6f4c6f3d11
  register: team
  delegate_to: localhost

- name: Show who has not accepted their invitation yet
  ansible.builtin.debug:
    msg: "{{ team.members | selectattr('pending') | map(attribute='email') | list }}"

- name: Look one member up
  capgo.cloud.capgo_organization_member_info:
    org_id: 1f0e7b52-3b2f-4d8b-9a52-0c6f4c6f3d11
    email: dev@acme.example
  register: dev
  delegate_to: localhost

- name: List the members of an organization found by its exact name
  capgo.cloud.capgo_organization_member_info:
    org: Acme Apps
  register: acme_team
  delegate_to: localhost
'''

RETURN = r'''
org_id:
  description: Id of the organization, as given in O(org_id) or found by O(org); V(null) when no organization has the name O(org).
  returned: always
  type: str
  sample: 1f0e7b52-3b2f-4d8b-9a52-0c6f4c6f3d11
members:
  description:
    - The members and pending invitations, in the order the server lists them. Always a list; empty when nothing
      matched or the organization is not visible.
  returned: always
  type: list
  elements: dict
  contains:
    uid:
      description: Id of the user.
      type: str
      sample: 6aa0e3ae-9b4d-4a43-8c1f-3a3c0e7a2f10
    email:
      description: Email address, as the server stores it.
      type: str
      sample: dev@acme.example
    role:
      description:
        - Role in the organization, V(org_member), V(org_admin), V(org_super_admin) or V(org_billing_admin) (other
          organization roles are returned as the server names them).
        - The legacy names the public docs show (V(read), V(write), V(admin), ...) are mapped to these.
      type: str
      sample: org_admin
    pending:
      description:
        - V(true) for an invitation not accepted yet (the server's C(is_tmp), or an C(invite_) role prefix in the
          docs' answer shape).
      type: bool
      sample: false
    image_url:
      description: Avatar URL (a short-lived signed URL for avatars stored in Capgo), V("") when there is none.
      type: str
      sample: ''
'''

from ansible_collections.capgo.cloud.plugins.module_utils.member_tasks import MEMBER_INFO_TASK
from ansible_collections.capgo.cloud.plugins.module_utils.task import module_main


def main():
    module_main(MEMBER_INFO_TASK)


if __name__ == '__main__':
    main()
