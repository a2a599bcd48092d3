# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Channel logic: lookup, compare, upsert and read-back, platform flags, public demotion, check mode, diff, errors."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

import pytest

from ansible_collections.capgo.cloud.plugins.module_utils.api import CapgoApiError, CapgoTransportError
from ansible_collections.capgo.cloud.plugins.module_utils.channel import (
    CHANNEL_INFO_TASK,
    CHANNEL_TASK,
    ChannelError,
    ChannelService,
    check_channel_info_input,
    check_channel_input,
    ensure_channel,
    list_channels,
    managed_view,
)
from ansible_collections.capgo.cloud.plugins.module_utils.normalize_apps import CHANNEL_DEFAULTS
from ansible_collections.capgo.cloud.tests.unit.plugins.module_utils.apps_fake import FakeCapgo, app_row

APP = 'com.acme.shop'
GET = ('GET', '/channel')
POST = ('POST', '/channel')
DELETE = ('DELETE', '/channel')


def stored(name, cid=1, **values):
    row = dict(CHANNEL_DEFAULTS, id=cid, name=name, app_id=APP, created_by='u1',
               created_at='2026-01-01T00:00:00+00:00', updated_at=None, ios=True, android=True, electron=True)
    row.update(values)
    return row


def fake(*channels, **kwargs):
    kwargs.setdefault('bundles', {APP: {'1.0.0': 11, '1.1.0': 12, 'builtin': 1}})
    return FakeCapgo(apps=[app_row(APP)], channels={APP: list(channels)}, **kwargs)


def params(**kwargs):
    base = dict(app_id=APP, name='production', version=None, public=None, ios=None, android=None, electron=None,
                update_platforms=False, allow_device_self_set=None, allow_emulator=None, allow_dev=None,
                allow_device=None, allow_prod=None, disable_auto_update_under_native=None, disable_auto_update=None,
                state='present')
    base.update(kwargs)
    return base


def run(client, check_mode=False, **kwargs):
    warnings = []
    changed, diff, channel = ensure_channel(ChannelService(client, warn=warnings.append), params(**kwargs), check_mode)
    return changed, diff, channel, warnings


def one(name='production'):
    return {'app_id': APP, 'channel': name}


# -- present ----------------------------------------------------------------------

def test_unchanged_channel_costs_one_get():
    client = fake(stored('production', version='1.0.0', disableAutoUpdate='minor'))
    changed, diff, channel, warnings = run(client, version='1.0.0', disable_auto_update='minor', allow_prod=True)
    assert changed is False and client.summary() == [GET] and client.calls[0][2] == one() and warnings == []
    assert channel['version'] == {'name': '1.0.0', 'id': 11} and diff['before'] == diff['after']


def test_update_sends_only_what_differs_and_reads_the_channel_back():
    client = fake(stored('production', version='1.0.0'))
    changed, diff, channel, dummy = run(client, version='1.1.0', allow_emulator=False, allow_dev=True,
                                        disable_auto_update_under_native=False)
    assert changed is True and client.summary() == [GET, POST, GET]
    assert client.calls[1][3] == {'app_id': APP, 'channel': 'production', 'version': '1.1.0', 'allow_emulator': False,
                                  'disableAutoUpdateUnderNative': False}
    assert channel['version'] == {'name': '1.1.0', 'id': 12} and channel['disableAutoUpdateUnderNative'] is False
    assert diff['before']['version'] == '1.0.0' and diff['after']['version'] == '1.1.0'
    assert diff['before']['app_id'] == diff['after']['app_id'] == APP and diff['after']['name'] == 'production'
    assert 'ios' not in diff['after']


