# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Organization logic: lookup, compare, request sequence per path, check mode and diff.

The client is a recording fake (no HTTP here: wire behaviour is covered by the
integration tests against the emulator); it answers like the real server.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.capgo.cloud.plugins.module_utils.api import CapgoApiError, CapgoTransportError
from ansible_collections.capgo.cloud.plugins.module_utils.security import SETTINGS_DEFAULTS
from ansible_collections.capgo.cloud.plugins.module_utils.organization import (
    ORG_FIELDS,
    OrganizationError,
    OrganizationService,
    build_diff,
    compute_delta,
    desired_state,
    ensure_organization,
    list_organizations,
    organization_view,
)

SIGNED = 'https://sb.capgo.app/storage/v1/object/sign/images/%s?token=t%d'


def server_logo_path(value):
    """storage.ts normalizeImagePath for paths (what these tests send): drop a leading images/, then leading /s."""
    if '://' in value:
        return value
    path = value.strip()
    if path.startswith('images/'):
        path = path[len('images/'):]
    return path.lstrip('/') or value.strip()


class FakeClient:
    """Answers GET/POST/PUT/DELETE /organization like the real server, and records the calls."""

    retries = 2

    def __init__(self, orgs=(), page_size=50, fail=None):
        self.orgs = [dict(org) for org in orgs]
        self.calls = []
        self.page_size = page_size
        self.fail = fail or {}
        self.counter = 0
        self.signs = 0
        # Bodies of the PUTs sent, to check that only the differing fields travel.
        self.put_bodies = []

    def _row(self, org, full=False):
        row = dict(org) if full else dict((k, org.get(k)) for k in ORG_FIELDS)
        if row.get('logo') and '://' not in row['logo']:
            self.signs += 1
            # The server normalises the stored path once more when it signs it.
            row['logo'] = SIGNED % (server_logo_path(row['logo']), self.signs)
        return row

    def _find(self, org_id):
        return next((org for org in self.orgs if org['id'] == org_id), None)

    def request(self, method, path='/organization', params=None, body=None, action=None):
        assert path == '/organization'
        self.calls.append((method, (params or {}).get('orgId') or (body or {}).get('orgId') or (body or {}).get('page')))
        failure = self.fail.get(method)
        if failure:
            exc = failure.pop(0) if isinstance(failure, list) else failure
            if exc is not None:
                if isinstance(exc, tuple):
                    exc, then = exc
                    then(self)
                raise exc
        if method == 'GET':
            if params and params.get('orgId'):
                org = self._find(params['orgId'])
                if org is None:
                    raise CapgoApiError(400, 'invalid_org_id', "You can't access this organization")
                return self._row(org)
            page = (body or {}).get('page', 0)
            return [self._row(o) for o in self.orgs[page * self.page_size:(page + 1) * self.page_size]]
        if method == 'POST':
            return {'id': self._create(body)}
        if method == 'PUT':
            self.put_bodies.append(dict(body))
            org = self._find(body['orgId'])
            for key, value in body.items():
                if key == 'logo':
                    org[key] = server_logo_path(value)
                elif key != 'orgId':
                    org[key] = value
            full = self._row(org, full=True)
            full.update(created_at='2026-01-01T00:00:00.000Z')
            return {'status': 'Organization updated', 'id': org['id'], 'data': full}
        if method == 'DELETE':
            org = self._find(params['orgId'])
            if org is None:
                raise CapgoApiError(403, 'invalid_org_id', "You can't delete this organization")
            self.orgs.remove(org)
            return {'status': 'ok'}
        raise AssertionError(method)

    def _create(self, body):
        self.counter += 1
        new_id = 'new-%d' % self.counter
        self.orgs.append(org_row(new_id, body['name'], email=body.get('email', 'owner@example.com'),
                                 website=body.get('website')))
        return new_id

    def paginate(self, action=None):
        rows, page = [], 0
        while True:
            chunk = self.request('GET', body={'page': page} if page else None)
            rows.extend(chunk)
            if len(chunk) < self.page_size:
                return rows
            page += 1


