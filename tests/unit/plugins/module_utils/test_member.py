# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Member logic: role names, lookup, request sequence per path, check mode and diff.

The client is a recording fake (members_fake.py; no HTTP here: wire behaviour is covered
by the integration tests against the emulator); it answers like the real server.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.capgo.cloud.plugins.module_utils.api import CapgoApiError, CapgoError, CapgoTransportError
from ansible_collections.capgo.cloud.plugins.module_utils.member import (
    ROLE_CHOICES,
    MemberError,
    MemberService,
    build_diff,
    canonical_role,
    ensure_member,
    find_member,
    invite_code,
    is_last_super_admin,
    list_members,
    member_from_server,
)
from ansible_collections.capgo.cloud.tests.unit.plugins.module_utils.members_fake import (
    ORG,
    FakeClient,
    invite_error,
    member,
    team,
    writes,
)


def params(**kwargs):
    base = dict(org_id=ORG, email=None, role='org_member', state='present', reinvite_on_role_change=False)
    base.update(kwargs)
    return base


def run(client, check_mode=False, **kwargs):
    service = MemberService(client)
    return ensure_member(service, params(**kwargs), check_mode)


# -- pure pieces ----------------------------------------------------------------

@pytest.mark.parametrize('alias, role', [
    ('org_member', 'org_member'), ('org_admin', 'org_admin'), ('org_super_admin', 'org_super_admin'),
    ('org_billing_admin', 'org_billing_admin'),
    ('read', 'org_member'), ('upload', 'org_member'), ('write', 'org_member'),
    ('invite_read', 'org_member'), ('invite_upload', 'org_member'), ('invite_write', 'org_member'),
    ('admin', 'org_admin'), ('invite_admin', 'org_admin'),
    ('super_admin', 'org_super_admin'), ('invite_super_admin', 'org_super_admin'),
])
def test_role_aliases_map_like_the_server(alias, role):
    assert canonical_role(alias) == role
    assert alias in ROLE_CHOICES


def test_unknown_role_and_the_choices():
    with pytest.raises(MemberError, match='role must be one of'):
        canonical_role('owner')
    assert ROLE_CHOICES[:4] == ['org_member', 'org_admin', 'org_super_admin', 'org_billing_admin']
    assert len(ROLE_CHOICES) == len(set(ROLE_CHOICES)) == 14


def test_server_member_shape():
    assert member_from_server({'uid': 'u', 'email': 'a@b.co', 'image_url': '', 'role': 'org_admin', 'is_tmp': True}) == {
        'uid': 'u', 'email': 'a@b.co', 'role': 'org_admin', 'pending': True, 'image_url': ''}
    with_image = {'uid': 'u', 'email': 'a@b.co', 'image_url': 'https://img.example/a.png', 'role': 'org_member'}
    assert member_from_server(with_image)['image_url'] == 'https://img.example/a.png'


@pytest.mark.parametrize('answer, text', [
    ([{'email': 'a@b.co', 'role': 'org_member'}, 42], 'unexpected member in the server answer: 42'),
    ({'status': 'ok'}, "expected a list of members of organization org-1, got {'status': 'ok'}"),
])
def test_a_member_list_the_server_should_not_send_is_an_error(answer, text):
    class OddClient(FakeClient):
        def request(self, method, path='/organization', params=None, body=None, action=None):
            FakeClient.request(self, method, path, params, body, action)
            return answer
    with pytest.raises(MemberError) as info:
        MemberService(OddClient(team())).list(ORG)
    assert str(info.value) == text


@pytest.mark.parametrize('role, expected, pending', [
    ('invite_write', 'org_member', True), ('read', 'org_member', False), ('admin', 'org_admin', False),
    ('invite_super_admin', 'org_super_admin', True), ('apikey_manager', 'apikey_manager', False),
    (None, 'org_member', False),
])
def test_docs_member_shape_and_legacy_roles(role, expected, pending):
    view = member_from_server({'uid': 'u', 'email': 'a@b.co', 'role': role, 'image_url': None})
    assert (view['role'], view['pending'], view['image_url']) == (expected, pending, '')


