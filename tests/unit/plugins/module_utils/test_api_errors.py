# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""api.py's module functions: how failures are worded, which ones are safe to repeat, and api_url checks."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket

import pytest
import requests

from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError, ProtocolError, SSLError

from ansible_collections.capgo.cloud.plugins.module_utils import api
from ansible_collections.capgo.cloud.plugins.module_utils.api import (
    CapgoApiError,
    CapgoInputError,
    CapgoTransportError,
    decode_json,
    decode_text,
    describe_transport_error,
    is_not_sent,
    origin_of,
    scrub_tree,
    short_reason,
    validate_api_url,
)

from ansible_collections.capgo.cloud.tests.unit.plugins.module_utils.test_api import KEY, ScriptedServer, make_client
from ansible_collections.capgo.cloud.tests.unit.plugins.module_utils.test_api_client import closed_port

# How urllib3 < 2.8 words a failed connection: the connection object's repr, then the reason.
OLD_CONN = '<urllib3.connection.HTTPSConnection object at 0x7f3a2c1b9d50>'


def _refused():
    """The exception requests raises for a connection refused on loopback."""
    try:
        requests.get('http://127.0.0.1:%d/organization' % closed_port(), timeout=2)
    except requests.exceptions.ConnectionError as exc:
        return exc
    raise AssertionError('the closed port accepted a connection')


def _wrapped(reason, url='/organization'):
    """requests' ConnectionError around urllib3's MaxRetryError around `reason`, as requests raises them."""
    return requests.exceptions.ConnectionError(MaxRetryError(None, url, reason))


def _unreachable():
    return _wrapped(NewConnectionError(OLD_CONN, 'Failed to establish a new connection: [Errno 101] Network is unreachable'))


def _unresolved():
    return _wrapped(NameResolutionError('api.capgo.invalid', OLD_CONN, socket.gaierror(-2, 'Name or service not known')))


def _dropped():
    return requests.exceptions.ConnectionError(
        ProtocolError('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer')))


def _ssl(text):
    return requests.exceptions.SSLError(MaxRetryError(None, '/organization', SSLError(text)))


# -- error messages -------------------------------------------------------------------

@pytest.mark.parametrize('attempts, suffix', [(1, ': Not found'), (2, ': Not found [gave up after 2 attempts]')])
def test_api_error_says_how_many_attempts_only_after_a_retry(attempts, suffix):
    error = CapgoApiError(404, 'not_found', 'Not found', attempts=attempts)
    assert str(error) == 'Capgo API error: HTTP 404 not_found' + suffix


# -- the innermost reason of a failure ---------------------------------------------------

def test_a_refused_connection_is_described_by_its_innermost_reason():
    exc = _refused()
    reason = short_reason(exc)
    assert 'Failed to establish a new connection: [Errno ' in reason and reason.endswith('Connection refused'), reason
    for noise in ('Max retries', 'Caused by', '/organization', 'HTTPConnectionPool'):
        assert noise not in reason
    assert describe_transport_error(exc, 5) == 'connection error (%s)' % reason


@pytest.mark.parametrize('exc, expected', [
    # urllib3 before 2.8 starts the reason with the connection object's repr: it is cut off.
    (_unreachable(), 'Failed to establish a new connection: [Errno 101] Network is unreachable'),
    (_unresolved(), "Failed to resolve 'api.capgo.invalid' ([Errno -2] Name or service not known)"),
    # Only the first such prefix is cut: the rest of the reason stays as it is.
    (Exception('%s: proxy said <html>: 502' % OLD_CONN), 'proxy said <html>: 502'),
    # A reason that is only text (not an exception) ends the search.
    (_dropped(), "('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))"),
    (ProtocolError('Connection aborted.'), 'Connection aborted.'),
    (requests.exceptions.ConnectionError(), ''),
    (ValueError('x' * 400), 'x' * 300),
])
def test_short_reason(exc, expected):
    assert short_reason(exc) == expected


class _Layer(Exception):
    def __init__(self, name, reason=None):
        super(_Layer, self).__init__(name)
        self.reason = reason


def test_short_reason_follows_at_most_five_nested_reasons():
    inner = None
    for level in range(7, -1, -1):
        inner = _Layer('level %d' % level, inner)
    assert short_reason(inner) == 'level 5'
    # A reason that names itself, or a loop of two, ends the search too.
    itself = _Layer('itself')
    itself.reason = itself
    assert short_reason(itself) == 'itself'
    first, second = _Layer('first'), _Layer('second')
    first.reason, second.reason = second, first
    assert short_reason(first) == 'second'