def org_row(org_id, name, email='owner@example.com', website=None, logo=None, **settings):
    row = {'id': org_id, 'created_by': 'u1', 'created_at': '2026-01-01T00:00:00.000000+00:00',
           'updated_at': '2026-01-01T00:00:00.000000+00:00', 'logo': logo, 'name': name,
           'management_email': email, 'customer_id': 'pending_%s' % org_id, 'website': website,
           'email_preferences': {}, 'has_usage_credits': False}
    row.update(SETTINGS_DEFAULTS)
    row.update(settings)
    return row


def params(**kwargs):
    base = dict(org_id=None, name=None, management_email=None, website=None, logo=None, state='present',
                acknowledge_lockout=False)
    base.update(kwargs)
    return base


def many(count):
    return [org_row('id-%03d' % i, 'Org %03d' % i) for i in range(count)]


def run(client, check_mode=False, **kwargs):
    service = OrganizationService(client)
    return ensure_organization(service, params(**kwargs), check_mode)


# -- pure pieces ----------------------------------------------------------------

def test_desired_state_normalises_like_the_server():
    assert desired_state(params(name=' <b>Acme</b> ', website='Example.COM', logo='images/a.png',
                                management_email='a@b.co')) == {
        'name': 'Acme', 'website': 'https://example.com/', 'logo': 'a.png', 'management_email': 'a@b.co'}


def test_empty_website_means_clear_it():
    assert desired_state(params(name='Acme', website='')) == {'name': 'Acme', 'website': None}


@pytest.mark.parametrize('kwargs, fragment', [
    (dict(name='ab'), 'name'),
    (dict(name='<b></b>'), 'name'),
    (dict(name='Acme', management_email='nope'), 'management_email'),
    (dict(name='Acme', website='ftp://x.com'), 'website'),
    (dict(name='Acme', website='https://u:p@x.com'), 'credentials'),
])
def test_bad_input_names_the_option(kwargs, fragment):
    with pytest.raises(OrganizationError, match=fragment):
        desired_state(params(**kwargs))


def test_view_turns_signed_logo_into_path():
    view = organization_view(dict(org_row('a', 'Acme'), logo=SIGNED % ('org/a/l.png', 9), extra='dropped'))
    assert view['logo'] == 'org/a/l.png' and 'extra' not in view


def test_compute_delta_only_differences():
    current = organization_view(org_row('a', 'Acme', website='https://acme.example/'))
    assert compute_delta(current, {'name': 'Acme', 'website': 'https://acme.example/'}) == {}
    assert compute_delta(current, {'name': 'Acme 2', 'website': None}) == {'name': 'Acme 2', 'website': None}


def test_build_diff_shapes():
    org = organization_view(org_row('a', 'Acme'))
    assert build_diff({}, {'name': 'Acme'}) == {'before': {}, 'after': {'name': 'Acme'}}
    assert build_diff(org, {}) == {'before': {'name': 'Acme', 'management_email': 'owner@example.com',
                                              'website': None, 'logo': None}, 'after': {}}


# -- request sequences ------------------------------------------------------------

def test_noop_by_id_is_one_get():
    client = FakeClient([org_row('a', 'Acme', website='https://acme.example/')])
    changed, diff, org = run(client, org_id='a', name='Acme', website='acme.example')
    assert (changed, client.calls) == (False, [('GET', 'a')])
    assert diff['before'] == diff['after'] and org['id'] == 'a'


@pytest.mark.parametrize('visible, pages', [(1, 1), (49, 1), (50, 2), (99, 2), (100, 3), (121, 3)])
def test_noop_by_name_reads_every_page_once(visible, pages):
    orgs = many(visible - 1) + [org_row('target', 'Target org')]
    client = FakeClient(orgs)
    changed, dummy, org = run(client, name='Target org')
    assert not changed and org['id'] == 'target'
    assert client.calls == [('GET', None)] + [('GET', page) for page in range(1, pages)]


def test_create_is_list_post_get():
    client = FakeClient()
    changed, diff, org = run(client, name='Acme', website='acme.example', management_email='a@b.co')
    assert changed and org['id'] == 'new-1' and org['website'] == 'https://acme.example/'
    assert client.calls == [('GET', None), ('POST', None), ('GET', 'new-1')]
    assert diff == {'before': {}, 'after': {'name': 'Acme', 'website': 'https://acme.example/', 'management_email': 'a@b.co'}}


