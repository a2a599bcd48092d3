# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Capgo server's rules for app and channel fields, replayed on the client.

Sources (Cap-go/capgo): supabase/functions/_backend/utils/utils.ts (reverseDomainRegex),
supabase/functions/_backend/public/app/{post,put}.ts, supabase/functions/_backend/utils/storage.ts
(normalizeImagePath), supabase/functions/_backend/public/channel/{get,post}.ts and the apps/channels
columns and triggers of supabase/migrations/20260708000000_prod_baseline.sql.
Each function raises ValueError with a user-facing reason when the server would reject the value.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.capgo.cloud.plugins.module_utils.normalize import logo_as_read, strip_html

# reverseDomainRegex, /^[a-z0-9]+(\.[\w-]+)+$/i. JavaScript's \w is ASCII only, its /i never folds a
# non-ASCII letter (the Kelvin sign, the long s) onto an ASCII one, and its $ does not match before a
# trailing newline: hence the explicit class, re.ASCII and \Z.
APP_ID_RE = re.compile(r'^[a-z0-9]+(\.[A-Za-z0-9_-]+)+\Z', re.IGNORECASE | re.ASCII)

# PUT /app/:id answers retention_to_big from this value on, retention_to_small below 0.
RETENTION_MAX = 63113903

# What POST /app leaves in the row; these settings can only be changed by a PUT afterwards.
APP_SETTING_DEFAULTS = {
    'retention': 2592000,
    'expose_metadata': False,
    'allow_device_custom_id': True,
    'block_provider_infra_requests': True,
}

# Columns PostgREST sends as numbers but POST /app (node-postgres RETURNING *) as strings.
APP_BIGINT_FIELDS = ('retention', 'channel_device_count', 'manifest_bundle_count', 'build_timeout_seconds',
                     'rollout_channel_count')

# The disable_update enum; other values make POST /channel fail with 500 unknown_error.
DISABLE_AUTO_UPDATE_CHOICES = ('major', 'minor', 'patch', 'version_number', 'none')

# Bundle names with which a channel has no stable bundle: POST clears it for each, GET can show the last two.
NO_BUNDLE_NAMES = ('', 'builtin', 'unknown')

# Column defaults of public.channels for what GET /channel returns, in its (camelCase) names.
CHANNEL_DEFAULTS = {
    'public': False,
    'allow_device_self_set': False,
    'allow_emulator': True,
    'allow_device': True,
    'allow_dev': True,
    'allow_prod': True,
    'version': None,
    'rollout_version': None,
    'rollout_id': None,
    'rollout_version_info': None,
    'disableAutoUpdateUnderNative': True,
    'disableAutoUpdate': 'major',
    'rolloutPercentageBps': 0,
    'rolloutEnabled': False,
    'rolloutPausedAt': None,
    'rolloutPauseReason': None,
    'rolloutCacheTtlSeconds': 2592000,
    'autoPauseEnabled': False,
    'autoPauseWindowMinutes': 60,
    'autoPauseFailureRateBps': None,
    'autoPauseConfidence': 0.95,
    'autoPauseMinAttempts': None,
    'autoPauseMinFailures': None,
    'autoPauseAction': 'pause',
    'autoPauseCooldownMinutes': 60,
    'autoPauseLastTriggeredAt': None,
    'autoPauseLastCheckedAt': None,
}

# Platform flags of a new channel; GET /channel never returns them.
PLATFORMS = ('ios', 'android', 'electron')
PLATFORM_DEFAULTS = {'ios': True, 'android': True, 'electron': True}


def validate_app_id(value, option='app_id'):
    """The app id as the server accepts it (case kept: lookups are exact)."""
    if value is None or not APP_ID_RE.match(value):
        raise ValueError('%s %r is not a reverse-domain app id as Capgo requires (for example com.example.app: '
                         'two or more dot-separated parts, the first of letters and digits only, the others of '
                         'letters, digits, "_" and "-")' % (option, value))
    return value


def normalize_app_name(value):
    """A name as the database stores it: the sanitize_apps_text_fields trigger's strip_html."""
    return strip_html(value)


def validate_app_name(value):
    """The name POST needs (truthy) and the trigger keeps non-empty."""
    normalized = normalize_app_name(value)
    if not normalized:
        raise ValueError('name %r is empty once HTML tags and surrounding spaces are removed, as the server does'
                         % (value,))
    return normalized


def normalize_icon(value):
    """The icon path the server answers with (the organization logo's rules); '' (or only spaces) clears it."""
    if value is None:
        return None
    if not value.strip():
        return ''
    return logo_as_read(value)


def validate_retention(value):
    if value is None:
        return None
    if value < 0:
        raise ValueError('retention must be 0 or more seconds, got %r' % (value,))
    if value > RETENTION_MAX:
        raise ValueError('retention must be at most %d seconds (2 years), got %r' % (RETENTION_MAX, value))
    return value


def normalize_store_url(value):
    """Store URLs are kept as given; '' stands for "none" (stored as null)."""
    if value is None or not value.strip():
        return None
    return value


def to_int(value):
    """A bigint from either GET (a number) or POST (a string) answers; anything else is kept as it is."""
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return value
    return value


def validate_channel_name(value):
    if value is None or not value.strip():
        raise ValueError('name (the channel name) must not be empty')
    return value


def normalize_version(value):
    """The bundle a channel points at, by name; None for "no stable bundle"."""
    if value is None:
        return None
    if isinstance(value, dict):
        value = value.get('name')
    if value is None or value in NO_BUNDLE_NAMES:
        return None
    return value


def predict_platforms(sent, public):
    """The platform flags a new channel gets: DB defaults, and post.ts's electron rule.

    With public true, electron not sent and the body's ios differing from its android (an unsent flag
    counts as undefined there), the server stores electron false.
    """
    platforms = dict(PLATFORM_DEFAULTS)
    platforms.update(dict((key, value) for key, value in sent.items() if value is not None))
    if public and sent.get('electron') is None and sent.get('ios') != sent.get('android'):
        platforms['electron'] = False
    return platforms
