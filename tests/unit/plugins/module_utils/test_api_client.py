# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""CapgoClient and CapgoTransportError: options, what goes on the wire, failures, deadlines and paging.

Over real loopback sockets: test_api.py's ScriptedServer for ordinary answers, and below a raw
server for bytes http.server cannot send (a declared charset, a body that drips, over HTTP or
HTTPS) and a port that never completes a connect.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json
import socket
import socketserver
import ssl
import threading
import time

import pytest
import requests

from ansible_collections.capgo.cloud.plugins.module_utils import api
from ansible_collections.capgo.cloud.plugins.module_utils.api import (
    CapgoApiError,
    CapgoClient,
    CapgoInputError,
    CapgoTransportError,
)
from ansible_collections.capgo.cloud.tests.unit.plugins.module_utils.test_api import KEY, ScriptedServer

ERROR = {'error': 'service_unavailable', 'message': 'down', 'moreInfo': {}}


class Sleeps(list):
    """The client's sleep: records each wait, and fails the test on more waits than retries (a loop that never ends)."""

    def __init__(self, most):
        super(Sleeps, self).__init__()
        self.most = most

    def __call__(self, seconds):
        assert len(self) < self.most, 'waited again after %r with only %d retries' % (list(self), self.most)
        self.append(seconds)


def client_for(url, retries=3, timeout=5, sleeps=None, **kwargs):
    """A client with a fixed jitter (rand 0.5) whose waits are recorded in `sleeps` instead of slept."""
    return CapgoClient(kwargs.pop('key', KEY), api_url=url, timeout=timeout, retries=retries,
                       sleep=Sleeps(retries) if sleeps is None else sleeps, rand=lambda: 0.5, **kwargs)


def closed_port():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def _read_request(sock):
    data = b''
    while b'\r\n\r\n' not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, body = data.split(b'\r\n\r\n', 1)
    lines = head.decode('latin-1').split('\r\n')
    headers = dict(line.split(': ', 1) for line in lines[1:])
    length = int(headers.get('Content-Length') or 0)
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return {'method': lines[0].split(' ')[0], 'headers': headers, 'body': body}


class WireServer:
    """A loopback server that writes raw bytes: `answer` at once, then `drip` every `every` seconds until
    `hold` seconds have passed or the client is gone (a body that never ends). With `tls` (a server
    SSLContext) it speaks HTTPS."""

    def __init__(self, answer=b'', drip=b'', every=0.02, hold=2.0, tls=None):
        self.seen = []
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                try:
                    sock = tls.wrap_socket(self.request, server_side=True) if tls else self.request
                    outer.seen.append(_read_request(sock))
                    sock.sendall(answer)
                    end = time.monotonic() + hold
                    while drip and time.monotonic() < end:
                        time.sleep(every)
                        sock.sendall(drip)
                except OSError:
                    pass  # the client hung up

        self.server = socketserver.ThreadingTCPServer(('127.0.0.1', 0), Handler)
        self.server.daemon_threads = True
        self.url = '%s://127.0.0.1:%d' % ('https' if tls else 'http', self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={'poll_interval': 0.01}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope='module')
def tls_server_context(tmp_path_factory):
    """A server SSLContext with a throwaway self-signed certificate (clients connect with validate_certs=false)."""
    x509 = pytest.importorskip('cryptography.x509')
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, u'127.0.0.1')])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    pem = tmp_path_factory.mktemp('tls') / 'server.pem'
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()) + cert.public_bytes(serialization.Encoding.PEM))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(pem))
    return context


def http_answer(status_line, headers, body):
    lines = ['HTTP/1.1 %s' % status_line] + ['%s: %s' % item for item in headers] + ['Connection: close']
    return ('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1') + body


# Headers and the start of a 1000-byte body; the rest drips a byte at a time.
SLOW_BODY = http_answer('200 OK', [('Content-Type', 'application/json'), ('Content-Length', '1000')], b'[')