def test_create_with_logo_uses_the_put_answer_instead_of_a_get():
    client = FakeClient()
    changed, dummy, org = run(client, name='Acme', logo='org/x/logo.png')
    assert client.calls == [('GET', None), ('POST', None), ('PUT', 'new-1')]
    assert org['logo'] == 'org/x/logo.png' and set(org) == set(organization_view({}))


def test_create_in_check_mode_writes_nothing_and_predicts():
    client = FakeClient()
    changed, diff, org = run(client, check_mode=True, name=' Acme ', website='acme.example')
    assert changed and client.calls == [('GET', None)]
    assert org['id'] is None and org['name'] == 'Acme' and org['website'] == 'https://acme.example/'
    assert diff['after'] == {'name': 'Acme', 'website': 'https://acme.example/'}


def test_update_is_lookup_plus_one_put_with_only_the_difference():
    client = FakeClient([org_row('a', 'Acme', website='https://old.example/')])
    changed, diff, org = run(client, org_id='a', name='Acme', website='new.example', management_email='owner@example.com')
    assert changed and client.calls == [('GET', 'a'), ('PUT', 'a')]
    assert org['website'] == 'https://new.example/'
    assert org['created_at'] == '2026-01-01T00:00:00.000000+00:00'
    assert diff['before']['website'] == 'https://old.example/' and diff['after']['website'] == 'https://new.example/'


def test_update_sends_only_changed_fields():
    client = FakeClient([org_row('a', 'Acme', website='https://old.example/')])
    run(client, org_id='a', name='Acme', website='new.example')
    assert client.put_bodies == [{'orgId': 'a', 'website': 'https://new.example/'}]


def test_update_in_check_mode_predicts_exactly_what_the_real_run_returns():
    rows = [org_row('a', 'Acme', logo='org/a/old.png')]
    check_client, real_client = FakeClient(rows), FakeClient(rows)
    dummy, check_diff, predicted = run(check_client, check_mode=True, org_id='a', name='Renamed', logo='org/a/new.png')
    dummy, real_diff, actual = run(real_client, org_id='a', name='Renamed', logo='org/a/new.png')
    assert check_client.calls == [('GET', 'a')]
    assert predicted == actual and check_diff == real_diff


def test_signed_logo_is_not_a_change():
    client = FakeClient([org_row('a', 'Acme', logo='org/a/l.png')])
    changed, dummy, dummy2 = run(client, org_id='a', logo='https://sb.capgo.app/storage/v1/object/public/images/org/a/l.png')
    assert not changed and client.calls == [('GET', 'a')]


def test_delete_is_lookup_plus_delete_and_returns_empty():
    client = FakeClient([org_row('a', 'Acme')])
    changed, diff, org = run(client, org_id='a', state='absent')
    assert changed and org == {} and client.calls == [('GET', 'a'), ('DELETE', 'a')]
    assert diff['after'] == {} and diff['before']['name'] == 'Acme'


def test_delete_check_mode_only_looks_up():
    client = FakeClient([org_row('a', 'Acme')])
    changed, dummy, org = run(client, check_mode=True, name='Acme', state='absent')
    assert changed and client.calls == [('GET', None)] and len(client.orgs) == 1


@pytest.mark.parametrize('kwargs', [dict(org_id='gone'), dict(name='Gone org')])
def test_absent_when_already_gone_is_not_changed(kwargs):
    client = FakeClient([org_row('a', 'Acme')])
    changed, diff, org = run(client, state='absent', **kwargs)
    assert (changed, org, diff) == (False, {}, {'before': {}, 'after': {}})
    assert all(call[0] == 'GET' for call in client.calls)


def test_invisible_org_id_with_present_fails_and_never_creates():
    client = FakeClient()
    with pytest.raises(OrganizationError, match='not visible'):
        run(client, org_id='missing', name='Acme')
    assert client.calls == [('GET', 'missing')]


def test_ambiguous_name_names_every_id():
    client = FakeClient([org_row('b', 'Acme'), org_row('a', '<i>Acme</i>'), org_row('c', 'Other')])
    with pytest.raises(OrganizationError) as info:
        run(client, name='Acme', website='x.example')
    assert 'a, b' in str(info.value) and 'org_id' in str(info.value)
    assert all(call[0] == 'GET' for call in client.calls)


