# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Organization member logic: role names, lookup, compare, invite/remove and diff.

Talks to the API only through CapgoClient (api.py) and knows nothing of
AnsibleModule, so every decision here is unit-testable with a fake client.

What the server offers (supabase/functions/_backend/public/organization/members/get.ts, post.ts, delete.ts):
  GET    /organization/members?orgId=      bare list of {uid, email, image_url, role, is_tmp}
  POST   /organization/members             {orgId, email, invite_type} -> pending invite
  DELETE /organization/members?orgId=&email=
There is no way to change a member's role: only remove and invite again, and the new
invitation stays pending (is_tmp) until the user accepts it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.capgo.cloud.plugins.module_utils.api import CapgoApiError, CapgoError, CapgoTransportError
from ansible_collections.capgo.cloud.plugins.module_utils.normalize import validate_email
from ansible_collections.capgo.cloud.plugins.module_utils.resource import (
    CapgoService,
    build_diff as build_fields_diff,
    is_ambiguous,
    is_not_visible,
    validate_org_id,
)

MEMBERS_PATH = '/organization/members'

# The organization roles POST /organization/members can give.
ROLES = ('org_member', 'org_admin', 'org_super_admin', 'org_billing_admin')

# Legacy invite_type values the server still accepts, and the role each one gives (supabase/functions/_backend/public/organization/members/post.ts).
# Several collapse to org_member, so they cannot be told apart once invited.
ROLE_ALIASES = {
    'read': 'org_member',
    'upload': 'org_member',
    'write': 'org_member',
    'invite_read': 'org_member',
    'invite_upload': 'org_member',
    'invite_write': 'org_member',
    'admin': 'org_admin',
    'invite_admin': 'org_admin',
    'super_admin': 'org_super_admin',
    'invite_super_admin': 'org_super_admin',
}
ROLE_CHOICES = list(ROLES) + sorted(ROLE_ALIASES)

# Role names the public docs show in GET answers ({"data": [...]}, an invite_ prefix for pending).
DOCS_ROLE_NAMES = {
    'read': 'org_member',
    'upload': 'org_member',
    'write': 'org_member',
    'admin': 'org_admin',
    'super_admin': 'org_super_admin',
}

MEMBER_GONE_CODES = frozenset(['organization_member_not_found', 'user_not_found'])
LAST_SUPER_ADMIN_CODE = 'CANNOT_REMOVE_LAST_SUPER_ADMIN'


class MemberError(CapgoError):
    """A failure the module reports as is (message already user-facing)."""


def canonical_role(role):
    """The role a value of the role option gives (legacy aliases mapped)."""
    if role in ROLES:
        return role
    if role in ROLE_ALIASES:
        return ROLE_ALIASES[role]
    raise MemberError('role must be one of %s, got %r' % (', '.join(ROLE_CHOICES), role))


def validate_member_email(email):
    """The server's email rule (no trimming, no case change), checked before any request."""
    if email is None:
        raise MemberError('email is required')
    try:
        return validate_email(email, option='email')
    except ValueError as exc:
        raise MemberError(str(exc))


def invite_email(email):
    """The address sent when inviting.

    The server matches it exactly against the account emails, which Capgo's auth
    stores in lower case; see ensure_member for the fallback to the given case.
    """
    return email.lower()


def member_from_server(raw):
    """One member as the modules return it, from the server's or the docs' shape."""
    if not isinstance(raw, dict):
        raise MemberError('unexpected member in the server answer: %r' % (raw,))
    role = raw.get('role') or 'org_member'
    pending = bool(raw.get('is_tmp'))
    if isinstance(role, str) and role.startswith('invite_'):
        # The docs mark pending invitations with an invite_ prefix instead of is_tmp.
        role = role[len('invite_'):]
        pending = True
    role = DOCS_ROLE_NAMES.get(role, role)
    return {
        'uid': raw.get('uid'),
        'email': raw.get('email'),
        'role': role,
        'pending': pending,
        'image_url': raw.get('image_url') or '',
    }


