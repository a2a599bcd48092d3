# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A whole member list in one task: invite the missing, remove the unlisted (exclusive), re-invite on role changes.

One GET of the member list decides everything, before any write, so check mode predicts the
real run from the same read. Pending invitations count as members: a pending invitation
with the listed role is present, and with exclusive an unlisted one is removed like a member.

Guards, checked on the whole plan before the first write:
- the organization keeps an active org_super_admin (the server refuses to remove the last one,
  supabase/functions/_backend/public/organization/members/delete.ts);
- unlisted active org_super_admins are kept even with exclusive. API keys are never listed as
  members (members/get.ts lists users), so nothing tells which member owns the API key; the
  key needs its owner to stay an active member of the organization (its role bindings require
  that), and the owner of a key that manages members is, in the usual setup, the organization's
  creator, whom the server makes its org_super_admin. Removing a super admin takes an entry
  with state absent.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.capgo.cloud.plugins.module_utils.member import (
    MemberError,
    _invite_new,
    canonical_role,
    find_member,
    invite_email,
    last_super_admin_message,
    not_visible_message,
    predicted_invite,
    reinvite_member,
    validate_member_email,
)

LIST_FIELDS = ('email', 'role', 'pending')


def desired_members(entries, reinvite_default=False):
    """The validated entries of the members option: email, canonical role, state, reinvite."""
    wanted = []
    seen = {}
    for index, entry in enumerate(entries or []):
        email = validate_member_email(entry.get('email'))
        folded = email.lower()
        if folded in seen:
            raise MemberError('members lists %r twice (entries %d and %d); list each member once'
                              % (email, seen[folded] + 1, index + 1))
        seen[folded] = index
        reinvite_flag = entry.get('reinvite_on_role_change')
        wanted.append({
            'email': email,
            'role': canonical_role(entry.get('role') or 'org_member'),
            'state': entry.get('state') or 'present',
            'reinvite': bool(reinvite_default if reinvite_flag is None else reinvite_flag),
        })
    return wanted


def list_view(members):
    """The member list as the diff shows it: email, role, pending, sorted by email."""
    return sorted((dict((key, m.get(key)) for key in LIST_FIELDS) for m in members),
                  key=lambda m: ((m['email'] or '').lower(), m['email'] or ''))


def is_active_super_admin(member):
    return member.get('role') == 'org_super_admin' and not member.get('pending')


def plan_members(members, wanted, exclusive, org_id):
    """What converging members to wanted takes: {'invite': [(email, role)], 'remove': [member],
    'reinvite': [(member, role)], 'kept': [member]}. Raises MemberError before any write."""
    plan = {'invite': [], 'remove': [], 'reinvite': [], 'kept': []}
    listed = set()
    refused = []
    for entry in wanted:
        current = find_member(members, entry['email'])
        if current is not None:
            listed.add(id(current))
        if entry['state'] == 'absent':
            if current is not None:
                plan['remove'].append(current)
            continue
        if current is None:
            plan['invite'].append((entry['email'], entry['role']))
        elif current['role'] != entry['role']:
            if entry['reinvite']:
                plan['reinvite'].append((current, entry['role']))
            else:
                refused.append('%s (%s, listed as %s)' % (current['email'], current['role'], entry['role']))
    if refused:
        raise MemberError('the Capgo API cannot change a role, and these members have another role than listed: %s. '
                          'Set reinvite_on_role_change=true (for them or for the task) to remove them and invite them '
                          'again with the listed role; they lose access until they accept' % '; '.join(refused))
    if exclusive:
        for member in members:
            if id(member) in listed:
                continue
            if is_active_super_admin(member):
                plan['kept'].append(member)
            else:
                plan['remove'].append(member)
    leaving = list(plan['remove']) + [m for m, _role in plan['reinvite']]
    if any(is_active_super_admin(m) for m in leaving):
        staying = [m for m in members if is_active_super_admin(m) and all(m is not gone for gone in leaving)]
        if not staying:
            target = next(m for m in leaving if is_active_super_admin(m))
            raise MemberError(last_super_admin_message(target['email'], org_id, 'remove'))
    return plan


def predicted_list(members, plan):
    """The member list after the plan, as check mode reports it."""
    gone = list(plan['remove']) + [m for m, _role in plan['reinvite']]
    after = [m for m in members if all(m is not g for g in gone)]
    after += [predicted_invite(m['email'], role, m.get('uid')) for m, role in plan['reinvite']]
    after += [predicted_invite(invite_email(email), role) for email, role in plan['invite']]
    return after


def ensure_member_list(service, org_id, wanted, exclusive, check_mode):
    """Converge the members of org_id to wanted. Returns (changed, diff, result)."""
    members = service.list(org_id)
    if members is None:
        raise MemberError(not_visible_message(org_id))
    plan = plan_members(members, wanted, exclusive, org_id)
    changed = bool(plan['invite'] or plan['remove'] or plan['reinvite'])
    if check_mode or not changed:
        after = predicted_list(members, plan)
        invited = [invite_email(email) for email, _role in plan['invite']]
    else:
        after, invited = apply_plan(service, org_id, members, plan)
    if plan['kept']:
        service.warn('kept %s in organization %s although not listed: active org_super_admins are only removed when '
                     'listed with state absent' % (', '.join(m['email'] for m in plan['kept']), org_id))
    result = {
        'members': [dict((key, m.get(key)) for key in ('email', 'role', 'pending', 'uid')) for m in sorted(
            after, key=lambda m: (m['email'] or '').lower())],
        'invited': invited,
        'removed': [m['email'] for m in plan['remove']],
        'reinvited': bool(plan['reinvite']),
        'reinvited_members': [m['email'] for m, _role in plan['reinvite']],
        'kept': [m['email'] for m in plan['kept']],
        'msg': describe(plan, org_id, check_mode),
    }
    return changed, {'before': {'members': list_view(members)}, 'after': {'members': list_view(after)}}, result


def apply_plan(service, org_id, members, plan):
    """Invites first, then re-invites, then removals: an interruption removes nobody before the new invitations.

    Returns the members after, and the addresses invited as sent (an account stored with capitals is
    invited as written once the lower-case address finds no account).
    """
    after = list(members)
    invited = []

    def drop(member):
        after[:] = [m for m in after if m is not member]

    def no_result(member, msg):
        return {'member': member}

    for email, role in plan['invite']:
        _changed, _diff, outcome = _invite_new(service, org_id, email, invite_email(email), role, no_result)
        after.append(outcome['member'])
        invited.append(outcome['member']['email'])
    for member, role in plan['reinvite']:
        new = reinvite_member(service, org_id, member, role)
        drop(member)
        after.append(new)
    for member in plan['remove']:
        service.remove(org_id, member['email'])
        drop(member)
    return after, invited


def describe(plan, org_id, check_mode):
    parts = []
    for key, verb in (('invite', 'invite'), ('reinvite', 're-invite'), ('remove', 'remove')):
        items = plan[key]
        if items:
            emails = [item[0] if key == 'invite' else (item[0]['email'] if key == 'reinvite' else item['email'])
                      for item in items]
            parts.append('%s %s' % (verb if check_mode else verb + 'd', ', '.join(emails)))
    if not parts:
        return 'the members of organization %s are as listed' % org_id
    return '%s%s in organization %s' % ('would ' if check_mode else '', '; '.join(parts), org_id)
