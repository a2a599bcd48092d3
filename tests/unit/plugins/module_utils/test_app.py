# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""App logic: lookup, compare, the exact request sequence of each path, check mode, diff and errors."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

import pytest

from ansible_collections.capgo.cloud.plugins.module_utils.api import CapgoApiError, CapgoError, CapgoTransportError
from ansible_collections.capgo.cloud.plugins.module_utils.app import (
    APP_INFO_TASK,
    APP_TASK,
    AppError,
    AppService,
    check_app_info_input,
    check_app_input,
    ensure_app,
    list_apps,
)
from ansible_collections.capgo.cloud.plugins.module_utils.organization import OrganizationError
from ansible_collections.capgo.cloud.tests.unit.plugins.module_utils.apps_fake import (
    ORG,
    OTHER_ORG,
    FakeCapgo,
    app_row,
)

APP = 'com.acme.shop'
ICON = 'org/org-1/com.acme.shop/icon.png'


def params(**kwargs):
    base = dict(app_id=APP, name=None, org_id=None, org=None, icon=None, retention=None, expose_metadata=None,
                allow_device_custom_id=None, block_provider_infra_requests=None, ios_store_url=None,
                android_store_url=None, state='present')
    base.update(kwargs)
    return base


def run(client, check_mode=False, **kwargs):
    warnings = []
    changed, diff, app = ensure_app(AppService(client, warn=warnings.append), params(**kwargs), check_mode)
    return changed, diff, app, warnings


GET_APP = ('GET', '/app/' + APP)
PUT_APP = ('PUT', '/app/' + APP)
POST_APP = ('POST', '/app')
DELETE_APP = ('DELETE', '/app/' + APP)
GET_ORGS = ('GET', '/organization')


# -- present, existing app --------------------------------------------------------------

def test_unchanged_app_costs_one_get_and_reports_no_change():
    client = FakeCapgo(apps=[app_row(APP, name='Acme Shop', icon=ICON)], objects=[ICON])
    changed, diff, app, warnings = run(client, name='Acme Shop', icon=ICON, org_id=ORG, retention=2592000)
    assert changed is False and client.summary() == [GET_APP] and warnings == []
    assert app['icon'] == ICON and app['icon_url'] == ICON and diff['before'] == diff['after']


def test_server_rewrites_are_no_change():
    # Stored name is tag-stripped; the icon is read back as a signed URL; the user wrote a public URL.
    client = FakeCapgo(apps=[app_row(APP, name='Acme Shop', icon=ICON)], objects=[ICON])
    public = 'https://sb.capgo.app/storage/v1/object/public/images/' + ICON
    changed, dummy, dummy2, dummy3 = run(client, name=' <b>Acme Shop</b> ', icon=public, ios_store_url='')
    assert changed is False and client.writes() == []


def test_only_the_differing_fields_are_put():
    client = FakeCapgo(apps=[app_row(APP, name='Acme Shop')])
    changed, diff, app, dummy = run(client, name='Acme Shop', retention=0, expose_metadata=True,
                                    android_store_url='https://play.example/x')
    assert changed is True and client.summary() == [GET_APP, PUT_APP]
    assert client.calls[1][3] == {'retention': 0, 'expose_metadata': True, 'android_store_url': 'https://play.example/x'}
    assert app['retention'] == 0 and app['expose_metadata'] is True and app['updated_at'] is not None
    assert diff['before']['retention'] == 2592000 and diff['after']['retention'] == 0
    assert diff['before']['name'] == diff['after']['name'] == 'Acme Shop'


@pytest.mark.parametrize('field, value', [
    ('expose_metadata', True),
    ('allow_device_custom_id', False),
    ('block_provider_infra_requests', False),
])
def test_each_setting_that_differs_is_put(field, value):
    client = FakeCapgo(apps=[app_row(APP)])
    changed, diff, app, dummy = run(client, **{field: value})
    assert changed is True and client.summary() == [GET_APP, PUT_APP] and client.calls[1][3] == {field: value}
    assert app[field] is value and diff['before'][field] is (not value) and diff['after'][field] is value


