# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile networks: small misbehaving servers on loopback, driven by real ansible-playbook runs.

The key never reaches another host (no redirect is followed), a dripped body ends at the
deadline, an endless body at the size cap, endless pages at the page cap, every text the
server echoes the key in is scrubbed on both execution paths, and a create whose outcome
cannot be checked says so.
"""

from __future__ import annotations

import json
import resource
import ssl
import subprocess
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import PYTHON, record
from test_tls import _write_pki

MIB = 1024 * 1024
ORG = {"id": "0b0b0b0b-0000-4000-8000-000000000001", "created_by": "u", "created_at": "2026-01-01T00:00:00Z",
       "updated_at": "2026-01-01T00:00:00Z", "logo": None, "name": "Hostile Org", "management_email": "o@example.com",
       "customer_id": None, "website": None}


class HostileServer:
    """A loopback HTTP(S) server; handle(handler, body) answers each request. Every request is recorded."""

    def __init__(self, handle, tls=None):
        outer = self
        self.seen = []
        self.bytes_sent = 0

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # headers and body leave in two writes: without this, delayed ACKs add 40 ms to every answer
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                outer.seen.append({"method": self.command, "path": self.path, "headers": dict(self.headers),
                                   "body": raw.decode("utf-8", "replace")})
                try:
                    handle(self, json.loads(raw) if raw else None)
                except OSError:
                    self.close_connection = True

            def answer(self, status, body, headers=None):
                data = json.dumps(body).encode()
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda *args: None
        scheme = "http"
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            scheme = "https"
        self.url = "%s://127.0.0.1:%d" % (scheme, self.httpd.server_address[1])
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def _play(*tasks, module_path=False):
    """One play; module_path forces the module process (a task environment does today)."""
    text = "- name: hostile\n  hosts: localhost\n  gather_facts: false\n"
    if module_path:
        text += "  environment:\n    CAPGO_EXECUTION: module\n"
    return text + "  tasks:\n" + "".join(tasks)


def _task(title, module, **args):
    lines = ["    - name: %s\n" % title, "      capgo.cloud.%s:\n" % module]
    lines += ["        %s: %s\n" % (key, json.dumps(value)) for key, value in args.items()]
    return "".join(lines) + "      ignore_errors: true\n"


def _all_text(run):
    return run.stdout + run.stderr + json.dumps(run.events)


# --------------------------------------------------------------------------- 1. redirects
def test_a_redirect_to_another_host_never_carries_the_key(run_playbook):
    key = str(uuid.uuid4())
    with HostileServer(lambda h, body: h.answer(200, [])) as other:
        def redirect_posts_and_paths(h, body):
            if h.command == "POST" or h.path.startswith("/moved"):
                h.answer(307, {}, {"Location": other.url + h.path})
            else:
                h.answer(200, [])

        with HostileServer(redirect_posts_and_paths) as api:
            play = _play(_task("get", "capgo_organization_info", api_url=api.url + "/moved"),
                         _task("post", "capgo_organization", name="Redirected Org"))
            run = run_playbook(play, env={"CAPGO_API_URL": api.url, "CAPGO_API_KEY": key})
    assert run.rc == 0, run.describe()
    for task in ("get", "post"):
        event = run.one(task)
        assert event["status"] == "failed"
        assert "HTTP 307, a redirect to %s/" % other.url in event["msg"], event["msg"]
        assert "redirects are not followed" in event["msg"]
    assert [s["method"] for s in api.seen] == ["GET", "GET", "POST"]
    assert other.seen == []
    assert key not in _all_text(run)
    record("hostile_redirect", requests_to_other_host=len(other.seen), message=run.one("post")["msg"])


def test_a_redirect_from_https_to_http_is_refused(tmp_path, run_playbook):
    key = str(uuid.uuid4())
    ca_pem, cert_pem, key_pem = _write_pki(tmp_path)
    with HostileServer(lambda h, body: h.answer(200, [])) as plain:
        def downgrade(h, body):
            h.answer(301, {}, {"Location": plain.url + h.path})

        with HostileServer(downgrade, tls=(str(cert_pem), str(key_pem))) as api:
            play = _play(_task("list", "capgo_organization_info", ca_path=str(ca_pem)))
            run = run_playbook(play, env={"CAPGO_API_URL": api.url, "CAPGO_API_KEY": key})
    event = run.one("list")
    assert event["status"] == "failed" and "organizations" not in event
    assert "HTTP 301, a redirect to http://" in event["msg"], event["msg"]
    assert len(api.seen) == 1 and plain.seen == []
    assert key not in _all_text(run)


# ------------------------------------------------------------------- 2. a dripped body
def test_a_dripped_body_ends_at_the_deadline(run_playbook):
    body = json.dumps([ORG] * 100).encode()  # about 25 KB: a day at one byte a second

    def drip(h, _body):
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        for byte in body:
            h.wfile.write(bytes([byte]))
            h.wfile.flush()
            time.sleep(0.5)

    with HostileServer(drip) as api:
        play = _play(_task("no retry", "capgo_organization_info", api_timeout=2, api_retries=0),
                     _task("one retry", "capgo_organization_info", api_timeout=2, api_retries=1))
        start = time.monotonic()
        run = run_playbook(play, env={"CAPGO_API_URL": api.url, "CAPGO_API_KEY": str(uuid.uuid4())}, timeout=120)
        seconds = time.monotonic() - start
    assert run.rc == 0, run.describe()
    for task in ("no retry", "one retry"):
        assert run.one(task)["status"] == "failed"
        assert "no answer within api_timeout=2s" in run.one(task)["msg"], run.one(task)["msg"]
    assert "gave up after 2 attempts" in run.one("one retry")["msg"]
    assert len(api.seen) == 3
    # 2 s + 2 x 2 s + one backoff (0.5-1 s) + ansible's start-up; without a deadline: hours
    assert seconds < 40, seconds
    record("hostile_drip", api_timeout=2, tasks=2, attempts=3, seconds_playbook=round(seconds, 1))


# ------------------------------------------------------------------ 3. an endless body
def _endless(server):
    def answer(h, _body):
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        chunk = b"[" + b" " * (256 * 1024)
        while True:
            h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            server["sent"] += len(chunk)
    return answer


def _max_child_rss_mib():
    # Linux: kilobytes, the largest of every descendant waited for (ansible workers and module processes too).
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0


@pytest.mark.parametrize("module_path", [False, True], ids=["in_process", "module"])
def test_an_endless_body_stops_at_the_size_cap(run_playbook, module_path):
    counter = {"sent": 0}
    with HostileServer(_endless(counter)) as api:
        play = _play(_task("endless", "capgo_organization_info", api_retries=2), module_path=module_path)
        start = time.monotonic()
        run = run_playbook(play, env={"CAPGO_API_URL": api.url, "CAPGO_API_KEY": str(uuid.uuid4())}, timeout=120)
        seconds = time.monotonic() - start
    event = run.one("endless")
    assert event["status"] == "failed"
    assert "the answer is larger than 10485760 bytes" in event["msg"], event["msg"]
    assert len(api.seen) == 1  # a definite answer: not asked for again
    rss = _max_child_rss_mib()
    # Unbounded, the worker grew to 3.1 GB in 19 s; the cap keeps one answer under 10 MiB in memory.
    assert rss < 400, rss
    # What left the server before the client hung up: the cap plus what the kernel's socket buffers held.
    assert counter["sent"] < 10 * MIB + 16 * MIB, counter["sent"]
    record("hostile_endless_body_" + ("module" if module_path else "in_process"),
           max_child_rss_mib=round(rss), mib_sent=round(counter["sent"] / MIB, 1), seconds=round(seconds, 1))


# ----------------------------------------------------------------- 4. endless pages
def test_endless_pages_stop_at_the_page_cap(run_playbook):
    pages = {"n": 0}

    def fresh_rows(h, body):
        page = (body or {}).get("page", 0)
        pages["n"] += 1
        h.answer(200, [dict(ORG, id="%08d-0000-4000-8000-%012d" % (page, i), name="Org %d" % i) for i in range(50)])

    with HostileServer(fresh_rows) as api:
        play = _play(_task("list", "capgo_organization_info"))
        start = time.monotonic()
        run = run_playbook(play, env={"CAPGO_API_URL": api.url, "CAPGO_API_KEY": str(uuid.uuid4())}, timeout=300)
        seconds = time.monotonic() - start
    event = run.one("list")
    assert event["status"] == "failed"
    assert "kept returning new organizations for 2000 pages (100000 rows)" in event["msg"], event["msg"]
    assert pages["n"] == 2000
    record("hostile_endless_pages", pages=pages["n"], seconds=round(seconds, 1))


# ------------------------------------------------- 5. the key echoed everywhere, both paths
def _echo_everything(other_url, state):
    """Echoes the key it was sent in the error code, message, moreInfo, X-Request-Id and a Location."""

    def answer(h, body):
        key = h.headers.get("capgkey", "")
        echo = {"error": "bad_%s" % key, "message": "the key %s is wrong" % key,
                "moreInfo": {"key": key, key: [key], "url": "https://x.example/?apikey=%s" % key}}
        headers = {"X-Request-Id": "req-%s" % key}
        if h.path.startswith("/redirect"):
            h.answer(307, echo, dict(headers, Location="%s/?apikey=%s" % (other_url, key)))
        elif h.path.startswith("/lost"):
            # The create's answer is a 503 that echoes the key; the lookup that follows finds the organization.
            if h.command == "POST":
                state["created"] = True
                h.answer(503, echo, headers)
            elif "orgId" in h.path:
                h.answer(200, ORG)
            else:
                h.answer(200, [ORG] if state.get("created") else [])
        else:
            h.answer(400, echo, headers)
    return answer


@pytest.mark.parametrize("module_path", [False, True], ids=["in_process", "module"])
def test_an_echoed_key_appears_nowhere(run_playbook, module_path):
    key = str(uuid.uuid4())
    with HostileServer(lambda h, body: h.answer(200, [])) as other:
        with HostileServer(_echo_everything(other.url, {})) as api:
            play = _play(_task("error", "capgo_organization_info"),
                         _task("error on create", "capgo_organization", name="Hostile Org"),
                         _task("redirect", "capgo_organization_info", api_url=api.url + "/redirect"),
                         _task("lost create", "capgo_organization", name="Hostile Org", api_url=api.url + "/lost"),
                         module_path=module_path)
            run = run_playbook(play, verbosity=4, diff=True, env={"CAPGO_API_URL": api.url, "CAPGO_API_KEY": key})
    assert run.rc == 0, run.describe()
    assert ("AnsiballZ_capgo_organization" in run.stdout) is module_path
    error = run.one("error")
    assert error["status"] == "failed"
    assert "HTTP 400 bad_********: the key ******** is wrong" in error["msg"] and "req-********" in error["msg"]
    assert run.one("error on create")["status"] == "failed"
    assert "HTTP 307, a redirect to %s/?apikey=********" % other.url in run.one("redirect")["msg"]
    lost = run.one("lost create")
    assert lost["status"] == "changed", lost
    assert "HTTP 503 bad_********" in " ".join(lost["warnings"]) and "not created a second time" in " ".join(lost["warnings"])
    assert "[WARNING]" in run.stdout + run.stderr
    assert other.seen == []
    assert key not in run.stdout and key not in run.stderr and key not in json.dumps(run.events)
    record("hostile_echo_" + ("module" if module_path else "in_process"), texts_checked=3,
           bytes_checked=len(_all_text(run)), key_found=0)


# --------------------------------------------------- 6. a create whose outcome is unknown
DIES_ON_POST = r"""
import json, os, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass
    def do_GET(self):
        data = b"[]"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        sys.stdout.write("POST\n")
        sys.stdout.flush()
        os._exit(0)  # the server dies while processing the create: no answer, and nothing listens any more

