# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Transport for the Capgo public API: session, auth, retries, errors and paging.

Nothing in here knows what an organization is; see organization.py for that.
The client works without an AnsibleModule so it can be unit-tested on its own.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import random
import time
import traceback

from ansible.module_utils.basic import env_fallback, missing_required_lib

try:
    import requests
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - exercised by the import sanity test
    requests = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

COLLECTION_VERSION = '1.0.0'
USER_AGENT = 'capgo.cloud/%s (Ansible collection; +https://capgo.app)' % COLLECTION_VERSION

DEFAULT_API_URL = 'https://api.capgo.app'
DEFAULT_TIMEOUT = 30
DEFAULT_RETRIES = 5

# GET /organization returns at most this many rows per page (fetchLimit on the server).
PAGE_SIZE = 50

# Statuses worth another try. 401/403 are never retried: the server blocks an IP
# for 15 minutes after 20 failed authentications.
RETRY_STATUSES = frozenset([429, 502, 503, 504])
IDEMPOTENT_METHODS = frozenset(['GET', 'PUT', 'DELETE'])

BACKOFF_BASE = 1.0
BACKOFF_CAP = 30.0
# A server that asks us to wait longer than this (the failed-auth block is 15 min)
# gets an error instead of a silently hanging task.
MAX_RETRY_AFTER = 60.0

MASK = '********'


def capgo_argument_spec():
    """Options shared by every module; documented in the capgo.cloud.capgo doc fragment."""
    return dict(
        api_key=dict(type='str', required=True, no_log=True,
                     fallback=(env_fallback, ['CAPGO_API_KEY'])),
        api_url=dict(type='str', default=DEFAULT_API_URL,
                     fallback=(env_fallback, ['CAPGO_API_URL'])),
        api_timeout=dict(type='int', default=DEFAULT_TIMEOUT,
                         fallback=(env_fallback, ['CAPGO_API_TIMEOUT'])),
        api_retries=dict(type='int', default=DEFAULT_RETRIES,
                         fallback=(env_fallback, ['CAPGO_API_RETRIES'])),
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path', fallback=(env_fallback, ['CAPGO_CA_PATH'])),
    )


class CapgoError(Exception):
    """Base class of every error the client raises; str() never holds the API key."""


class CapgoInputError(CapgoError):
    """The connection options are unusable; raised before any request."""


class CapgoApiError(CapgoError):
    """The server answered with an error status."""

    def __init__(self, status, code, message, more_info=None, request_id=None, attempts=1, action=None):
        self.status = status
        self.code = code
        self.message = message
        self.more_info = more_info or {}
        self.request_id = request_id
        self.attempts = attempts
        self.action = action
        super(CapgoApiError, self).__init__(self.describe())

    def describe(self):
        parts = []
        if self.action:
            parts.append('Capgo API error while %s:' % self.action)
        else:
            parts.append('Capgo API error:')
        parts.append('HTTP %s' % self.status)
        if self.code:
            parts.append(self.code)
        text = ' '.join(parts)
        if self.message:
            text += ': %s' % self.message
        detail = describe_more_info(self.more_info)
        if detail:
            text += ' (%s)' % detail
        if self.attempts > 1:
            text += ' [gave up after %d attempts]' % self.attempts
        if self.request_id:
            text += ' [request id %s]' % self.request_id
        return text


class CapgoTransportError(CapgoError):
    """No usable answer: connection refused or dropped, timeout, TLS failure, bad body."""

    def __init__(self, message, action=None, attempts=1, maybe_processed=False):
        self.reason = message
        self.action = action
        self.attempts = attempts
        # True when a write may have reached the server although no answer came back.
        self.maybe_processed = maybe_processed
        text = 'Capgo API request failed'
        if action:
            text += ' while %s' % action
        text += ': %s' % message
        if attempts > 1:
            text += ' [gave up after %d attempts]' % attempts
        super(CapgoTransportError, self).__init__(text)


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