@pytest.mark.parametrize('field', ['ios_store_url', 'android_store_url'])
@pytest.mark.parametrize('stored', ['', '  '])
def test_a_store_url_stored_empty_by_another_client_is_none(field, stored):
    # PUT /app stores the string it is sent (put.ts), so another client may have left '' there.
    client = FakeCapgo(apps=[app_row(APP, **{field: stored})])
    changed, dummy, app, dummy2 = run(client, **{field: ''})
    assert changed is False and client.writes() == [] and app[field] == stored


def test_clearing_a_store_url_sends_null():
    client = FakeCapgo(apps=[app_row(APP, ios_store_url='https://apps.apple.com/app/id1')])
    changed, dummy, app, dummy2 = run(client, ios_store_url='')
    assert changed is True and client.calls[1][3] == {'ios_store_url': None} and app['ios_store_url'] is None


def test_icon_that_cannot_be_signed_is_written_again_with_a_warning():
    client = FakeCapgo(apps=[app_row(APP, icon=ICON)])  # no such object: GET answers icon_url ''
    changed, dummy, dummy2, warnings = run(client, icon=ICON)
    assert changed is True and client.calls[1][3] == {'icon': ICON}
    assert len(warnings) == 1 and 'could not sign' in warnings[0] and 'every run writes it again' in warnings[0]
    assert warnings[0].startswith('app %s ' % APP)
    client = FakeCapgo()
    warnings = run(client, name='Acme Shop', org_id=ORG, icon=ICON)[3]
    assert len(warnings) == 1 and 'could not sign' in warnings[0]
    assert run(FakeCapgo(apps=[app_row(APP, icon='')]), check_mode=True, icon=ICON)[3] == []


def test_icon_compares_as_the_path_the_server_reads_back():
    client = FakeCapgo(apps=[app_row(APP, icon='a.png')], objects=['a.png'])
    assert run(client, icon='/images/a.png')[0] is False and client.writes() == []


def test_removing_the_icon():
    client = FakeCapgo(apps=[app_row(APP, icon=ICON)], objects=[ICON])
    changed, dummy, app, dummy2 = run(client, icon='')
    assert changed is True and client.calls[1][3] == {'icon': ''} and app['icon'] == ''
    client = FakeCapgo(apps=[app_row(APP, icon='')])
    assert run(client, icon='')[0] is False and client.writes() == []


def test_check_mode_update_predicts_the_real_run_without_writing():
    apps = [app_row(APP, name='Old', icon=ICON)]
    wanted = dict(name='New', icon='org/org-1/other.png', block_provider_infra_requests=False)
    check = FakeCapgo(apps=apps, objects=[ICON, 'org/org-1/other.png'])
    real = FakeCapgo(apps=copy.deepcopy(apps), objects=[ICON, 'org/org-1/other.png'])
    c_changed, c_diff, c_app, dummy = run(check, check_mode=True, **wanted)
    r_changed, r_diff, r_app, dummy = run(real, **wanted)
    assert check.writes() == [] and check.summary() == [GET_APP]
    assert c_changed is r_changed is True and c_diff == r_diff
    assert dict((k, v) for k, v in c_app.items() if k != 'updated_at') == \
        dict((k, v) for k, v in r_app.items() if k != 'updated_at')


# -- present, new app -------------------------------------------------------------------

def test_create_carries_what_post_accepts_and_nothing_else():
    client = FakeCapgo()
    changed, diff, app, dummy = run(client, name='Acme Shop', org_id=ORG, icon=ICON, retention=2592000,
                                    allow_device_custom_id=True, ios_store_url='https://apps.apple.com/app/id1')
    assert changed is True and client.summary() == [GET_APP, POST_APP]
    assert client.calls[1][3] == {'app_id': APP, 'owner_org': ORG, 'name': 'Acme Shop', 'icon': ICON,
                                  'ios_store_url': 'https://apps.apple.com/app/id1'}
    # POST answers bigints as strings; the module returns numbers.
    assert app['retention'] == 2592000 and app['build_timeout_seconds'] == 900
    assert diff['before'] == {} and diff['after']['owner_org'] == ORG and diff['after']['app_id'] == APP


