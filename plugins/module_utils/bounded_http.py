# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bounds on one HTTP exchange made with requests: a deadline and a size cap.

A socket timeout alone bounds each read, not the exchange: a server that drips
one byte a second never trips it. So every socket the session opens is tracked,
and a timer shuts them down when the attempt's deadline passes, which ends any
blocked connect, TLS handshake, header or body read at once. The body is read
streamed, in chunks, and refused as soon as it grows past the cap.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import socket
import threading
import time

try:
    from requests import Session
    from requests.adapters import HTTPAdapter
except ImportError:  # pragma: no cover - api.py reports the missing library
    Session = HTTPAdapter = object

CHUNK_SIZE = 64 * 1024


class DeadlineExceeded(Exception):
    """The attempt's deadline passed before the whole answer arrived."""


class ResponseTooLarge(Exception):
    """The answer grew past the size cap."""


class SocketWatch:
    """The sockets of one session, and a timer that shuts them all down at a deadline.

    HTTPS needs more than the socket object: ssl's wrap_socket detaches the plain socket the
    connection opened (its fileno() turns -1) and hands its descriptor to the SSLSocket it makes,
    before the handshake. So the watch keeps each descriptor with the identity of the socket behind
    it (device and inode), and shuts down the descriptor while it still names that socket.
    """

    def __init__(self):
        self._sockets = []
        self._lock = threading.Lock()
        self._timer = None
        self.fired = False

    def track(self, sock):
        fd = sock.fileno()
        with self._lock:
            # Forget the sockets that were closed since (a fresh connection after a drop).
            self._sockets = [entry for entry in self._sockets if _is_open(entry)]
            self._sockets.append((sock, fd, _identity(fd)))

    def _fire(self):
        self.fired = True
        with self._lock:
            sockets = list(self._sockets)
        for entry in sockets:
            _shut_down(entry)

    def start(self, seconds):
        self.stop()
        self.fired = False
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def stop(self):
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def adopt(self, manager):
        """Make every connection pool of a urllib3 PoolManager (or ProxyManager) report its sockets here."""
        classes = {}
        for scheme, pool_class in manager.pool_classes_by_scheme.items():
            classes[scheme] = type(pool_class.__name__, (pool_class,),
                                   {'ConnectionCls': _watched_connection_class(pool_class.ConnectionCls, self)})
        manager.pool_classes_by_scheme = classes
        return manager


def _identity(fd):
    """What tells the socket behind a descriptor from a later one that reuses the number."""
    try:
        status = os.fstat(fd)
    except (OSError, ValueError):
        return None
    return (status.st_dev, status.st_ino)


def _is_open(entry):
    sock, fd, identity = entry
    return sock.fileno() != -1 or (identity is not None and _identity(fd) == identity)


def _shut_down(entry):
    sock, fd, identity = entry
    try:
        if sock.fileno() != -1:
            sock.shutdown(socket.SHUT_RDWR)
        elif identity is not None and _identity(fd) == identity:
            # The TLS socket owns the descriptor now: shut the connection down through a borrowed
            # socket object, and detach it so that the descriptor is not closed under the SSLSocket.
            borrowed = socket.socket(fileno=fd)
            try:
                borrowed.shutdown(socket.SHUT_RDWR)
            finally:
                borrowed.detach()
    except OSError:
        pass  # already closed


def _watched_connection_class(base, watch):
    class WatchedConnection(base):
        def _new_conn(self):
            sock = super(WatchedConnection, self)._new_conn()
            watch.track(sock)
            return sock

    WatchedConnection.__name__ = base.__name__
    return WatchedConnection


class BoundedSession(Session):
    """A requests session that never looks for where a 3xx answer points.

    Even with allow_redirects=False, requests works out the next request of a 3xx answer that has a
    Location, and reads the whole body into memory first (Session.resolve_redirects), past the size
    cap. The client reports a 3xx itself, from its status and Location, and never reads its body.
    """

    def get_redirect_target(self, resp):
        return None


class WatchedAdapter(HTTPAdapter):
    """A requests adapter whose connections, direct or through a proxy, are tracked by a SocketWatch."""

    def __init__(self, watch, **kwargs):
        self.watch = watch  # before HTTPAdapter.__init__, which builds the pool manager
        super(WatchedAdapter, self).__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        super(WatchedAdapter, self).init_poolmanager(*args, **kwargs)
        self.watch.adopt(self.poolmanager)

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        known = proxy in self.proxy_manager
        manager = super(WatchedAdapter, self).proxy_manager_for(proxy, **proxy_kwargs)
        if not known:
            self.watch.adopt(manager)
        return manager


def read_bounded(response, deadline, max_bytes, clock=time.monotonic):
    """The whole body of a streamed requests response, within the deadline and at most max_bytes long."""
    declared = response.headers.get('Content-Length')
    if declared is not None and declared.strip().isdigit() and int(declared) > max_bytes:
        raise ResponseTooLarge(int(declared))
    chunks = []
    size = 0
    for chunk in response.iter_content(CHUNK_SIZE):
        size += len(chunk)
        if size > max_bytes:
            raise ResponseTooLarge(size)
        if clock() > deadline:
            raise DeadlineExceeded()
        chunks.append(chunk)
    return b''.join(chunks)