def test_find_member_exact_first_then_ignoring_case():
    rows = [member_from_server({'email': e}) for e in ('Bob@acme.example', 'bob@acme.example', 'Ann@acme.example')]
    assert find_member(rows, 'Bob@acme.example')['email'] == 'Bob@acme.example'
    assert find_member(rows, 'ann@ACME.example')['email'] == 'Ann@acme.example'
    assert find_member(rows, 'nobody@acme.example') is None
    with pytest.raises(MemberError) as info:
        find_member(rows, 'BOB@acme.example')
    assert str(info.value) == ("more than one member matches 'BOB@acme.example' when case is ignored "
                               "(Bob@acme.example, bob@acme.example); set email to the exact address")


def test_last_super_admin_counts_active_super_admins_only():
    rows = [member_from_server(r) for r in (
        {'email': 'a@x.co', 'role': 'org_super_admin'},
        {'email': 'b@x.co', 'role': 'org_super_admin', 'is_tmp': True},
        {'email': 'c@x.co', 'role': 'org_admin'})]
    assert is_last_super_admin(rows, rows[0])
    assert not is_last_super_admin(rows, rows[1])
    assert not is_last_super_admin(rows, rows[2])
    rows[1]['pending'] = False
    assert not is_last_super_admin(rows, rows[0])


def test_build_diff_shapes():
    m = {'email': 'a@x.co', 'role': 'org_member', 'pending': True, 'uid': None, 'image_url': ''}
    assert build_diff(None, m) == {'before': {}, 'after': {'email': 'a@x.co', 'role': 'org_member', 'pending': True}}
    assert build_diff(m, None)['after'] == {}


# -- input checks, before any request ----------------------------------------------

@pytest.mark.parametrize('kwargs, fragment', [
    (dict(email='not-an-email'), 'email'),
    (dict(email=' dev@acme.example'), 'whitespace'),
    (dict(email='dev@acme.example', org_id=' '), 'org_id'),
    (dict(email='dev@acme.example', role='owner'), 'role'),
])
def test_bad_input_fails_before_any_request(kwargs, fragment):
    client = FakeClient(team())
    with pytest.raises(CapgoError, match=fragment):
        run(client, **kwargs)
    assert client.calls == []


# -- present ------------------------------------------------------------------------

def test_existing_member_is_one_get():
    client = FakeClient(team(member('dev@acme.example')))
    changed, diff, result = run(client, email='dev@acme.example')
    assert (changed, client.calls) == (False, [('GET',)])
    assert result['member'] == {'email': 'dev@acme.example', 'role': 'org_member', 'pending': False, 'uid': 'uid-dev'}
    assert diff['before'] == diff['after'] and not result['reinvited']


def test_pending_invitation_with_the_role_is_present():
    client = FakeClient(team(member('dev@acme.example', 'org_admin', is_tmp=True)))
    changed, dummy, result = run(client, email='dev@acme.example', role='admin')
    assert not changed and result['member']['pending'] and client.calls == [('GET',)]


def test_existing_member_found_ignoring_case():
    client = FakeClient(team(member('dev@acme.example')))
    changed, dummy, result = run(client, email='Dev@Acme.example')
    assert not changed and result['member']['email'] == 'dev@acme.example'


def test_invite_is_get_plus_post_with_invite_type():
    client = FakeClient(team(), users=['owner@acme.example', 'dev@acme.example'])
    changed, diff, result = run(client, email='dev@acme.example', role='write')
    assert changed and client.calls == [('GET',), ('POST', 'dev@acme.example', 'org_member')]
    assert result['member'] == {'email': 'dev@acme.example', 'role': 'org_member', 'pending': True, 'uid': None}
    assert diff == {'before': {}, 'after': {'email': 'dev@acme.example', 'role': 'org_member', 'pending': True}}
    assert 'pending' in result['msg']


def test_invite_check_mode_only_reads_and_predicts_the_real_result():
    users = ['owner@acme.example', 'dev@acme.example']
    check_client, real_client = FakeClient(team(), users=users), FakeClient(team(), users=users)
    c_changed, c_diff, c_result = run(check_client, check_mode=True, email='dev@acme.example', role='org_admin')
    r_changed, r_diff, r_result = run(real_client, email='dev@acme.example', role='org_admin')
    assert check_client.calls == [('GET',)]
    assert (c_changed, c_diff, c_result['member']) == (r_changed, r_diff, r_result['member'])