def test_create_sends_every_set_option_and_the_platforms():
    client = fake()
    changed, diff, channel, dummy = run(client, version='1.0.0', ios=True, android=False, allow_device_self_set=True,
                                        disable_auto_update='patch')
    assert changed is True and client.summary() == [GET, POST, GET]
    assert client.calls[1][3] == {'app_id': APP, 'channel': 'production', 'version': '1.0.0', 'ios': True,
                                  'android': False, 'allow_device_self_set': True, 'disableAutoUpdate': 'patch'}
    assert channel['id'] == 101 and 'ios' not in channel
    assert diff['before'] == {} and diff['after']['android'] is False and diff['after']['electron'] is True


def test_create_with_an_empty_version_sends_none():
    client = fake()
    run(client, version='')
    assert 'version' not in client.calls[1][3]


@pytest.mark.parametrize('current, wanted, sent', [
    ('1.0.0', '', ''),
    ('1.0.0', 'builtin', 'builtin'),
    ('builtin', '', None),
    (None, 'unknown', None),
    (None, '', None),
])
def test_clearing_the_bundle(current, wanted, sent):
    client = fake(stored('production', version=current))
    changed = run(client, version=wanted)[0]
    assert changed is (sent is not None)
    if sent is None:
        assert client.writes() == []
    else:
        assert client.calls[1][3]['version'] == sent and client.channels[APP][0]['version'] is None


def test_platforms_are_not_compared_on_update():
    client = fake(stored('production', electron=False))
    changed, dummy, dummy2, dummy3 = run(client, ios=True, android=True, electron=True)
    assert changed is False and client.writes() == []


def test_update_platforms_sends_them_and_reports_a_change_every_run():
    client = fake(stored('production', electron=False))
    for dummy in range(2):
        changed, diff, dummy2, dummy3 = run(client, electron=True, update_platforms=True)
        assert changed is True and diff['after']['electron'] is True and 'electron' not in diff['before']
    assert client.summary() == [GET, POST, GET] * 2
    assert client.calls[1][3] == {'app_id': APP, 'channel': 'production', 'electron': True}
    assert client.channels[APP][0]['electron'] is True


def test_check_mode_update_predicts_the_real_run_without_writing():
    channels = [stored('production', version='1.0.0')]
    wanted = dict(version='1.1.0', allow_prod=False, disable_auto_update='none')
    check, real = fake(*copy.deepcopy(channels)), fake(*copy.deepcopy(channels))
    c_changed, c_diff, c_channel, dummy = run(check, check_mode=True, **wanted)
    r_changed, r_diff, r_channel, dummy = run(real, **wanted)
    assert check.summary() == [GET] and c_changed is r_changed is True and c_diff == r_diff
    assert managed_view(c_channel) == managed_view(r_channel)
    # The bundle as GET answers it; its id is only known once the server has set it.
    assert c_channel['version'] == {'name': '1.1.0', 'id': None} and r_channel['version'] == {'name': '1.1.0', 'id': 12}


def test_check_mode_clearing_the_bundle_predicts_no_bundle():
    check, real = fake(stored('production', version='1.0.0')), fake(stored('production', version='1.0.0'))
    c_changed, c_diff, c_channel, dummy = run(check, check_mode=True, version='')
    r_changed, r_diff, r_channel, dummy = run(real, version='')
    assert c_changed is r_changed is True and c_diff == r_diff and c_channel['version'] is r_channel['version'] is None
    assert check.writes() == []


def test_check_mode_create_predicts_the_real_run_without_writing():
    wanted = dict(version='1.0.0', ios=False, public=False, allow_dev=False)
    check, real = fake(), fake()
    c_changed, c_diff, c_channel, dummy = run(check, check_mode=True, **wanted)
    r_changed, r_diff, r_channel, dummy = run(real, **wanted)
    assert check.summary() == [GET] and c_changed is r_changed is True and c_diff == r_diff
    assert managed_view(c_channel) == managed_view(r_channel) and c_channel['id'] is None
    assert set(c_channel) == set(r_channel)


# -- public channels ------------------------------------------------------------------

