#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: capgo_organization_member
short_description: Invite and remove members of a Capgo organization
version_added: 1.0.0
description:
  - Invites a Capgo user to an organization with a role, or removes them, through the Capgo public API.
  - An invitation is pending (RV(member.pending=true)) until the user accepts it in the Capgo console; a pending
    invitation with the wanted role counts as present, so the module does not invite again.
  - The Capgo API cannot change the role of a member. A member with a different role than O(role) makes the task fail,
    unless O(reinvite_on_role_change=true), which removes the member and invites them again with O(role).
  - Only people who already have a Capgo account can be invited; the task fails for an email that no account uses.
  - The module refuses to remove the last active V(org_super_admin) of an organization, before sending any write.
  - With O(members), one task manages a list of members, and with O(exclusive=true) the complete membership of
    the organization (invite the missing, remove the ones not listed), like the C(purge_users) option of
    C(community.general.gitlab_group_members). The member list is read once, and every decision is made on it
    before the first write.
author:
  - capgo.cloud maintainers (@Cap-go)
extends_documentation_fragment:
  - capgo.cloud.capgo
  - capgo.cloud.capgo.actiongroup_capgo
  - capgo.cloud.attributes
attributes:
  check_mode:
    support: full
    details:
      - Reads the member list only and predicts RV(member) exactly, except RV(member.uid) of a new invitation, which
        is V(null) in check mode and in a real run alike (the invite answer carries no id).
      - Check mode cannot know whether an account exists for O(email); a run for an unknown email reports a change
        in check mode and fails for real.
      - With O(members), check mode returns the predicted RV(members) and the same diff as the real run.
  diff_mode:
    support: full
    details:
      - Before and after values of RV(member.email), RV(member.role) and RV(member.pending); V({}) stands for "not a
        member".
      - With O(members), the whole member list before and after, as C(members), a list of C(email), C(role) and
        C(pending) sorted by email; pending invitations are in it with C(pending=true).