class Tarpit:
    """A loopback port whose accept queue is full: a connect to it hangs (the SYN is dropped) until the
    port closes, `hold` seconds after it opened; a connect tried after that is refused."""

    def __init__(self, hold=0.8):
        self.listener = socket.socket()
        self.listener.bind(('127.0.0.1', 0))
        self.listener.listen(0)
        self.url = 'http://127.0.0.1:%d' % self.listener.getsockname()[1]
        self.fillers = []
        for dummy in range(3):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(self.listener.getsockname())
            self.fillers.append(filler)
        self.timer = threading.Timer(hold, self.close)
        self.timer.daemon = True

    def close(self):
        for sock in [self.listener] + self.fillers:
            sock.close()

    def __enter__(self):
        time.sleep(0.02)  # let the fillers' handshakes complete and fill the queue
        self.timer.start()
        return self

    def __exit__(self, *exc):
        self.timer.cancel()
        self.close()


# -- CapgoTransportError ----------------------------------------------------------------------------

def test_transport_error_alone_is_one_attempt_that_did_not_reach_the_server():
    error = CapgoTransportError('connection reset')
    assert str(error) == 'Capgo API request failed: connection reset'
    assert (error.reason, error.action, error.attempts, error.maybe_processed) == ('connection reset', None, 1, False)


@pytest.mark.parametrize('attempts, suffix', [(1, ''), (2, ' [gave up after 2 attempts]'), (3, ' [gave up after 3 attempts]')])
def test_transport_error_names_the_action_the_reason_and_repeated_attempts(attempts, suffix):
    error = CapgoTransportError('connection reset', action='creating organization Acme', attempts=attempts,
                                maybe_processed=True)
    assert str(error) == 'Capgo API request failed while creating organization Acme: connection reset' + suffix
    assert (error.reason, error.action, error.attempts, error.maybe_processed) == (
        'connection reset', 'creating organization Acme', attempts, True)


# -- the options the client is built from ------------------------------------------------------------

def test_without_requests_the_client_names_the_missing_library(monkeypatch):
    monkeypatch.setattr(api, 'HAS_REQUESTS', False)
    with pytest.raises(CapgoInputError) as info:
        CapgoClient(KEY, api_url='http://127.0.0.1:9')
    assert '(requests)' in str(info.value)


@pytest.mark.parametrize('key', [KEY + '\n', 'abc\r\ndef'])
def test_a_key_of_several_lines_is_refused(key):
    with pytest.raises(CapgoInputError, match='single line'):
        CapgoClient(key, api_url='http://127.0.0.1:9')


def test_a_key_with_a_control_character_is_refused_unechoed():
    with pytest.raises(CapgoInputError) as info:
        CapgoClient(KEY + '\x7f', api_url='http://127.0.0.1:9')
    assert 'printable ASCII' in str(info.value) and KEY not in str(info.value)


def test_every_printable_character_of_a_key_is_sent_as_is():
    # '!' and '~' are the ends of printable ASCII; X and other letters are ordinary key characters.
    key = '!Xx' + KEY + '~'
    with ScriptedServer([(200, {}, [])]) as server:
        client_for(server.url, key=key).request('GET')
    assert server.seen[0]['headers']['capgkey'] == key


@pytest.mark.parametrize('timeout', [0, -1, None])
def test_api_timeout_must_be_positive(timeout):
    with pytest.raises(CapgoInputError) as info:
        CapgoClient(KEY, api_url='http://127.0.0.1:9', timeout=timeout)
    assert 'api_timeout' in str(info.value) and 'got %r' % (timeout,) in str(info.value)


@pytest.mark.parametrize('retries', [-1, None])
def test_api_retries_must_not_be_negative(retries):
    with pytest.raises(CapgoInputError) as info:
        CapgoClient(KEY, api_url='http://127.0.0.1:9', retries=retries)
    assert 'api_retries' in str(info.value) and 'got %r' % (retries,) in str(info.value)