def test_making_a_channel_public_names_the_channel_it_demotes():
    client = fake(stored('production', cid=1, public=True), stored('staging', cid=2))
    changed, diff, channel, warnings = run(client, name='staging', public=True)
    assert changed is True and client.summary() == [GET, POST, GET]
    assert client.calls[0][2] == {'app_id': APP} and client.calls[2][2] == {'app_id': APP}
    assert channel['public'] is True and client.channels[APP][0]['public'] is False
    assert len(warnings) == 1 and "un-published" in warnings[0] and 'production' in warnings[0]


def test_check_mode_predicts_the_demotion():
    beta = stored('beta', cid=3, public=True, ios=False, android=False)
    client = fake(stored('production', cid=1, public=True), beta, stored('staging', cid=2), stored('nightly', cid=4))
    changed, dummy, channel, warnings = run(client, check_mode=True, name='staging', public=True)
    assert changed is True and channel['public'] is True and client.writes() == []
    assert len(warnings) == 1 and 'would be made public' in warnings[0] and ': beta, production (' in warnings[0]


def test_only_channels_actually_demoted_are_named():
    # beta serves only Electron, staging only iOS and Android: no shared platform, beta stays public.
    client = fake(stored('beta', cid=3, public=True, ios=False, android=False),
                  stored('staging', cid=2, electron=False))
    changed, dummy, dummy2, warnings = run(client, name='staging', public=True)
    assert changed is True and warnings == [] and client.channels[APP][0]['public'] is True


def test_widening_the_platforms_of_a_public_channel_names_what_it_demotes():
    client = fake(stored('production', cid=1, public=True, android=False, electron=False),
                  stored('droid', cid=2, public=True, ios=False, electron=False))
    changed, dummy, dummy2, warnings = run(client, public=True, android=True, update_platforms=True)
    assert changed is True and client.summary() == [GET, POST, GET]
    assert client.calls[1][3] == {'app_id': APP, 'channel': 'production', 'android': True}
    assert len(warnings) == 1 and 'was kept public' in warnings[0] and 'droid' in warnings[0]


def test_check_mode_widening_the_platforms_names_the_others_only():
    client = fake(stored('production', cid=1, public=True, android=False, electron=False),
                  stored('droid', cid=2, public=True, ios=False, electron=False))
    changed, dummy, dummy2, warnings = run(client, check_mode=True, public=True, android=True, update_platforms=True)
    assert changed is True and client.writes() == []
    assert len(warnings) == 1 and 'would be kept public' in warnings[0] and ': droid (' in warnings[0]


def test_a_public_channel_whose_other_settings_change_demotes_nothing():
    # Public already, platforms untouched: the server un-publishes nothing, and nothing is named.
    channels = [stored('production', cid=1, public=True, electron=False),
                stored('desktop', cid=2, public=True, ios=False, android=False)]
    for check_mode in (True, False):
        client = fake(*copy.deepcopy(channels))
        changed, dummy, channel, warnings = run(client, check_mode=check_mode, public=True, allow_dev=False)
        assert changed is True and channel['allow_dev'] is False and warnings == []
        assert client.channels[APP][1]['public'] is True


def test_making_a_new_channel_public():
    client = fake(stored('production', cid=1, public=True))
    changed, diff, channel, warnings = run(client, name='staging', public=True, ios=True, android=False)
    assert changed is True and client.summary() == [GET, POST, GET] and client.calls[0][2] == {'app_id': APP}
    assert client.calls[1][3] == {'app_id': APP, 'channel': 'staging', 'public': True, 'ios': True, 'android': False}
    assert channel['name'] == 'staging' and channel['public'] is True and diff['before'] == {}
    # post.ts: public, ios differing from android and electron not sent: electron is stored false.
    assert diff['after']['electron'] is False and diff['after']['ios'] is True and diff['after']['android'] is False
    assert client.channels[APP][0]['public'] is False
    assert len(warnings) == 1 and 'was made public' in warnings[0] and ': production' in warnings[0]


