# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Emulator tests: routing, response headers, the error envelope, authentication. Real HTTP over loopback, no mocks."""
# pylint: disable=redefined-outer-name

from __future__ import annotations

import time
import uuid

import pytest
import requests

from emu_testlib import (
    ORG_A, ORG_B, JWT, KEYS, assert_error, CapgoEmulator,
)


# ---------------------------------------------------------------------------
# Routing, headers, envelope
# ---------------------------------------------------------------------------

def test_trailing_slash_is_optional(api):
    assert api.get("/organization/").status_code == 200
    assert api.get("/organization/members/", params={"orgId": ORG_A}).status_code == 200


@pytest.mark.parametrize("method,path", [
    ("PATCH", "/organization"), ("GET", "/organization/domains"), ("PUT", "/organization/members"),
    ("GET", "/organizations"), ("GET", "/"), ("POST", "/organization/audit"),
])
def test_unknown_route_or_method_is_404_without_more_info(api, method, path):
    resp = api.call(method, path, "super", json={"orgId": ORG_A})
    assert resp.status_code == 404
    assert resp.json() == {"error": "not_found", "message": "Not found"}
    assert resp.headers["Content-Type"].startswith("application/json")


def test_common_response_headers(api):
    resp = api.get(headers={"X-Request-Id": "my-request_1"})
    assert resp.headers["X-Request-Id"] == "my-request_1"
    assert resp.headers["X-Worker-Source"].startswith("capgo_api-")
    assert resp.headers["Content-Type"].startswith("application/json")
    other = api.get(headers={"X-Request-Id": "bad id!"})
    assert other.headers["X-Request-Id"] != "bad id!"
    assert uuid.UUID(other.headers["X-Request-Id"])
    assert uuid.UUID(api.call("GET", "/nope").headers["X-Request-Id"])


def test_error_envelope_has_exactly_three_keys(api):
    body = assert_error(api.get(key="deadbeef-0000-4000-8000-000000000000"), 401, "invalid_apikey", "Invalid apikey")
    assert body["moreInfo"] == {}


# ---------------------------------------------------------------------------
# Authentication
# ---------------------------------------------------------------------------

def test_middleware_key_reads_capgkey_then_raw_authorization(api):
    assert api.get(key="super", header="capgkey").status_code == 200
    assert api.get(key="super", header="authorization").status_code == 200
    both = api.call("GET", "/organization", headers={"capgkey": KEYS["super"], "authorization": KEYS["member"]})
    assert len(both.json()) == 2
    assert both.status_code == 200


def test_middleware_key_ignores_x_api_key(api):
    assert_error(api.get(key="super", header="x-api-key"), 401, "no_key_provided", "No key provided")
    assert_error(api.delete(key="super", header="x-api-key", params={"orgId": ORG_A}), 401, "no_key_provided")
    assert_error(api.get("/organization/members", key="super", header="x-api-key", params={"orgId": ORG_A}), 401, "no_key_provided")
    assert_error(api.post("/organization/members", key="super", header="x-api-key", json={"orgId": ORG_A}), 401, "no_key_provided")


def test_middleware_key_bearer_and_jwt_are_invalid_apikey(api):
    assert_error(api.get(key=None, headers={"authorization": "Bearer " + KEYS["super"]}), 401, "invalid_apikey")
    assert_error(api.get(key=None, headers={"authorization": JWT}), 401, "invalid_apikey")


def test_no_key_codes_per_middleware(api):
    assert_error(api.get(key=None), 401, "no_key_provided", "No key provided")
    assert_error(api.post(key=None, json={"name": "abc"}), 401, "no_jwt_apikey_or_subkey", "No JWT, apikey or subkey provided")


def test_empty_capgkey_wins_over_a_valid_authorization_on_middleware_key(api):
    # `capgkey ?? authorization`: an empty capgkey header is present, so no key is read.
    headers = {"capgkey": "", "authorization": KEYS["super"]}
    assert_error(api.get(key=None, headers=headers), 401, "no_key_provided", "No key provided")
    assert_error(api.get("/organization/members", key=None, headers=headers, params={"orgId": ORG_A}),
                 401, "no_key_provided")
    assert api.get(key=None, headers={"authorization": KEYS["super"]}).status_code == 200


def test_middleware_auth_accepts_capgkey_x_api_key_and_uuid_authorization(api):
    for header in ("capgkey", "x-api-key", "authorization"):
        resp = api.put(key="super", header=header, json={"orgId": ORG_A})
        assert resp.status_code == 200, (header, resp.text)


def test_middleware_auth_uuid_authorization_overrides_capgkey(api):
    resp = api.put(headers={"authorization": KEYS["member"], "capgkey": KEYS["super"]}, key=None, json={"orgId": ORG_A})
    assert_error(resp, 400, "cannot_access_organization")


def test_middleware_auth_non_uuid_authorization_is_jwt_path(api):
    assert_error(api.put(headers={"authorization": "Bearer " + KEYS["super"]}, key=None, json={"orgId": ORG_A}),
                 401, "invalid_jwt", "Invalid JWT")
    assert_error(api.put(headers={"authorization": "nonsense", "capgkey": KEYS["super"]}, key=None, json={"orgId": ORG_A}),
                 401, "invalid_jwt")