def test_zero_retries_is_one_attempt():
    with ScriptedServer([(503, {}, ERROR), (200, {}, [])]) as server:
        with pytest.raises(CapgoApiError) as info:
            client_for(server.url, retries=0).request('GET')
    assert len(server.seen) == 1 and info.value.attempts == 1


def test_a_missing_ca_bundle_is_named_with_what_it_must_be(tmp_path):
    missing = str(tmp_path / 'ca.pem')
    with pytest.raises(CapgoInputError) as info:
        CapgoClient(KEY, api_url='https://127.0.0.1:9', ca_path=missing)
    assert str(info.value).startswith('ca_path %s does not exist' % missing)
    assert str(info.value).endswith('or a directory of CA certificates')


def test_asks_for_json_and_an_uncompressed_answer():
    with ScriptedServer([(200, {}, [])]) as server:
        client_for(server.url).request('GET')
    headers = server.seen[0]['headers']
    # The size cap counts bytes as they arrive: a compressed answer could unpack far past it.
    assert headers['Accept'] == 'application/json'
    assert headers['Accept-Encoding'] == 'identity'


def test_a_get_without_body_sends_none():
    # The server reads a JSON body instead of the query string (getBodyOrQuery): even "null" would hide the query.
    with ScriptedServer([(200, {}, [])]) as server:
        client_for(server.url).request('GET', params={'org_id': 'o'})
    assert 'Content-Length' not in server.seen[0]['headers'] and server.seen[0]['path'] == '/organization?org_id=o'


def test_a_percent_encoded_echo_of_the_key_is_masked_whole():
    # A key ending in %25 is the start of its own URL encoding (...%2525): the longer form must be masked first.
    key = KEY + '%25'
    body = {'error': 'invalid_apikey', 'message': 'key %s.' % (KEY + '%2525'), 'moreInfo': {}}
    with ScriptedServer([(401, {}, body)]) as server:
        with pytest.raises(CapgoApiError) as info:
            client_for(server.url, key=key).request('GET')
    assert info.value.message == 'key %s.' % api.MASK


def test_api_paths_must_start_with_a_slash():
    client = client_for('http://127.0.0.1:%d' % closed_port())
    with pytest.raises(ValueError) as info:
        client.request('GET', 'app')
    assert "got 'app'" in str(info.value)


# -- errors the server answers --------------------------------------------------------------------------

def test_an_api_error_carries_code_message_action_and_request_id():
    body = {'error': 'invalid_org_id', 'message': "You can't access this organization", 'moreInfo': {'org_id': 'o-1'}}
    with ScriptedServer([(403, {'X-Request-Id': 'req-7'}, body)]) as server:
        with pytest.raises(CapgoApiError) as info:
            client_for(server.url).request('PUT', body={'orgId': 'o-1'}, action='updating organization o-1')
    error = info.value
    assert (error.status, error.code, error.message, error.more_info) == (
        403, 'invalid_org_id', "You can't access this organization", {'org_id': 'o-1'})
    assert (error.action, error.request_id, error.attempts) == ('updating organization o-1', 'req-7', 1)
    assert str(error).startswith('Capgo API error while updating organization o-1: HTTP 403 invalid_org_id')


def test_a_long_request_id_is_cut():
    request_id = 'r' * 150 + 'q' * 150
    with ScriptedServer([(400, {'X-Request-Id': request_id}, {'error': 'invalid_body', 'message': 'no'})]) as server:
        with pytest.raises(CapgoApiError) as info:
            client_for(server.url).request('GET')
    assert info.value.request_id == request_id[:200]


def test_an_empty_error_body_reports_the_http_reason():
    with ScriptedServer([(502, {}, '')]) as server:
        with pytest.raises(CapgoApiError) as info:
            client_for(server.url).request('POST', body={'name': 'Acme'})
    assert (info.value.status, info.value.code, info.value.message) == (502, None, 'Bad Gateway')