def test_a_channel_deleted_meanwhile_is_not_named_as_demoted():
    # production is gone when the channels are read back: it was deleted, not un-published.
    client = fake(stored('production', cid=1, public=True), stored('staging', cid=2))
    client.fail[GET] = [None, [dict(stored('staging', cid=2, public=True), version=None)]]
    changed, dummy, channel, warnings = run(client, name='staging', public=True)
    assert changed is True and channel['public'] is True and warnings == []


def test_a_channel_that_cannot_be_read_back_after_the_write_fails():
    client = fake()
    client.fail[GET] = [None, CapgoApiError(400, 'cannot_find_version', 'Cannot find version')]
    with pytest.raises(ChannelError, match="channel 'production' of app com.acme.shop was written but cannot be read"):
        run(client, allow_dev=False)
    assert client.summary() == [GET, POST, GET]


def test_a_missing_state_is_present():
    client = fake(stored('production', cid=1, public=True), stored('staging', cid=2))
    wanted = params(name='staging', public=True)
    del wanted['state']
    changed, dummy, channel = ensure_channel(ChannelService(client), wanted, False)
    assert changed is True and channel['public'] is True and client.calls[0][2] == {'app_id': APP}


def test_an_already_public_channel_costs_one_list_and_warns_nothing():
    client = fake(stored('production', public=True))
    changed, dummy, dummy2, warnings = run(client, public=True)
    assert changed is False and client.summary() == [GET] and warnings == []


def test_public_false_is_a_plain_update():
    client = fake(stored('production', public=True))
    changed, dummy, channel, warnings = run(client, public=False)
    assert changed is True and client.summary() == [GET, POST, GET] and client.calls[0][2] == one()
    assert channel['public'] is False and warnings == []


def test_the_channel_list_is_read_page_by_page():
    channels = [stored('ch%03d' % i, cid=i) for i in range(60)]
    client = fake(*channels)
    run(client, name='ch059', public=True)
    assert client.calls[0][2] == {'app_id': APP} and client.calls[1][3] == {'app_id': APP, 'page': 1}
    assert client.summary() == [GET, GET, POST, GET, GET]


# -- absent -------------------------------------------------------------------------

def test_delete_is_one_get_and_one_delete():
    client = fake(stored('production'))
    changed, diff, channel, dummy = run(client, state='absent')
    assert changed is True and channel == {} and client.summary() == [GET, DELETE]
    assert client.calls[1][2] == one() and client.channels[APP] == []
    assert diff['before']['name'] == 'production' and diff['after'] == {}


def test_delete_of_a_missing_channel_is_no_change():
    client = fake()
    assert run(client, state='absent')[:3] == (False, {'before': {}, 'after': {}}, {}) and client.summary() == [GET]


def test_delete_in_an_app_that_is_gone_is_no_change():
    client = FakeCapgo()
    assert run(client, state='absent')[:3] == (False, {'before': {}, 'after': {}}, {}) and client.summary() == [GET]


def test_check_mode_delete_sends_no_delete():
    client = fake(stored('production'))
    assert run(client, check_mode=True, state='absent')[0] is True and client.summary() == [GET]


def test_a_channel_deleted_meanwhile_is_fine():
    client = fake(stored('production'))
    client.fail[DELETE] = [CapgoApiError(400, 'cannot_find_channel', 'Cannot find channel')]
    assert run(client, state='absent')[0] is True


# -- errors ----------------------------------------------------------------------------

def test_an_app_the_key_cannot_read_says_which_right_is_needed():
    client = FakeCapgo()
    with pytest.raises(ChannelError, match='app.read_channels') as err:
        run(client)
    assert str(err.value).startswith('app %s does not exist' % APP)
    assert 'HTTP 400 cannot_access_app' in str(err.value) and client.writes() == []