def test_create_with_settings_the_post_cannot_carry_adds_one_put():
    client = FakeCapgo()
    changed, dummy, app, dummy2 = run(client, name='Acme Shop', org_id=ORG, retention=86400, expose_metadata=True,
                                      block_provider_infra_requests=True)
    assert client.summary() == [GET_APP, POST_APP, PUT_APP]
    assert client.calls[2][3] == {'retention': 86400, 'expose_metadata': True}
    assert app['retention'] == 86400 and app['expose_metadata'] is True


def test_create_by_organization_name_lists_organizations_first():
    client = FakeCapgo()
    run(client, name='Acme Shop', org='Acme')
    assert client.summary() == [GET_ORGS, GET_APP, POST_APP] and client.calls[2][3]['owner_org'] == ORG


@pytest.mark.parametrize('wanted', [
    dict(name='Acme Shop', org_id=ORG, retention=60, icon=ICON),
    # No icon: the server stores '' (icon_url is NOT NULL) and answers ''.
    dict(name='Acme Shop', org_id=ORG),
])
def test_check_mode_create_predicts_the_real_run_without_writing(wanted):
    check, real = FakeCapgo(objects=[ICON]), FakeCapgo(objects=[ICON])
    c_changed, c_diff, c_app, dummy = run(check, check_mode=True, **wanted)
    r_changed, r_diff, r_app, dummy = run(real, **wanted)
    assert check.summary() == [GET_APP] and c_changed is r_changed is True
    assert c_diff == r_diff
    for field in ('app_id', 'name', 'owner_org', 'icon', 'icon_url', 'retention', 'expose_metadata',
                  'allow_device_custom_id', 'block_provider_infra_requests', 'default_upload_channel',
                  'ios_store_url', 'android_store_url', 'need_onboarding', 'existing_app'):
        assert c_app[field] == r_app[field], field
    assert c_app['id'] is None and c_app['created_at'] is None


@pytest.mark.parametrize('kwargs, message', [
    (dict(name='Acme Shop'), 'set org_id or org'),
    (dict(org_id=ORG), 'set name'),
])
def test_create_needs_an_organization_and_a_name(kwargs, message):
    client = FakeCapgo()
    with pytest.raises(AppError, match=message):
        run(client, **kwargs)
    assert client.writes() == []


def test_an_id_taken_by_an_app_the_key_cannot_read_says_so():
    client = FakeCapgo(apps=[app_row(APP, owner_org='org-elsewhere')])
    with pytest.raises(AppError, match='already taken by an app this API key cannot read') as err:
        run(client, name='Acme Shop', org_id=ORG)
    assert '409 app_id_already_exists' in str(err.value) and client.summary() == [GET_APP, POST_APP]


def test_an_app_of_another_organization_is_never_touched():
    client = FakeCapgo(apps=[app_row(APP, owner_org=OTHER_ORG)], readable_orgs=[ORG, OTHER_ORG])
    for state in ('present', 'absent'):
        with pytest.raises(AppError, match='belongs to organization org-2, not to organization org-1;') as err:
            run(client, name='Acme Shop', org_id=ORG, state=state)
        assert str(err.value).endswith('point the task at organization org-2)')
    assert client.writes() == [] and APP in client.apps


def test_a_key_that_may_not_create_apps_gets_the_right_named():
    client = FakeCapgo(deny=['org.create_app'])
    with pytest.raises(AppError, match='org.create_app') as err:
        run(client, name='Acme Shop', org_id=ORG)
    assert 'HTTP 403 cannot_access_organization' in str(err.value)