def test_a_text_error_body_is_the_message_cut_to_300_characters():
    text = 'word ' * 100
    with ScriptedServer([(502, {}, text)]) as server:
        with pytest.raises(CapgoApiError) as info:
            client_for(server.url).request('POST', body={'name': 'Acme'})
    message = info.value.message
    assert text.startswith(message) and 295 <= len(message) <= 300 and message == message.strip()


def test_an_error_body_in_a_declared_charset_is_decoded_with_it():
    body = json.dumps({'error': 'invalid_body', 'message': u'Caf\u00e9'}, ensure_ascii=False).encode('latin-1')
    answer = http_answer('400 Bad Request', [('Content-Type', 'application/json; charset=iso-8859-1'),
                                             ('Content-Length', str(len(body)))], body)
    with WireServer(answer) as server:
        with pytest.raises(CapgoApiError) as info:
            client_for(server.url).request('GET')
    assert info.value.message == u'Caf\u00e9'


def test_a_success_that_is_not_json_is_a_transport_error():
    with ScriptedServer([(503, {}, ERROR), (200, {}, '<html>maintenance</html>')]) as server:
        with pytest.raises(CapgoTransportError) as info:
            client_for(server.url).request('GET', action='listing organizations')
    error = info.value
    assert 'while listing organizations: HTTP 200 with a body that is not JSON' in str(error)
    assert error.attempts == 2 and error.maybe_processed is False


# -- waits between attempts ----------------------------------------------------------------------------

def test_429_waits_as_long_as_the_body_asks_without_a_header():
    body = {'error': 'too_many_requests', 'message': 'slow down', 'moreInfo': {'retryAfterSeconds': 3}}
    sleeps = Sleeps(3)
    with ScriptedServer([(429, {}, body), (200, {}, [])]) as server:
        assert client_for(server.url, sleeps=sleeps).request('GET') == []
    assert sleeps == [3.125]


def test_a_wait_of_exactly_max_retry_after_is_still_waited():
    sleeps = Sleeps(3)
    wait = api.MAX_RETRY_AFTER
    with ScriptedServer([(429, {'Retry-After': '%d' % wait}, {}), (200, {}, [])]) as server:
        assert client_for(server.url, sleeps=sleeps).request('GET') == []
    assert sleeps == [wait + 0.125]


# -- redirects --------------------------------------------------------------------------------------

def test_a_300_answer_is_a_redirect_whose_body_is_not_read(monkeypatch):
    monkeypatch.setattr(api, 'MAX_RESPONSE_BYTES', 10)
    with ScriptedServer([(300, {'Location': 'https://elsewhere.example/'}, {'choices': ['a' * 50]})]) as server:
        with pytest.raises(CapgoTransportError) as info:
            client_for(server.url).request('GET')
    assert 'HTTP 300, a redirect to https://elsewhere.example/' in str(info.value)
    assert 'only ever sent to %s.' % server.url in str(info.value)


def test_the_body_of_a_redirect_is_never_read():
    # requests reads a 3xx body whole to find the next request, even with allow_redirects=False.
    size = 64 * 1024 * 1024
    sent = []

    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            _read_request(self.request)
            headers = [('Location', 'https://elsewhere.example/'), ('Content-Length', '%d' % size)]
            head = http_answer('302 Found', headers, b'')
            total = 0
            try:
                self.request.sendall(head)
                chunk = b' ' * (1024 * 1024)
                while total < size:
                    self.request.sendall(chunk)
                    total += len(chunk)
            except OSError:
                pass  # the client hung up
            sent.append(total)

    server = socketserver.ThreadingTCPServer(('127.0.0.1', 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.01}, daemon=True)
    thread.start()
    try:
        with pytest.raises(CapgoTransportError) as info:
            client_for('http://127.0.0.1:%d' % server.server_address[1]).request('GET')
        for dummy in range(500):
            if sent:
                break
            time.sleep(0.01)
    finally:
        server.shutdown()
        server.server_close()
    assert 'HTTP 302, a redirect to https://elsewhere.example/' in str(info.value)
    assert sent and sent[0] < size


