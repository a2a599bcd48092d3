# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Rules and helpers shared by every Capgo resource (organizations, members, ...).

Each resource module (organization.py, member.py) imports these from here and
never from another resource module, so a rule has exactly one home.
Imports go one way: api.py (transport) -> normalize.py -> resource.py -> the resource modules.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.capgo.cloud.plugins.module_utils.api import CapgoApiError, CapgoError, CapgoTransportError

# Error codes with which the server says "no such organization, or not yours": it never answers 404
# for them (supabase/functions/_backend/public/organization/get.ts and members/get.ts answer
# invalid_org_id or cannot_access_organization).
NOT_VISIBLE_CODES = frozenset(['invalid_org_id', 'cannot_access_organization', 'not_found'])

# Statuses after which a POST may or may not have been processed: the server can fail after writing.
AMBIGUOUS_POST_STATUSES = frozenset([500, 502, 503, 504])


class InputError(CapgoError):
    """Bad task input, reported before any request."""


class CapgoService:
    """Base of the API services: a client, and warnings passed on to the task as they occur."""

    def __init__(self, client, warn=None):
        self.client = client
        self.warnings = []
        self._warn = warn

    def warn(self, message):
        self.warnings.append(message)
        if self._warn:
            self._warn(message)


def validate_org_id(org_id):
    """The organization id without surrounding whitespace, None when not given; blank ids are refused."""
    if org_id is None:
        return None
    if not org_id.strip():
        raise InputError('org_id must not be empty')
    return org_id.strip()


def build_diff(before, after, fields):
    """Ansible's before/after diff of the given fields present in each side; {} or None stands for "none"."""
    def pick(side):
        return dict((key, side[key]) for key in fields if key in side) if side else {}
    return {'before': pick(before), 'after': pick(after)}


def is_not_visible(error):
    """True when a server error means "this organization does not exist or is not the key's"."""
    if not isinstance(error, CapgoApiError):
        return False
    if error.code in NOT_VISIBLE_CODES:
        return True
    # The public docs' error shape ({"error": text, "status": "KO"}) has no code.
    return error.code is None and error.status in (400, 403, 404)


def is_ambiguous(error):
    """A write whose outcome is unknown: the answer was lost or the server failed midway."""
    if isinstance(error, CapgoTransportError):
        return error.maybe_processed
    return isinstance(error, CapgoApiError) and error.status in AMBIGUOUS_POST_STATUSES