def test_settings_failing_after_the_create_say_the_app_exists():
    client = FakeCapgo(deny=['app.update_settings'])
    with pytest.raises(AppError, match='was created, but setting retention on it failed') as err:
        run(client, name='Acme Shop', org_id=ORG, retention=1)
    assert 'app.update_settings' in str(err.value) and APP in client.apps


class LostCreateAnswer(FakeCapgo):
    """POST /app creates the app (or not), then the answer is lost."""

    def __init__(self, error, creates, **kwargs):
        FakeCapgo.__init__(self, **kwargs)
        self.error, self.creates = error, creates

    def request(self, method, path='/organization', params=None, body=None, action=None):
        if method == 'POST':
            if self.creates:
                FakeCapgo.request(self, method, path, params, body, action)
            else:
                self.calls.append((method, path, {}, body))
            raise self.error
        return FakeCapgo.request(self, method, path, params, body, action)


@pytest.mark.parametrize('error', [
    CapgoTransportError('connection reset', maybe_processed=True),
    CapgoApiError(502, None, 'Bad Gateway'),
])
def test_a_create_whose_answer_was_lost_is_read_back_not_sent_again(error):
    client = LostCreateAnswer(error, creates=True)
    changed, dummy, app, warnings = run(client, name='Acme Shop', org_id=ORG, retention=60)
    assert changed is True and app['retention'] == 60
    assert client.summary() == [GET_APP, POST_APP, GET_APP, PUT_APP]
    assert len(warnings) == 1 and 'was lost' in warnings[0] and str(error) in warnings[0]


def test_a_lost_create_that_did_not_happen_fails_saying_so():
    client = LostCreateAnswer(CapgoApiError(503, None, 'Unavailable'), creates=False)
    with pytest.raises(AppError, match='failed without a usable answer .* run the task again') as err:
        run(client, name='Acme Shop', org_id=ORG)
    assert client.summary() == [GET_APP, POST_APP, GET_APP]
    assert 'HTTP 503' in str(err.value) and 'organization %s ' % ORG in str(err.value)


def test_a_create_that_certainly_failed_is_not_read_back():
    client = LostCreateAnswer(CapgoTransportError('connection refused', maybe_processed=False), creates=False)
    with pytest.raises(CapgoTransportError):
        run(client, name='Acme Shop', org_id=ORG)
    assert client.summary() == [GET_APP, POST_APP]


def test_a_key_that_may_not_update_gets_the_right_named():
    client = FakeCapgo(apps=[app_row(APP)], deny=['app.update_settings'])
    with pytest.raises(AppError, match='app.update_settings'):
        run(client, name='Renamed')


@pytest.mark.parametrize('orgs, message, requests', [
    ([], 'no organization named .Acme. is visible', [GET_ORGS, GET_APP]),
    ([{'id': 'a', 'name': 'Acme'}, {'id': 'b', 'name': 'Acme'}], 'more than one organization is named', [GET_ORGS]),
])
def test_organization_names_must_match_exactly_one(orgs, message, requests):
    client = FakeCapgo(orgs=orgs)
    with pytest.raises((AppError, OrganizationError), match=message):
        run(client, name='Acme Shop', org='Acme')
    assert client.summary() == requests and client.writes() == []


def test_absent_in_an_organization_that_is_gone_is_no_change():
    client = FakeCapgo(orgs=[])
    assert run(client, org='Acme', state='absent')[:3] == (False, {'before': {}, 'after': {}}, {})
    assert client.summary() == [GET_ORGS, GET_APP]


def test_absent_in_an_organization_that_is_gone_never_deletes_an_app_found_elsewhere():
    client = FakeCapgo(orgs=[], apps=[app_row(APP)])
    with pytest.raises(AppError, match=r"not to organization 'Acme' \(no organization named 'Acme' is visible"):
        run(client, org='Acme', state='absent')
    assert client.writes() == [] and APP in client.apps


