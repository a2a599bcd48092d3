# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Emulator tests: the control API is safe by default (JSON only, loopback Host only, no key values)."""
# pylint: disable=redefined-outer-name

from __future__ import annotations

import json

import pytest
import requests

from emu_testlib import KEYS, ORG_A, CapgoEmulator, make_seed

SEED_ORG_COUNT = len(make_seed()["orgs"])


def control(api, method, what, **kwargs):
    kwargs.setdefault("timeout", 5)
    return requests.request(method, api.url + "/_emulator/" + what, **kwargs)  # pylint: disable=missing-timeout


def org_count(api):
    return len(api.emu.state()["orgs"])


def create_one_more_org(api):
    api.create("Survivor")
    return SEED_ORG_COUNT + 1


# --- JSON only --------------------------------------------------------------
@pytest.mark.parametrize("headers,data", [
    ({"Content-Type": "text/plain"}, "{}"),
    ({"Content-Type": "text/plain;charset=UTF-8"}, json.dumps(make_seed())),
    ({"Content-Type": "application/x-www-form-urlencoded"}, "a=b"),
    ({"Content-Type": "multipart/form-data; boundary=x"}, "--x--"),
    ({}, None),
    ({}, "{}"),
])
def test_control_post_without_json_content_type_is_415_and_does_nothing(api, headers, data):
    expected = create_one_more_org(api)
    resp = control(api, "POST", "reset", headers=headers, data=data)
    assert resp.status_code == 415, resp.text
    assert resp.json()["error"] == "unsupported_media_type"
    assert "application/json" in resp.json()["message"]
    assert org_count(api) == expected


def test_control_put_without_json_content_type_is_415_and_does_nothing(api):
    resp = control(api, "PUT", "faults", headers={"Content-Type": "text/plain"}, data='{"hang": true}')
    assert resp.status_code == 415 and resp.json()["error"] == "unsupported_media_type"
    assert api.emu.faults["hang"] is False
    resp = control(api, "PUT", "config", data='{"docs_shapes": true}')
    assert resp.status_code == 415
    assert api.emu.configure() == {"docs_shapes": False}


def test_control_json_with_charset_parameter_is_accepted(api):
    resp = control(api, "POST", "reset", headers={"Content-Type": "Application/JSON; charset=utf-8"}, data="")
    assert resp.status_code == 200, resp.text
    assert len(resp.json()["orgs"]) == SEED_ORG_COUNT


def test_control_reads_need_no_content_type(api):
    assert control(api, "GET", "log").status_code == 200
    assert control(api, "DELETE", "log").status_code == 200
    assert control(api, "GET", "state").status_code == 200


# --- loopback Host only -------------------------------------------------------
@pytest.mark.parametrize("host", [
    "evil.example", "evil.example:80", "127.0.0.1.evil.example", "localhost.evil.example", "localhost.",
    "[::2]", "0.0.0.0", "10.0.0.1:8080", "127.1", "[::1", "localhost:abc", "localhost:80:80", "",
])
@pytest.mark.parametrize("method,what,kwargs", [
    ("GET", "log", {}), ("GET", "state", {}), ("DELETE", "log", {}),
    ("POST", "reset", {"json": {"orgs": [{"name": "Taken over"}]}}),
    ("PUT", "faults", {"json": {"hang": True}}),
])
def test_control_foreign_host_is_403_and_does_nothing(api, host, method, what, kwargs):
    expected = create_one_more_org(api)
    api.get()
    resp = control(api, method, what, headers={"Host": host}, **kwargs)
    assert resp.status_code == 403, resp.text
    assert resp.json()["error"] == "forbidden_host"
    assert org_count(api) == expected
    assert len(api.emu.request_log) == 2
    assert api.emu.faults["hang"] is False


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST:1234", "127.0.0.1", "127.0.0.1:8787", "127.1.2.3:9",
                                  "[::1]", "[::1]:8787", "[0:0:0:0:0:0:0:1]:1"])
def test_control_loopback_hosts_are_accepted(api, host):
    resp = control(api, "POST", "reset", headers={"Host": host}, json={})
    assert resp.status_code == 200, resp.text
    assert control(api, "GET", "log", headers={"Host": host}).status_code == 200


def test_control_allow_host_adds_a_named_host():
    with CapgoEmulator(control_hosts=["capgo-emulator"]) as emulator:
        url = emulator.url + "/_emulator/log"
        assert requests.get(url, headers={"Host": "capgo-emulator:8787"}, timeout=5).status_code == 200
        assert requests.get(url, headers={"Host": "other-host:8787"}, timeout=5).status_code == 403


def test_api_routes_do_not_check_host(api):
    assert api.get(headers={"Host": "api.capgo.app"}).status_code == 200


def test_control_preflight_is_not_granted(api):
    resp = control(api, "OPTIONS", "reset", headers={"Origin": "https://evil.example",
                                                     "Access-Control-Request-Method": "POST",
                                                     "Access-Control-Request-Headers": "content-type"})
    assert resp.status_code == 404
    assert not any(name.lower().startswith("access-control-") for name in resp.headers)


# --- no key values unless the seed asks -------------------------------------
def test_reset_answers_key_names_without_values_by_default(api):
    resp = control(api, "POST", "reset", json=make_seed())
    assert resp.status_code == 200
    body = resp.json()
    assert "keys" not in body and set(body["key_names"]) == set(KEYS)
    assert not any(value in resp.text for value in KEYS.values())
    default = control(api, "POST", "reset", headers={"Content-Type": "application/json"})
    assert "keys" not in default.json()
    assert not any(value in default.text for value in KEYS.values())


def test_no_control_answer_carries_a_key_value(api):
    api.get()
    texts = [control(api, "GET", what).text for what in ("log", "state", "faults", "connections", "config")]
    texts.append(control(api, "POST", "reset", json=make_seed()).text)
    for text in texts:
        assert not any(value in text for value in KEYS.values()), text


def test_echo_keys_seed_flag_shows_key_values(api):
    seed = dict(make_seed(), echo_keys=True)
    body = control(api, "POST", "reset", json=seed).json()
    assert body["keys"] == KEYS
    assert set(body["key_names"]) == set(KEYS)
    # the flag belongs to that seed: the next reset without it shows names only
    assert "keys" not in control(api, "POST", "reset", json=make_seed()).json()


def test_echo_keys_must_be_a_boolean(api):
    resp = control(api, "POST", "reset", json=dict(make_seed(), echo_keys="yes"))
    assert resp.status_code == 400 and "echo_keys" in resp.json()["message"]
    assert api.get(params={"orgId": ORG_A}).status_code == 200