# -- transport failures in words ----------------------------------------------------------

WRONG_VERSION = '[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1000)'
NOT_TRUSTED = '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate (_ssl.c:1000)'


@pytest.mark.parametrize('reason', [WRONG_VERSION, 'wrong version number'])
def test_https_to_a_plain_http_server_is_named_with_its_host(reason):
    text = describe_transport_error(_ssl(reason), 5, 'https://capgo.example.com:8443/base', True)
    assert text.startswith('the server at capgo.example.com:8443 does not speak TLS (%s)' % reason)
    assert 'http://capgo.example.com:8443' in text and 'ca_path' not in text


def test_https_to_a_plain_http_server_without_api_url_names_the_option():
    text = describe_transport_error(_ssl(WRONG_VERSION), 5)
    assert text.startswith('the server at api_url does not speak TLS')
    assert 'Use http://api_url if' in text


@pytest.mark.parametrize('reason', [NOT_TRUSTED, 'certificate verify failed: unable to get local issuer certificate'])
@pytest.mark.parametrize('verify', [True, '/etc/ssl/company-ca.pem', None])
def test_an_untrusted_certificate_points_to_ca_path_and_validate_certs(reason, verify):
    kwargs = {} if verify is None else {'verify': verify}
    text = describe_transport_error(_ssl(reason), 5, 'https://capgo.example.com', **kwargs)
    assert text.startswith('TLS certificate verification failed (%s)' % reason)
    assert 'ca_path' in text and 'validate_certs=false' in text


@pytest.mark.parametrize('reason, verify', [
    (NOT_TRUSTED, False),
    ('[SSL: SSLV3_ALERT_HANDSHAKE_FAILURE] sslv3 alert handshake failure (_ssl.c:1000)', True),
])
def test_other_tls_failures_are_named_as_handshake_failures(reason, verify):
    text = describe_transport_error(_ssl(reason), 5, 'https://capgo.example.com', verify)
    assert text == 'TLS handshake failed (%s)' % reason


@pytest.mark.parametrize('exc, expected', [
    (requests.exceptions.ConnectTimeout('slow'), 'could not connect within api_timeout=7s'),
    (requests.exceptions.ReadTimeout('slow'), 'no answer within api_timeout=7s'),
    (_unreachable(), 'connection error (Failed to establish a new connection: [Errno 101] Network is unreachable)'),
    (requests.exceptions.ChunkedEncodingError(ProtocolError('Response ended prematurely')),
     'ChunkedEncodingError (Response ended prematurely)'),
    (requests.exceptions.InvalidHeader('Invalid leading whitespace in header value'),
     'InvalidHeader (Invalid leading whitespace in header value)'),
])
def test_transport_errors_in_words(exc, expected):
    assert describe_transport_error(exc, 7, 'https://api.capgo.app', True) == expected


# -- which failures are safe to repeat ------------------------------------------------------

@pytest.mark.parametrize('make, expected', [
    (lambda: requests.exceptions.ConnectTimeout('connect timed out'), True),
    (lambda: _ssl(NOT_TRUSTED), True),
    (_refused, True),
    (_unreachable, True),
    (_unresolved, True),
    (lambda: requests.exceptions.ConnectionError('Connection refused by the proxy'), True),
    (_dropped, False),
    (lambda: requests.exceptions.ReadTimeout('read timed out'), False),
    (lambda: requests.exceptions.ChunkedEncodingError('Response ended prematurely'), False),
])
def test_failures_that_certainly_never_reached_the_server(make, expected):
    assert is_not_sent(make()) is expected


def test_a_refused_post_is_repeated_and_not_reported_as_maybe_processed():
    sleeps = []
    client = make_client('http://127.0.0.1:%d' % closed_port(), retries=2, sleeps=sleeps)
    with pytest.raises(CapgoTransportError) as info:
        client.request('POST', body={'name': 'Acme'}, action='creating organization')
    assert info.value.attempts == 3 and sleeps == [0.75, 1.5]
    assert info.value.maybe_processed is False
    assert 'while creating organization: connection error (' in str(info.value)


# -- bodies -------------------------------------------------------------------------------------

