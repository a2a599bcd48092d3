# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Transport for the Capgo public API: session, auth, retries, errors and paging.

Nothing in here knows what an organization is; see organization.py for that.
The client works without an AnsibleModule so it can be unit-tested on its own.
It is one file of about 500 lines because the session, the retry loop and paging
share one client's state; the bounded read is in bounded_http.py and the reading
of answers and retry rules in api_answers.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import random
import time
import traceback

from urllib.parse import quote, quote_plus, urlsplit

from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.capgo.cloud.plugins.module_utils.api_answers import (
    IDEMPOTENT_METHODS,
    MAX_RETRY_AFTER,
    backoff_delay,
    describe_more_info,
    parse_error_body,
    retry_after_seconds,
    should_retry_status,
    unwrap,
)
from ansible_collections.capgo.cloud.plugins.module_utils.bounded_http import (
    BoundedSession,
    DeadlineExceeded,
    ResponseTooLarge,
    SocketWatch,
    WatchedAdapter,
    read_bounded,
)

try:
    import requests
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - exercised by the import sanity test
    requests = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

COLLECTION_VERSION = '1.1.0'
USER_AGENT = 'capgo.cloud/%s (Ansible collection; +https://capgo.app)' % COLLECTION_VERSION

DEFAULT_API_URL = 'https://api.capgo.app'
DEFAULT_TIMEOUT = 30
DEFAULT_RETRIES = 5

# GET /organization returns at most this many rows per page (fetchLimit on the server).
PAGE_SIZE = 50
# Pagination stops with an error after the pages this many rows need (2,000 pages of 50):
# far above any real account, and a bound on a server that hands out new rows forever.
MAX_LISTED_ROWS = 100000
# The largest answer read: a page of 50 organizations is about 20 KB, a member list of
# an organization about 300 bytes a member. 10 MiB is 500 full pages; more is refused.
MAX_RESPONSE_BYTES = 10 * 1024 * 1024

MASK = '********'

MISSING_KEY_MESSAGE = ('no API key: set the api_key option (for example from Ansible Vault, in module_defaults) or the '
                       'CAPGO_API_KEY environment variable of the controller')