def member_view(member):
    """The member module's RV(member): {} when there is none."""
    if not member:
        return {}
    return dict((key, member.get(key)) for key in ('email', 'role', 'pending', 'uid'))


DIFF_FIELDS = ('email', 'role', 'pending')


def build_diff(before, after):
    """Before/after of a member; None stands for "not a member"."""
    return build_fields_diff(before, after, DIFF_FIELDS)


def email_matches(stored, wanted):
    return isinstance(stored, str) and stored.lower() == wanted.lower()


def find_member(members, email):
    """The member with this email: the exact address first, else the only one equal ignoring case."""
    exact = [m for m in members if m.get('email') == email]
    if exact:
        return exact[0]
    folded = [m for m in members if email_matches(m.get('email'), email)]
    distinct = sorted(set(m['email'] for m in folded))
    if len(distinct) > 1:
        raise MemberError('more than one member matches %r when case is ignored (%s); set email to the exact '
                          'address' % (email, ', '.join(distinct)))
    return folded[0] if folded else None


def is_last_super_admin(members, target):
    """True when removing target leaves no active org_super_admin (the server refuses that)."""
    if target.get('role') != 'org_super_admin' or target.get('pending'):
        return False
    active = [m for m in members if m.get('role') == 'org_super_admin' and not m.get('pending')]
    return len(active) <= 1


def invite_code(error):
    """The RPC result code of a failed invite (NO_EMAIL, ALREADY_INVITED, ...), or None."""
    if not isinstance(error, CapgoApiError):
        return None
    data = error.more_info.get('data') if isinstance(error.more_info, dict) else None
    if isinstance(data, str):
        return data
    for text in (error.code, error.message):
        # The docs' error shape carries only a text.
        if isinstance(text, str) and text.upper() in ('NO_EMAIL', 'ALREADY_INVITED'):
            return text.upper()
    return None


class InviteAlreadyExists(Exception):
    """The server answered ALREADY_INVITED."""


class NoAccount(MemberError):
    """The server answered NO_EMAIL: no Capgo account has this exact address."""


class MemberService(CapgoService):
    """Capgo organization member operations over one CapgoClient."""

    def list(self, org_id):
        """Every member and pending invitation, or None when the key cannot see the organization."""
        try:
            rows = self.client.request('GET', MEMBERS_PATH, params={'orgId': org_id},
                                       action='listing the members of organization %s' % org_id)
        except CapgoApiError as exc:
            if is_not_visible(exc):
                return None
            raise
        if isinstance(rows, dict) and isinstance(rows.get('data'), list):
            rows = rows['data']
        if not isinstance(rows, list):
            raise MemberError('expected a list of members of organization %s, got %r' % (org_id, rows))
        return [member_from_server(row) for row in rows]

    def invite(self, org_id, email, role):
        """POST one invitation; returns the answer. Raises InviteAlreadyExists or MemberError."""
        body = {'orgId': org_id, 'email': email, 'invite_type': role}
        try:
            return self.client.request('POST', MEMBERS_PATH, body=body,
                                       action='inviting %s to organization %s' % (email, org_id))
        except CapgoApiError as exc:
            code = invite_code(exc)
            if code == 'ALREADY_INVITED':
                raise InviteAlreadyExists(email)
            if code == 'NO_EMAIL':
                raise NoAccount(
                    'no Capgo account uses the email %r, and the Capgo API can only invite people who already have '
                    'an account: ask them to sign up at Capgo first (with this address), then run the task again '
                    '(server answer: HTTP %s %s NO_EMAIL)' % (email, exc.status, exc.code))
            if code == 'NO_RIGHTS':
                raise MemberError(
                    'the API key may not invite %r as %s to organization %s: inviting needs an org_admin or '
                    'org_super_admin key, an org_super_admin invitation needs the org.update_user_roles right, '
                    'and nobody can invite a role above their own (server answer: HTTP %s %s NO_RIGHTS)'
                    % (email, role, org_id, exc.status, exc.code))
            if code == 'TOO_RECENT_INVITATION_CANCELATION':
                raise MemberError(
                    'an invitation of %r to organization %s was cancelled less than 3 hours ago; the server refuses '
                    'a new one until then (server answer: HTTP %s %s TOO_RECENT_INVITATION_CANCELATION)'
                    % (email, org_id, exc.status, exc.code))
            raise

    def remove(self, org_id, email):
        try:
            self.client.request('DELETE', MEMBERS_PATH, params={'orgId': org_id, 'email': email},
                                action='removing %s from organization %s' % (email, org_id))
        except CapgoApiError as exc:
            if exc.code in MEMBER_GONE_CODES and exc.attempts > 1:
                # A retried DELETE whose first attempt went through.
                return
            if exc.code == LAST_SUPER_ADMIN_CODE:
                raise MemberError(last_super_admin_message(email, org_id, 'remove'))
            if exc.code == 'cannot_delete_higher_priority_role':
                raise MemberError(
                    'the API key may not remove %r from organization %s: their role ranks above the key\'s own '
                    '(server answer: HTTP %s %s)' % (email, org_id, exc.status, exc.code))
            raise