def test_second_run_after_invite_is_not_changed():
    client = FakeClient(team(), users=['owner@acme.example', 'dev@acme.example'])
    run(client, email='dev@acme.example')
    client.calls = []
    changed, dummy, result = run(client, email='dev@acme.example')
    assert not changed and client.calls == [('GET',)]
    assert result['member'] == {'email': 'dev@acme.example', 'role': 'org_member', 'pending': True,
                                'uid': 'uid-dev'}


def test_invite_sends_lower_case():
    client = FakeClient(team(), users=['owner@acme.example', 'dev@acme.example'])
    changed, dummy, result = run(client, email='Dev@ACME.example')
    assert changed and writes(client) == [('POST', 'dev@acme.example', 'org_member')]
    assert result['member']['email'] == 'dev@acme.example'


def test_invite_falls_back_to_the_case_as_written_on_no_email():
    client = FakeClient(team(), users=['owner@acme.example', 'Dev@Acme.example'])
    changed, dummy, result = run(client, email='Dev@Acme.example')
    assert changed and writes(client) == [('POST', 'dev@acme.example', 'org_member'),
                                          ('POST', 'Dev@Acme.example', 'org_member')]
    assert result['member']['email'] == 'Dev@Acme.example'


def test_no_email_is_a_clear_failure():
    client = FakeClient(team())
    with pytest.raises(MemberError, match='no Capgo account uses the email') as info:
        run(client, email='stranger@acme.example')
    assert 'sign up' in str(info.value)
    assert client.calls == [('GET',), ('POST', 'stranger@acme.example', 'org_member')]


def test_already_invited_answer_is_present_not_changed():
    # Invited concurrently between our GET and POST.
    def invited_meanwhile(client):
        client.members[ORG].append(member('dev@acme.example', is_tmp=True))
    client = FakeClient(team(), users=['owner@acme.example', 'dev@acme.example'],
                        fail={'POST': [(invite_error('ALREADY_INVITED'), invited_meanwhile)]})
    changed, diff, result = run(client, email='dev@acme.example')
    assert not changed and result['member']['pending'] and result['member']['uid'] == 'uid-dev'
    assert client.calls == [('GET',), ('POST', 'dev@acme.example', 'org_member'), ('GET',)]
    assert diff['before'] == diff['after']


def test_already_invited_but_not_listed_warns():
    client = FakeClient(team(), users=['owner@acme.example', 'dev@acme.example'],
                        fail={'POST': invite_error('ALREADY_INVITED')})
    service = MemberService(client)
    changed, dummy, result = ensure_member(service, params(email='dev@acme.example'), False)
    assert not changed and result['member']['email'] == 'dev@acme.example'
    assert 'already invited' in service.warnings[0]


@pytest.mark.parametrize('code, fragment', [
    ('NO_RIGHTS', 'may not invite'), ('TOO_RECENT_INVITATION_CANCELATION', '3 hours')])
def test_other_invite_refusals_are_explained(code, fragment):
    client = FakeClient(team(), users=['owner@acme.example', 'dev@acme.example'], fail={'POST': invite_error(code)})
    with pytest.raises(MemberError, match=fragment):
        run(client, email='dev@acme.example')


def test_lost_invite_answer_is_checked_with_a_read():
    lost = CapgoTransportError('connection reset', maybe_processed=True)

    def went_through(client):
        client.members[ORG].append(member('dev@acme.example', is_tmp=True))
    client = FakeClient(team(), users=['owner@acme.example', 'dev@acme.example'], fail={'POST': [(lost, went_through)]})
    changed, diff, result = run(client, email='dev@acme.example')
    assert changed and result['member'] == {'email': 'dev@acme.example', 'role': 'org_member', 'pending': True,
                                            'uid': 'uid-dev'}
    assert diff == {'before': {}, 'after': {'email': 'dev@acme.example', 'role': 'org_member', 'pending': True}}
    assert result['msg'] == 'invited dev@acme.example as org_member; the invitation stays pending until accepted'
    assert [c[0] for c in client.calls] == ['GET', 'POST', 'GET']