def test_lost_post_answer_adopts_the_created_org_instead_of_creating_twice():
    lost = CapgoTransportError('connection reset', maybe_processed=True)
    client = FakeClient(fail={'POST': [(lost, lambda c: c._create({'name': 'Acme'})), None]})
    service = OrganizationService(client)
    changed, dummy, org = ensure_organization(service, params(name='Acme'), False)
    assert changed and org['id'] == 'new-1' and len(client.orgs) == 1
    assert [c[0] for c in client.calls] == ['GET', 'POST', 'GET', 'GET']
    assert 'not created a second time' in service.warnings[0]


def test_lost_post_answer_with_a_failed_lookup_says_the_create_may_have_happened():
    lost = CapgoTransportError('connection reset', maybe_processed=True)
    refused = CapgoTransportError('connection error (Connection refused)', maybe_processed=False)
    client = FakeClient(fail={'POST': [(lost, lambda c: c._create({'name': 'Acme'}))], 'GET': [None, refused]})
    with pytest.raises(OrganizationError) as info:
        run(client, name=' Acme ')
    text = str(info.value)
    assert 'the create may have happened' in text and "list organizations named 'Acme' before retrying" in text
    assert 'connection reset' in text and 'Connection refused' in text
    # no second POST: the outcome of the first is unknown
    assert [c[0] for c in client.calls] == ['GET', 'POST', 'GET']


def test_lost_post_answer_then_two_organizations_with_the_name_fails_instead_of_adopting_one():
    def two_exist(c):
        c._create({'name': 'Acme'})
        c._create({'name': 'Acme'})
    lost = CapgoTransportError('connection reset', maybe_processed=True)
    client = FakeClient(fail={'POST': [(lost, two_exist)]})
    service = OrganizationService(client)
    with pytest.raises(OrganizationError) as info:
        ensure_organization(service, params(name='Acme'), False)
    assert '2 organizations with that name' in str(info.value) and 'new-1, new-2' in str(info.value)
    assert [c[0] for c in client.calls] == ['GET', 'POST', 'GET']
    assert service.warnings == []


def test_post_503_that_created_nothing_is_sent_again_after_a_lookup():
    unavailable = CapgoApiError(503, 'service_unavailable', 'down')
    client = FakeClient(fail={'POST': [unavailable, None]})
    changed, dummy, org = run(client, name='Acme')
    assert changed and len(client.orgs) == 1
    assert [c[0] for c in client.calls] == ['GET', 'POST', 'GET', 'POST', 'GET']


def test_post_that_keeps_failing_gives_up():
    client = FakeClient(fail={'POST': [CapgoApiError(502, None, 'bad gateway')] * 3})
    with pytest.raises(OrganizationError, match='after 3 attempts'):
        run(client, name='Acme')
    assert client.orgs == []


def test_post_4xx_is_reported_without_retry():
    client = FakeClient(fail={'POST': CapgoApiError(403, 'permission_denied', 'Permission denied: org.create')})
    with pytest.raises(CapgoApiError, match='permission_denied'):
        run(client, name='Acme')
    assert [c[0] for c in client.calls] == ['GET', 'POST']


def test_retried_delete_answered_not_visible_counts_as_done():
    def delete_first(client):
        client.orgs[:] = []
    client = FakeClient([org_row('a', 'Acme')],
                        fail={'DELETE': [(CapgoApiError(403, 'invalid_org_id', 'no', attempts=2), delete_first)]})
    changed, dummy, org = run(client, org_id='a', state='absent')
    assert changed and org == {}


def test_delete_denied_is_an_error():
    client = FakeClient([org_row('a', 'Acme')], fail={'DELETE': CapgoApiError(403, 'invalid_org_id', "You can't delete")})
    with pytest.raises(CapgoApiError, match='invalid_org_id'):
        run(client, org_id='a', state='absent')


def test_docs_shaped_put_answer_is_read_back_with_a_get():
    class DocsClient(FakeClient):
        def request(self, method, path='/organization', params=None, body=None, action=None):
            answer = FakeClient.request(self, method, path, params, body, action)
            if method == 'PUT':
                return {'status': 'Organization updated', 'data': {'id': answer['id'], 'name': answer['data']['name']}}
            return answer

    client = DocsClient([org_row('a', 'Acme')])
    changed, dummy, org = run(client, org_id='a', name='Renamed')
    assert client.calls == [('GET', 'a'), ('PUT', 'a'), ('GET', 'a')] and org['name'] == 'Renamed'


