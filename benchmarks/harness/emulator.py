# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Capgo API emulator as a measuring instrument: start/stop, seeds, request log, raw requests.

tests/emulator/capgo_emulator.py runs as a child on 127.0.0.1 with its /_emulator/ control
API (tests/emulator/README.md): `reset` puts the seed back, `log` lists the requests it
served (method, path, status, time), `connections` counts accepted TCP connections.
"""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import time

from harness.common import ADMIN_EMAIL, ADMIN_KEY, EMULATOR, ORG_ID, PAGE_SIZE, BenchError, median


class Emulator:
    """tests/emulator/capgo_emulator.py as a child process on 127.0.0.1, with --control."""

    def __init__(self, bench, seed, name):
        self.bench = bench
        seed_file = bench.work / ("seed-%s.json" % name)
        seed_file.write_text(json.dumps(seed))
        self.out = bench.work / ("emulator-%s.log" % name)
        with open(self.out, "w") as handle:
            self.proc = subprocess.Popen(
                [bench.python, "-u", str(EMULATOR), "--host", "127.0.0.1", "--port", "0", "--control",
                 "--seed", str(seed_file), "--rate-limit-per-key", "0", "--failed-auth-limit", "0"],
                stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=bench.env())
        bench.emulators.append(self)
        self.url = None
        self.control_calls_since_clear = 0
        deadline = time.time() + 120
        while time.time() < deadline:
            match = re.search(r"^CAPGO_EMULATOR_URL=(\S+)", self.out.read_text(), re.M)
            if match:
                self.url = match.group(1)
                break
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if not self.url:
            self.stop()
            raise BenchError("the emulator did not start:\n%s" % self.out.read_text()[-3000:])
        match = re.match(r"^http://127\.0\.0\.1:(\d+)$", self.url)
        if not match:
            self.stop()
            raise BenchError("the emulator is not on loopback: %s" % self.url)
        self.port = int(match.group(1))

    def call(self, method, path, body=None, headers=None, conn=None):
        own = conn is None
        conn = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            payload = json.dumps(body).encode() if body is not None else None
            # The control API refuses a POST or PUT without this type, even with no body.
            hdrs = {"Content-Type": "application/json"} if payload or method in ("POST", "PUT") else {}
            hdrs.update(headers or {})
            conn.request(method, path, body=payload, headers=hdrs)
            response = conn.getresponse()
            data = response.read()
            return response.status, json.loads(data) if data else None
        finally:
            if own:
                conn.close()

    def control(self, method, what, body=None):
        status, payload = self.call(method, "/_emulator/" + what, body)
        if status != 200:
            raise BenchError("emulator control %s %s: %s %s" % (method, what, status, payload))
        return payload

    def reset(self, seed=None):
        """Back to the start seed (or to a new one, e.g. a fleet of another size)."""
        self.control("POST", "reset", seed)

    def clear(self):
        self.control("DELETE", "log")
        self.control_calls_since_clear = 0

    def requests(self):
        """The API requests served since the last clear()."""
        self.control_calls_since_clear += 1
        return self.control("GET", "log")["requests"]

    def connections(self):
        return self.control("GET", "connections")["connections"]

    def module_connections(self):
        """TCP connections since the last clear(), without the ones this script opened for control calls.

        clear() ran on a connection opened before the count was reset; requests() and this
        call open one each: the GET /_emulator/connections itself is counted, requests() is
        counted when it ran first.
        """
        return self.connections() - 1 - self.control_calls_since_clear

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def count_by_method(entries):
    """{"GET": n, "POST": n, ...} of request-log entries, in order of first appearance."""
    by_method = {}
    for entry in entries:
        by_method[entry["method"]] = by_method.get(entry["method"], 0) + 1
    return by_method


# ---------------------------------------------------------------- seeds

def seed_single():
    """One organization (ORG_ID) the admin key owns, and the right to create more."""
    return {
        "users": [{"email": ADMIN_EMAIL}],
        "orgs": [{"id": ORG_ID, "name": "Bench home", "created_by": ADMIN_EMAIL}],
        "keys": [{"name": "admin", "key": ADMIN_KEY, "owner": ADMIN_EMAIL, "org_create": True,
                  "roles": {"Bench home": "org_super_admin"}}],
    }


def seed_bulk(count, role="apikey_org_reader", prefix="bulk-org-"):
    """count organizations named prefix1, prefix2, ..., all visible to the admin key with role."""
    seed = {
        "users": [{"email": ADMIN_EMAIL}],
        "keys": [{"name": "admin", "key": ADMIN_KEY, "owner": ADMIN_EMAIL, "roles": {}}],
    }
    if count:
        seed["bulk_orgs"] = [{"count": count, "name_prefix": prefix, "created_by": ADMIN_EMAIL,
                              "key_roles": {"admin": role}}]
    return seed


# ---------------------------------------------------------------- raw requests (no Ansible)

def raw_request_ms(emulator, path, reps=30, fresh=True):
    """Median round trip of one API GET from a plain http.client (no Ansible, no requests)."""
    times = []
    conn = None
    for _dummy in range(reps):
        if fresh or conn is None:
            if conn is not None:
                conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=120)
        start = time.perf_counter()
        status, _dummy = emulator.call("GET", path, headers={"capgkey": ADMIN_KEY}, conn=conn)
        times.append((time.perf_counter() - start) * 1000)
        if status != 200:
            raise BenchError("GET %s answered %s" % (path, status))
    conn.close()
    return median(times)


def raw_page_walk(emulator, reps):
    """Wall time of walking every page of GET /organization with one keep-alive http.client."""
    times, pages = [], 0
    for _dummy in range(reps):
        conn = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=120)
        start = time.perf_counter()
        page, pages = 0, 0
        while True:
            status, rows = emulator.call("GET", "/organization", body={"page": page} if page else None,
                                         headers={"capgkey": ADMIN_KEY}, conn=conn)
            pages += 1
            if status != 200 or len(rows) < PAGE_SIZE:
                break
            page += 1
        times.append((time.perf_counter() - start) * 1000)
        conn.close()
    return median(times), pages
