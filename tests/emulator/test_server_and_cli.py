# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Emulator tests: faults, request log, keep-alive, control API, concurrency, seeds, command line. Real HTTP over loopback, no mocks."""
# pylint: disable=redefined-outer-name

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest
import requests

from emu_testlib import (
    HERE, ORG_A, ORG_B, ORG_2FA, ORG_BAD, KEYS, make_seed, assert_error, CapgoEmulator,
)


# ---------------------------------------------------------------------------
# Faults
# ---------------------------------------------------------------------------

def test_fault_429_every(api):
    api.emu.set_faults(fault_429_every=3, retry_after=2)
    statuses = [api.get().status_code for _attempt in range(6)]
    assert statuses == [200, 200, 429, 200, 200, 429]
    resp = api.get(), api.get(), api.get()
    body = assert_error(resp[2], 429, "too_many_requests")
    assert resp[2].headers["Retry-After"] == "2" and body["moreInfo"]["retryAfterSeconds"] == 2
    assert "X-RateLimit-Reset" in resp[2].headers
    assert [e["fault"] for e in api.emu.request_log].count("429") == 3


def test_fault_503_every_does_not_process(api):
    api.emu.set_faults(fault_503_every=2)
    assert api.post(json={"name": "first"}).status_code == 200
    resp = api.post(json={"name": "second"})
    assert resp.status_code == 503 and resp.json()["error"] == "service_unavailable"
    assert "second" not in [o["name"] for o in api.emu.state()["orgs"]]


def test_fault_429_wins_over_503(api):
    api.emu.set_faults(fault_429_every=2, fault_503_every=2)
    assert [api.get().status_code for _attempt in range(2)] == [200, 429]


def test_drop_after_post(api):
    api.emu.set_faults(drop_after_post_every=2)
    assert api.post(json={"name": "kept-1"}).status_code == 200
    with pytest.raises(requests.exceptions.ConnectionError):
        api.post(json={"name": "dropped-but-created"})
    assert "dropped-but-created" in [o["name"] for o in api.emu.state()["orgs"]]
    entry = api.emu.request_log[-1]
    assert entry["fault"] == "drop" and entry["status"] == 200
    assert api.get().status_code == 200


def test_latency(api):
    api.emu.set_faults(latency_ms=300)
    start = time.monotonic()
    api.get()
    assert time.monotonic() - start >= 0.3


def test_hang(api):
    api.emu.set_faults(hang=True)
    with pytest.raises(requests.exceptions.ReadTimeout):
        api.get(timeout=0.5)
    control = requests.get(api.url + "/_emulator/connections", timeout=5)
    assert control.status_code == 200
    api.emu.set_faults(hang=False)
    assert api.get().status_code == 200


# ---------------------------------------------------------------------------
# Request log, keep-alive, control API
# ---------------------------------------------------------------------------

def test_request_log_has_no_secrets(api):
    api.get(headers={"X-Secret": "s3cr3t"})
    api.put(json={"orgId": ORG_A, "name": "Secret name"})
    api.get(key="deadbeef-0000-4000-8000-000000000000")
    log = api.emu.request_log
    assert [(e["method"], e["path"], e["status"], e["error"], e["key"]) for e in log] == [
        ("GET", "/organization", 200, None, "super"), ("PUT", "/organization", 200, None, "super"),
        ("GET", "/organization", 401, "invalid_apikey", None)]
    assert set(log[0]) >= {"seq", "time", "method", "path", "status", "error", "conn", "key"}
    text = json.dumps(log)
    for secret in list(KEYS.values()) + ["s3cr3t", "Secret name", "deadbeef"]:
        assert secret not in text


def test_request_log_file(tmp_path):
    path = tmp_path / "requests.jsonl"
    with CapgoEmulator(request_log_path=str(path)) as emulator:
        requests.get(emulator.url + "/organization", headers={"capgkey": emulator.admin_key}, timeout=5)
        requests.get(emulator.url + "/nope", timeout=5)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(e["path"], e["status"], e["key"]) for e in lines] == [("/organization", 200, "admin"), ("/nope", 404, None)]
    assert emulator.admin_key not in path.read_text()


def test_keep_alive_one_connection(api):
    with requests.Session() as session:
        for _attempt in range(15):
            assert session.get(api.url + "/organization", headers={"capgkey": KEYS["super"]}, timeout=5).status_code == 200
        assert session.put(api.url + "/organization", json={"orgId": ORG_A}, headers={"capgkey": KEYS["super"]}, timeout=5).status_code == 200
        assert session.get(api.url + "/nope", timeout=5).status_code == 404
    conns = {e["conn"] for e in api.emu.request_log}
    assert len(conns) == 1
    assert requests.get(api.url + "/_emulator/connections", timeout=5).json() == {"connections": 2}


