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

from ansible_collections.capgo.cloud.plugins.module_utils.api import CapgoApiError, CapgoClient, CapgoTransportError
from ansible_collections.capgo.cloud.plugins.module_utils.resource import InputError
from ansible_collections.capgo.cloud.plugins.module_utils.security import SETTINGS_DEFAULTS
from ansible_collections.capgo.cloud.plugins.module_utils.organization import (
    ORG_FIELDS,
    ORGANIZATION_INFO_TASK,
    ORGANIZATION_TASK,
    OrganizationError,
    OrganizationService,
    build_diff,
    compute_delta,
    desired_state,
    ensure_organization,
    is_not_visible,
    list_organizations,
    organization_view,
)

# Rows per page of GET /organization on the real server (fetchLimit in supabase/functions/_backend/utils/utils.ts).
SERVER_PAGE_SIZE = 50
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

    def __init__(self, orgs=(), fail=None):
        self.orgs = [dict(org) for org in orgs]
        self.calls = []
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
        # Errors name what was being done and to which organization.
        org_id = (params or {}).get('orgId') or (body or {}).get('orgId')
        assert isinstance(action, str) and (org_id or '') in action, action
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
            return [self._row(o) for o in self.orgs[page * SERVER_PAGE_SIZE:(page + 1) * SERVER_PAGE_SIZE]]
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

    # Listing goes through the product's own paging loop; this fake only serves raw pages.
    paginate = CapgoClient.paginate


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
    assert [o['id'] for o in list_organizations(service)] == ['id-%03d' % i for i in range(120)] + ['x']
    assert [o['id'] for o in list_organizations(service, name='Org 007')] == ['id-007', 'x']
    assert client.calls == [('GET', None), ('GET', 1), ('GET', 2)] * 2


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


@pytest.mark.parametrize('setting', ['enforce_hashed_api_keys', 'require_apikey_expiration'])
def test_lockout_settings_on_create_need_acknowledgement_before_any_write(setting):
    client = FakeClient()
    with pytest.raises(OrganizationError, match='acknowledge_lockout'):
        run(client, name='Acme', **{setting: True})
    assert client.calls == [('GET', None)] and client.orgs == []
    changed, dummy, org = run(client, name='Acme', acknowledge_lockout=True, **{setting: True})
    assert changed and org[setting] is True and [o['name'] for o in client.orgs] == ['Acme']


def test_enforcing_2fa_on_create_names_the_lockout_first_and_then_the_server_refusal():
    client = FakeClient()
    with pytest.raises(OrganizationError, match='acknowledge_lockout'):
        run(client, name='Acme', enforcing_2fa=True)
    with pytest.raises(OrganizationError, match='cannot be set with an API key'):
        run(client, name='Acme', enforcing_2fa=True, acknowledge_lockout=True)
    assert client.calls == [('GET', None), ('GET', None)] and client.orgs == []


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


# -- server answers at the edges ------------------------------------------------------------

@pytest.mark.parametrize('error, expected', [
    (CapgoApiError(400, 'invalid_org_id', 'x'), True),
    (CapgoApiError(403, 'cannot_access_organization', 'x'), True),
    (CapgoApiError(404, 'not_found', 'x'), True),
    (CapgoApiError(400, None, 'docs-shaped error'), True),
    (CapgoApiError(403, None, 'docs-shaped error'), True),
    (CapgoApiError(404, None, 'docs-shaped error'), True),
    (CapgoApiError(401, None, 'docs-shaped error'), False),
    (CapgoApiError(405, None, 'docs-shaped error'), False),
    (CapgoApiError(500, None, 'docs-shaped error'), False),
    (CapgoApiError(400, 'invalid_body', 'x'), False),
    (CapgoTransportError('connection reset'), False),
])
def test_what_counts_as_not_visible(error, expected):
    assert is_not_visible(error) is expected