@pytest.mark.parametrize('content, encoding, expected', [
    (u'Passerelle défaillante'.encode('iso-8859-1'), 'ISO-8859-1', u'Passerelle défaillante'),
    (u'café'.encode('utf-8'), None, u'café'),
    (u'café'.encode('utf-8'), 'utf-8', u'café'),
    # Bytes that do not fit the declared charset become U+FFFD instead of failing the task.
    (b'caf\xff', 'utf-8', u'caf\ufffd'),
    (u'café'.encode('utf-8'), 'ascii', u'caf\ufffd\ufffd'),
    # A charset Python does not know is read as UTF-8.
    (u'café'.encode('utf-8'), 'x-no-such-charset', u'café'),
    (b'caf\xff', 'x-no-such-charset', u'caf\ufffd'),
])
def test_decode_text(content, encoding, expected):
    assert decode_text(content, encoding) == expected


@pytest.mark.parametrize('text', [None, '', '  \r\n\t'])
def test_a_blank_body_is_no_body(text):
    assert decode_json(text) is None


def test_a_blank_success_answer_returns_none():
    with ScriptedServer([(200, {}, ' \n')]) as server:
        assert make_client(server.url).request('DELETE', body={'orgId': 'o'}) is None


# -- secrets in what the server sends back ----------------------------------------------------

def test_scrub_tree_masks_a_single_secret_in_keys_lists_and_nested_values():
    value = {'key': KEY, KEY: [1, 'a %s b' % KEY, {'deep': [KEY]}], 'count': 2, 'none': None}
    assert scrub_tree(value, KEY) == {
        'key': api.MASK, api.MASK: [1, 'a %s b' % api.MASK, {'deep': [api.MASK]}], 'count': 2, 'none': None}


def test_scrub_tree_without_secrets_returns_the_value():
    value = {'echo': ['x', KEY]}
    assert scrub_tree(value, []) == value and scrub_tree(value, None) == value and scrub_tree(value, ['']) == value


def test_api_error_keeps_every_more_info_entry_with_the_key_masked():
    body = {'error': 'invalid_body', 'message': 'bad', 'moreInfo': {'echo': ['first', KEY, 3]}}
    with ScriptedServer([(400, {}, body)]) as server:
        with pytest.raises(CapgoApiError) as info:
            make_client(server.url).request('GET')
    assert info.value.more_info == {'echo': ['first', api.MASK, 3]}


# -- api_url ---------------------------------------------------------------------------------------

def test_origin_of_is_the_scheme_in_lower_case_and_the_host():
    assert origin_of('HTTPS://Api.Capgo.app:8443/base/path') == 'https://Api.Capgo.app:8443'
    assert origin_of('http://127.0.0.1:9') == 'http://127.0.0.1:9'


@pytest.mark.parametrize('url, expected', [
    (' https://api.capgo.app/ ', 'https://api.capgo.app'),
    ('HTTPS://api.capgo.app//', 'HTTPS://api.capgo.app'),
    ('https://api.capgo.app/organization', 'https://api.capgo.app'),
    ('https://gw.example/capgo/organization/', 'https://gw.example/capgo'),
    # A host named organization is a host, not the resource path.
    ('https://organization', 'https://organization'),
    ('https://organization/', 'https://organization'),
    # Only the host part may not hold credentials: an @ further on is part of the path.
    ('https://gw.example/team@acme/v1', 'https://gw.example/team@acme/v1'),
    # A gateway that takes the target address in its path.
    ('https://gw.example/fetch/https://user@api.capgo.app', 'https://gw.example/fetch/https://user@api.capgo.app'),
    ('https://gw.example/capgoX/', 'https://gw.example/capgoX'),
])
def test_api_url_is_normalised(url, expected):
    assert validate_api_url(url) == expected


@pytest.mark.parametrize('url, fragment', [
    ('https://api.capgo.app/#top', 'query or fragment'),
    ('https://api.capgo.app/?x=1', 'query or fragment'),
    ('https://key@api.capgo.app/v1', 'credentials'),
    ('https:///organization', 'no host'),
    # An authority with a port and no host, or a second scheme where the host should be.
    ('https://:443', 'no host'),
    ('https://://api.capgo.app', 'no host'),
    ('https://api.capgo.app:99999', 'port that is not a number'),
    ('https://api.capgo.app:https/', 'port that is not a number'),
])
def test_unusable_api_url(url, fragment):
    with pytest.raises(CapgoInputError, match=fragment):
        validate_api_url(url)


@pytest.mark.parametrize('url', [None, '', '   '])
def test_a_missing_api_url_is_reported_as_empty(url):
    with pytest.raises(CapgoInputError) as info:
        validate_api_url(url)
    assert str(info.value) == "api_url must start with http:// or https://, got ''"