def test_control_api(api):
    url = api.url + "/_emulator"
    api.get()
    log = requests.get(url + "/log", timeout=5).json()["requests"]
    assert len(log) == 1
    assert requests.delete(url + "/log", timeout=5).status_code == 200
    assert requests.get(url + "/log", timeout=5).json() == {"requests": []}
    state = requests.get(url + "/state", timeout=5).json()
    assert {o["id"] for o in state["orgs"]} >= {ORG_A, ORG_B}
    assert len(state["orgs"][0]) == 23 and "members" in state["orgs"][0]
    assert all("key" not in k and "value" not in k for k in state["keys"])
    assert KEYS["super"] not in json.dumps(state)
    reset = requests.post(url + "/reset", json={"users": [{"email": "z@example.com"}], "orgs": [{"name": "Only"}],
                                                "keys": [{"name": "z", "owner": "z@example.com", "roles": {"Only": "org_admin"}}],
                                                "echo_keys": True}, timeout=5).json()
    assert list(reset["keys"]) == ["z"] and reset["key_names"] == ["z"] and len(reset["orgs"]) == 1
    resp = requests.get(api.url + "/organization", headers={"capgkey": reset["keys"]["z"]}, timeout=5)
    assert [o["name"] for o in resp.json()] == ["Only"]
    faults = requests.put(url + "/faults", json={"fault_429_every": 5, "latency_ms": 0}, timeout=5).json()
    assert faults["fault_429_every"] == 5
    assert requests.put(url + "/faults", json={"fault_429_every": 0}, timeout=5).json()["fault_429_every"] == 0
    reset = requests.post(url + "/reset", headers={"Content-Type": "application/json"}, timeout=5).json()
    assert reset["orgs"] == [ORG_A, ORG_B, ORG_2FA, ORG_BAD]
    assert "keys" not in reset and set(reset["key_names"]) == set(KEYS)
    assert requests.put(url + "/faults", json={"bogus": 1}, timeout=5).status_code == 400


def test_control_config_switches_response_shapes(api):
    url = api.url + "/_emulator/config"
    assert requests.get(url, timeout=5).json() == {"docs_shapes": False}
    assert isinstance(api.get().json(), list)
    try:
        assert requests.put(url, json={"docs_shapes": True}, timeout=5).json() == {"docs_shapes": True}
        body = api.get().json()
        assert isinstance(body, dict) and isinstance(body["data"], list)
        assert requests.put(url, json={"docs_shapes": "yes"}, timeout=5).status_code == 400
    finally:
        requests.put(url, json={"docs_shapes": False}, timeout=5)
    assert isinstance(api.get().json(), list)


def test_control_api_disabled_without_flag():
    with CapgoEmulator(control=False) as emulator:
        resp = requests.get(emulator.url + "/_emulator/log", timeout=5)
        assert resp.status_code == 404 and resp.json() == {"error": "not_found", "message": "Not found"}


def test_default_seed():
    with CapgoEmulator(admin_key="12345678-1234-4234-8234-123456789012") as emulator:
        assert emulator.admin_key == "12345678-1234-4234-8234-123456789012"
        orgs = requests.get(emulator.url + "/organization", headers={"capgkey": emulator.admin_key}, timeout=5).json()
        assert [o["name"] for o in orgs] == ["Default organization"]
        assert orgs[0]["management_email"] == "admin@example.com"
        created = requests.post(emulator.url + "/organization", json={"name": "Mine"}, headers={"capgkey": emulator.admin_key}, timeout=5)
        assert created.status_code == 200
        reset = emulator.reset()
        assert set(reset) == {"key_names", "orgs"} and reset["key_names"] == ["admin"] and len(reset["orgs"]) == 1
        assert emulator.keys == {"admin": emulator.admin_key}


# ---------------------------------------------------------------------------
# Concurrency and bulk
# ---------------------------------------------------------------------------