def test_seeded_jwt_is_accepted_with_or_without_bearer(api):
    assert api.put(headers={"authorization": "Bearer " + JWT}, key=None, json={"orgId": ORG_A}).status_code == 200
    assert api.put(headers={"authorization": JWT}, key=None, json={"orgId": ORG_A}).status_code == 200
    resp = api.post(headers={"authorization": JWT}, key=None, json={"name": "By JWT"})
    assert resp.status_code == 200
    assert api.emu.state()["orgs"][-1]["created_by"] == next(u["id"] for u in api.emu.state()["users"] if u["email"] == "jwt@example.com")


def test_expired_key_is_invalid_apikey(api):
    assert_error(api.get(key="expired"), 401, "invalid_apikey", "Invalid apikey")
    assert_error(api.put(key="expired", json={"orgId": ORG_A}), 401, "invalid_apikey")


def test_subkey_header_rules(api):
    assert_error(api.get(key="super", headers={"x-limited-key-id": "abc"}), 401, "invalid_subkey", "Invalid x-limited-key-id")
    assert_error(api.get(key=None, headers={"x-limited-key-id": "0"}), 401, "invalid_subkey")
    assert_error(api.get(key="super", headers={"x-limited-key-id": "7"}), 401, "invalid_subkey", "Invalid subkey")
    resp = api.get(key="super", headers={"x-limited-key-id": "500"})
    assert resp.status_code == 200
    assert [o["id"] for o in resp.json()] == [ORG_B]


def test_require_apikey_expiration_lockout_routes(api):
    assert api.put(json={"orgId": ORG_A, "require_apikey_expiration": True}).status_code == 200
    expiring = "This organization requires API keys with an expiration date."
    body = assert_error(api.get(params={"orgId": ORG_A}), 401, "org_requires_expiring_key")
    assert body["message"].startswith(expiring)
    assert_error(api.put(json={"orgId": ORG_A}), 401, "org_requires_expiring_key")
    assert_error(api.get("/organization/members", params={"orgId": ORG_A}), 401, "org_requires_expiring_key")
    assert_error(api.get("/organization/audit", params={"orgId": ORG_A}), 401, "org_requires_expiring_key")
    # routes that do not apply the policy
    assert ORG_A in [o["id"] for o in api.get().json()]
    assert api.post(json={"name": "Still allowed"}).status_code == 200
    invite = api.post("/organization/members", json={"orgId": ORG_A, "email": "carol@example.com", "invite_type": "org_member"})
    assert invite.status_code == 200
    assert api.delete("/organization/members", params={"orgId": ORG_A, "email": "carol@example.com"}).status_code == 200
    # a key with an expiry still works
    assert api.get(key="expiring", params={"orgId": ORG_A}).status_code == 200
    assert api.delete(params={"orgId": ORG_A}).status_code == 200


def test_enforce_hashed_keys_invalidates_plaintext_keys_everywhere(api):
    resp = api.put(key="hashed", json={"orgId": ORG_A, "enforce_hashed_api_keys": True})
    assert resp.status_code == 200
    assert resp.json()["data"]["enforce_hashed_api_keys"] is True
    # plaintext key bound to ORG_A is now invalid even for ORG_B routes
    assert_error(api.get(key="super", params={"orgId": ORG_B}), 401, "invalid_apikey")
    assert_error(api.get(key="member"), 401, "invalid_apikey")
    # the hashed key and keys without bindings in ORG_A still work
    assert api.get(key="hashed", params={"orgId": ORG_A}).status_code == 200
    assert api.get(key="other", params={"orgId": ORG_B}).status_code == 200


def test_plaintext_key_enabling_hashed_enforcement_locks_itself_out(api):
    assert api.put(key="other", json={"orgId": ORG_B, "enforce_hashed_api_keys": True}).status_code == 200
    assert_error(api.get(key="other"), 401, "invalid_apikey")


def test_failed_auth_limiter_per_ip(api):
    ip = {"x-forwarded-for": "10.9.8.7, 10.0.0.1"}
    for _attempt in range(20):
        assert_error(api.get(key="deadbeef-0000-4000-8000-000000000000", headers=ip), 401, "invalid_apikey")
    resp = api.get(key="super", headers=ip)
    body = assert_error(resp, 429, "too_many_requests", "Too many requests")
    assert body["moreInfo"]["reason"] == "too_many_failed_auth_attempts"
    assert 0 < body["moreInfo"]["retryAfterSeconds"] <= 900
    assert int(resp.headers["Retry-After"]) == body["moreInfo"]["retryAfterSeconds"]
    assert int(resp.headers["X-RateLimit-Reset"]) >= time.time()
    assert api.get(key="super", headers={"x-forwarded-for": "10.9.8.8"}).status_code == 200
    assert api.get(key="super", headers={"cf-connecting-ip": "10.9.8.7"}).status_code == 429
    assert api.get(key="super", headers={"x-real-ip": "10.9.8.7"}).status_code == 429


def test_failed_auth_without_ip_headers_is_not_recorded(api):
    for _attempt in range(25):
        api.get(key=None)
    assert api.get().status_code == 200


def test_per_key_rate_limit():
    with CapgoEmulator(rate_limit_per_key=5) as emulator:
        headers = {"capgkey": emulator.admin_key}
        statuses = [requests.get(emulator.url + "/organization", headers=headers, timeout=5).status_code for _attempt in range(4)]
        assert statuses == [200, 200, 200, 200]
        resp = requests.get(emulator.url + "/organization", headers=headers, timeout=5)
        body = assert_error(resp, 429, "too_many_requests")
        assert body["moreInfo"]["reason"] == "api_key_rate_limit_exceeded"
        assert isinstance(body["moreInfo"]["apikey_id"], int)
        assert resp.headers["Retry-After"] == "60"