def capgo_argument_spec():
    """Options shared by every module; documented in the capgo.cloud.capgo doc fragment."""
    return dict(
        # Not required=True: the client says how to give a missing key, the same way on both execution paths.
        api_key=dict(type='str', no_log=True, fallback=(env_fallback, ['CAPGO_API_KEY'])),
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


class CapgoClient:
    """One requests.Session per module run; every Capgo call goes through request()."""

    def __init__(self, api_key, api_url=DEFAULT_API_URL, timeout=DEFAULT_TIMEOUT,
                 retries=DEFAULT_RETRIES, validate_certs=True, ca_path=None,
                 sleep=time.sleep, session=None, rand=random.random, clock=time.monotonic):
        if not HAS_REQUESTS:
            raise CapgoInputError(missing_required_lib('requests'))
        self.api_key = api_key or ''
        if not self.api_key.strip():
            raise CapgoInputError(MISSING_KEY_MESSAGE)
        if any(c in self.api_key for c in '\r\n'):
            raise CapgoInputError('api_key must be a single line')
        if not all(33 <= ord(c) <= 126 for c in self.api_key):
            # Never echo the value: requests and http.client would (repr-escaped, which no scrubbing recognises).
            raise CapgoInputError('api_key must be printable ASCII without spaces (Capgo API keys are UUIDs)')
        # The key as it may come back inside a URL (a redirect Location, an echoed query) too; for a key
        # without spaces quote_plus() is quote(safe=''). Longest first: a key can be part of its own encoding.
        self.secret_forms = sorted(set([self.api_key, quote_plus(self.api_key)]), key=len, reverse=True)
        self.api_url = validate_api_url(api_url)
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
        self.clock = clock
        self.watch = SocketWatch()
        self.session = session or BoundedSession()
        adapter = WatchedAdapter(self.watch)
        self.session.mount('https://', adapter)
        self.session.mount('http://', adapter)
        self.session.headers.update({
            'capgkey': self.api_key,
            'Content-Type': 'application/json',
            'Accept': 'application/json',
            # The size cap counts the bytes as they arrive; a compressed answer could unpack far past it.
            'Accept-Encoding': 'identity',
            'User-Agent': USER_AGENT,
        })

    def close(self):
        self.watch.stop()
        self.session.close()

    def scrub(self, text):
        """Remove the API key (also URL-encoded) from any text that may reach the user."""
        text = '%s' % (text,)
        for secret in self.secret_forms:
            if secret in text:
                text = text.replace(secret, MASK)
        return text

    def scrub_optional(self, text, limit=None):
        """scrub() for a value that may be None; limit cuts what the server could make arbitrarily long."""
        if text is None:
            return None
        return self.scrub(text)[:limit]

    def transport_error(self, message, action=None, attempts=1, maybe_processed=False):
        """A CapgoTransportError whose every text is scrubbed: the one place the client words them."""
        return CapgoTransportError(self.scrub(message), action=self.scrub_optional(action), attempts=attempts,
                                   maybe_processed=maybe_processed)

    def url_for(self, path):
        if not path.startswith('/'):
            raise ValueError('API paths start with /, got %r' % (path,))
        return self.api_url + path

    def request(self, method, path='/organization', params=None, body=None, action=None):
        """Send one API call with retries; return the decoded body (unwrapped from data).

        path is relative to api_url; segments made of user data must be quoted with path_segment().
        """
        method = method.upper()
        url = self.url_for(path)
        attempt = 0
        while True:
            attempt += 1
            try:
                status, reason, headers, text, payload = self._exchange(method, url, params, body)
            except requests.exceptions.RequestException as exc:
                not_sent = is_not_sent(exc)
                # A certificate that failed verification fails the same way on every attempt.
                retriable = (method in IDEMPOTENT_METHODS or not_sent) and not isinstance(exc, requests.exceptions.SSLError)
                if retriable and attempt <= self.retries:
                    self.sleep(backoff_delay(attempt, rand=self.rand))
                    continue
                raise self.transport_error(self.describe_transport_error(exc),
                                           action=action, attempts=attempt,
                                           maybe_processed=(method not in ('GET',) and not not_sent))
            except DeadlineExceeded:
                if method in IDEMPOTENT_METHODS and attempt <= self.retries:
                    self.sleep(backoff_delay(attempt, rand=self.rand))
                    continue
                raise self.transport_error('no answer within api_timeout=%ss (the whole answer must arrive within '
                                           'it)' % self.timeout,
                                           action=action, attempts=attempt,
                                           maybe_processed=(method != 'GET'))
            except ResponseTooLarge:
                # A definite answer, only an unusable one: repeating it would read the same again.
                raise self.transport_error('the answer is larger than %d bytes (MAX_RESPONSE_BYTES), far more than any '
                                           'Capgo answer; is api_url the Capgo API?' % MAX_RESPONSE_BYTES,
                                           action=action, attempts=attempt)
            except Exception as exc:  # pylint: disable=broad-except
                # requests does not wrap everything (http.client's UnicodeEncodeError, OSError for a CA bundle, ...):
                # report it like a transport error, scrubbed, instead of a traceback that may carry the key.
                raise self.transport_error('%s (%s)' % (type(exc).__name__, short_reason(exc)),
                                           action=action, attempts=attempt,
                                           maybe_processed=(method != 'GET'))
            if 300 <= status < 400:
                # Never followed: requests keeps the capgkey header on a redirect to any host, even to http://.
                location = headers.get('Location')
                raise self.transport_error(
                    'the server answered HTTP %s, a redirect to %s; redirects are not followed, so that the API key '
                    'is only ever sent to %s. Set api_url to the address that answers the API itself'
                    % (status, (location or '(no Location)')[:300], origin_of(self.api_url)),
                    action=action, attempts=attempt)
            if status < 400:
                if payload is _UNDECODABLE:
                    raise self.transport_error('HTTP %s with a body that is not JSON' % status,
                                               action=action, attempts=attempt)
                return unwrap(payload)
            body_obj = None if payload is _UNDECODABLE else payload
            if should_retry_status(method, status) and attempt <= self.retries:
                wait = retry_after_seconds(_HeadersOnly(headers), body_obj)
                if wait is not None and wait > MAX_RETRY_AFTER:
                    pass  # fall through to the error: we will not block a task for that long
                else:
                    self.sleep(wait + self.rand() * 0.25 if wait is not None else backoff_delay(attempt, rand=self.rand))
                    continue
            if payload is _UNDECODABLE:
                body_obj = text.strip()[:300] or None
            code, message, more_info = parse_error_body(status, body_obj, reason)
            raise CapgoApiError(status, self.scrub_optional(code), self.scrub_optional(message),
                                more_info=scrub_tree(more_info, self.secret_forms),
                                request_id=self.scrub_optional(headers.get('X-Request-Id'), 200),
                                attempts=attempt, action=self.scrub_optional(action))

    def _exchange(self, method, url, params, body):
        """One attempt within the deadline: (status, reason, headers, body text, decoded body or _UNDECODABLE)."""
        deadline = self.clock() + self.timeout
        self.watch.start(self.timeout)
        response = None
        try:
            response = self.session.request(
                method, url, params=params,
                data=json.dumps(body) if body is not None else None,
                timeout=(self.timeout, self.timeout), verify=self.verify,
                allow_redirects=False, stream=True)
            if 300 <= response.status_code < 400:
                content = b''
            else:
                content = read_bounded(response, deadline, MAX_RESPONSE_BYTES, clock=self.clock)
        except (requests.exceptions.RequestException, OSError, DeadlineExceeded):
            if self.watch.fired:
                raise DeadlineExceeded()
            raise
        finally:
            self.watch.stop()
            if response is not None:
                response.close()
        if self.watch.fired:
            # The shut-down socket may have ended a body without a length early.
            raise DeadlineExceeded()
        text = decode_text(content, response.encoding)
        return response.status_code, response.reason, response.headers, text, decode_json(text)

    def describe_transport_error(self, exc):
        return describe_transport_error(exc, self.timeout, self.api_url, self.verify)

    def paginate(self, path='/organization', what='organizations', params=None, page_in='body',
                 page_size=PAGE_SIZE, action=None, row_key=None):
        """Every row of a paged GET, page by page, stopping at a short page.

        page_in='body': `page` is a JSON number in the GET body, left out for page 0, as
        GET /organization and GET /channel read it (a query string `page` is rejected with
        invalid_body). A JSON body replaces the query string on the server (getBodyOrQuery in
        supabase/functions/_backend/utils/hono.ts), so params travel in that body too (and stay in
        the query). page_in='query': `page` goes in the query string with params (GET /app).
        Rows are told apart by their `id`, or by row_key(row).
        """
        if page_in not in ('body', 'query'):
            raise ValueError('page_in must be body or query, got %r' % (page_in,))
        action = action or 'listing %s' % what
        row_key = row_key or (lambda row: row.get('id'))
        max_pages = -(-MAX_LISTED_ROWS // page_size)
        rows = []
        seen = set()
        page = 0
        while True:
            if page >= max_pages:
                raise self.transport_error(
                    'the server kept returning new %s for %d pages (%d rows), more than the %d rows the client lists '
                    '(MAX_LISTED_ROWS); it does not seem to paginate correctly' % (what, page, len(rows), MAX_LISTED_ROWS),
                    action=action)
            if page_in == 'body':
                query, body = params, (dict(params or {}, page=page) if page else None)
            else:
                query, body = dict(params or {}, page=page), None
            chunk = self.request('GET', path, params=query, body=body, action='%s (page %d)' % (action, page))
            if not isinstance(chunk, list):
                raise self.transport_error('expected a list of %s, got %s' % (what, type(chunk).__name__),
                                           action=action)
            fresh = 0
            for row in chunk:
                key = row_key(row) if isinstance(row, dict) else None
                if key is not None and key in seen:
                    continue
                seen.add(key)
                rows.append(row)
                fresh += 1
            if len(chunk) < page_size:
                return rows
            if fresh == 0:
                # A proxy that drops GET bodies hands back page 0 forever: stopping
                # here silently could hide the row we are looking for.
                raise self.transport_error(
                    'the server returned page %d with no new %s; it does not honour '
                    'pagination, so more than %d %s cannot be listed' % (page, what, page_size, what),
                    action=action)
            page += 1


class _HeadersOnly:
    """What retry_after_seconds reads of a response."""

    def __init__(self, headers):
        self.headers = headers


_UNDECODABLE = object()


def decode_text(content, encoding):
    try:
        return content.decode(encoding or 'utf-8', 'replace')
    except LookupError:
        return content.decode('utf-8', 'replace')


def decode_json(text):
    if not text or not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return _UNDECODABLE


def path_segment(value):
    """One path segment made of user data (an app id, a channel name), percent-encoded."""
    return quote('%s' % (value,), safe='')


def origin_of(url):
    parts = urlsplit(url)
    return '%s://%s' % (parts.scheme.lower(), parts.netloc)


def scrub_tree(value, secrets):
    """Deep copy of a JSON value with the secrets masked in every string (keys included)."""
    if isinstance(secrets, str):
        secrets = [secrets]
    secrets = [s for s in secrets or [] if s]
    if not secrets:
        return value
    if isinstance(value, dict):
        return dict((scrub_tree(k, secrets), scrub_tree(v, secrets)) for k, v in value.items())
    if isinstance(value, list):
        return [scrub_tree(v, secrets) for v in value]
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, MASK)
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


def describe_transport_error(exc, timeout, api_url=None, verify=True):
    if isinstance(exc, requests.exceptions.SSLError):
        reason = short_reason(exc)
        if 'WRONG_VERSION_NUMBER' in reason.upper().replace(' ', '_'):
            # An https:// api_url pointed at a plain-HTTP server: certificates have nothing to do with it.
            where = urlsplit(api_url).netloc if api_url else 'api_url'
            return ('the server at %s does not speak TLS (%s): api_url starts with https:// but the server answers in '
                    'plain HTTP. Use http://%s if that server is meant to be reached without TLS' % (where, reason, where))
        if verify is not False and 'CERTIFICATE_VERIFY_FAILED' in reason.upper().replace(' ', '_'):
            return ('TLS certificate verification failed (%s). Set ca_path to the CA bundle that signed the '
                    'server certificate, or validate_certs=false for a test server' % reason)
        return 'TLS handshake failed (%s)' % reason
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
    parts = urlsplit(api_url)
    if '@' in parts.netloc:
        raise CapgoInputError('api_url must not carry credentials; pass the key in api_key')
    if not parts.hostname:
        raise CapgoInputError('api_url has no host, got %r' % api_url)
    try:
        parts.port
    except ValueError:
        raise CapgoInputError('api_url has a port that is not a number from 0 to 65535, got %r' % api_url)
    if '?' in api_url or '#' in api_url:
        raise CapgoInputError('api_url must not have a query or fragment')
    api_url = api_url.rstrip('/')
    # The resource paths are added by the client: https://api.capgo.app/organization means the API's base.
    if urlsplit(api_url).path.endswith('/organization'):
        api_url = api_url[:-len('/organization')]
    return api_url


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