def test_lost_invite_answer_that_did_nothing_is_an_error():
    client = FakeClient(team(), users=['owner@acme.example', 'dev@acme.example'],
                        fail={'POST': CapgoApiError(503, None, 'down')})
    with pytest.raises(CapgoApiError):
        run(client, email='dev@acme.example')
    assert [c[0] for c in client.calls] == ['GET', 'POST', 'GET']


class DocsClient(FakeClient):
    """Answers a POST in the docs' shape, whose data carries the uid of the invited user."""

    def request(self, method, path='/organization', params=None, body=None, action=None):
        answer = FakeClient.request(self, method, path, params, body, action)
        if method == 'POST':
            # CapgoClient unwraps {"status": "OK", "data": {...}} to the data.
            return {'uid': 'uid-answered', 'email': body['email'], 'role': 'invite_write', 'image_url': None}
        return answer


def test_docs_shaped_invite_answer_gives_the_uid():
    client = DocsClient(team(), users=['owner@acme.example', 'dev@acme.example'])
    dummy, dummy2, result = run(client, email='dev@acme.example')
    assert result['member'] == {'email': 'dev@acme.example', 'role': 'org_member', 'pending': True,
                                'uid': 'uid-answered'}


@pytest.mark.parametrize('listed_uid, uid', [(None, 'uid-answered'), ('uid-dev', 'uid-dev')])
def test_a_reinvite_keeps_the_listed_uid_or_takes_the_answered_one(listed_uid, uid):
    client = DocsClient(team(dict(member('dev@acme.example'), uid=listed_uid)))
    dummy, dummy2, result = run(client, email='dev@acme.example', role='org_admin', reinvite_on_role_change=True)
    assert result['member'] == {'email': 'dev@acme.example', 'role': 'org_admin', 'pending': True, 'uid': uid}


# -- role change ------------------------------------------------------------------------

def test_role_change_without_opt_in_fails_naming_the_option():
    client = FakeClient(team(member('dev@acme.example')))
    with pytest.raises(MemberError, match='reinvite_on_role_change') as info:
        run(client, email='dev@acme.example', role='org_admin')
    assert 'org_member' in str(info.value) and 'org_admin' in str(info.value)
    assert 'dev@acme.example is a member of organization' in str(info.value)
    assert client.calls == [('GET',)]


def test_role_change_of_a_pending_invitation_reads_properly():
    client = FakeClient(team(member('dev@acme.example', is_tmp=True)))
    with pytest.raises(MemberError) as info:
        run(client, email='dev@acme.example', role='org_admin')
    assert 'dev@acme.example is invited to organization %s with role org_member, not org_admin' % ORG in str(info.value)


def test_role_change_with_opt_in_is_get_delete_post_and_pending():
    client = FakeClient(team(member('dev@acme.example')))
    service = MemberService(client)
    changed, diff, result = ensure_member(
        service, params(email='dev@acme.example', role='org_admin', reinvite_on_role_change=True), False)
    assert changed and result['reinvited']
    assert client.calls == [('GET',), ('DELETE', 'dev@acme.example', None), ('POST', 'dev@acme.example', 'org_admin')]
    assert result['member'] == {'email': 'dev@acme.example', 'role': 'org_admin', 'pending': True, 'uid': 'uid-dev'}
    assert diff == {'before': {'email': 'dev@acme.example', 'role': 'org_member', 'pending': False},
                    'after': {'email': 'dev@acme.example', 'role': 'org_admin', 'pending': True}}
    assert 'pending until they accept' in result['msg'] and service.warnings


def test_role_change_check_mode_predicts_exactly():
    check_client, real_client = FakeClient(team(member('Dev@acme.example'))), FakeClient(team(member('Dev@acme.example')))
    kwargs = dict(email='dev@acme.example', role='org_billing_admin', reinvite_on_role_change=True)
    c = run(check_client, check_mode=True, **kwargs)
    r = run(real_client, **kwargs)
    assert check_client.calls == [('GET',)]
    assert (c[0], c[1], c[2]['member'], c[2]['reinvited']) == (r[0], r[1], r[2]['member'], r[2]['reinvited'])
    # The stored address is used for both writes.
    assert writes(real_client) == [('DELETE', 'Dev@acme.example', None), ('POST', 'Dev@acme.example', 'org_billing_admin')]