options:
  org_id:
    description:
      - Id (UUID) of the organization.
      - The organization must be visible to the API key, and the key must be allowed to read its members
        (V(org_member), V(org_admin) or V(org_super_admin)); inviting and removing needs V(org_admin) or
        V(org_super_admin).
      - One of O(org_id) and O(org) is required.
    type: str
  org:
    description:
      - Exact name of the organization, when O(org_id) is not given; found as M(capgo.cloud.capgo_organization) finds
        a name (HTML tags and surrounding whitespace ignored, as the server strips them).
      - The task fails when no organization has this name, and when several do (the message names their ids; set
        O(org_id) then).
      - Finding a name reads every page of the organization list (one request per 50 organizations); O(org_id) costs
        nothing extra.
    type: str
  email:
    description:
      - Email address of the user's Capgo account.
      - One of O(email) and O(members) is required.
      - Checked against the server's email rule before any request; it is not trimmed.
      - Existing members are found ignoring case (the exact address wins when several differ only by case), and are
        removed with the address as the server stores it.
      - Capgo account emails are stored in lower case, so a new invitation is sent with the address in lower case;
        when no account uses that, the address is tried once more exactly as written.
    type: str
  role:
    description:
      - Role of the member in the organization.
      - The legacy names the API still accepts are mapped as the server maps them, V(read), V(upload), V(write),
        V(invite_read), V(invite_upload) and V(invite_write) to V(org_member), V(admin) and V(invite_admin) to
        V(org_admin), V(super_admin) and V(invite_super_admin) to V(org_super_admin). The module always compares and
        returns the mapped name.
      - The API key cannot invite a role above its own, and inviting an V(org_super_admin) needs an V(org_admin) or
        V(org_super_admin) key.
      - Ignored with O(state=absent).
    type: str
    default: org_member
    choices:
      - org_member
      - org_admin
      - org_super_admin
      - org_billing_admin
      - admin
      - invite_admin
      - invite_read
      - invite_super_admin
      - invite_upload
      - invite_write
      - read
      - super_admin
      - upload
      - write
  state:
    description:
      - V(present) invites the user when they are neither a member nor invited.
      - V(absent) removes the member or the pending invitation; someone who is not a member is left alone
        (C(changed=false)).
    type: str
    choices: [present, absent]
    default: present
  reinvite_on_role_change:
    description:
      - What to do when the user is a member (or invited) with a role other than O(role).
      - V(false) fails the task and changes nothing.
      - V(true) removes the member and invites them again with O(role). The new invitation is pending until the user
        accepts it, and until then they have no access to the organization; RV(reinvited) is V(true) and a warning
        says so. It is refused for the last active V(org_super_admin).
      - With O(members), the default of O(members[].reinvite_on_role_change).
    type: bool
    default: false
  members:
    description:
      - A list of members to manage in one task, instead of O(email). Pending invitations count as members; a pending
        invitation with the listed role is present.
      - Members listed with O(members[].state=absent) are removed. With O(exclusive=true), so are the members and
        pending invitations that are not listed, except active V(org_super_admin) members, which are kept and
        named in a warning and in RV(kept).
      - The task fails before any write when a listed member has another role and may not be re-invited, or when
        the organization would be left without an active V(org_super_admin).
      - Each member is listed once (emails compared ignoring case).
    type: list
    elements: dict
    suboptions:
      email:
        description: Email address of the user's Capgo account, as for O(email).
        type: str
        required: true
      role:
        description: Role, as for O(role).
        type: str
        default: org_member
        choices:
          - org_member
          - org_admin
          - org_super_admin
          - org_billing_admin
          - admin
          - invite_admin
          - invite_read
          - invite_super_admin
          - invite_upload
          - invite_write
          - read
          - super_admin
          - upload
          - write
      state:
        description: V(absent) removes the member or their pending invitation.
        type: str
        choices: [present, absent]
        default: present
      reinvite_on_role_change:
        description: As O(reinvite_on_role_change), for this member; defaults to the task's O(reinvite_on_role_change).
        type: bool
  exclusive:
    description:
      - With O(members), make O(members) the complete membership of the organization; see O(members).
      - Unlisted active V(org_super_admin) members are kept. API keys are never listed as members, so nothing in the
        member list tells which member owns the API key, and the key needs its owner to stay an active member; the
        owner is usually the organization's creator, whom the server makes its V(org_super_admin). Remove a super
        admin by listing them with O(members[].state=absent).
    type: bool
    default: false
notes:
  - Invitations of people without a Capgo account, which the Capgo console can make, cannot be created or removed
    through the public API.
seealso:
  - module: capgo.cloud.capgo_organization_member_info
  - module: capgo.cloud.capgo_organization
'''

EXAMPLES = r'''
# The invited users need a Capgo account. The tasks read the API key from CAPGO_API_KEY, or from
# api_key, which module_defaults of group/capgo.cloud.capgo can set for every Capgo task of a play.
- name: Invite a developer
  capgo.cloud.capgo_organization_member:
    org_id: 1f0e7b52-3b2f-4d8b-9a52-0c6f4c6f3d11
    email: dev@acme.example
  register: dev
  delegate_to: localhost

- name: Tell whether the invitation is still pending
  ansible.builtin.debug:
    msg: "{{ 'pending' if dev.member.pending else 'active' }}"

- name: Make someone an admin, even if they are a member with another role already
  capgo.cloud.capgo_organization_member:
    org_id: 1f0e7b52-3b2f-4d8b-9a52-0c6f4c6f3d11
    email: lead@acme.example
    role: org_admin
    reinvite_on_role_change: true
  delegate_to: localhost

- name: Remove a former colleague
  capgo.cloud.capgo_organization_member:
    org_id: 1f0e7b52-3b2f-4d8b-9a52-0c6f4c6f3d11
    email: gone@acme.example
    state: absent
  delegate_to: localhost

- name: Invite a former colleague back, addressing the organization by its exact name
  capgo.cloud.capgo_organization_member:
    org: Acme Apps
    email: former@acme.example
  delegate_to: localhost

