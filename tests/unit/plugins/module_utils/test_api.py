# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""CapgoClient: error parsing, retry decisions, and the request loop over real loopback HTTP."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import socket
import threading
import time

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.capgo.cloud.plugins.module_utils import api, api_answers
from ansible_collections.capgo.cloud.plugins.module_utils.api import (
    CapgoApiError,
    CapgoClient,
    CapgoInputError,
    CapgoTransportError,
    backoff_delay,
    parse_error_body,
    retry_after_seconds,
    should_retry_status,
    unwrap,
)

KEY = '4c2b7a9e-1d3f-4e5a-8b6c-7d8e9f0a1b2c'


class ScriptedServer:
    """A loopback HTTP server answering from a script: a list of (status, headers, body) or 'drop'."""

    def __init__(self, script):
        self.script = list(script)
        self.seen = []
        self.connections = set()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args):
                pass

            def _serve(self):
                length = int(self.headers.get('Content-Length') or 0)
                raw = self.rfile.read(length) if length else b''
                outer.connections.add(self.client_address)
                outer.seen.append({'method': self.command, 'path': self.path, 'headers': dict(self.headers),
                                   'body': json.loads(raw) if raw else None})
                step = outer.script.pop(0) if outer.script else (500, {}, {'error': 'script_exhausted'})
                if step == 'drop':
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                status, headers, body = step
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

        self.httpd = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%d' % self.httpd.server_address[1]
        # A short poll interval: shutdown() waits up to one interval, and every test stops a server.
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={'poll_interval': 0.01}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def bounded_sleep(sleeps, retries):
    """The client's sleep: records each wait, and fails at once on more waits than retries (a retry loop
    that never ends fails the test instead of hanging it)."""
    def sleep(seconds):
        assert len(sleeps) < retries, 'waited again after %r with only %d retries' % (sleeps, retries)
        sleeps.append(seconds)
    return sleep


def make_client(url, retries=3, sleeps=None):
    sleeps = [] if sleeps is None else sleeps
    return CapgoClient(KEY, api_url=url, timeout=5, retries=retries, sleep=bounded_sleep(sleeps, retries),
                       rand=lambda: 0.5)


# -- pure decisions ----------------------------------------------------------

@pytest.mark.parametrize('method, status, expected', [
    ('GET', 429, True), ('GET', 502, True), ('GET', 503, True), ('GET', 504, True),
    ('PUT', 503, True), ('DELETE', 504, True),
    ('POST', 429, True), ('POST', 503, False), ('POST', 502, False), ('POST', 504, False),
    ('GET', 401, False), ('GET', 403, False), ('PUT', 400, False), ('GET', 500, False), ('GET', 404, False),
])
def test_retry_decisions(method, status, expected):
    assert should_retry_status(method, status) is expected


def test_backoff_is_exponential_capped_and_jittered():
    low = [backoff_delay(n, rand=lambda: 0.0) for n in range(1, 9)]
    high = [backoff_delay(n, rand=lambda: 1.0) for n in range(1, 9)]
    assert low[:4] == [0.5, 1.0, 2.0, 4.0]
    assert high[:4] == [1.0, 2.0, 4.0, 8.0]
    assert max(high) == api_answers.BACKOFF_CAP
    assert all(lo < hi for lo, hi in zip(low, high))


def test_parse_error_body_real_shape():
    body = {'error': 'invalid_org_id', 'message': "You can't access this organization", 'moreInfo': {'org_id': 'x'}}
    assert parse_error_body(400, body) == ('invalid_org_id', "You can't access this organization", {'org_id': 'x'})


def test_parse_error_body_docs_shape():
    assert parse_error_body(401, {'error': 'Invalid API key', 'status': 'KO'}) == (None, 'Invalid API key', {})


def test_parse_error_body_not_found_without_more_info():
    assert parse_error_body(404, {'error': 'not_found', 'message': 'Not found'}) == ('not_found', 'Not found', {})


def test_parse_error_body_plain_text():
    assert parse_error_body(502, '<html>Bad gateway</html>', 'Bad Gateway') == (None, '<html>Bad gateway</html>', {})
    assert parse_error_body(502, None, 'Bad Gateway') == (None, 'Bad Gateway', {})


def test_error_message_has_status_code_message_details_and_attempts():
    error = CapgoApiError(400, 'invalid_body', 'Invalid body',
                          {'error': {'name': 'SchemaError', 'issues': [{'path': ['name'], 'message': 'Too small'}]}},
                          request_id='req-1', attempts=3, action='creating organization')
    text = str(error)
    for piece in ('creating organization', 'HTTP 400', 'invalid_body', 'Invalid body', 'name: Too small',
                  '3 attempts', 'req-1'):
        assert piece in text


