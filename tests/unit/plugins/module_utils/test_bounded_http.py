# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""bounded_http: the size cap and deadline of one exchange, over real loopback sockets."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import gc
import os
import socket
import threading
import time
import weakref

import pytest
import requests

from ansible_collections.capgo.cloud.plugins.module_utils.bounded_http import (
    CHUNK_SIZE,
    DeadlineExceeded,
    ResponseTooLarge,
    SocketWatch,
    WatchedAdapter,
    read_bounded,
)


class RawServer:
    """A loopback TCP server: reads each request's head, then hands the connection to `answer`."""

    def __init__(self, answer):
        self.answer = answer
        self.requests = []
        self.finished = threading.Event()
        self.listener = socket.socket()
        self.listener.bind(('127.0.0.1', 0))
        self.listener.listen(8)
        self.listener.settimeout(0.02)
        self.url = 'http://127.0.0.1:%d' % self.listener.getsockname()[1]
        self.stopping = False
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self):
        while not self.stopping:
            try:
                conn, dummy = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        conn.settimeout(5)
        try:
            head = b''
            while b'\r\n\r\n' not in head:
                data = conn.recv(4096)
                if not data:
                    return
                head += data
            self.requests.append(head.split(b'\r\n', 1)[0].decode())
            self.answer(conn)
        except OSError:
            pass
        finally:
            conn.close()
            self.finished.set()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping = True
        self.thread.join(1)
        self.listener.close()


def answer_with(body, length=True):
    """An HTTP/1.1 200 with `body`, its length declared or (length=False) ended by closing the connection."""
    def answer(conn):
        head = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n'
        if length is True:
            head += 'Content-Length: %d\r\n' % len(body)
        elif length:
            head += 'Content-Length: %s\r\n' % length
        conn.sendall(head.encode() + b'\r\n' + body)
    return answer


def plain_session():
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment
    return session


def fetch(server, max_bytes, deadline=None, clock=time.monotonic):
    """read_bounded over a real streamed response from `server`."""
    session = plain_session()
    response = session.get(server.url + '/organization', stream=True, timeout=5)
    try:
        return read_bounded(response, clock() + 5 if deadline is None else deadline, max_bytes, clock=clock)
    finally:
        response.close()
        session.close()


# -- the size cap ------------------------------------------------------------------------------

BODY = bytes(bytearray(n % 251 for n in range(2 * CHUNK_SIZE + 1000)))


@pytest.mark.parametrize('length', [True, False])
def test_an_answer_of_exactly_the_cap_is_read_whole(length):
    # Several chunks, with or without Content-Length, and as long as the cap allows.
    with RawServer(answer_with(BODY, length=length)) as server:
        assert fetch(server, max_bytes=len(BODY)) == BODY


@pytest.mark.parametrize('length', [True, False])
def test_an_answer_one_byte_over_the_cap_is_refused_with_its_size(length):
    with RawServer(answer_with(BODY, length=length)) as server:
        with pytest.raises(ResponseTooLarge) as info:
            fetch(server, max_bytes=len(BODY) - 1)
    # Declared, the size is known before reading; read, the count stops at the chunk that crossed the cap.
    assert info.value.args == (len(BODY),)


def test_a_declared_oversize_answer_is_refused_before_its_body_is_read():
    # The server claims 1 GB and sends 5 bytes before hanging up: reading would fail differently.
    with RawServer(answer_with(b'[1,2]', length='1000000000')) as server:
        with pytest.raises(ResponseTooLarge) as info:
            fetch(server, max_bytes=1024)
    assert info.value.args == (1000000000,)