class CapgoClient:
    """One requests.Session per module run; every Capgo call goes through request()."""

    def __init__(self, api_key, api_url=DEFAULT_API_URL, timeout=DEFAULT_TIMEOUT,
                 retries=DEFAULT_RETRIES, validate_certs=True, ca_path=None,
                 sleep=time.sleep, session=None, rand=random.random):
        if not HAS_REQUESTS:
            raise CapgoInputError(missing_required_lib('requests'))
        self.api_key = api_key or ''
        if not self.api_key.strip():
            raise CapgoInputError('api_key is empty: set it, or the CAPGO_API_KEY environment variable')
        if any(c in self.api_key for c in '\r\n'):
            raise CapgoInputError('api_key must be a single line')
        if not all(33 <= ord(c) <= 126 for c in self.api_key):
            # Never echo the value: requests and http.client would (repr-escaped, which no scrubbing recognises).
            raise CapgoInputError('api_key must be printable ASCII without spaces (Capgo API keys are UUIDs)')
        self.api_url = validate_api_url(api_url)
        self.base = self.api_url.rstrip('/') + '/organization'
        if timeout is None or timeout <= 0:
            raise CapgoInputError('api_timeout must be a positive number of seconds, got %r' % (timeout,))
        if retries is None or retries < 0:
            raise CapgoInputError('api_retries must be 0 or more, got %r' % (retries,))
        self.timeout = timeout
        self.retries = retries
        if validate_certs and ca_path and not os.path.exists(ca_path):
            raise CapgoInputError('ca_path %s does not exist: it must name a CA bundle (PEM file) or a directory of CA '
                                  'certificates' % ca_path)
        self.verify = (ca_path or True) if validate_certs else False
        self.sleep = sleep
        self.rand = rand
        self.session = session or requests.Session()
        self.session.headers.update({
            'capgkey': self.api_key,
            'Content-Type': 'application/json',
            'Accept': 'application/json',
            'User-Agent': USER_AGENT,
        })

    def close(self):
        self.session.close()

    def scrub(self, text):
        """Remove the API key from any text that may reach the user."""
        text = '%s' % (text,)
        if self.api_key and self.api_key in text:
            text = text.replace(self.api_key, MASK)
        return text

    def url_for(self, sub_path=''):
        return self.base + sub_path

    def request(self, method, sub_path='', params=None, body=None, action=None):
        """Send one API call with retries; return the decoded body (unwrapped from data)."""
        method = method.upper()
        url = self.url_for(sub_path)
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self.session.request(
                    method, url, params=params,
                    data=json.dumps(body) if body is not None else None,
                    timeout=self.timeout, verify=self.verify)
            except requests.exceptions.RequestException as exc:
                not_sent = is_not_sent(exc)
                # A certificate that failed verification fails the same way on every attempt.
                retriable = (method in IDEMPOTENT_METHODS or not_sent) and not isinstance(exc, requests.exceptions.SSLError)
                if retriable and attempt <= self.retries:
                    self.sleep(backoff_delay(attempt, rand=self.rand))
                    continue
                raise CapgoTransportError(self.scrub(describe_transport_error(exc, self.timeout)),
                                          action=action, attempts=attempt,
                                          maybe_processed=(method not in ('GET',) and not not_sent))
            except Exception as exc:  # pylint: disable=broad-except
                # requests does not wrap everything (http.client's UnicodeEncodeError, OSError for a CA bundle, ...):
                # report it like a transport error, scrubbed, instead of a traceback that may carry the key.
                raise CapgoTransportError(self.scrub('%s (%s)' % (type(exc).__name__, short_reason(exc))),
                                          action=action, attempts=attempt, maybe_processed=(method != 'GET'))
            payload = decode_body(response)
            if response.status_code < 400:
                if payload is _UNDECODABLE:
                    raise CapgoTransportError('HTTP %s with a body that is not JSON' % response.status_code,
                                              action=action, attempts=attempt)
                return unwrap(payload)
            body_obj = None if payload is _UNDECODABLE else payload
            if should_retry_status(method, response.status_code) and attempt <= self.retries:
                wait = retry_after_seconds(response, body_obj)
                if wait is not None and wait > MAX_RETRY_AFTER:
                    pass  # fall through to the error: we will not block a task for that long
                else:
                    self.sleep(wait + self.rand() * 0.25 if wait is not None else backoff_delay(attempt, rand=self.rand))
                    continue
            if body_obj is None:
                body_obj = response.text if response.text else None
            code, message, more_info = parse_error_body(response.status_code, body_obj, response.reason)
            raise CapgoApiError(response.status_code, code, self.scrub(message) if message else message,
                                more_info=scrub_tree(more_info, self.api_key),
                                request_id=response.headers.get('X-Request-Id'),
                                attempts=attempt, action=action)

    def paginate(self, action='listing organizations'):
        """Every row of GET /organization, page by page, stopping at a short page.

        The real server reads `page` only as a JSON number in the GET body (a query
        string `page` is rejected with invalid_body).
        """
        rows = []
        seen = set()
        page = 0
        while True:
            body = {'page': page} if page else None
            chunk = self.request('GET', body=body, action='%s (page %d)' % (action, page))
            if not isinstance(chunk, list):
                raise CapgoTransportError('expected a list of organizations, got %s' % type(chunk).__name__,
                                          action=action)
            fresh = 0
            for row in chunk:
                key = row.get('id') if isinstance(row, dict) else None
                if key is not None and key in seen:
                    continue
                seen.add(key)
                rows.append(row)
                fresh += 1
            if len(chunk) < PAGE_SIZE:
                return rows
            if fresh == 0:
                # A proxy that drops GET bodies hands back page 0 forever: stopping
                # here silently could hide the organization we are looking for.
                raise CapgoTransportError(
                    'the server returned page %d with no new organizations; it does not honour '
                    'pagination, so more than %d organizations cannot be listed' % (page, PAGE_SIZE),
                    action=action)
            page += 1