def test_a_session_of_the_callers_own_does_not_follow_redirects_either():
    # The client also asks requests not to follow: a plain requests.Session would resend the key.
    with ScriptedServer([(200, {}, [])]) as other:
        with ScriptedServer([(307, {'Location': other.url + '/organization'}, {})]) as server:
            client = client_for(server.url, session=requests.Session())
            with pytest.raises(CapgoTransportError) as info:
                client.request('GET')
    assert other.seen == [] and len(server.seen) == 1
    assert 'HTTP 307, a redirect to %s/organization' % other.url in str(info.value)


def test_a_redirect_after_a_retry_names_the_action_and_the_attempts():
    location = 'https://elsewhere.example/' + 'a' * 400
    with ScriptedServer([(503, {}, ERROR), (308, {'Location': location}, {})]) as server:
        with pytest.raises(CapgoTransportError) as info:
            client_for(server.url).request('GET', action='reading organization o-1')
    text = str(info.value)
    assert 'while reading organization o-1: the server answered HTTP 308' in text
    assert location[:300] in text and location[:301] not in text
    assert info.value.attempts == 2 and '[gave up after 2 attempts]' in text


# -- failures without an answer ---------------------------------------------------------------------

@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_a_refused_connection_is_retried_even_for_a_post(method):
    # Nothing reached the server, so even a POST may be sent again, and no write can have happened.
    sleeps = Sleeps(2)
    client = client_for('http://127.0.0.1:%d' % closed_port(), retries=2, sleeps=sleeps)
    with pytest.raises(CapgoTransportError) as info:
        client.request(method, body={'name': 'Acme'} if method == 'POST' else None, action='creating Acme')
    error = info.value
    assert sleeps == [0.75, 1.5]
    assert error.attempts == 3 and error.maybe_processed is False
    assert str(error).startswith('Capgo API request failed while creating Acme: connection error (')


@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_no_retries_is_one_attempt_even_for_a_failure_worth_repeating(method):
    client = client_for('http://127.0.0.1:%d' % closed_port(), retries=0)
    with pytest.raises(CapgoTransportError) as info:
        client.request(method, body={'name': 'Acme'} if method == 'POST' else None)
    assert info.value.attempts == 1 and info.value.maybe_processed is False


def test_a_get_dropped_on_every_attempt_was_not_processed():
    with ScriptedServer(['drop', 'drop']) as server:
        with pytest.raises(CapgoTransportError) as info:
            client_for(server.url, retries=1).request('GET', action='listing organizations')
    assert len(server.seen) == 2
    assert info.value.maybe_processed is False and info.value.attempts == 2
    assert 'while listing organizations: connection error' in str(info.value)


@pytest.mark.parametrize('method, processed', [('GET', False), ('POST', True)])
def test_a_ca_bundle_gone_before_a_later_attempt_is_reported(tmp_path, method, processed):
    bundle = tmp_path / 'ca.pem'
    bundle.write_text('checked only when a connection is made')
    sleeps = []

    def sleep(seconds):  # the first attempt was refused; the bundle disappears before the second
        sleeps.append(seconds)
        bundle.unlink()

    client = client_for('https://127.0.0.1:%d' % closed_port(), retries=3, sleeps=sleep, ca_path=str(bundle))
    with pytest.raises(CapgoTransportError) as info:
        client.request(method, body={'name': 'Acme'} if method == 'POST' else None, action='creating Acme')
    error = info.value
    assert sleeps == [0.75]
    assert str(error).startswith('Capgo API request failed while creating Acme: OSError (')
    assert str(bundle) in str(error) and '[gave up after 2 attempts]' in str(error)
    assert error.attempts == 2 and error.maybe_processed is processed