@pytest.mark.parametrize('body, expected', [
    ([{'id': 1}], [{'id': 1}]),
    ({'data': [{'id': 1}]}, [{'id': 1}]),
    ({'data': {'id': 'a'}}, {'id': 'a'}),
    ({'id': 'a', 'name': 'n'}, {'id': 'a', 'name': 'n'}),
    ({'status': 'Organization updated', 'id': 'a', 'data': {'id': 'a'}}, {'status': 'Organization updated', 'id': 'a', 'data': {'id': 'a'}}),
    ({'status': 'ok'}, {'status': 'ok'}),
])
def test_unwrap_success_shapes(body, expected):
    assert unwrap(body) == expected


class _Headers(dict):
    pass


class _Response:
    def __init__(self, headers):
        self.headers = _Headers(headers)


@pytest.mark.parametrize('headers, body, expected', [
    ({'Retry-After': '7'}, None, 7.0),
    ({}, {'moreInfo': {'retryAfterSeconds': 3}}, 3.0),
    ({'Retry-After': 'soon'}, {'moreInfo': {'retryAfterSeconds': 2}}, 2.0),
    ({}, {'moreInfo': {}}, None),
])
def test_retry_after(headers, body, expected):
    assert retry_after_seconds(_Response(headers), body) == expected


@pytest.mark.parametrize('url, fragment', [
    ('ftp://x', 'http'), ('api.capgo.app', 'http'), ('https://user:pw@api.capgo.app', 'credentials'),
    ('https://api.capgo.app/?a=1', 'query'), ('https://', 'host'),
])
def test_bad_api_url_is_refused_before_any_request(url, fragment):
    with pytest.raises(CapgoInputError, match=fragment):
        CapgoClient(KEY, api_url=url)


@pytest.mark.parametrize('key', ['', '   ', None])
def test_empty_key_is_refused(key):
    with pytest.raises(CapgoInputError, match='api_key'):
        CapgoClient(key, api_url='http://127.0.0.1:9')


# -- the request loop over loopback --------------------------------------------

def test_sends_key_header_json_and_user_agent_and_unwraps():
    with ScriptedServer([(200, {}, {'data': [{'id': 'a'}]})]) as server:
        client = make_client(server.url)
        assert client.request('GET', params={'orgId': 'a'}) == [{'id': 'a'}]
    seen = server.seen[0]
    assert seen['path'] == '/organization?orgId=a'
    assert seen['headers']['capgkey'] == KEY
    assert 'Authorization' not in seen['headers'] and 'x-api-key' not in seen['headers']
    assert seen['headers']['Content-Type'] == 'application/json'
    assert seen['headers']['User-Agent'].startswith('capgo.cloud/' + api.COLLECTION_VERSION)


def test_429_honours_retry_after_then_succeeds():
    sleeps = []
    script = [(429, {'Retry-After': '2'}, {'error': 'too_many_requests', 'message': 'Too many requests', 'moreInfo': {}}),
              (200, {}, [])]
    with ScriptedServer(script) as server:
        assert make_client(server.url, sleeps=sleeps).request('GET') == []
    assert len(server.seen) == 2
    assert sleeps == [2.125]


def test_503_on_get_backs_off_and_retries():
    sleeps = []
    script = [(503, {}, {'error': 'x'}), (502, {}, 'bad gateway'), (200, {}, {'id': 'a', 'name': 'n'})]
    with ScriptedServer(script) as server:
        assert make_client(server.url, sleeps=sleeps).request('PUT', body={'orgId': 'a'})['id'] == 'a'
    assert sleeps == [0.75, 1.5]


def test_retries_exhausted_says_so():
    script = [(503, {}, {'error': 'service_unavailable', 'message': 'down', 'moreInfo': {}})] * 3
    with ScriptedServer(script) as server:
        with pytest.raises(CapgoApiError) as info:
            make_client(server.url, retries=2).request('GET', action='listing organizations')
    assert len(server.seen) == 3
    assert info.value.attempts == 3
    assert 'gave up after 3 attempts' in str(info.value) and 'HTTP 503 service_unavailable' in str(info.value)


@pytest.mark.parametrize('status, code', [(401, 'invalid_apikey'), (403, 'invalid_org_id'), (400, 'invalid_body')])
def test_client_errors_are_never_retried(status, code):
    with ScriptedServer([(status, {}, {'error': code, 'message': 'no', 'moreInfo': {}})] * 2) as server:
        with pytest.raises(CapgoApiError) as info:
            make_client(server.url).request('GET')
    assert len(server.seen) == 1
    assert info.value.status == status and info.value.code == code