def test_a_server_that_ignores_orgid_answers_the_list_and_the_row_is_picked_from_it():
    class ListClient(FakeClient):
        def request(self, method, path='/organization', params=None, body=None, action=None):
            if method == 'GET' and params:
                self.calls.append(('GET', params['orgId']))
                return [self._row(org) for org in self.orgs] + ['not a row']
            return FakeClient.request(self, method, path, params, body, action)

    client = ListClient([org_row('a', 'Acme'), org_row('b', 'Other')])
    service = OrganizationService(client)
    assert service.get('b')['name'] == 'Other'
    assert service.get('zzz') is None


def test_post_without_retries_is_sent_once():
    client = FakeClient(fail={'POST': [CapgoApiError(502, None, 'bad gateway')]})
    client.retries = 0
    with pytest.raises(OrganizationError, match='after 1 attempts'):
        run(client, name='Acme')
    assert [c[0] for c in client.calls] == ['GET', 'POST', 'GET']


def test_post_that_keeps_failing_is_sent_once_per_attempt_with_a_lookup_between():
    client = FakeClient(fail={'POST': [CapgoApiError(502, None, 'bad gateway')] * 3})
    service = OrganizationService(client)
    with pytest.raises(OrganizationError, match='after 3 attempts: Capgo API error: HTTP 502: bad gateway'):
        ensure_organization(service, params(name='Acme'), False)
    assert [c[0] for c in client.calls] == ['GET'] + ['POST', 'GET'] * 3
    assert len(service.warnings) == 2 and all('sent again' in w for w in service.warnings)


@pytest.mark.parametrize('answer', [{'status': 'ok'}, None, 'created', [{'id': 'new-1'}]])
def test_a_post_answer_without_id_is_an_error(answer):
    class NoIdClient(FakeClient):
        def request(self, method, path='/organization', params=None, body=None, action=None):
            result = FakeClient.request(self, method, path, params, body, action)
            return answer if method == 'POST' else result

    with pytest.raises(OrganizationError) as info:
        run(NoIdClient(), name='Acme')
    assert str(info.value) == 'the server did not return the new organization id (answer: %r)' % (answer,)


@pytest.mark.parametrize('answer', [{'status': 'ok'}, {'data': {'id': 'a'}}, None, ['a']])
def test_settings_a_server_does_not_answer_cannot_be_managed(answer):
    class NoSettingsClient(FakeClient):
        def request(self, method, path='/organization', params=None, body=None, action=None):
            result = FakeClient.request(self, method, path, params, body, action)
            return answer if method == 'PUT' else result

    client = NoSettingsClient([org_row('a', 'Acme')])
    with pytest.raises(OrganizationError) as info:
        run(client, org_id='a', enforce_encrypted_bundles=True)
    assert str(info.value).startswith('the server did not return the security settings of organization a, so they '
                                      'cannot be compared')
    assert client.calls == [('GET', 'a'), ('PUT', 'a')] and client.put_bodies == [{'orgId': 'a'}]


def test_cannot_update_org_without_2fa_is_reported_as_the_server_said():
    client = FakeClient([org_row('a', 'Acme')], fail={'PUT': CapgoApiError(400, 'cannot_update_org', 'denied')})
    with pytest.raises(CapgoApiError, match='cannot_update_org'):
        run(client, org_id='a', name='Renamed')


def test_a_first_delete_answered_not_visible_is_an_error_even_if_the_org_is_gone_now():
    def lose_access(client):
        client.orgs[:] = []
    client = FakeClient([org_row('a', 'Acme')],
                        fail={'DELETE': [(CapgoApiError(403, 'invalid_org_id', 'no', attempts=1), lose_access)]})
    with pytest.raises(CapgoApiError, match='invalid_org_id'):
        run(client, org_id='a', state='absent')


def test_a_retried_delete_answered_not_visible_while_the_org_is_still_there_is_an_error():
    client = FakeClient([org_row('a', 'Acme')],
                        fail={'DELETE': [CapgoApiError(403, 'invalid_org_id', 'no', attempts=2)]})
    with pytest.raises(CapgoApiError, match='invalid_org_id'):
        run(client, org_id='a', state='absent')
    assert client.calls == [('GET', 'a'), ('DELETE', 'a'), ('GET', 'a')]