@pytest.mark.parametrize('answer', [
    # A server that ignores the channel parameter answers the list; one that mixes names up, another channel.
    [stored('production')],
    stored('beta'),
])
def test_an_unexpected_answer_to_reading_one_channel_is_an_error(answer):
    client = fake(stored('production'))
    client.fail[GET] = [answer]
    with pytest.raises(ChannelError, match="unexpected answer reading channel 'production' of app com.acme.shop") as err:
        run(client, allow_dev=False)
    assert repr(answer) in str(err.value) and client.writes() == []


@pytest.mark.parametrize('public', [None, True])
def test_check_mode_predicts_a_create_in_an_app_not_readable_yet(public):
    client = FakeCapgo()
    changed, diff, channel, warnings = run(client, check_mode=True, public=public)
    assert changed and diff['before'] == {} and diff['after']['name'] == 'production'
    assert channel['name'] == 'production' and channel['id'] is None
    assert len(warnings) == 1 and 'app.read_channels' in warnings[0] and 'check mode predicts' in warnings[0].lower()
    assert client.writes() == []


@pytest.mark.parametrize('deny, channels, kwargs, message', [
    ('channel.update_settings', [stored('production')], dict(allow_dev=False),
     r"may not change channel 'production' of app com.acme.shop: that needs channel.update_settings \(.*\) \("),
    # post.ts checks channel.promote_bundle too when the body carries a version.
    ('channel.update_settings', [stored('production')], dict(version='1.1.0'),
     r"may not change channel 'production' of app com.acme.shop: that needs channel.update_settings .*"
     r" and, to set version, channel.promote_bundle \("),
    ('app.create_channel', [], dict(allow_dev=False),
     r"may not create channel 'production' of app com.acme.shop: that needs app.create_channel"),
    ('channel.delete', [stored('production')], dict(state='absent'), 'org_admin keys lack it'),
])
def test_missing_rights_are_named(deny, channels, kwargs, message):
    client = fake(*channels, deny=[deny])
    with pytest.raises(ChannelError, match=message) as err:
        run(client, **kwargs)
    assert 'HTTP 400 cannot_access_app' in str(err.value)


@pytest.mark.parametrize('channels, action', [
    ([stored('production')], "while updating channel 'production' of app com.acme.shop"),
    ([], "while creating channel 'production' of app com.acme.shop"),
])
@pytest.mark.parametrize('version', [None, '1.0.0'])
def test_other_errors_of_the_write_are_reported_as_they_are(channels, action, version):
    # 400 invalid_app_id: post.ts when the app is gone by the time it is written; not about the bundle.
    client = fake(*channels, fail={POST: [CapgoApiError(400, 'invalid_app_id', "You can't access this app")]})
    with pytest.raises(CapgoApiError, match='HTTP 400 invalid_app_id') as err:
        run(client, allow_dev=False, version=version)
    assert action in str(err.value)


@pytest.mark.parametrize('channels', [[stored('production')], []])
def test_an_unknown_bundle_is_explained(channels):
    client = fake(*channels)
    with pytest.raises(ChannelError, match="is there a bundle of that name in the app"):
        run(client, version='9.9.9')


# -- capgo_channel_info -------------------------------------------------------------------

def test_info_reads_every_page():
    client = fake(*[stored('ch%03d' % i, cid=i) for i in range(120)])
    channels = list_channels(ChannelService(client), APP)
    assert [c['name'] for c in channels] == ['ch%03d' % i for i in range(120)]
    assert client.summary() == [GET] * 3 and client.pagers == [('/channel', 'body', 50)]
    assert [call[3] for call in client.calls] == [None, {'app_id': APP, 'page': 1}, {'app_id': APP, 'page': 2}]
    assert all('ios' not in c for c in channels)


def test_info_by_name_costs_one_request():
    client = fake(stored('production', version='1.0.0'))
    assert [c['version'] for c in list_channels(ChannelService(client), APP, 'production')] == \
        [{'name': '1.0.0', 'id': 11}]
    assert list_channels(ChannelService(client), APP, 'nope') == [] and client.summary() == [GET, GET]


