# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP server: keep-alive connections, TLS, fault injection, the request log.

``CapgoEmulator`` is the emulator as an object (start, stop, url, keys, log, faults);
the ``/_emulator/`` control API is in ``control.py``, request handling in ``app.py``.
"""

from __future__ import annotations

import datetime
import json
import re
import socket
import socketserver
import ssl
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from . import __version__, control
from .app import CapgoApp
from .request import Request, Response
from .state import default_seed

WORKER_SOURCE = "capgo_api-emulator-%s" % __version__
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
FAULT_NAMES = ("fault_429_every", "retry_after", "fault_503_every", "drop_after_post_every", "latency_ms", "hang")


class _Handler(BaseHTTPRequestHandler):
    """One TCP connection; serves many requests with HTTP/1.1 keep-alive."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in two sends: without this, Nagle's algorithm delays every
    # keep-alive answer after the first by the peer's delayed-ACK timer (about 40 ms).
    disable_nagle_algorithm = True
    server_version = "capgo-emulator/" + __version__
    sys_version = ""
    timeout = 300

    def setup(self):
        emulator = self.server.emulator
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(10)
            self.request.do_handshake()
        super().setup()
        self.conn_id = emulator.register_connection(self.request)
        self.request_count = 0

    def finish(self):
        try:
            super().finish()
        finally:
            self.server.emulator.unregister_connection(self.request)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass

    def handle_one_request(self):
        try:
            self.raw_requestline = self.rfile.readline(65537)  # pylint: disable=attribute-defined-outside-init
            if len(self.raw_requestline) > 65536:
                self.send_error(414)
                return
            if not self.raw_requestline:
                self.close_connection = True
                return
            if not self.parse_request():
                return
            self._serve()
            self.wfile.flush()
        except (TimeoutError, ConnectionError, ssl.SSLError, OSError):
            self.close_connection = True

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                line = self.rfile.readline(65537).strip()
                size = int(line.split(b";")[0] or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537).strip():
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self):
        emulator = self.server.emulator
        body = self._read_body()
        split = urlsplit(self.path)
        path = split.path or "/"
        req = Request(self.command.upper(), path, split.query, self.headers, body)
        if path == "/_emulator" or path.startswith("/_emulator/"):
            if emulator.control:
                status, payload = emulator.control_request(req)
                self._write(Response(status, payload), req)
                return
        response = emulator.api_request(req, self.conn_id)
        if response is None or response.drop:
            self.close_connection = True
            try:
                self.request.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self._write(response, req)

    def _write(self, response, req):
        payload = b""
        if response.payload is not None:
            payload = json.dumps(response.payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        request_id = self.headers.get("X-Request-Id")
        if not request_id or not REQUEST_ID_RE.match(request_id):
            request_id = str(uuid.uuid4())
        self.send_response(response.status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("X-Request-Id", request_id)
        self.send_header("X-Worker-Source", WORKER_SOURCE)
        self.send_header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
        for name, value in response.headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if req.method != "HEAD":
            self.wfile.write(payload)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, emulator, ssl_context=None):
        self.emulator = emulator
        self.ssl_context = ssl_context
        super().__init__(address, _Handler)

    def server_bind(self):
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = host
        self.server_port = port

    def get_request(self):
        sock, address = super().get_request()
        if self.ssl_context is not None:
            sock = self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, address

    def handle_error(self, request, client_address):
        pass


class CapgoEmulator:
    """The emulator as an object: ``start()``, ``url``, ``admin_key``, ``request_log``, ``reset()``, ``stop()``."""

    def __init__(self, seed=None, docs_shapes=False, control=True, host="127.0.0.1", port=0, request_log_path=None,
                 tls_cert=None, tls_key=None, base_url=None, admin_key=None, rate_limit_per_key=2000, failed_auth_limit=20,
                 fault_429_every=0, retry_after=1, fault_503_every=0, drop_after_post_every=0, latency_ms=0, hang=False,
                 control_hosts=()):
        self.seeded = seed is not None
        if seed is None:
            seed = default_seed(admin_key or str(uuid.uuid4()))
        self.app = CapgoApp(seed, docs_shapes, rate_limit_per_key, failed_auth_limit, base_url)
        self.control = control
        # Host names the control API accepts besides loopback ones (--control-allow-host).
        self.control_hosts = frozenset(h.strip().lower().strip("[]") for h in control_hosts)
        self.host = host
        self.port = port
        self.request_log_path = request_log_path
        self.tls_cert = tls_cert
        self.tls_key = tls_key
        self._log = []
        self._log_lock = threading.Lock()
        self._hang_release = threading.Condition(self._log_lock)
        self._counter = 0
        self._post_counter = 0
        self._conn_ids = 0
        self._connections = 0
        self._sockets = set()
        self._stopping = threading.Event()
        self.faults = {"fault_429_every": 0, "retry_after": 1, "fault_503_every": 0, "drop_after_post_every": 0,
                       "latency_ms": 0, "hang": False}
        self.set_faults(fault_429_every=fault_429_every, retry_after=retry_after, fault_503_every=fault_503_every,
                        drop_after_post_every=drop_after_post_every, latency_ms=latency_ms, hang=hang)
        self._server = None
        self._thread = None
        self.url = None

    # --- convenience ----------------------------------------------------
    @property
    def keys(self):
        with self.app.lock:
            return {k.name: k.value for k in self.app.state.keys.values()}

    @property
    def admin_key(self):
        keys = self.app.state.keys_by_name
        if "admin" in keys:
            return keys["admin"].value
        for key in keys.values():
            if key.org_create:
                return key.value
        return next(iter(keys.values())).value if keys else None

    @property
    def request_log(self):
        with self._log_lock:
            return [dict(entry) for entry in self._log]

    @property
    def connections(self):
        with self._log_lock:
            return self._connections

    def clear_log(self):
        with self._log_lock:
            self._log = []
            self._counter = 0
            self._post_counter = 0
            self._connections = 0

    def reset(self, seed=None):
        """Replace the state; returns key names and org ids (key values only with ``echo_keys``)."""
        return self.app.reset(seed)

    def state(self):
        return self.app.dump_state()

    def configure(self, docs_shapes=None):
        """Switch between the real server's response shapes and the public docs' ones at run time."""
        if docs_shapes is not None:
            if not isinstance(docs_shapes, bool):
                raise ValueError("docs_shapes must be a boolean")
            self.app.docs_shapes = docs_shapes
        return {"docs_shapes": self.app.docs_shapes}

    def set_faults(self, **faults):
        with self._log_lock:
            for name, value in faults.items():
                if name not in FAULT_NAMES:
                    raise ValueError("unknown fault %r" % name)
                if name == "hang":
                    self.faults[name] = bool(value)
                elif value is None or value is False:
                    self.faults[name] = 0
                elif isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                    raise ValueError("%s must be a number >= 0" % name)
                else:
                    self.faults[name] = value
            self._hang_release.notify_all()
            return dict(self.faults)

    # --- lifecycle ------------------------------------------------------
    def start(self):
        context = None
        if self.tls_cert:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self.tls_cert, self.tls_key)
        self._server = _Server((self.host, self.port), self, context)
        host, port = self._server.server_address[:2]
        shown = "[%s]" % host if ":" in host else host
        self.url = "%s://%s:%d" % ("https" if context else "http", shown, port)
        if not self.app.base_url:
            self.app.base_url = self.url
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="capgo-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._stopping.set()
        with self._log_lock:
            self._hang_release.notify_all()
            sockets = list(self._sockets)
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(5)
        self._server = None

    def __enter__(self):
        if self._server is None:
            self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    # --- called by the HTTP layer ---------------------------------------
    def register_connection(self, sock):
        with self._log_lock:
            self._conn_ids += 1
            self._connections += 1
            self._sockets.add(sock)
            return self._conn_ids

    def unregister_connection(self, sock):
        with self._log_lock:
            self._sockets.discard(sock)

    def api_request(self, req, conn_id):
        """Apply faults, then the app. Returns None when the request must never be answered."""
        with self._log_lock:
            if self.faults["hang"]:
                while self.faults["hang"] and not self._stopping.is_set():
                    self._hang_release.wait(0.5)
                return None
            self._counter += 1
            number = self._counter
            faults = dict(self.faults)
        if faults["latency_ms"]:
            time.sleep(faults["latency_ms"] / 1000.0)
        fault = None
        if faults["fault_429_every"] and number % int(faults["fault_429_every"]) == 0:
            response, fault = self.app.fault_429(faults["retry_after"]), "429"
        elif faults["fault_503_every"] and number % int(faults["fault_503_every"]) == 0:
            response, fault = self.app.fault_503(), "503"
        else:
            response = self.app.handle(req)
            if req.method == "POST" and req.path.rstrip("/") == "/organization" and faults["drop_after_post_every"]:
                with self._log_lock:
                    self._post_counter += 1
                    if self._post_counter % int(faults["drop_after_post_every"]) == 0:
                        response.drop, fault = True, "drop"
        response.fault = fault
        self._record(req, response, conn_id)
        return response

    def _record(self, req, response, conn_id):
        with self._log_lock:
            entry = {
                "seq": len(self._log) + 1 if not self._log else self._log[-1]["seq"] + 1,
                "time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds"),
                "method": req.method, "path": req.path, "status": response.status, "error": response.error,
                "conn": conn_id, "key": response.key_label, "fault": response.fault,
            }
            self._log.append(entry)
            if self.request_log_path:
                with open(self.request_log_path, "a", encoding="utf-8") as handle:
                    handle.write(json.dumps(entry) + "\n")

    def control_request(self, req):
        """The ``/_emulator/`` test-control API (see control.py)."""
        return control.handle(self, req)