def test_a_connect_that_hangs_ends_at_api_timeout():
    with Tarpit() as tarpit:
        client = client_for(tarpit.url, retries=0, timeout=0.1)
        start = time.monotonic()
        with pytest.raises(CapgoTransportError) as info:
            client.request('GET')
        seconds = time.monotonic() - start
    # Without a connect timeout the attempt would wait until the port closes (0.8 s) and the SYN is sent again (1 s).
    assert 'within api_timeout=0.1s' in str(info.value) and info.value.maybe_processed is False
    assert seconds < 0.6, seconds


# -- the deadline of an attempt -------------------------------------------------------------------------

@pytest.mark.parametrize('method, processed', [('GET', False), ('PUT', True), ('DELETE', True)])
def test_a_dripping_body_ends_at_api_timeout_on_every_attempt(method, processed):
    sleeps = Sleeps(1)
    with WireServer(SLOW_BODY, drip=b' ') as server:
        client = client_for(server.url, retries=1, timeout=0.2, sleeps=sleeps)
        start = time.monotonic()
        with pytest.raises(CapgoTransportError) as info:
            client.request(method, body={'orgId': 'o'} if method == 'PUT' else None, action='reading o')
        seconds = time.monotonic() - start
    assert str(info.value) == ('Capgo API request failed while reading o: no answer within api_timeout=0.2s (the '
                               'whole answer must arrive within it) [gave up after 2 attempts]')
    assert info.value.maybe_processed is processed and sleeps == [0.75] and len(server.seen) == 2
    # The body would take 2 s to arrive in full; each attempt ends after 0.2 s.
    assert seconds < 1.2, seconds


def test_a_post_whose_answer_drips_is_not_repeated():
    with WireServer(SLOW_BODY, drip=b' ') as server:
        client = client_for(server.url, retries=2, timeout=0.2, sleeps=Sleeps(0))
        with pytest.raises(CapgoTransportError) as info:
            client.request('POST', body={'name': 'Acme'})
    assert len(server.seen) == 1 and server.seen[0]['method'] == 'POST'
    assert info.value.attempts == 1 and info.value.maybe_processed is True


@pytest.mark.filterwarnings('ignore:Unverified HTTPS request')
def test_a_dripping_body_over_https_ends_at_api_timeout(tls_server_context):
    with WireServer(SLOW_BODY, drip=b' ', tls=tls_server_context) as server:
        client = client_for(server.url, retries=0, timeout=0.2, validate_certs=False)
        start = time.monotonic()
        with pytest.raises(CapgoTransportError) as info:
            client.request('GET')
        seconds = time.monotonic() - start
    assert 'no answer within api_timeout=0.2s' in str(info.value) and server.seen[0]['method'] == 'GET'
    assert seconds < 1.2, seconds


def test_the_deadline_is_kept_on_the_clients_clock():
    # A clock far ahead of time.monotonic() that moves 100 s a reading: the body arrives (at once) after its deadline.
    ticks = iter(range(10 ** 12, 10 ** 12 + 10 ** 6, 100))
    with ScriptedServer([(200, {}, [{'id': 'a'}])]) as server:
        client = client_for(server.url, retries=0, clock=lambda: next(ticks))
        with pytest.raises(CapgoTransportError, match='no answer within api_timeout=5s'):
            client.request('GET')


def test_an_oversize_answer_after_a_retry_names_the_action_and_attempts(monkeypatch):
    monkeypatch.setattr(api, 'MAX_RESPONSE_BYTES', 10)
    with ScriptedServer([(503, {}, ''), (200, {}, [{'id': 'a'}] * 5)]) as server:
        with pytest.raises(CapgoTransportError) as info:
            client_for(server.url).request('GET', action='listing organizations')
    assert 'while listing organizations: the answer is larger than 10 bytes' in str(info.value)
    assert info.value.attempts == 2 and info.value.maybe_processed is False