def test_check_mode_predicts_an_app_in_an_organization_not_created_yet():
    client = FakeCapgo(orgs=[])
    changed, diff, app, warnings = run(client, check_mode=True, name='Acme Shop', org='Acme')
    assert changed and diff['before'] == {} and app['owner_org'] is None and app['name'] == 'Acme Shop'
    assert len(warnings) == 1 and 'no organization named' in warnings[0] and 'check mode predicts' in warnings[0].lower()
    assert client.summary() == [GET_ORGS, GET_APP] and client.writes() == []


def test_check_mode_in_an_organization_not_created_yet_still_refuses_an_existing_app():
    client = FakeCapgo(orgs=[], apps=[app_row(APP)])
    with pytest.raises(AppError, match='never moves'):
        run(client, check_mode=True, name='Acme Shop', org='Acme')
    with pytest.raises(AppError, match='no organization named'):
        run(client, check_mode=True, org='Acme', state='absent')


def test_organizations_are_read_page_by_page():
    orgs = [{'id': 'o%03d' % i, 'name': 'Org %d' % i} for i in range(120)] + [{'id': ORG, 'name': 'Acme'}]
    client = FakeCapgo(orgs=orgs)
    run(client, name='Acme Shop', org='Acme')
    assert [call[3] for call in client.calls[:3]] == [None, {'page': 1}, {'page': 2}]
    assert client.calls[-1][3]['owner_org'] == ORG


# -- absent -------------------------------------------------------------------------

def test_delete_is_one_get_and_one_delete():
    client = FakeCapgo(apps=[app_row(APP)], channels={APP: []})
    changed, diff, app, dummy = run(client, state='absent')
    assert changed is True and app == {} and client.summary() == [GET_APP, DELETE_APP]
    assert diff['after'] == {} and diff['before']['app_id'] == APP and APP not in client.apps


def test_delete_of_a_missing_app_is_one_get_and_no_change():
    client = FakeCapgo()
    changed, diff, app, dummy = run(client, state='absent')
    assert (changed, app, client.summary()) == (False, {}, [GET_APP]) and diff == {'before': {}, 'after': {}}


def test_check_mode_delete_sends_no_delete():
    client = FakeCapgo(apps=[app_row(APP)])
    changed, dummy, app, dummy2 = run(client, check_mode=True, state='absent')
    assert changed is True and app == {} and client.summary() == [GET_APP] and APP in client.apps


def test_delete_without_the_right_says_only_super_admins_may():
    client = FakeCapgo(apps=[app_row(APP)], deny=['app.delete'])
    with pytest.raises(AppError, match='only org_super_admin') as err:
        run(client, state='absent')
    assert 'HTTP 400 cannot_delete_app' in str(err.value)
    # Refused at the first attempt: nothing can have been deleted, so nothing is read back.
    assert client.summary() == [GET_APP, DELETE_APP]


class LostDeleteAnswer(FakeCapgo):
    """The first DELETE went through, its answer was lost, and the retry was told "cannot_delete_app"."""

    def request(self, method, path='/organization', params=None, body=None, action=None):
        if method == 'DELETE':
            self.calls.append((method, path, {}, None))
            self.apps.pop(APP)
            raise CapgoApiError(400, 'cannot_delete_app', "You can't access this app", attempts=2)
        return FakeCapgo.request(self, method, path, params, body, action)


def test_a_retried_delete_that_went_through_is_success():
    client = LostDeleteAnswer(apps=[app_row(APP)])
    changed, dummy, app, dummy2 = run(client, state='absent')
    assert changed is True and app == {} and client.summary() == [GET_APP, DELETE_APP, GET_APP]


@pytest.mark.parametrize('method, answer', [
    ('GET', {'status': 'ok'}),
    ('GET', [app_row(APP)]),
    ('PUT', {'app_id': ''}),
])
def test_an_answer_that_is_no_app_is_an_error_naming_it(method, answer):
    client = FakeCapgo(apps=[app_row(APP)], fail={(method, '/app/' + APP): [answer]})
    with pytest.raises(AppError, match='unexpected app from the server') as err:
        run(client, name='Renamed')
    assert repr(answer) in str(err.value)