def test_bad_org_id_and_unexpected_answer_messages():
    with pytest.raises(InputError, match='^org_id must not be empty$'):
        run(FakeClient(), org_id='  ', name='Acme')
    with pytest.raises(OrganizationError, match='^unexpected organization from the server: '):
        organization_view(['not', 'a', 'dict'])


# -- the tasks the two modules run ------------------------------------------------------------

def test_the_organization_task_checks_input_and_returns_changed_organization_and_diff():
    with pytest.raises(OrganizationError, match='website'):
        ORGANIZATION_TASK.check_input(params(name='Acme', website='ftp://x.example'))
    with pytest.raises(InputError, match='org_id'):
        ORGANIZATION_TASK.check_input(params(org_id=' ', name='Acme'))
    ORGANIZATION_TASK.check_input(params(name='Acme', website='acme.example'))
    client, warnings = FakeClient([org_row('a', 'Acme')]), []
    result = ORGANIZATION_TASK.run(client, params(org_id='a', name='Renamed'), True, warnings.append)
    assert sorted(result) == ['changed', 'diff', 'organization'] and result['changed'] is True
    assert result['organization']['name'] == 'Renamed' and result['diff']['after']['name'] == 'Renamed'
    assert client.calls == [('GET', 'a')] and warnings == []


def test_the_organization_task_passes_warnings_on():
    lost = CapgoTransportError('connection reset', maybe_processed=True)
    client, warnings = FakeClient(fail={'POST': [(lost, lambda c: c._create({'name': 'Acme'}))]}), []
    result = ORGANIZATION_TASK.run(client, params(name='Acme'), False, warnings.append)
    assert result['organization']['id'] == 'new-1' and len(warnings) == 1 and 'not created a second time' in warnings[0]


def test_the_organization_info_task_checks_input_and_lists():
    with pytest.raises(OrganizationError, match='^name must not be empty$'):
        ORGANIZATION_INFO_TASK.check_input({'org_id': None, 'name': ' <b></b> '})
    with pytest.raises(InputError, match='org_id'):
        ORGANIZATION_INFO_TASK.check_input({'org_id': '', 'name': None})
    ORGANIZATION_INFO_TASK.check_input({'org_id': None, 'name': None})
    client = FakeClient([org_row('a', 'Acme'), org_row('b', 'Other')])
    assert ORGANIZATION_INFO_TASK.run(client, {'org_id': None, 'name': 'Other', 'include_settings': False}, False,
                                      None) == {'changed': False, 'organizations': [organization_view(org_row('b', 'Other'))]}
    assert ORGANIZATION_INFO_TASK.run(client, {'org_id': 'a', 'name': None, 'include_settings': False}, False,
                                      None) == {'changed': False, 'organizations': [organization_view(org_row('a', 'Acme'))]}
    assert ORGANIZATION_INFO_TASK.run(client, {'org_id': 'a', 'name': None, 'include_settings': True}, False,
                                      None) == {'changed': False, 'organizations': [
                                          dict(organization_view(org_row('a', 'Acme')), **SETTINGS_DEFAULTS)]}


def test_info_with_settings_adds_each_organizations_settings_read_with_its_own_put():
    client = FakeClient([org_row('a', 'Acme', enforce_encrypted_bundles=True), org_row('b', 'Other'),
                         org_row('c', 'Acme', max_apikey_expiration_days=30)])
    found = list_organizations(OrganizationService(client), name='Acme', include_settings=True)
    assert [(o['id'], o['enforce_encrypted_bundles'], o['max_apikey_expiration_days']) for o in found] == [
        ('a', True, None), ('c', False, 30)]
    assert found[0] == dict(organization_view(org_row('a', 'Acme')), **dict(SETTINGS_DEFAULTS, enforce_encrypted_bundles=True))
    assert client.calls == [('GET', None), ('PUT', 'a'), ('PUT', 'c')] and client.put_bodies == [{'orgId': 'a'}, {'orgId': 'c'}]


