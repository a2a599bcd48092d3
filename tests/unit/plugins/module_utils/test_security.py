# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Security settings: the limits the server enforces, at their edges; the settings view; the lock-out risks."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.capgo.cloud.plugins.module_utils.security import (
    LOCKOUT_RISKS,
    SETTINGS_DEFAULTS,
    desired_settings,
    lockout_risks,
    settings_view,
)

POLICY = {'enabled': True, 'min_length': 12, 'require_uppercase': True, 'require_number': True, 'require_special': False}


@pytest.mark.parametrize('days, stored', [(0, None), (1, 1), (30, 30), (365, 365)])
def test_expiration_days_accepted_up_to_the_edges(days, stored):
    assert desired_settings({'max_apikey_expiration_days': days}) == {'max_apikey_expiration_days': stored}


@pytest.mark.parametrize('days', [-1, 366])
def test_expiration_days_beyond_the_edges(days):
    with pytest.raises(ValueError, match='max_apikey_expiration_days must be between 1 and 365.*got %d' % days):
        desired_settings({'max_apikey_expiration_days': days})


@pytest.mark.parametrize('key, stored', [
    ('a' * 20, 'a' * 20), ('b' * 21, 'b' * 21), ('  %s\n' % ('c' * 20), 'c' * 20), ('', None), (' \t', None),
])
def test_encryption_key_fingerprint_of_20_or_21_characters(key, stored):
    assert desired_settings({'required_encryption_key': key}) == {'required_encryption_key': stored}


@pytest.mark.parametrize('length', [19, 22])
def test_encryption_key_of_another_length(length):
    with pytest.raises(ValueError, match='required_encryption_key .* got %d characters' % length):
        desired_settings({'required_encryption_key': 'k' * length})


@pytest.mark.parametrize('length', [6, 72])
def test_password_length_accepted_at_the_edges(length):
    wanted = dict(POLICY, min_length=length, extra='dropped')
    assert desired_settings({'password_policy_config': wanted}) == {
        'password_policy_config': dict(POLICY, min_length=length)}


@pytest.mark.parametrize('length', [5, 73, None])
def test_password_length_beyond_the_edges(length):
    with pytest.raises(ValueError, match='min_length must be between 6 and 72, got %s' % length):
        desired_settings({'password_policy_config': dict(POLICY, min_length=length)})


def test_switches_are_stored_as_booleans_and_unset_ones_are_left_out():
    assert desired_settings({'enforcing_2fa': 0, 'enforce_hashed_api_keys': 1, 'require_apikey_expiration': None,
                             'enforce_encrypted_bundles': False}) == {
        'enforcing_2fa': False, 'enforce_hashed_api_keys': True, 'enforce_encrypted_bundles': False}


def test_settings_view_keeps_the_settings_and_the_policy_keys_only():
    row = dict(SETTINGS_DEFAULTS, name='Acme', password_policy_config=dict(POLICY, other=1))
    assert settings_view(row) == dict(SETTINGS_DEFAULTS, password_policy_config=POLICY)
    assert settings_view(dict(SETTINGS_DEFAULTS)) == SETTINGS_DEFAULTS


@pytest.mark.parametrize('row', [None, [], {'enforcing_2fa': False},
                                 dict((k, v) for k, v in SETTINGS_DEFAULTS.items() if k != 'required_encryption_key')])
def test_settings_view_of_an_answer_without_them(row):
    assert settings_view(row) is None


def test_lockout_risks_are_the_settings_being_switched_on():
    everything_on = {'enforce_hashed_api_keys': True, 'require_apikey_expiration': True, 'enforcing_2fa': True}
    assert lockout_risks(SETTINGS_DEFAULTS, everything_on) == [
        LOCKOUT_RISKS['enforce_hashed_api_keys'], LOCKOUT_RISKS['require_apikey_expiration'], LOCKOUT_RISKS['enforcing_2fa']]
    assert lockout_risks(everything_on, everything_on) == []
    assert lockout_risks({'enforcing_2fa': True}, everything_on) == [
        LOCKOUT_RISKS['enforce_hashed_api_keys'], LOCKOUT_RISKS['require_apikey_expiration']]
    assert lockout_risks(SETTINGS_DEFAULTS, {'enforce_hashed_api_keys': False, 'enforce_encrypted_bundles': True}) == []