def test_other_server_errors_are_reported_as_they_are():
    client = FakeCapgo(fail={GET_APP: [CapgoApiError(500, 'unknown_error', 'boom')]})
    with pytest.raises(CapgoApiError, match='500 unknown_error'):
        run(client)


# -- capgo_app_info -------------------------------------------------------------------

def info(client, **kwargs):
    base = dict(app_id=None, org_id=None, org=None)
    base.update(kwargs)
    return list_apps(AppService(client), base)


def many(count, org=ORG):
    return [app_row('com.acme.app%03d' % i, owner_org=org) for i in range(count)]


def test_every_page_of_apps_is_read_with_query_paging():
    client = FakeCapgo(apps=many(120))
    apps = info(client)
    assert len(apps) == 120 and len(client.calls) == 3 and client.pagers == [('/app', 'query', 50)]
    assert [call[2] for call in client.calls] == [{'limit': 50, 'page': n} for n in range(3)]
    assert all(isinstance(app['retention'], int) for app in apps)


def test_an_app_repeated_on_the_next_page_is_listed_once():
    # The listing has no ORDER BY, so an app created meanwhile shifts the rows; apps.id is nullable,
    # app_id is the primary key.
    rows = [app_row('com.acme.app%03d' % i, id=None) for i in range(60)]
    client = FakeCapgo(fail={('GET', '/app'): [rows[:50], rows[49:]]})
    assert [app['app_id'] for app in info(client)] == [row['app_id'] for row in rows]


@pytest.mark.parametrize('org_id, action', [
    (None, 'listing apps: '),
    (ORG, 'listing apps of organization org-1: '),
])
def test_a_page_that_is_no_list_is_an_error_naming_what_was_listed(org_id, action):
    client = FakeCapgo(fail={('GET', '/app'): [{'apps': []}]})
    with pytest.raises(CapgoTransportError, match='expected a list of apps, got dict') as err:
        info(client, org_id=org_id)
    assert 'while ' + action in str(err.value)


def test_other_errors_listing_the_apps_of_an_organization_are_reported():
    client = FakeCapgo(fail={('GET', '/app'): [CapgoApiError(500, 'cannot_get_apps', 'Cannot get apps')]})
    with pytest.raises(CapgoApiError, match='HTTP 500 cannot_get_apps'):
        info(client, org_id=ORG)


def test_a_full_last_page_costs_one_more_request():
    client = FakeCapgo(apps=many(100))
    assert len(info(client)) == 100 and len(client.calls) == 3


def test_apps_of_one_organization():
    client = FakeCapgo(apps=many(3) + [app_row('com.other.x', owner_org=OTHER_ORG)],
                       readable_orgs=[ORG, OTHER_ORG])
    apps = info(client, org='Other')
    assert [app['app_id'] for app in apps] == ['com.other.x']
    assert client.summary() == [GET_ORGS, ('GET', '/app')] and client.calls[1][2]['org_id'] == OTHER_ORG


def test_an_organization_the_key_cannot_read_lists_nothing():
    client = FakeCapgo(apps=many(2))
    assert info(client, org_id='org-unknown') == [] and len(client.calls) == 1
    client = FakeCapgo()
    assert info(client, org='Nobody') == [] and client.summary() == [GET_ORGS]


def test_one_app_by_id_costs_one_request_and_an_unreadable_one_is_an_empty_list():
    client = FakeCapgo(apps=[app_row(APP, icon=ICON)], objects=[ICON])
    apps = info(client, app_id=APP)
    assert [app['app_id'] for app in apps] == [APP] and apps[0]['icon'] == ICON and client.summary() == [GET_APP]
    assert info(FakeCapgo(), app_id=APP) == []
    assert info(FakeCapgo(apps=[app_row(APP, owner_org='org-x')]), app_id=APP) == []
    assert info(FakeCapgo(apps=[app_row(APP)], readable_orgs=[ORG, OTHER_ORG]), app_id=APP, org_id=OTHER_ORG) == []
    client = FakeCapgo(apps=[app_row(APP)], readable_orgs=[ORG, OTHER_ORG])
    assert [app['app_id'] for app in info(client, app_id=APP, org_id=ORG)] == [APP] and client.summary() == [GET_APP]