- name: The complete membership of the organization (members and invitations not listed are removed)
  capgo.cloud.capgo_organization_member:
    org: Acme Apps
    members:
      - email: admin@example.com
        role: org_super_admin
      - email: lead@acme.example
        role: org_admin
      - email: dev@acme.example
      - email: former@acme.example
    exclusive: true
    reinvite_on_role_change: true
  register: acme_team
  delegate_to: localhost

- name: Show who has not accepted their invitation yet
  ansible.builtin.debug:
    msg: "{{ acme_team.members | selectattr('pending') | map(attribute='email') | list }}"
'''

RETURN = r'''
member:
  description:
    - The member after the task; in check mode, the predicted one.
    - V({}) after a removal, and when O(state=absent) found nobody to remove.
  returned: when O(email) is set
  type: dict
  contains:
    email:
      description: Email address of the member, as the server stores it (for a new invitation, as sent).
      type: str
      sample: dev@acme.example
    role:
      description: Role of the member (V(org_member), V(org_admin), V(org_super_admin) or V(org_billing_admin)).
      type: str
      sample: org_member
    pending:
      description:
        - V(true) for an invitation the user has not accepted yet (the server's C(is_tmp)); a new invitation is always
          pending.
      type: bool
      sample: true
    uid:
      description:
        - Id of the user. V(null) right after a new invitation, because the invite answer carries no id; the next run
          and M(capgo.cloud.capgo_organization_member_info) return it.
      type: str
      sample: 6aa0e3ae-9b4d-4a43-8c1f-3a3c0e7a2f10
reinvited:
  description:
    - V(true) when the member was removed and invited again to change their role (O(reinvite_on_role_change=true)).
      They have no access to the organization until they accept the new invitation.
    - With O(members), V(true) when any member was, and RV(reinvited_members) names them.
  returned: always
  type: bool
  sample: false
reinvited_members:
  description: With O(members), the emails removed and invited again to change their role.
  returned: when O(members) is set
  type: list
  elements: str
  sample: []
org_id:
  description: Id of the organization, as given in O(org_id) or found by O(org).
  returned: success
  type: str
  sample: 1f0e7b52-3b2f-4d8b-9a52-0c6f4c6f3d11
members:
  description:
    - With O(members), every member and pending invitation after the task (in check mode, the predicted ones),
      sorted by email. Pending invitations have RV(members[].pending=true).
  returned: when O(members) is set
  type: list
  elements: dict
  contains:
    email:
      description: Email address, as the server stores it (for a new invitation, as sent).
      type: str
    role:
      description: Role of the member.
      type: str
    pending:
      description: V(true) for an invitation not accepted yet.
      type: bool
    uid:
      description: Id of the user; V(null) for a new invitation.
      type: str
invited:
  description:
    - With O(members), the emails invited, as sent (or that check mode would invite).
    - An account stored with capitals is invited as written when the lower-case address finds no account; check
      mode predicts the lower-case address.
  returned: when O(members) is set
  type: list
  elements: str
  sample: [dev@acme.example]
removed:
  description: With O(members), the emails removed (or that check mode would remove).
  returned: when O(members) is set
  type: list
  elements: str
  sample: [former@acme.example]
kept:
  description: With O(exclusive=true), the active V(org_super_admin) members kept although not listed.
  returned: when O(members) is set
  type: list
  elements: str
  sample: []
msg:
  description: What the task did or would do, in words.
  returned: always
  type: str
  sample: invited dev@acme.example as org_member; the invitation stays pending until accepted
diff:
  description: Before and after values of the member; only with C(--diff).
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description:
        - RV(member.email), RV(member.role) and RV(member.pending) before the task, V({}) when not a member.
        - With O(members), C(members), the whole list before the task.
      type: dict
    after:
      description: The same after the task, V({}) when not a member afterwards.
      type: dict
'''

from ansible_collections.capgo.cloud.plugins.module_utils.member_tasks import MEMBER_TASK
from ansible_collections.capgo.cloud.plugins.module_utils.task import module_main


def main():
    module_main(MEMBER_TASK)


if __name__ == '__main__':
    main()