# -- paging ---------------------------------------------------------------------------------------

def test_paging_refuses_an_unknown_page_carrier_before_any_request():
    client = client_for('http://127.0.0.1:%d' % closed_port())
    with pytest.raises(ValueError) as info:
        client.paginate(page_in='header')
    assert "got 'header'" in str(info.value)


def test_a_page_that_is_not_a_list_names_what_was_listed():
    with ScriptedServer([(200, {}, {'status': 'ok'})]) as server:
        with pytest.raises(CapgoTransportError) as info:
            client_for(server.url).paginate()
    assert str(info.value) == 'Capgo API request failed while listing organizations: expected a list of organizations, got dict'
    assert info.value.attempts == 1


def test_a_page_that_is_not_a_list_names_the_given_action():
    with ScriptedServer([(200, {}, 'null')]) as server:
        with pytest.raises(CapgoTransportError) as info:
            client_for(server.url).paginate('/app', what='apps', page_in='query', action='reading apps of o-1')
    assert str(info.value) == 'Capgo API request failed while reading apps of o-1: expected a list of apps, got NoneType'


@pytest.mark.parametrize('action, expected', [(None, 'listing apps (page 1)'), ('reading apps of o-1', 'reading apps of o-1 (page 1)')])
def test_each_page_request_is_named_after_the_listing_and_page(action, expected):
    script = [(200, {}, [{'app_id': 'a%d' % i} for i in range(2)]), (400, {}, {'error': 'invalid_body', 'message': 'no'})]
    with ScriptedServer(script) as server:
        with pytest.raises(CapgoApiError) as info:
            client_for(server.url).paginate('/app', what='apps', page_in='query', page_size=2, action=action,
                                            row_key=lambda row: row['app_id'])
    assert info.value.action == expected


def test_rows_that_are_not_objects_are_kept():
    with ScriptedServer([(200, {}, ['a', 'b', 7])]) as server:
        assert client_for(server.url).paginate() == ['a', 'b', 7]


def test_a_row_repeated_by_a_shifted_page_is_listed_once_and_the_rest_kept():
    # A row added between two page reads shifts the list: page 1 starts with page 0's last row.
    pages = [[{'id': 'o0'}, {'id': 'o1'}], [{'id': 'o1'}, {'id': 'o2'}], [{'id': 'o3'}]]
    with ScriptedServer([(200, {}, page) for page in pages]) as server:
        rows = client_for(server.url).paginate(page_size=2)
    assert [row['id'] for row in rows] == ['o0', 'o1', 'o2', 'o3']


def test_the_page_cap_and_a_stuck_server_name_the_listing(monkeypatch):
    page = [{'id': str(i)} for i in range(3)]
    with ScriptedServer([(200, {}, page), (200, {}, page)]) as server:
        with pytest.raises(CapgoTransportError) as info:
            client_for(server.url).paginate(page_size=3, action='reading o-1')
    assert str(info.value).startswith('Capgo API request failed while reading o-1: the server returned page 1 with no new')
    assert info.value.attempts == 1
    monkeypatch.setattr(api, 'MAX_LISTED_ROWS', 3)
    with ScriptedServer([(200, {}, page), (200, {}, [])]) as server:
        with pytest.raises(CapgoTransportError) as info:
            client_for(server.url).paginate('/channel', what='channels', page_size=3)
    assert str(info.value).startswith('Capgo API request failed while listing channels: the server kept returning new '
                                      'channels for 1 pages (3 rows)')
    assert info.value.attempts == 1


@pytest.mark.parametrize('exc', [requests.exceptions.ConnectTimeout('slow connect'), requests.exceptions.ReadTimeout('slow read')])
def test_a_socket_timeout_names_api_timeout(exc):
    # Usually the deadline ends a slow exchange first; a socket timeout that wins the race says the same.
    assert 'api_timeout=7s' in client_for('http://127.0.0.1:9', timeout=7).describe_transport_error(exc)
