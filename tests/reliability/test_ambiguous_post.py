# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ambiguous POST: the server created the organization but the answer never arrived."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from conftest import record

PLAY = """
- name: ambiguous create
  hosts: localhost
  gather_facts: false
  tasks:
    - name: create
      capgo.cloud.capgo_organization:
        name: Ambiguous Org
        management_email: ops@example.com
        website: ambiguous.example.com
        api_timeout: %(timeout)d
    - name: create again
      capgo.cloud.capgo_organization:
        name: Ambiguous Org
        management_email: ops@example.com
        website: ambiguous.example.com
        api_timeout: %(timeout)d
"""


def _check(run, emu, lost_words):
    assert run.rc == 0, run.describe()
    first, second = run.one("create"), run.one("create again")
    assert first["status"] == "changed" and second["status"] == "ok"
    warning = " ".join(first["warnings"])
    assert "Ambiguous Org" in warning and "was not created a second time" in warning, first
    assert lost_words in warning, warning
    assert "[WARNING]" in run.stdout + run.stderr
    assert second["warnings"] == []
    orgs = emu.orgs("Ambiguous Org")
    assert len(orgs) == 1
    assert orgs[0]["website"] == "https://ambiguous.example.com/" and orgs[0]["management_email"] == "ops@example.com"
    assert first["organization"]["id"] == second["organization"]["id"] == orgs[0]["id"]
    return warning


def test_dropped_connection_after_post_creates_exactly_one(emulator_factory, run_playbook):
    emu = emulator_factory("--drop-after-post-every", 1)
    run = run_playbook(PLAY % {"timeout": 30}, env={"CAPGO_API_URL": emu.url, "CAPGO_API_KEY": emu.key})
    warning = _check(run, emu, "connection")
    log = emu.api_log()
    posts = [e for e in log if e["method"] == "POST"]
    assert len(posts) == 1 and posts[0]["fault"] == "drop"
    # the name is looked up again right after the lost answer, and no second POST follows
    after = log[log.index(posts[0]) + 1]
    assert after["method"] == "GET" and after["path"] == "/organization"
    record("ambiguous_post_drop", posts=len(posts), organizations_created=1, requests=len(log), warning=warning)


class _SlowPostProxy:
    """A reverse proxy to the emulator that forwards a POST, then answers only after `delay` seconds."""

    def __init__(self, target, delay):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = dict((k, v) for k, v in self.headers.items() if k.lower() in ("capgkey", "content-type", "accept"))
                resp = requests.request(self.command, target + self.path, data=body, headers=headers, timeout=30)
                if self.command == "POST":
                    proxy.slow_posts += 1
                    time.sleep(delay)
                payload = resp.content
                try:
                    self.send_response(resp.status_code)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    self.close_connection = True

            do_GET = do_POST = do_PUT = do_DELETE = _forward

        self.slow_posts = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.handle_error = lambda *args: None
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_timed_out_post_creates_exactly_one(emulator_factory, run_playbook):
    emu = emulator_factory()
    with _SlowPostProxy(emu.url, delay=4) as proxy:
        start = time.monotonic()
        run = run_playbook(PLAY % {"timeout": 1}, env={"CAPGO_API_URL": proxy.url, "CAPGO_API_KEY": emu.key})
        seconds = time.monotonic() - start
    warning = _check(run, emu, "no answer within api_timeout=1s")
    posts = [e for e in emu.api_log() if e["method"] == "POST"]
    assert len(posts) == 1 and proxy.slow_posts == 1
    record("ambiguous_post_timeout", posts=len(posts), organizations_created=1, seconds=round(seconds, 1), warning=warning)