def test_post_is_not_repeated_after_503():
    with ScriptedServer([(503, {}, {'error': 'x', 'message': 'y', 'moreInfo': {}}), (200, {}, {'id': 'a'})]) as server:
        with pytest.raises(CapgoApiError):
            make_client(server.url).request('POST', body={'name': 'Acme'})
    assert len(server.seen) == 1


def test_post_is_repeated_after_429():
    with ScriptedServer([(429, {'Retry-After': '0'}, {}), (200, {}, {'id': 'a'})]) as server:
        assert make_client(server.url).request('POST', body={'name': 'Acme'}) == {'id': 'a'}
    assert len(server.seen) == 2


def test_dropped_post_is_reported_as_maybe_processed_and_not_repeated():
    with ScriptedServer(['drop', (200, {}, {'id': 'a'})]) as server:
        with pytest.raises(CapgoTransportError) as info:
            make_client(server.url).request('POST', body={'name': 'Acme'})
    assert len(server.seen) == 1
    assert info.value.maybe_processed is True


def test_dropped_get_is_repeated():
    with ScriptedServer(['drop', (200, {}, [])]) as server:
        assert make_client(server.url).request('GET') == []
    assert len(server.seen) == 2


def test_too_long_retry_after_fails_instead_of_blocking():
    sleeps = []
    body = {'error': 'too_many_requests', 'message': 'Too many requests',
            'moreInfo': {'reason': 'too_many_failed_auth_attempts', 'retryAfterSeconds': 900}}
    with ScriptedServer([(429, {'Retry-After': '900'}, body)]) as server:
        with pytest.raises(CapgoApiError) as info:
            make_client(server.url, sleeps=sleeps).request('GET')
    assert sleeps == [] and info.value.status == 429
    assert 'too_many_failed_auth_attempts' in str(info.value)


def test_connection_refused_names_the_problem_without_the_key():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    client = make_client('http://127.0.0.1:%d' % port, retries=1)
    with pytest.raises(CapgoTransportError) as info:
        client.request('GET')
    assert 'connection error' in str(info.value) and KEY not in str(info.value)
    assert info.value.attempts == 2


def test_key_echoed_by_the_server_is_masked():
    body = {'error': 'invalid_apikey', 'message': 'Invalid apikey %s' % KEY, 'moreInfo': {'key': KEY}}
    with ScriptedServer([(401, {}, body)]) as server:
        with pytest.raises(CapgoApiError) as info:
            make_client(server.url).request('GET')
    assert KEY not in str(info.value) and api.MASK in str(info.value)


def test_pagination_reads_every_page_with_page_in_the_body():
    pages = [[{'id': 'o%d' % i} for i in range(start, min(start + 50, 120))] for start in (0, 50, 100)]
    with ScriptedServer([(200, {}, page) for page in pages]) as server:
        rows = make_client(server.url).paginate()
    assert [row['id'] for row in rows] == ['o%d' % i for i in range(120)]
    assert [seen['body'] for seen in server.seen] == [None, {'page': 1}, {'page': 2}]
    assert all(seen['path'] == '/organization' for seen in server.seen)
    assert len(server.connections) == 1


def test_pagination_of_exactly_fifty_needs_an_empty_last_page():
    with ScriptedServer([(200, {}, [{'id': str(i)} for i in range(50)]), (200, {}, [])]) as server:
        assert len(make_client(server.url).paginate()) == 50
    assert len(server.seen) == 2


def test_pagination_refuses_a_server_that_ignores_page():
    page = [{'id': str(i)} for i in range(50)]
    with ScriptedServer([(200, {}, page), (200, {}, page)]) as server:
        with pytest.raises(CapgoTransportError, match='does not honour pagination'):
            make_client(server.url).paginate()


@pytest.mark.parametrize('key', ['\t' + KEY, KEY + ' ', u'\u20ac' + KEY[1:]])
def test_key_must_be_printable_ascii_and_is_never_echoed(key):
    with pytest.raises(CapgoInputError) as info:
        CapgoClient(key, api_url='http://127.0.0.1:9')
    assert 'printable ASCII' in str(info.value) and KEY[5:] not in str(info.value)


def test_missing_ca_path_is_refused_before_any_request():
    with pytest.raises(CapgoInputError, match='ca_path'):
        CapgoClient(KEY, api_url='https://127.0.0.1:9', ca_path='/nonexistent/ca.pem')
    assert CapgoClient(KEY, api_url='https://127.0.0.1:9', ca_path='/nonexistent/ca.pem', validate_certs=False).verify is False


