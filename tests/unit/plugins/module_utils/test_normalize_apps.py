# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The server's app and channel rules, case by case (Capgo's tests/app-id-validation.test.ts and the handlers)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.capgo.cloud.plugins.module_utils.normalize_apps import (
    RETENTION_MAX,
    normalize_app_name,
    normalize_icon,
    normalize_store_url,
    normalize_version,
    predict_platforms,
    to_int,
    validate_app_id,
    validate_app_name,
    validate_channel_name,
    validate_retention,
)

VALID_APP_IDS = ['com.example.app', 'com.company.product-name', 'com.company.product_name', 'COM.Example.App',
                 'io.x', 'a1.b-c.d_e.9']
# The invalid ids of the server's tests, and the places where Python's regex differs from JavaScript's.
INVALID_APP_IDS = ['app', 'app_name', '.com.example', 'com.example.', 'com..example', 'com.example.app+',
                   '[appid]', 'invalid-app-id', 'com.example\n', u'com.exämple', u'c\u00f6m.example', 'com-x.app',
                   'com.exa mple', u'\u212a.app', u'com.\u017fhop', '', None]


@pytest.mark.parametrize('app_id', VALID_APP_IDS)
def test_valid_app_ids_are_kept_as_written(app_id):
    assert validate_app_id(app_id) == app_id


@pytest.mark.parametrize('app_id', INVALID_APP_IDS)
def test_invalid_app_ids_are_refused_with_the_rule(app_id):
    with pytest.raises(ValueError, match='reverse-domain') as err:
        validate_app_id(app_id)
    # The message names the option and the value refused.
    assert str(err.value).startswith('app_id %r ' % (app_id,))


@pytest.mark.parametrize('value, expected', [
    ('Acme Shop', 'Acme Shop'),
    ('  Acme <b>Shop</b>  ', 'Acme Shop'),
    ('<i>x</i>', 'x'),
    # The trigger's btrim removes spaces only, unlike the organization PUT's JavaScript trim().
    ('\tShop\n', '\tShop\n'),
])
def test_names_are_stored_like_the_sanitize_trigger(value, expected):
    assert normalize_app_name(value) == expected


@pytest.mark.parametrize('value', ['', '   ', '<b></b>', ' <x> '])
def test_names_that_end_up_empty_are_refused(value):
    with pytest.raises(ValueError, match='empty'):
        validate_app_name(value)


@pytest.mark.parametrize('value, expected', [
    ('org/o1/com.x.app/icon.png', 'org/o1/com.x.app/icon.png'),
    ('images/org/o1/icon.png', 'org/o1/icon.png'),
    ('/org/o1/icon.png', 'org/o1/icon.png'),
    # Stored as images/a.png, then normalised once more when the server signs it for a read.
    ('/images/a.png', 'a.png'),
    ('https://sb.capgo.app/storage/v1/object/sign/images/org/o1/icon.png?token=abc', 'org/o1/icon.png'),
    ('https://sb.capgo.app/storage/v1/object/public/images/org/o1/icon.png', 'org/o1/icon.png'),
    ('https://cdn.example.com/icon.png', 'https://cdn.example.com/icon.png'),
    ('', ''),
    ('   ', ''),
    (None, None),
])
def test_icons_compare_as_their_storage_path(value, expected):
    assert normalize_icon(value) == expected


@pytest.mark.parametrize('value', [0, 1, 2592000, RETENTION_MAX])
def test_retention_range_accepted(value):
    assert validate_retention(value) == value


@pytest.mark.parametrize('value, reason', [(-1, '0 or more'), (RETENTION_MAX + 1, 'at most 63113903')])
def test_retention_outside_the_range_is_refused(value, reason):
    with pytest.raises(ValueError, match=reason):
        validate_retention(value)


def test_store_urls_empty_means_none():
    assert normalize_store_url('') is None and normalize_store_url(' ') is None
    assert normalize_store_url('https://apps.apple.com/app/id1') == 'https://apps.apple.com/app/id1'


def test_bigints_from_post_answers_become_numbers():
    assert to_int('2592000') == 2592000 and to_int(5) == 5 and to_int(None) is None and to_int(True) is True
    assert to_int('n/a') == 'n/a'


@pytest.mark.parametrize('value, expected', [
    ({'name': '1.4.2', 'id': 7}, '1.4.2'),
    ({'name': 'builtin', 'id': 1}, None),
    ({'name': 'unknown', 'id': 2}, None),
    (None, None),
    ('', None),
    ('builtin', None),
    ('1.0.0', '1.0.0'),
])
def test_versions_compare_by_bundle_name(value, expected):
    assert normalize_version(value) == expected


def test_channel_names_must_not_be_empty():
    assert validate_channel_name('production') == 'production'
    for bad in ('', '  ', None):
        with pytest.raises(ValueError, match='must not be empty'):
            validate_channel_name(bad)


@pytest.mark.parametrize('sent, public, expected', [
    ({}, False, {'ios': True, 'android': True, 'electron': True}),
    ({}, True, {'ios': True, 'android': True, 'electron': True}),
    ({'ios': True, 'android': False}, True, {'ios': True, 'android': False, 'electron': False}),
    ({'ios': True}, True, {'ios': True, 'android': True, 'electron': False}),
    # ios equal to android: post.ts leaves electron to the column default.
    ({'ios': True, 'android': True}, True, {'ios': True, 'android': True, 'electron': True}),
    ({'ios': False, 'android': False}, True, {'ios': False, 'android': False, 'electron': True}),
    ({'ios': True, 'android': False}, False, {'ios': True, 'android': False, 'electron': True}),
    ({'ios': True, 'android': False, 'electron': True}, True, {'ios': True, 'android': False, 'electron': True}),
])
def test_platforms_of_a_new_channel_follow_the_electron_rule(sent, public, expected):
    assert predict_platforms(sent, public) == expected