def last_super_admin_message(email, org_id, what):
    doing = {
        'remove': 'remove',
        'reinvite': 'remove and invite again (to change the role of)',
    }[what]
    return ('refusing to %s %s: they are the last active org_super_admin of organization %s, and the server does '
            'not allow an organization without one (it answers %s). Invite another org_super_admin and let them '
            'accept the invitation first.' % (doing, email, org_id, LAST_SUPER_ADMIN_CODE))


def not_visible_message(org_id):
    return ('organization %s does not exist, or this API key cannot read its members (that needs an org_member, '
            'org_admin or org_super_admin key on the organization)' % org_id)


def predicted_invite(email, role, uid=None):
    """The member right after an invite: a registered user's invitation is pending until accepted."""
    return {'email': email, 'role': role, 'pending': True, 'uid': uid}


def ensure_member(service, params, check_mode):
    """Bring one member to the wanted state.

    Returns (changed, diff, result) where result holds member (RV(member), {} when
    absent), reinvited (bool) and msg.
    """
    org_id = validate_org_id(params.get('org_id'))
    email = validate_member_email(params.get('email'))
    role = canonical_role(params.get('role') or 'org_member')
    reinvite = bool(params.get('reinvite_on_role_change'))

    members = service.list(org_id)
    if members is None:
        raise MemberError(not_visible_message(org_id))
    current = find_member(members, email)

    def result(member, msg, reinvited=False):
        return {'member': member_view(member), 'reinvited': reinvited, 'msg': msg}

    if params.get('state') == 'absent':
        if current is None:
            return False, build_diff(None, None), result(None, '%s is not a member of organization %s' % (email, org_id))
        if is_last_super_admin(members, current):
            raise MemberError(last_super_admin_message(current['email'], org_id, 'remove'))
        if not check_mode:
            service.remove(org_id, current['email'])
        return True, build_diff(current, None), result(
            None, '%s %s from organization %s' % ('would remove' if check_mode else 'removed', current['email'], org_id))

    if current is None:
        sent = invite_email(email)
        if check_mode:
            after = predicted_invite(sent, role)
            return True, build_diff(None, after), result(
                after, 'would invite %s as %s; the invitation stays pending until accepted' % (sent, role))
        return _invite_new(service, org_id, email, sent, role, result)

    if current['role'] == role:
        state_text = 'pending invitation' if current['pending'] else 'member'
        return False, build_diff(current, current), result(
            current, '%s is already a %s of organization %s as %s' % (current['email'], state_text, org_id, role))

    if not reinvite:
        raise MemberError(
            '%s is %s organization %s with role %s, not %s. The Capgo API cannot change a role: set '
            'reinvite_on_role_change=true to remove them and invite them again as %s (they lose access to the '
            'organization until they accept the new invitation)'
            % (current['email'], 'invited to' if current['pending'] else 'a member of', org_id, current['role'],
               role, role))
    if is_last_super_admin(members, current):
        raise MemberError(last_super_admin_message(current['email'], org_id, 'reinvite'))
    if check_mode:
        after = predicted_invite(current['email'], role, current.get('uid'))
        return True, build_diff(current, after), result(
            after, REINVITE_NOTE % ('would remove', current['email'], org_id, 'invite them', role), reinvited=True)
    after = reinvite_member(service, org_id, current, role)
    return True, build_diff(current, after), result(
        after, REINVITE_NOTE % ('removed', current['email'], org_id, 'invited them', role), reinvited=True)