# -- paths and page carriers ------------------------------------------------------

def test_paths_are_relative_to_api_url_and_segments_are_quoted():
    assert api.path_segment('com.example/a b?') == 'com.example%2Fa%20b%3F'
    with ScriptedServer([(200, {}, {'app_id': 'x'})]) as server:
        make_client(server.url + '/').request('GET', '/app/' + api.path_segment('com.ex/app'))
    assert server.seen[0]['path'] == '/app/com.ex%2Fapp'


@pytest.mark.parametrize('suffix', ['/organization', '/organization/'])
def test_api_url_ending_in_organization_is_used_without_it(suffix):
    with ScriptedServer([(200, {}, [])]) as server:
        client = make_client(server.url + suffix)
        assert client.request('GET') == []
    assert client.api_url == server.url
    assert server.seen[0]['path'] == '/organization'


def test_pagination_with_page_in_the_query_keys_rows_by_a_function():
    pages = [[{'app_id': 'a%d' % i} for i in range(start, min(start + 3, 7))] for start in (0, 3, 6)]
    with ScriptedServer([(200, {}, page) for page in pages]) as server:
        rows = make_client(server.url).paginate('/app', what='apps', params={'org_id': 'o', 'limit': 3},
                                                page_in='query', page_size=3, row_key=lambda row: row['app_id'])
    assert [row['app_id'] for row in rows] == ['a%d' % i for i in range(7)]
    assert [seen['path'] for seen in server.seen] == ['/app?org_id=o&limit=3&page=%d' % n for n in range(3)]
    assert all(seen['body'] is None for seen in server.seen)


def test_pagination_with_page_in_the_body_sends_params_in_the_body_too():
    # GET /channel reads a JSON body instead of the query string: app_id must be in the body with the page.
    with ScriptedServer([(200, {}, [{'id': 'c%d' % i} for i in range(2)]), (200, {}, [])]) as server:
        rows = make_client(server.url).paginate('/channel', what='channels', params={'app_id': 'x'}, page_size=2)
    assert len(rows) == 2
    assert [(seen['path'], seen['body']) for seen in server.seen] == [('/channel?app_id=x', None),
                                                                      ('/channel?app_id=x', {'app_id': 'x', 'page': 1})]


def test_query_pagination_refuses_a_repeated_page():
    page = [{'app_id': 'a%d' % i} for i in range(3)]
    with ScriptedServer([(200, {}, page), (200, {}, page)]) as server:
        with pytest.raises(CapgoTransportError, match='no new apps'):
            make_client(server.url).paginate('/app', what='apps', page_in='query', page_size=3,
                                             row_key=lambda row: row['app_id'])


def test_pagination_stops_at_the_page_cap(monkeypatch):
    monkeypatch.setattr(api, 'MAX_LISTED_ROWS', 6)
    script = [(200, {}, [{'id': '%d-%d' % (n, i)} for i in range(3)]) for n in range(5)]
    with ScriptedServer(script) as server:
        with pytest.raises(CapgoTransportError) as info:
            make_client(server.url).paginate(page_size=3)
    assert len(server.seen) == 2
    assert 'for 2 pages (6 rows)' in str(info.value) and 'MAX_LISTED_ROWS' in str(info.value)


# -- redirects, scrubbing, bounds ---------------------------------------------------

@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_redirect_is_not_followed_and_the_key_stays_home(method):
    with ScriptedServer([(200, {}, [])]) as other:
        location = other.url + '/steal?k=' + KEY
        with ScriptedServer([(307, {'Location': location}, {})]) as server:
            with pytest.raises(CapgoTransportError) as info:
                make_client(server.url).request(method, body={'name': 'Acme'} if method == 'POST' else None)
    assert other.seen == [] and len(server.seen) == 1
    text = str(info.value)
    assert 'HTTP 307' in text and other.url + '/steal?k=' + api.MASK in text and KEY not in text
    assert info.value.maybe_processed is False


def test_every_text_the_server_sends_back_is_scrubbed():
    quoted = KEY.replace('-', '%2D')
    body = {'error': 'bad_%s' % KEY, 'message': 'key %s' % quoted,
            'moreInfo': {KEY: 'x', 'echo': [KEY], 'url': 'https://h/?k=%s' % KEY}}
    with ScriptedServer([(400, {'X-Request-Id': 'req-' + KEY}, body)]) as server:
        with pytest.raises(CapgoApiError) as info:
            make_client(server.url).request('GET', action='reading %s' % KEY)
    error = info.value
    assert KEY not in str(error) and KEY not in repr(error.__dict__)
    assert error.code == 'bad_' + api.MASK and error.request_id == 'req-' + api.MASK


