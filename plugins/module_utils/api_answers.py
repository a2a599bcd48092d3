# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How the client reads Capgo's answers: error shapes, success wrapping, and when to try again.

Pure functions, no I/O; api.py's CapgoClient applies them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import random

# Statuses worth another try. 401/403 are never retried: the server blocks an IP
# for 15 minutes after 20 failed authentications.
RETRY_STATUSES = frozenset([429, 502, 503, 504])
IDEMPOTENT_METHODS = frozenset(['GET', 'PUT', 'DELETE'])

BACKOFF_BASE = 1.0
BACKOFF_CAP = 30.0
# A server that asks us to wait longer than this (the failed-auth block is 15 min)
# gets an error instead of a silently hanging task.
MAX_RETRY_AFTER = 60.0


def describe_more_info(more_info):
    """A short, secret-free rendering of Capgo's moreInfo for error messages."""
    if not isinstance(more_info, dict) or not more_info:
        return ''
    pieces = []
    for key in sorted(more_info):
        value = more_info[key]
        if key == 'error' and isinstance(value, dict) and isinstance(value.get('issues'), list):
            issues = []
            for issue in value['issues'][:5]:
                if isinstance(issue, dict):
                    path = '.'.join(str(p) for p in issue.get('path') or [])
                    issues.append('%s: %s' % (path or '(body)', issue.get('message', issue.get('code', '?'))))
            value = '; '.join(issues)
        elif isinstance(value, (dict, list)):
            value = json.dumps(value, sort_keys=True)
        pieces.append('%s=%s' % (key, value))
    return ', '.join(pieces)[:500]


def parse_error_body(status, body, reason=None):
    """Return (code, message, more_info) for both error shapes Capgo uses.

    The server sends {"error": code, "message": text, "moreInfo": {...}}; the public
    docs show {"error": "Human text", "status": "KO"}, where there is no code.
    """
    if isinstance(body, dict):
        error = body.get('error')
        message = body.get('message')
        more_info = body.get('moreInfo') if isinstance(body.get('moreInfo'), dict) else {}
        if body.get('status') == 'KO' and message is None:
            return None, error if isinstance(error, str) else reason, more_info
        if isinstance(error, str):
            return error, message if isinstance(message, str) else None, more_info
        if isinstance(message, str):
            return None, message, more_info
    text = body if isinstance(body, str) else reason
    return None, (text or '').strip()[:300] or None, {}


def unwrap(body):
    """Success bodies are bare, or wrapped in {"data": ...} as the docs show."""
    if isinstance(body, dict) and 'data' in body and 'id' not in body and 'name' not in body:
        return body['data']
    return body


def retry_after_seconds(response, body):
    """Seconds the server asked us to wait, from Retry-After or moreInfo.retryAfterSeconds."""
    header = response.headers.get('Retry-After') if response is not None else None
    if header is not None:
        try:
            return max(0.0, float(header))
        except ValueError:
            pass
    if isinstance(body, dict) and isinstance(body.get('moreInfo'), dict):
        value = body['moreInfo'].get('retryAfterSeconds')
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return max(0.0, float(value))
    return None


def backoff_delay(attempt, base=BACKOFF_BASE, cap=BACKOFF_CAP, rand=random.random):
    """Capped exponential backoff with full jitter over the upper half (attempt counts from 1)."""
    ceiling = min(cap, base * (2 ** (attempt - 1)))
    return ceiling / 2.0 + rand() * ceiling / 2.0


def should_retry_status(method, status):
    """Whether an HTTP error status is worth repeating the request for."""
    if status not in RETRY_STATUSES:
        return False
    if method == 'POST':
        # A POST answered 429 was rejected before anything ran; a 5xx may have
        # created the organization, so repeating it could duplicate one.
        return status == 429
    return method in IDEMPOTENT_METHODS