REINVITE_NOTE = ('%s %s from organization %s and %s again as %s: the new invitation is pending until they accept it in '
                 'Capgo, and until then they have no access to the organization')


def reinvite_member(service, org_id, current, role):
    """Remove a member and invite them again with role (the API cannot change a role); returns the new member."""
    service.remove(org_id, current['email'])
    try:
        answer = service.invite(org_id, current['email'], role)
    except InviteAlreadyExists:
        answer = None
    except CapgoError as exc:
        raise MemberError('%s was removed from organization %s to change their role, but inviting them again as %s '
                          'failed, so they are no longer a member: %s' % (current['email'], org_id, role, exc))
    service.warn(REINVITE_NOTE % ('removed', current['email'], org_id, 'invited them', role))
    return _answered_member(answer, predicted_invite(current['email'], role, current.get('uid')))


def _answered_member(answer, predicted):
    """The predicted member, with the uid the docs' POST answer carries ({data: {uid, ...}})."""
    if isinstance(answer, dict) and answer.get('uid') and not predicted.get('uid'):
        predicted = dict(predicted, uid=answer['uid'])
    return predicted


def _invite_new(service, org_id, email, sent, role, result):
    """Invite someone not in the list: GET + POST on the common path."""
    try:
        try:
            answer = service.invite(org_id, sent, role)
        except NoAccount:
            if sent == email:
                raise
            # Capgo matches the address exactly: an account stored with capitals is
            # only found with the case as written, so try that once.
            sent = email
            answer = service.invite(org_id, sent, role)
    except InviteAlreadyExists:
        # Listed nowhere a moment ago, yet invited: a concurrent invite, or an invitation made
        # in the console more than 7 days ago, which the list no longer shows.
        again = find_member(service.list(org_id) or [], email)
        if again is None:
            service.warn('the server reports that %s is already invited to organization %s, but the member list '
                         'does not show them (an invitation older than 7 days?)' % (email, org_id))
            member = {'email': sent, 'role': None, 'pending': True, 'uid': None}
        else:
            member = again
            if again['role'] != role:
                service.warn('%s is already invited to organization %s with role %s, not %s'
                             % (email, org_id, again['role'], role))
        return False, build_diff(member, member), result(member, '%s is already invited to organization %s'
                                                         % (member['email'], org_id))
    except (CapgoApiError, CapgoTransportError) as exc:
        if not is_ambiguous(exc):
            raise
        # The invitation may have gone through: look before reporting a failure.
        again = find_member(service.list(org_id) or [], sent)
        if again is None:
            raise
        return True, build_diff(None, again), result(again, 'invited %s as %s; the invitation stays pending until '
                                                            'accepted' % (again['email'], again['role']))
    after = _answered_member(answer, predicted_invite(sent, role))
    return True, build_diff(None, after), result(
        after, 'invited %s as %s; the invitation stays pending until accepted' % (sent, role))


def list_members(service, org_id, email=None):
    """Members and pending invitations of an organization ([] when the key cannot see it)."""
    org_id = validate_org_id(org_id)
    if email is not None:
        email = validate_member_email(email)
    members = service.list(org_id)
    if members is None:
        return []
    if email is not None:
        members = [m for m in members if email_matches(m.get('email'), email)]
    return members