def test_an_endless_answer_is_dropped_at_the_cap_not_read_to_its_end():
    total = 32 * 1024 * 1024
    sent = []

    def flood(conn):
        conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n')
        count = 0
        piece = b'[' * CHUNK_SIZE
        try:
            while count < total:
                conn.sendall(piece)
                count += len(piece)
        finally:
            sent.append(count)

    with RawServer(flood) as server:
        with pytest.raises(ResponseTooLarge) as info:
            fetch(server, max_bytes=CHUNK_SIZE + CHUNK_SIZE // 2)
        assert server.finished.wait(5)
    assert info.value.args == (2 * CHUNK_SIZE,)
    # The client hung up after two chunks: the server could not send more than the socket buffers hold.
    assert sent[0] < total // 2, sent


# -- the deadline ---------------------------------------------------------------------------------

def test_an_answer_read_by_its_deadline_is_accepted_and_one_read_after_it_is_not():
    now = [100.0]
    with RawServer(answer_with(BODY)) as server:
        assert fetch(server, max_bytes=len(BODY), deadline=100.0, clock=lambda: now[0]) == BODY
    with RawServer(answer_with(BODY)) as server:
        with pytest.raises(DeadlineExceeded):
            fetch(server, max_bytes=len(BODY), deadline=99.999, clock=lambda: now[0])


def _at_eof(peer, seconds=1.0):
    """True once the other end of a socketpair was shut down (recv returns end of file)."""
    peer.settimeout(seconds)
    try:
        return peer.recv(1) == b''
    except socket.timeout:
        return False


def test_the_watch_shuts_every_tracked_socket_down_at_the_deadline():
    watch = SocketWatch()
    assert watch.fired is False
    pairs = [socket.socketpair() for dummy in range(3)]
    try:
        closed, first, second = pairs
        watch.track(closed[0])
        watch.track(first[0])
        watch.track(second[0])
        closed[0].close()  # closed since: shutting it down fails, and the others are still shut down
        watch.start(0.02)
        assert _at_eof(first[1]) and _at_eof(second[1])
        assert watch.fired is True
        # A new attempt starts unfired.
        watch.start(30)
        assert watch.fired is False
        watch.stop()
    finally:
        for pair in pairs:
            for sock in pair:
                sock.close()


def test_the_watch_shuts_down_a_socket_a_tls_wrap_took_over():
    # ssl's wrap_socket detaches the plain socket the connection opened and hands its descriptor on.
    watch = SocketWatch()
    plain, peer = socket.socketpair()
    try:
        watch.track(plain)
        wrapped = socket.socket(fileno=plain.detach())
        assert plain.fileno() == -1
        watch.start(0.02)
        assert _at_eof(peer)
        assert wrapped.fileno() != -1  # shut down, not closed under its new owner
        wrapped.close()
    finally:
        peer.close()


def test_the_watch_keeps_a_socket_a_tls_wrap_took_over_when_it_tracks_the_next():
    watch = SocketWatch()
    plain, peer = socket.socketpair()
    later, later_peer = socket.socketpair()
    try:
        watch.track(plain)
        wrapped = socket.socket(fileno=plain.detach())
        watch.track(later)  # forgets closed sockets, not the descriptor the wrap owns now
        watch.start(0.02)
        assert _at_eof(peer) and _at_eof(later_peer)
        wrapped.close()
    finally:
        for sock in (peer, later, later_peer):
            sock.close()


def test_the_watch_leaves_alone_a_socket_that_reuses_a_closed_descriptor():
    watch = SocketWatch()
    plain, peer = socket.socketpair()
    other, other_peer = socket.socketpair()
    try:
        fd = plain.fileno()
        watch.track(plain)
        plain.detach()
        os.close(fd)
        os.dup2(other.fileno(), fd)  # a later socket of the process gets the number
        watch.start(0.02)
        time.sleep(0.05)
        assert watch.fired is True
        assert not _at_eof(other_peer, 0.05)
        os.close(fd)
    finally:
        for sock in (peer, other, other_peer):
            sock.close()


def test_a_stopped_watch_does_not_fire():
    watch = SocketWatch()
    mine, peer = socket.socketpair()
    try:
        watch.track(mine)
        watch.start(0.02)
        watch.stop()
        assert not _at_eof(peer, 0.1)
        assert watch.fired is False
    finally:
        mine.close()
        peer.close()


def test_the_watch_forgets_closed_sockets():
    watch = SocketWatch()
    gone, gone_peer = socket.socketpair()
    kept, kept_peer = socket.socketpair()
    try:
        watch.track(gone)
        gone.close()
        watch.track(kept)
        ref = weakref.ref(gone)
        del gone
        gc.collect()
        assert ref() is None  # a session that reconnects many times does not pile up dead sockets
        watch.start(0.01)
        assert _at_eof(kept_peer)
    finally:
        for sock in (kept, kept_peer, gone_peer):
            sock.close()


def test_a_pending_deadline_does_not_keep_the_process_alive():
    watch = SocketWatch()
    before = set(threading.enumerate())
    watch.start(60)
    try:
        timers = [thread for thread in threading.enumerate() if thread not in before]
        assert timers and all(thread.daemon is True for thread in timers)
    finally:
        watch.stop()
    for thread in timers:
        thread.join(1)
        assert not thread.is_alive()


# -- the adapter: every connection is watched, direct or through a proxy -----------------------------

def hold(conn):
    """Never answer: wait until the client goes away."""
    conn.recv(1)


def watched_session(watch, **adapter_options):
    session = plain_session()
    adapter = WatchedAdapter(watch, **adapter_options)
    session.mount('http://', adapter)
    session.mount('https://', adapter)
    return session, adapter


@pytest.mark.parametrize('through_proxy', [False, True])
def test_the_deadline_ends_a_request_the_server_never_answers(through_proxy):
    watch = SocketWatch()
    session, dummy = watched_session(watch)
    with RawServer(hold) as server:
        url, proxies = server.url + '/organization', None
        if through_proxy:
            url, proxies = 'http://api.capgo.invalid/organization', {'http': server.url}
        watch.start(0.05)
        # The deadline shut the socket down: the connection ends, instead of a ReadTimeout after a second.
        with pytest.raises(requests.exceptions.ConnectionError) as info:
            session.get(url, proxies=proxies, timeout=(1, 1))
        watch.stop()
        session.close()
    assert not isinstance(info.value, requests.exceptions.Timeout)
    assert watch.fired is True
    assert server.requests == ['GET %s HTTP/1.1' % (url if through_proxy else '/organization')]


def test_the_adapter_keeps_its_pool_options_and_its_proxy_managers():
    watch = SocketWatch()
    session, adapter = watched_session(watch, pool_connections=3, pool_maxsize=4, pool_block=True)
    try:
        assert adapter.poolmanager.connection_pool_kw['block'] is True
        assert adapter.poolmanager.connection_pool_kw['maxsize'] == 4
        manager = adapter.proxy_manager_for('http://proxy.example:3128', use_forwarding_for_https=True)
        assert manager.proxy_config.use_forwarding_for_https is True
        assert manager.connection_pool_kw['block'] is True
        assert adapter.proxy_manager_for('http://proxy.example:3128') is manager
    finally:
        session.close()