class DripServer:
    """Sends headers at once, then the body one byte per `pause` seconds (or an endless chunked body)."""

    def __init__(self, body=b'[]' * 50, pause=0.2, endless=False):
        outer = self
        self.requests = 0

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args):
                pass

            def do_GET(self):
                outer.requests += 1
                self.send_response(200)
                self.send_header('Content-Type', 'application/json')
                if endless:
                    self.send_header('Transfer-Encoding', 'chunked')
                    self.end_headers()
                    chunk = b'[' + b' ' * 65536
                    try:
                        while True:
                            self.wfile.write(b'%x\r\n%s\r\n' % (len(chunk), chunk))
                    except OSError:
                        return
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                try:
                    for byte in body:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(pause)
                except OSError:
                    return

        self.httpd = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.httpd.daemon_threads = True
        self.url = 'http://127.0.0.1:%d' % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_a_dripped_body_fails_at_the_deadline_of_each_attempt():
    sleeps = []
    with DripServer() as server:
        client = CapgoClient(KEY, api_url=server.url, timeout=1, retries=1, sleep=bounded_sleep(sleeps, 1),
                             rand=lambda: 0.5)
        start = time.monotonic()
        with pytest.raises(CapgoTransportError) as info:
            client.request('GET')
        seconds = time.monotonic() - start
    assert 'no answer within api_timeout=1s' in str(info.value) and info.value.attempts == 2
    assert server.requests == 2 and sleeps == [0.75]
    # 100 bytes at 5 a second would take 20 s per attempt; the deadline ends each after 1 s
    assert seconds < 6, seconds


def test_an_endless_body_fails_at_the_size_cap(monkeypatch):
    monkeypatch.setattr(api, 'MAX_RESPONSE_BYTES', 1024 * 1024)
    with DripServer(endless=True) as server:
        with pytest.raises(CapgoTransportError) as info:
            make_client(server.url).request('GET')
    assert 'larger than 1048576 bytes' in str(info.value)
    assert server.requests == 1  # a definite (if useless) answer is not asked for again


def test_a_declared_oversize_body_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(api, 'MAX_RESPONSE_BYTES', 10)
    with ScriptedServer([(200, {}, [{'id': 'a'}] * 5)]) as server:
        with pytest.raises(CapgoTransportError, match='larger than 10 bytes'):
            make_client(server.url).request('GET')


def test_missing_key_says_how_to_give_one():
    with pytest.raises(CapgoInputError) as info:
        CapgoClient(None, api_url='http://127.0.0.1:9')
    assert 'api_key' in str(info.value) and 'CAPGO_API_KEY' in str(info.value)


@pytest.mark.parametrize('validate_certs', [True, False])
def test_https_to_a_plain_http_server_says_it_does_not_speak_tls(validate_certs):
    with ScriptedServer([(200, {}, [])] * 3) as server:
        host_port = server.url.split('://', 1)[1]
        client = CapgoClient(KEY, api_url='https://' + host_port, timeout=5, retries=0, validate_certs=validate_certs,
                             sleep=bounded_sleep([], 0))
        with pytest.raises(CapgoTransportError) as info:
            client.request('GET')
    text = str(info.value)
    assert 'the server at %s does not speak TLS' % host_port in text and 'http://' + host_port in text
    assert 'ca_path' not in text and 'validate_certs' not in text


# -- the client the modules build from their options -------------------------------------------

@pytest.mark.parametrize('validate_certs, ca_path, verify', [(True, None, True), (False, None, False)])
def test_client_from_params_uses_every_connection_option(tmp_path, validate_certs, ca_path, verify):
    client = api.client_from_params(dict(api_key=KEY, api_url='http://127.0.0.1:9/base', api_timeout=7,
                                         api_retries=4, validate_certs=validate_certs, ca_path=ca_path))
    try:
        assert (client.api_key, client.timeout, client.retries, client.verify) == (KEY, 7, 4, verify)
        assert client.api_url.startswith('http://127.0.0.1:9/base')
    finally:
        client.close()


def test_client_from_params_passes_the_ca_bundle_on(tmp_path):
    bundle = tmp_path / 'ca.pem'
    bundle.write_text('not checked before the first request')
    client = api.client_from_params(dict(api_key=KEY, api_url='https://127.0.0.1:9', api_timeout=7, api_retries=4,
                                         validate_certs=True, ca_path=str(bundle)))
    try:
        assert client.verify == str(bundle)
    finally:
        client.close()