def test_concurrent_create_delete_no_lost_or_duplicated_rows(api):
    created, deleted, errors = [], [], []
    lock = threading.Lock()

    def worker(index):
        with requests.Session() as session:
            headers = {"capgkey": KEYS["super"]}
            for step in range(8):
                resp = session.post(api.url + "/organization", json={"name": "conc-%d-%d" % (index, step)}, headers=headers, timeout=10)
                if resp.status_code != 200:
                    errors.append(resp.text)
                    continue
                org_id = resp.json()["id"]
                with lock:
                    created.append(org_id)
                if step % 2:
                    resp = session.delete(api.url + "/organization", params={"orgId": org_id}, headers=headers, timeout=10)
                    if resp.status_code == 200:
                        with lock:
                            deleted.append(org_id)
                    else:
                        errors.append(resp.text)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(created) == len(set(created)) == 24 * 8
    remaining = {o["id"] for o in api.emu.state()["orgs"] if o["name"].startswith("conc-")}
    assert remaining == set(created) - set(deleted)
    assert len(remaining) == 24 * 4
    listed = []
    page = 0
    while True:
        chunk = api.get(json={"page": page}).json()
        listed.extend(o["id"] for o in chunk)
        if len(chunk) < 50:
            break
        page += 1
    assert len(listed) == len(set(listed))
    assert remaining <= set(listed)
    assert len([e for e in api.emu.request_log if e["method"] == "POST"]) == 24 * 8


def test_bulk_orgs_are_fast(api):
    start = time.monotonic()
    api.emu.reset({"users": [{"email": "a@example.com"}], "keys": [{"name": "k", "key": KEYS["super"], "owner": "a@example.com"}],
                   "bulk_orgs": [{"count": 10000, "name_prefix": "b-", "key_roles": {"k": "org_super_admin"}}]})
    assert api.get(json={"page": 199}).json()[-1]["name"] == "b-10000"
    assert time.monotonic() - start < 5


def test_invalid_seed_rejected():
    with pytest.raises(ValueError):
        CapgoEmulator(seed={"keys": [{"name": "k", "roles": {"nope": "org_admin"}}]})
    with pytest.raises(ValueError):
        CapgoEmulator(seed={"orgs": [{"name": "x", "members": [{"email": "a@example.com", "role": "owner"}]}]})


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------

def _start_cli(*args):
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "capgo_emulator.py"), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = {}
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        name, _sep, value = line.strip().partition("=")
        lines[name] = value
        if "CAPGO_EMULATOR_URL" in lines and ("--seed" in args or "CAPGO_EMULATOR_KEY" in lines):
            break
    return proc, lines


def test_cli_prints_url_and_key_and_stops_on_sigterm():
    proc, lines = _start_cli("--port", "0", "--control")
    try:
        assert re.match(r"^http://127\.0\.0\.1:\d+$", lines["CAPGO_EMULATOR_URL"])
        assert uuid.UUID(lines["CAPGO_EMULATOR_KEY"])
        resp = requests.get(lines["CAPGO_EMULATOR_URL"] + "/organization", headers={"capgkey": lines["CAPGO_EMULATOR_KEY"]}, timeout=5)
        assert resp.status_code == 200
        assert requests.get(lines["CAPGO_EMULATOR_URL"] + "/_emulator/log", timeout=5).status_code == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0


def test_cli_with_seed_prints_only_url_and_sigint(tmp_path):
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps(make_seed()))
    proc, lines = _start_cli("--seed", str(seed), "--docs-shapes", "--fault-429-every", "2")
    try:
        assert "CAPGO_EMULATOR_KEY" not in lines
        url = lines["CAPGO_EMULATOR_URL"]
        statuses = [requests.get(url + "/organization", headers={"capgkey": KEYS["super"]}, timeout=5).status_code for _attempt in range(2)]
        assert statuses == [200, 429]
        assert requests.get(url + "/_emulator/log", timeout=5).status_code == 404
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(10) == 0


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed to make a test certificate")
def test_cli_tls(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    proc, lines = _start_cli("--tls-cert", str(cert), "--tls-key", str(key))
    try:
        url = lines["CAPGO_EMULATOR_URL"]
        assert url.startswith("https://127.0.0.1:")
        resp = requests.get(url + "/organization", headers={"capgkey": lines["CAPGO_EMULATOR_KEY"]}, verify=str(cert), timeout=5)
        assert resp.status_code == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0


def test_cli_hang_mode():
    proc, lines = _start_cli("--hang")
    try:
        with pytest.raises(requests.exceptions.ReadTimeout):
            requests.get(lines["CAPGO_EMULATOR_URL"] + "/organization", timeout=0.5)
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0


def test_cli_control_allow_host():
    proc, lines = _start_cli("--control", "--control-allow-host", "capgo-emulator", "--control-allow-host", "other")
    try:
        url = lines["CAPGO_EMULATOR_URL"] + "/_emulator/log"
        assert requests.get(url, headers={"Host": "capgo-emulator:8787"}, timeout=5).status_code == 200
        assert requests.get(url, headers={"Host": "other"}, timeout=5).status_code == 200
        assert requests.get(url, headers={"Host": "third"}, timeout=5).status_code == 403
        assert requests.get(url, timeout=5).status_code == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