def test_info_by_id_and_name_needs_both_to_match():
    client = FakeClient([org_row('a', 'Acme'), org_row('b', 'Other')])
    service = OrganizationService(client)
    assert list_organizations(service, org_id=' a ', name='Other') == []
    assert [o['id'] for o in list_organizations(service, org_id='a', name=' <b>Acme</b> ')] == ['a']
    assert client.calls == [('GET', 'a'), ('GET', 'a')]


def test_a_created_logo_the_server_cannot_sign_warns():
    client = FakeClient()
    client._row = lambda org, full=False: dict(FakeClient._row(client, org, full), logo=None)
    service = OrganizationService(client)
    changed, dummy, org = ensure_organization(service, params(name='Acme', logo='org/x/missing.png'), False)
    assert changed and org['id'] == 'new-1' and org['logo'] is None
    assert len(service.warnings) == 1 and service.warnings[0].startswith('organization new-1 reports no logo after it '
                                                                         "was set to 'org/x/missing.png'")


class DocsPutClient(FakeClient):
    """Answers a PUT that writes in the docs' shape: only a few fields of the organization."""

    def request(self, method, path='/organization', params=None, body=None, action=None):
        answer = FakeClient.request(self, method, path, params, body, action)
        if method == 'PUT' and set(body) != {'orgId'}:
            return {'status': 'Organization updated', 'data': {'id': answer['id'], 'name': answer['data']['name']}}
        return answer


def test_a_docs_shaped_put_answer_with_settings_reads_them_back_too():
    client = DocsPutClient([org_row('a', 'Acme')])
    changed, diff, org = run(client, org_id='a', enforce_encrypted_bundles=True)
    assert changed and client.calls == [('GET', 'a'), ('PUT', 'a'), ('PUT', 'a'), ('GET', 'a'), ('PUT', 'a')]
    assert client.put_bodies == [{'orgId': 'a'}, {'orgId': 'a', 'enforce_encrypted_bundles': True}, {'orgId': 'a'}]
    assert org == dict(organization_view(org_row('a', 'Acme')), **dict(SETTINGS_DEFAULTS, enforce_encrypted_bundles=True))
    assert (diff['before']['enforce_encrypted_bundles'], diff['after']['enforce_encrypted_bundles']) == (False, True)


@pytest.mark.parametrize('answer', [None, '', ['not', 'a', 'row'], {'status': 'ok', 'data': 'Organization updated'}])
def test_a_put_answer_without_the_organization_is_read_back(answer):
    class OddPutClient(FakeClient):
        def request(self, method, path='/organization', params=None, body=None, action=None):
            result = FakeClient.request(self, method, path, params, body, action)
            return answer if method == 'PUT' else result

    client = OddPutClient([org_row('a', 'Acme')])
    changed, dummy, org = run(client, org_id='a', name='Renamed')
    assert changed and org == organization_view(org_row('a', 'Renamed'))
    assert client.calls == [('GET', 'a'), ('PUT', 'a'), ('GET', 'a')]


def test_an_organization_that_cannot_be_read_back_after_a_write_is_an_error():
    class LosingClient(DocsPutClient):
        """The key loses access to the organization right after writing it."""

        def request(self, method, path='/organization', params=None, body=None, action=None):
            answer = DocsPutClient.request(self, method, path, params, body, action)
            if method in ('POST', 'PUT'):
                self.orgs[:] = []
            return answer

    with pytest.raises(OrganizationError) as info:
        run(LosingClient([org_row('a', 'Acme')]), org_id='a', name='Renamed')
    assert str(info.value) == 'organization a was updated but cannot be read back with this key'
    with pytest.raises(OrganizationError) as info:
        run(LosingClient(), name='Acme')
    assert str(info.value) == 'organization new-1 was created but cannot be read back with this key'