# -- info --------------------------------------------------------------------------

def test_info_by_id_found_and_not_found():
    client = FakeClient([org_row('a', 'Acme')])
    service = OrganizationService(client)
    assert [o['id'] for o in list_organizations(service, org_id='a')] == ['a']
    assert list_organizations(service, org_id='zzz') == []
    assert client.calls == [('GET', 'a'), ('GET', 'zzz')]


def test_info_lists_all_pages_and_filters_by_name():
    client = FakeClient(many(120) + [org_row('x', 'Org 007')])
    service = OrganizationService(client)
    assert len(list_organizations(service)) == 121
    assert [o['id'] for o in list_organizations(service, name='Org 007')] == ['id-007', 'x']


def test_other_errors_propagate_from_info():
    client = FakeClient(fail={'GET': CapgoApiError(401, 'invalid_apikey', 'Invalid apikey')})
    with pytest.raises(CapgoApiError):
        list_organizations(OrganizationService(client))


# -- security settings ----------------------------------------------------------------

POLICY = {'enabled': True, 'min_length': 12, 'require_uppercase': True, 'require_number': True, 'require_special': False}


@pytest.mark.parametrize('kwargs, fragment', [
    (dict(max_apikey_expiration_days=366), 'between 1 and 365'),
    (dict(max_apikey_expiration_days=-1), 'between 1 and 365'),
    (dict(required_encryption_key='too-short'), '20 or 21'),
    (dict(password_policy_config=dict(POLICY, min_length=73)), 'min_length'),
    (dict(password_policy_config=dict(POLICY, min_length=5)), 'min_length'),
])
def test_bad_settings_fail_before_any_request(kwargs, fragment):
    client = FakeClient([org_row('a', 'Acme')])
    with pytest.raises(OrganizationError, match=fragment):
        run(client, org_id='a', **kwargs)
    assert client.calls == []


def test_settings_values_are_stored_forms():
    assert desired_state(params(name='Acme', max_apikey_expiration_days=0, required_encryption_key='  ')) == {
        'name': 'Acme', 'max_apikey_expiration_days': None, 'required_encryption_key': None}


def test_settings_noop_reads_them_with_an_orgid_only_put():
    client = FakeClient([org_row('a', 'Acme', max_apikey_expiration_days=30, password_policy_config=POLICY)])
    changed, diff, org = run(client, org_id='a', max_apikey_expiration_days=30, password_policy_config=POLICY)
    assert not changed and client.calls == [('GET', 'a'), ('PUT', 'a')]
    assert org['max_apikey_expiration_days'] == 30 and org['password_policy_config'] == POLICY
    assert diff['before']['max_apikey_expiration_days'] == 30


def test_settings_are_not_read_when_not_managed():
    client = FakeClient([org_row('a', 'Acme')])
    changed, dummy, org = run(client, org_id='a', name='Acme')
    assert client.calls == [('GET', 'a')] and 'enforcing_2fa' not in org


def test_settings_update_sends_only_the_changed_setting():
    client = FakeClient([org_row('a', 'Acme', enforce_encrypted_bundles=False, max_apikey_expiration_days=30)])
    changed, diff, org = run(client, org_id='a', enforce_encrypted_bundles=True, max_apikey_expiration_days=30)
    assert changed and client.put_bodies == [{'orgId': 'a'}, {'orgId': 'a', 'enforce_encrypted_bundles': True}]
    assert org['enforce_encrypted_bundles'] is True
    assert diff['before']['enforce_encrypted_bundles'] is False and diff['after']['enforce_encrypted_bundles'] is True


def test_settings_check_mode_predicts_the_real_result():
    rows = [org_row('a', 'Acme')]
    check_client, real_client = FakeClient(rows), FakeClient(rows)
    dummy, check_diff, predicted = run(check_client, check_mode=True, org_id='a', password_policy_config=POLICY)
    dummy, real_diff, actual = run(real_client, org_id='a', password_policy_config=POLICY)
    assert check_client.calls == [('GET', 'a'), ('PUT', 'a')]
    assert predicted == actual and check_diff == real_diff