def test_an_invalid_app_id_is_refused_before_any_request():
    for call in (lambda client: info(client, app_id='shop'), lambda client: run(client, app_id='shop')):
        client = FakeCapgo()
        with pytest.raises(AppError, match="app_id 'shop' is not a reverse-domain app id"):
            call(client)
        assert client.calls == []


# -- input checks, before any request ---------------------------------------------------

@pytest.mark.parametrize('kwargs, message', [
    (dict(app_id='shop'), 'reverse-domain'),
    (dict(app_id='com.acme.shop\n'), 'reverse-domain'),
    (dict(name='<b></b>'), 'empty'),
    (dict(retention=-5), '0 or more'),
    (dict(retention=63113904), 'at most'),
    (dict(org_id=' '), 'org_id must not be empty'),
    (dict(org=''), 'org must not be empty'),
])
def test_bad_input_is_refused_before_any_request(kwargs, message):
    with pytest.raises(CapgoError, match=message):
        check_app_input(params(**kwargs))


def test_info_input_checks():
    with pytest.raises(AppError, match='reverse-domain'):
        check_app_info_input(dict(app_id='x', org_id=None, org=None))
    with pytest.raises(CapgoError, match='org_id must not be empty'):
        check_app_info_input(dict(app_id=None, org_id=' ', org=None))
    with pytest.raises(AppError, match='org must not be empty'):
        check_app_info_input(dict(app_id=None, org_id=None, org=' '))
    check_app_info_input(dict(app_id=None, org_id=None, org=None))
    check_app_info_input(dict(app_id=APP, org_id=ORG, org=None))
    check_app_info_input(dict(app_id=APP, org_id=None, org='Acme'))


def test_tasks_declare_options_and_rules():
    spec = APP_TASK.argument_spec()
    assert spec['app_id']['required'] is True and spec['state']['choices'] == ['present', 'absent']
    assert spec['retention']['type'] == 'int' and spec['api_key']['no_log'] is True
    assert APP_TASK.validation == {'mutually_exclusive': [('org_id', 'org')]}
    assert set(APP_INFO_TASK.options()) == {'app_id', 'org_id', 'org'}
    assert APP_INFO_TASK.validation == {'mutually_exclusive': [('org_id', 'org')]}


# -- the tasks the two modules run ------------------------------------------------------------

def test_the_app_task_returns_changed_app_and_diff_and_passes_warnings_on():
    client, warnings = FakeCapgo(apps=[app_row(APP, name='Acme Shop')]), []
    result = APP_TASK.run(client, params(name='Renamed', icon='org/org-1/missing.png'), False, warnings.append)
    assert sorted(result) == ['app', 'changed', 'diff'] and result['changed'] is True
    assert result['app']['name'] == 'Renamed' and result['diff']['after']['name'] == 'Renamed'
    assert len(warnings) == 1 and 'org/org-1/missing.png' in warnings[0]


def test_the_app_task_in_check_mode_writes_nothing():
    client = FakeCapgo(apps=[app_row(APP, name='Acme Shop')])
    result = APP_TASK.run(client, params(name='Renamed'), True, None)
    assert result['changed'] is True and result['app']['name'] == 'Renamed' and client.summary() == [GET_APP]
    assert client.apps[APP]['name'] == 'Acme Shop'


def test_the_app_info_task_lists():
    client = FakeCapgo(apps=[app_row(APP, name='Acme Shop')])
    result = APP_INFO_TASK.run(client, dict(app_id=APP, org_id=None, org=None), False, None)
    assert result['changed'] is False and [app['app_id'] for app in result['apps']] == [APP]
    assert APP_INFO_TASK.run(client, dict(app_id='com.acme.none', org_id=None, org=None), False, None) == {
        'changed': False, 'apps': []}