_UNDECODABLE = object()


def decode_body(response):
    text = response.text
    if not text or not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return _UNDECODABLE


def scrub_tree(value, secret):
    """Deep copy of a JSON value with the secret masked in every string."""
    if not secret:
        return value
    if isinstance(value, dict):
        return dict((k, scrub_tree(v, secret)) for k, v in value.items())
    if isinstance(value, list):
        return [scrub_tree(v, secret) for v in value]
    if isinstance(value, str) and secret in value:
        return value.replace(secret, MASK)
    return value


def is_not_sent(exc):
    """True when the request certainly never reached the server (safe to repeat a POST)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(exc, requests.exceptions.SSLError):
        return True
    if isinstance(exc, requests.exceptions.ConnectionError):
        text = repr(exc)
        return 'NewConnectionError' in text or 'Connection refused' in text or 'NameResolutionError' in text
    return False


def describe_transport_error(exc, timeout):
    if isinstance(exc, requests.exceptions.SSLError):
        return ('TLS certificate verification failed (%s). Set ca_path to the CA bundle that signed the '
                'server certificate, or validate_certs=false for a test server' % short_reason(exc))
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return 'could not connect within api_timeout=%ss' % timeout
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return 'no answer within api_timeout=%ss' % timeout
    if isinstance(exc, requests.exceptions.ConnectionError):
        return 'connection error (%s)' % short_reason(exc)
    return '%s (%s)' % (type(exc).__name__, short_reason(exc))


def short_reason(exc):
    """The innermost reason of a requests/urllib3 exception, without URLs or object reprs."""
    reason = exc
    for dummy in range(5):
        nested = getattr(reason, 'reason', None) or (reason.args[0] if getattr(reason, 'args', None) else None)
        if isinstance(nested, BaseException) and nested is not reason:
            reason = nested
        else:
            break
    text = str(reason)
    # urllib3 messages embed "<urllib3.connection.HTTPConnection object at 0x...>: " prefixes.
    if '>: ' in text:
        text = text.split('>: ', 1)[1]
    return text[:300]


def validate_api_url(api_url):
    api_url = (api_url or '').strip()
    lowered = api_url.lower()
    if not (lowered.startswith('http://') or lowered.startswith('https://')):
        raise CapgoInputError('api_url must start with http:// or https://, got %r' % api_url)
    authority = api_url.split('://', 1)[1].split('/', 1)[0]
    if '@' in authority:
        raise CapgoInputError('api_url must not carry credentials; pass the key in api_key')
    if not authority:
        raise CapgoInputError('api_url has no host')
    if '?' in api_url or '#' in api_url:
        raise CapgoInputError('api_url must not have a query or fragment')
    return api_url.rstrip('/')


def client_from_params(params):
    """Build the client from the shared options; raises CapgoInputError for unusable ones."""
    return CapgoClient(
        api_key=params['api_key'],
        api_url=params['api_url'],
        timeout=params['api_timeout'],
        retries=params['api_retries'],
        validate_certs=params['validate_certs'],
        ca_path=params.get('ca_path'),
    )