def test_create_with_settings_is_post_then_one_put():
    client = FakeClient()
    changed, dummy, org = run(client, name='Acme', enforce_encrypted_bundles=True, logo='l.png')
    assert client.calls == [('GET', None), ('POST', None), ('PUT', 'new-1')]
    assert org['enforce_encrypted_bundles'] is True and org['require_apikey_expiration'] is False
    predicted = run(FakeClient(), check_mode=True, name='Acme', enforce_encrypted_bundles=True, logo='l.png')[2]
    assert dict((k, predicted[k]) for k in SETTINGS_DEFAULTS) == dict((k, org[k]) for k in SETTINGS_DEFAULTS)


@pytest.mark.parametrize('setting', ['enforce_hashed_api_keys', 'require_apikey_expiration', 'enforcing_2fa'])
def test_lockout_settings_need_acknowledgement(setting):
    client = FakeClient([org_row('a', 'Acme')])
    with pytest.raises(OrganizationError, match='acknowledge_lockout'):
        run(client, org_id='a', **{setting: True})
    assert [c[0] for c in client.calls] == ['GET', 'PUT'] and client.orgs[0][setting] is False
    changed, dummy, org = run(client, org_id='a', acknowledge_lockout=True, **{setting: True})
    assert changed and org[setting] is True


def test_lockout_setting_already_on_needs_no_acknowledgement():
    client = FakeClient([org_row('a', 'Acme', enforce_hashed_api_keys=True)])
    changed, dummy, dummy2 = run(client, org_id='a', enforce_hashed_api_keys=True)
    assert not changed


def test_update_of_a_2fa_org_explains_the_server_refusal():
    client = FakeClient([org_row('a', 'Acme', enforcing_2fa=True)],
                        fail={'PUT': [None, CapgoApiError(400, 'cannot_update_org', 'new row violates row-level security')]})
    with pytest.raises(OrganizationError, match='two-factor'):
        run(client, org_id='a', enforce_encrypted_bundles=True)


@pytest.mark.parametrize('logo, answered', [
    ('/images/org/a/logo.png', 'org/a/logo.png'),
    ('images/images/b.png', 'b.png'),
])
def test_logo_the_server_normalises_again_on_read_settles_after_one_run(logo, answered):
    rows = [org_row('a', 'Acme')]
    check_client, real_client = FakeClient(rows), FakeClient(rows)
    dummy, check_diff, predicted = run(check_client, check_mode=True, org_id='a', logo=logo)
    changed, real_diff, actual = run(real_client, org_id='a', logo=logo)
    assert changed and actual['logo'] == answered
    assert predicted == actual and check_diff == real_diff
    changed_again, dummy, again = run(real_client, org_id='a', logo=logo)
    assert not changed_again and again['logo'] == answered
    assert [call[0] for call in real_client.calls] == ['GET', 'PUT', 'GET']


def test_empty_logo_against_a_server_that_answers_empty_is_no_change():
    client = FakeClient([org_row('a', 'Acme', logo='')])
    changed, dummy, org = run(client, org_id='a', logo='')
    assert not changed and org['logo'] == '' and client.calls == [('GET', 'a')]


def test_setting_a_first_logo_does_not_warn():
    client = FakeClient([org_row('a', 'Acme')])
    service = OrganizationService(client)
    changed, dummy, org = ensure_organization(service, params(org_id='a', logo='org/a/l.png'), False)
    assert changed and org['logo'] == 'org/a/l.png' and service.warnings == []


def test_a_logo_the_server_cannot_sign_warns_after_the_write():
    client = FakeClient([org_row('a', 'Acme')])
    # The server answers null for a path whose storage object it cannot sign.
    client._row = lambda org, full=False: dict(FakeClient._row(client, org, full), logo=None)
    service = OrganizationService(client)
    changed, dummy, org = ensure_organization(service, params(org_id='a', logo='org/a/missing.png'), False)
    assert changed and org['logo'] is None
    assert len(service.warnings) == 1 and 'org/a/missing.png' in service.warnings[0]
    assert 'could not sign' in service.warnings[0]