server = HTTPServer(("127.0.0.1", 0), H)
sys.stdout.write("%d\n" % server.server_address[1])
sys.stdout.flush()
server.serve_forever()
"""


def test_a_lost_create_whose_lookup_fails_says_the_create_may_have_happened(run_playbook):
    proc = subprocess.Popen([PYTHON, "-c", DIES_ON_POST], stdout=subprocess.PIPE, text=True)
    try:
        port = int(proc.stdout.readline())
        play = _play(_task("create", "capgo_organization", name="Maybe Org", api_retries=1))
        run = run_playbook(play, env={"CAPGO_API_URL": "http://127.0.0.1:%d" % port,
                                      "CAPGO_API_KEY": str(uuid.uuid4())}, timeout=120)
        assert proc.wait(30) == 0
        assert proc.stdout.read() == "POST\n"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    event = run.one("create")
    assert event["status"] == "failed"
    assert "the create may have happened; list organizations named 'Maybe Org' before retrying" in event["msg"], event["msg"]
    assert "Connection refused" in event["msg"]
    record("hostile_lost_create", message=event["msg"])


# ------------------------------------------------------- messages that say what to do
def test_a_missing_key_says_how_to_give_one_on_both_paths(run_playbook):
    with HostileServer(lambda h, body: h.answer(200, [])) as api:
        messages = []
        for module_path in (False, True):
            run = run_playbook(_play(_task("no key", "capgo_organization_info"), module_path=module_path),
                               env={"CAPGO_API_URL": api.url})
            event = run.one("no key")
            assert event["status"] == "failed"
            messages.append(event["msg"])
    assert messages[0] == messages[1], messages
    assert "api_key" in messages[0] and "CAPGO_API_KEY" in messages[0]
    assert api.seen == []


@pytest.mark.parametrize("validate_certs", [True, False])
def test_https_to_a_server_without_tls_says_so(run_playbook, validate_certs):
    with HostileServer(lambda h, body: h.answer(200, [])) as api:
        host_port = api.url.split("://", 1)[1]
        play = _play(_task("https", "capgo_organization_info", api_retries=2, validate_certs=validate_certs))
        run = run_playbook(play, env={"CAPGO_API_URL": "https://" + host_port, "CAPGO_API_KEY": str(uuid.uuid4())})
    msg = run.one("https")["msg"]
    assert "the server at %s does not speak TLS" % host_port in msg and "Use http://%s" % host_port in msg, msg
    assert "ca_path" not in msg and "validate_certs" not in msg and "gave up" not in msg
