# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Organization security settings: options, validation and the lock-out guard.

GET /organization does not return these; they are read with a PUT that carries
only orgId (the server writes nothing for it) and written with the other fields.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.capgo.cloud.plugins.module_utils.normalize import js_trim

# In the order the server's row lists them.
SETTINGS_FIELDS = ('enforcing_2fa', 'password_policy_config', 'enforce_hashed_api_keys',
                   'require_apikey_expiration', 'max_apikey_expiration_days',
                   'enforce_encrypted_bundles', 'required_encryption_key')

# The column defaults of a new organization.
SETTINGS_DEFAULTS = {
    'enforcing_2fa': False,
    'password_policy_config': None,
    'enforce_hashed_api_keys': False,
    'require_apikey_expiration': False,
    'max_apikey_expiration_days': None,
    'enforce_encrypted_bundles': False,
    'required_encryption_key': None,
}

POLICY_KEYS = ('enabled', 'min_length', 'require_uppercase', 'require_number', 'require_special')
MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH = 6, 72
MAX_EXPIRATION_DAYS = 365

# Turning these on can cut off the API key running the task (supabase/functions/_backend/public/organization/put.ts).
LOCKOUT_RISKS = {
    'enforce_hashed_api_keys': (
        'enforce_hashed_api_keys=true makes the server reject every plaintext (non-hashed) API key bound to this '
        'organization, on every route and for every organization, which may include the key running this task'),
    'require_apikey_expiration': (
        'require_apikey_expiration=true makes the server refuse API keys without an expiry date for this '
        'organization (401 org_requires_expiring_key), which may include the key running this task, so later '
        'runs could no longer read or update it'),
    'enforcing_2fa': (
        'enforcing_2fa=true requires two-factor authentication of members; the server refuses to let an API key '
        'enable it, or to edit an organization that enforces it (400 cannot_update_org), so this and later updates '
        'by API key fail'),
}


def settings_argument_spec():
    """The security options of capgo_organization (names as the Capgo API spells them)."""
    return dict(
        enforcing_2fa=dict(type='bool'),
        password_policy_config=dict(
            type='dict', no_log=False,
            options=dict(
                enabled=dict(type='bool', required=True),
                min_length=dict(type='int', default=10),
                require_uppercase=dict(type='bool', default=True),
                require_number=dict(type='bool', default=True),
                require_special=dict(type='bool', default=True),
            ),
        ),
        enforce_hashed_api_keys=dict(type='bool'),
        require_apikey_expiration=dict(type='bool'),
        max_apikey_expiration_days=dict(type='int', no_log=False),
        enforce_encrypted_bundles=dict(type='bool'),
        required_encryption_key=dict(type='str', no_log=False),
        acknowledge_lockout=dict(type='bool', default=False),
    )


def desired_settings(params):
    """Validated settings the user set, in the form the server stores. Raises ValueError naming the option."""
    desired = {}
    for field in ('enforcing_2fa', 'enforce_hashed_api_keys', 'require_apikey_expiration', 'enforce_encrypted_bundles'):
        if params.get(field) is not None:
            desired[field] = bool(params[field])
    days = params.get('max_apikey_expiration_days')
    if days is not None:
        if days == 0:
            desired['max_apikey_expiration_days'] = None
        elif 1 <= days <= MAX_EXPIRATION_DAYS:
            desired['max_apikey_expiration_days'] = days
        else:
            raise ValueError('max_apikey_expiration_days must be between 1 and %d (or 0 to remove the limit), got %s'
                             % (MAX_EXPIRATION_DAYS, days))
    key = params.get('required_encryption_key')
    if key is not None:
        key = js_trim(key)
        if key and len(key) not in (20, 21):
            raise ValueError('required_encryption_key must be the 20 or 21 character fingerprint of the encryption key '
                             '(or "" to remove it), got %d characters' % len(key))
        desired['required_encryption_key'] = key or None
    policy = params.get('password_policy_config')
    if policy is not None:
        length = policy.get('min_length')
        if length is None or not MIN_PASSWORD_LENGTH <= length <= MAX_PASSWORD_LENGTH:
            raise ValueError('password_policy_config.min_length must be between %d and %d, got %s'
                             % (MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH, length))
        desired['password_policy_config'] = dict((k, policy.get(k)) for k in POLICY_KEYS)
    return desired


def settings_view(row):
    """The security settings of a PUT answer row (None when the answer does not carry them)."""
    if not isinstance(row, dict) or not all(field in row for field in SETTINGS_FIELDS):
        return None
    view = dict((field, row[field]) for field in SETTINGS_FIELDS)
    policy = view['password_policy_config']
    if isinstance(policy, dict):
        view['password_policy_config'] = dict((k, policy.get(k)) for k in POLICY_KEYS)
    return view


def lockout_risks(current, desired):
    """Explanations of the risky settings this change would switch on."""
    return [LOCKOUT_RISKS[field] for field in ('enforce_hashed_api_keys', 'require_apikey_expiration', 'enforcing_2fa')
            if desired.get(field) is True and current.get(field) is not True]