def test_role_change_of_the_last_super_admin_is_refused_before_writing():
    client = FakeClient(team())
    with pytest.raises(MemberError) as info:
        run(client, email='Owner@acme.example', role='org_admin', reinvite_on_role_change=True)
    assert str(info.value).startswith('refusing to remove and invite again (to change the role of) owner@acme.example: '
                                      'they are the last active org_super_admin of organization org-1')
    assert client.calls == [('GET',)]


def test_a_role_left_out_is_org_member():
    client = FakeClient(team(), users=['owner@acme.example', 'dev@acme.example'])
    changed, dummy, result = run(client, email='dev@acme.example', role=None, state=None)
    assert changed and writes(client) == [('POST', 'dev@acme.example', 'org_member')]
    assert result['member']['role'] == 'org_member'


def test_failed_reinvite_says_the_member_is_gone():
    client = FakeClient(team(member('dev@acme.example')), fail={'POST': invite_error('NO_RIGHTS')})
    with pytest.raises(MemberError, match='no longer a member'):
        run(client, email='dev@acme.example', role='org_super_admin', reinvite_on_role_change=True)


# -- absent ------------------------------------------------------------------------------

def test_remove_is_get_plus_delete():
    client = FakeClient(team(member('dev@acme.example', 'org_admin')))
    changed, diff, result = run(client, email='dev@acme.example', state='absent')
    assert changed and result['member'] == {}
    assert client.calls == [('GET',), ('DELETE', 'dev@acme.example', None)]
    assert diff == {'before': {'email': 'dev@acme.example', 'role': 'org_admin', 'pending': False}, 'after': {}}


def test_remove_check_mode_only_reads():
    client = FakeClient(team(member('dev@acme.example')))
    changed, diff, result = run(client, check_mode=True, email='dev@acme.example', state='absent')
    assert changed and client.calls == [('GET',)] and len(client.members[ORG]) == 2
    assert diff['after'] == {} and result['member'] == {}


def test_remove_pending_invitation():
    client = FakeClient(team(member('dev@acme.example', is_tmp=True)))
    changed, dummy, dummy2 = run(client, email='dev@acme.example', state='absent')
    assert changed and writes(client) == [('DELETE', 'dev@acme.example', None)]


def test_absent_when_not_a_member_is_one_get():
    client = FakeClient(team())
    changed, diff, result = run(client, email='dev@acme.example', state='absent')
    assert (changed, diff, result['member'], client.calls) == (False, {'before': {}, 'after': {}}, {}, [('GET',)])


def test_removing_the_last_super_admin_is_refused_before_the_delete():
    client = FakeClient(team(member('dev@acme.example', 'org_super_admin', is_tmp=True)))
    for check_mode in (True, False):
        with pytest.raises(MemberError) as info:
            run(client, check_mode=check_mode, email='OWNER@acme.example', state='absent')
        assert str(info.value).startswith('refusing to remove owner@acme.example: they are the last active '
                                          'org_super_admin of organization org-1')
        assert 'CANNOT_REMOVE_LAST_SUPER_ADMIN' in str(info.value)
    assert writes(client) == []


def test_removing_one_of_two_super_admins_is_allowed():
    client = FakeClient(team(member('second@acme.example', 'org_super_admin')))
    changed, dummy, dummy2 = run(client, email='owner@acme.example', state='absent')
    assert changed and writes(client) == [('DELETE', 'owner@acme.example', None)]


def test_server_refusal_of_last_super_admin_is_explained():
    client = FakeClient(team(member('dev@acme.example')),
                        fail={'DELETE': CapgoApiError(400, 'CANNOT_REMOVE_LAST_SUPER_ADMIN', 'Cannot remove')})
    with pytest.raises(MemberError) as info:
        run(client, email='dev@acme.example', state='absent')
    assert str(info.value).startswith('refusing to remove dev@acme.example: they are the last active org_super_admin '
                                      'of organization org-1')