def test_info_of_an_app_the_key_cannot_read_fails():
    with pytest.raises(ChannelError, match='does not exist, or this API key cannot read its channels') as err:
        list_channels(ChannelService(FakeCapgo()), APP)
    assert str(err.value).startswith('app %s ' % APP) and 'HTTP 400 cannot_access_app' in str(err.value)


def test_a_page_of_channels_that_is_no_list_is_an_error_naming_what_was_listed():
    client = fake(fail={GET: [{'channels': []}]})
    with pytest.raises(CapgoTransportError, match='expected a list of channels, got dict') as err:
        list_channels(ChannelService(client), APP)
    assert 'while listing the channels of app %s: ' % APP in str(err.value)


def test_info_refuses_invalid_input_before_any_request():
    client = fake()
    with pytest.raises(ChannelError, match="app_id 'shop' is not a reverse-domain app id"):
        list_channels(ChannelService(client), 'shop')
    with pytest.raises(ChannelError, match='must not be empty'):
        list_channels(ChannelService(client), APP, ' ')
    assert client.calls == []


# -- input checks, before any request ---------------------------------------------------

@pytest.mark.parametrize('kwargs, message', [
    (dict(app_id='shop'), 'reverse-domain'),
    (dict(name=' '), 'must not be empty'),
    (dict(disable_auto_update='metadata'), 'disable_auto_update must be one of'),
])
def test_bad_input_is_refused_before_any_request(kwargs, message):
    with pytest.raises(ChannelError, match=message):
        check_channel_input(params(**kwargs))


def test_info_input_checks():
    with pytest.raises(ChannelError, match='reverse-domain'):
        check_channel_info_input(dict(app_id='nope', name=None))
    with pytest.raises(ChannelError, match='must not be empty'):
        check_channel_info_input(dict(app_id=APP, name=''))
    check_channel_info_input(dict(app_id=APP, name='production'))
    check_channel_info_input(dict(app_id=APP, name=None))


def test_tasks_declare_options():
    spec = CHANNEL_TASK.argument_spec()
    assert spec['disable_auto_update']['choices'] == ['major', 'minor', 'patch', 'version_number', 'none']
    assert spec['update_platforms']['default'] is False and spec['name']['required'] is True
    assert set(CHANNEL_INFO_TASK.options()) == {'app_id', 'name'}


# -- the tasks the two modules run ------------------------------------------------------------

def test_the_channel_task_returns_changed_channel_and_diff():
    client, warnings = fake(stored('production', version='1.0.0')), []
    result = CHANNEL_TASK.run(client, params(version='1.1.0'), True, warnings.append)
    assert sorted(result) == ['changed', 'channel', 'diff'] and result['changed'] is True
    assert result['channel']['version']['name'] == '1.1.0' and client.summary() == [GET]
    assert result['diff']['before']['version'] == '1.0.0' and result['diff']['after']['version'] == '1.1.0'


def test_the_channel_task_passes_warnings_on():
    client, warnings = fake(stored('production', public=True), stored('staging', cid=2)), []
    result = CHANNEL_TASK.run(client, params(name='staging', public=True), False, warnings.append)
    assert result['changed'] is True and len(warnings) == 1 and ': production' in warnings[0]


def test_the_channel_info_task_lists_all_or_one():
    client = fake(stored('production'), stored('beta', cid=2))
    everything = CHANNEL_INFO_TASK.run(client, {'app_id': APP, 'name': None}, False, None)
    assert everything['changed'] is False and sorted(c['name'] for c in everything['channels']) == ['beta', 'production']
    one_channel = CHANNEL_INFO_TASK.run(client, {'app_id': APP, 'name': 'beta'}, False, None)
    assert [c['name'] for c in one_channel['channels']] == ['beta']