def test_higher_role_refusal_is_explained():
    client = FakeClient(team(member('dev@acme.example')),
                        fail={'DELETE': CapgoApiError(403, 'cannot_delete_higher_priority_role', 'Cannot delete')})
    with pytest.raises(MemberError, match='ranks above'):
        run(client, email='dev@acme.example', state='absent')


def test_retried_delete_answered_not_member_counts_as_done():
    gone = CapgoApiError(404, 'organization_member_not_found', 'not a member', attempts=2)
    client = FakeClient(team(member('dev@acme.example')), fail={'DELETE': gone})
    changed, dummy, result = run(client, email='dev@acme.example', state='absent')
    assert changed and result['member'] == {}


def test_first_delete_answered_not_member_is_an_error():
    gone = CapgoApiError(404, 'organization_member_not_found', 'not a member')
    client = FakeClient(team(member('dev@acme.example')), fail={'DELETE': gone})
    with pytest.raises(CapgoApiError):
        run(client, email='dev@acme.example', state='absent')


# -- organization not visible ---------------------------------------------------------------

@pytest.mark.parametrize('state', ['present', 'absent'])
def test_invisible_organization_fails_clearly(state):
    client = FakeClient(team(), orgs=())
    client.members = {}
    with pytest.raises(MemberError) as info:
        run(client, org_id='other', email='dev@acme.example', state=state)
    assert str(info.value).startswith('organization other does not exist, or this API key cannot read its members')
    assert client.calls == [('GET',)]


def test_auth_errors_propagate():
    client = FakeClient(team(), fail={'GET': CapgoApiError(401, 'invalid_apikey', 'Invalid apikey')})
    with pytest.raises(CapgoApiError, match='invalid_apikey'):
        run(client, email='dev@acme.example')


# -- info ------------------------------------------------------------------------------------

def test_info_lists_members_with_pending_state():
    client = FakeClient(team(member('dev@acme.example', is_tmp=True)))
    members = list_members(MemberService(client), ORG)
    assert [(m['email'], m['role'], m['pending']) for m in members] == [
        ('owner@acme.example', 'org_super_admin', False), ('dev@acme.example', 'org_member', True)]
    assert set(members[0]) == set(['uid', 'email', 'role', 'pending', 'image_url'])
    assert client.calls == [('GET',)]


def test_info_email_filter_ignores_case():
    client = FakeClient(team(member('dev@acme.example')))
    assert [m['email'] for m in list_members(MemberService(client), ORG, 'DEV@acme.example')] == ['dev@acme.example']
    assert list_members(MemberService(client), ORG, 'nobody@acme.example') == []


def test_info_invisible_organization_is_an_empty_list():
    client = FakeClient(team())
    assert list_members(MemberService(client), 'other-org') == []


def test_info_bad_email_fails_before_any_request():
    client = FakeClient(team())
    with pytest.raises(MemberError):
        list_members(MemberService(client), ORG, 'nope')
    assert client.calls == []


def test_info_docs_shape():
    class DocsClient(FakeClient):
        def request(self, method, path='/organization', params=None, body=None, action=None):
            self.calls.append(('GET',))
            return {'data': [{'uid': 'u1', 'email': 'a@acme.example', 'role': 'invite_write', 'image_url': None},
                             {'uid': 'u2', 'email': 'b@acme.example', 'role': 'super_admin', 'image_url': None}]}
    members = list_members(MemberService(DocsClient()), ORG)
    assert [(m['role'], m['pending'], m['image_url']) for m in members] == [
        ('org_member', True, ''), ('org_super_admin', False, '')]


# -- what each path tells the user ------------------------------------------------------

DEV = 'dev@acme.example'
USERS = ['owner@acme.example', DEV]
AGAIN = ' again as org_admin: the new invitation is pending until they accept it in Capgo, and until then they have ' \
        'no access to the organization'


@pytest.mark.parametrize('members, kwargs, check_mode, expected', [
    (team(), dict(email='x@acme.example', state='absent'), False,
     (False, False, 'x@acme.example is not a member of organization org-1')),
    (team(member(DEV)), dict(email=DEV, state='absent'), False,
     (True, False, 'removed dev@acme.example from organization org-1')),
    (team(member(DEV)), dict(email=DEV, state='absent'), True,
     (True, False, 'would remove dev@acme.example from organization org-1')),
    (team(member(DEV)), dict(email=DEV), False,
     (False, False, 'dev@acme.example is already a member of organization org-1 as org_member')),
    (team(member(DEV, is_tmp=True)), dict(email=DEV), False,
     (False, False, 'dev@acme.example is already a pending invitation of organization org-1 as org_member')),
    (team(), dict(email=DEV, role='org_admin'), False,
     (True, False, 'invited dev@acme.example as org_admin; the invitation stays pending until accepted')),
    (team(), dict(email=DEV, role='org_admin'), True,
     (True, False, 'would invite dev@acme.example as org_admin; the invitation stays pending until accepted')),
    (team(member(DEV)), dict(email=DEV, role='org_admin', reinvite_on_role_change=True), False,
     (True, True, 'removed dev@acme.example from organization org-1 and invited them' + AGAIN)),
    (team(member(DEV)), dict(email=DEV, role='org_admin', reinvite_on_role_change=True), True,
     (True, True, 'would remove dev@acme.example from organization org-1 and invite them' + AGAIN)),
])
def test_each_path_says_what_it_did(members, kwargs, check_mode, expected):
    changed, dummy, result = run(FakeClient(members, users=USERS), check_mode=check_mode, **kwargs)
    assert (changed, result['reinvited'], result['msg']) == expected


@pytest.mark.parametrize('pending, being', [(False, 'is a member of'), (True, 'is invited to')])
def test_a_role_change_without_reinvite_says_how(pending, being):
    client = FakeClient(team(member(DEV, is_tmp=pending)), users=USERS)
    with pytest.raises(MemberError) as info:
        run(client, email=DEV, role='org_admin')
    assert str(info.value).startswith('dev@acme.example %s organization org-1 with role org_member, not org_admin. '
                                      'The Capgo API cannot change a role: set reinvite_on_role_change=true' % being)
    assert writes(client) == []


@pytest.mark.parametrize('error, code', [
    (invite_error('NO_EMAIL'), 'NO_EMAIL'),
    (invite_error('SOMETHING_NEW'), 'SOMETHING_NEW'),
    (CapgoApiError(400, None, 'already_invited'), 'ALREADY_INVITED'),
    (CapgoApiError(400, 'no_email', 'x'), 'NO_EMAIL'),
    (CapgoApiError(400, 'invalid_body', 'x', more_info={'data': 3}), None),
    (CapgoApiError(400, None, 'Error inviting user'), None),
    (CapgoTransportError('connection reset'), None),
])
def test_invite_code_from_every_error_shape(error, code):
    assert invite_code(error) == code


def test_an_invitation_the_list_does_not_show_is_reported_as_it_stands():
    # An old invitation: the list misses it, the server refuses to invite again.
    client = FakeClient(team(), users=USERS, fail={'POST': invite_error('ALREADY_INVITED')})
    service = MemberService(client)
    changed, diff, result = ensure_member(service, params(email=DEV, role='org_admin'), False)
    assert changed is False
    assert diff == {'before': {'email': DEV, 'role': None, 'pending': True}, 'after': {'email': DEV, 'role': None, 'pending': True}}
    assert result['member'] == {'email': DEV, 'role': None, 'pending': True, 'uid': None}
    assert result['msg'] == 'dev@acme.example is already invited to organization org-1'
    assert service.warnings == ['the server reports that dev@acme.example is already invited to organization org-1, '
                                'but the member list does not show them (an invitation older than 7 days?)']


def test_a_concurrent_invitation_with_another_role_is_reported_with_a_warning():
    def invited_meanwhile(c):
        c.members[ORG].append(member(DEV, 'org_member', is_tmp=True))
    client = FakeClient(team(), users=USERS, fail={'POST': [(invite_error('ALREADY_INVITED'), invited_meanwhile)]})
    service = MemberService(client)
    changed, dummy, result = ensure_member(service, params(email=DEV, role='org_admin'), False)
    assert changed is False and result['member']['role'] == 'org_member' and result['member']['pending'] is True
    assert service.warnings == ['dev@acme.example is already invited to organization org-1 with role org_member, '
                                'not org_admin']
