# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the local Capgo API emulator: real HTTP over loopback, no mocks."""
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

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from capgo_emulator import CapgoEmulator  # noqa: E402  pylint: disable=wrong-import-position

ORG_A = "11111111-1111-4111-8111-111111111111"
ORG_B = "22222222-2222-4222-8222-222222222222"
ORG_2FA = "33333333-3333-4333-8333-333333333333"
ORG_BAD = "44444444-4444-4444-8444-444444444444"
MISSING_ORG = "99999999-9999-4999-8999-999999999999"
JWT = "header.payload.signature-of-jwt-user"
JWT_MEMBER = "header.payload.signature-of-jwt-member"

KEYS = {
    "super": "aaaaaaaa-0000-4000-8000-000000000001",
    "admin": "aaaaaaaa-0000-4000-8000-000000000002",
    "member": "aaaaaaaa-0000-4000-8000-000000000003",
    "billing": "aaaaaaaa-0000-4000-8000-000000000004",
    "other": "aaaaaaaa-0000-4000-8000-000000000005",
    "member_creator": "aaaaaaaa-0000-4000-8000-000000000006",
    "expired": "aaaaaaaa-0000-4000-8000-000000000007",
    "expiring": "aaaaaaaa-0000-4000-8000-000000000008",
    "hashed": "aaaaaaaa-0000-4000-8000-000000000009",
    "owner2fa": "aaaaaaaa-0000-4000-8000-00000000000a",
    "reader": "aaaaaaaa-0000-4000-8000-00000000000b",
    "sub": "aaaaaaaa-0000-4000-8000-00000000000c",
}


def make_seed():
    return {
        "users": [
            {"email": "admin@example.com"},
            {"email": "alice@example.com"},
            {"email": "bob@example.com"},
            {"email": "carol@example.com"},
            {"email": "Mixed@Example.com"},
            {"email": "twofa@example.com", "has_2fa": True},
            {"email": "jwt@example.com", "jwt": JWT},
            {"email": "jwtmember@example.com", "jwt": JWT_MEMBER},
        ],
        "orgs": [
            {"id": ORG_A, "name": "Org A", "created_by": "admin@example.com", "website": "https://a.example/",
             "members": [{"email": "admin@example.com", "role": "org_super_admin"},
                         {"email": "alice@example.com", "role": "org_admin"},
                         {"email": "bob@example.com", "role": "org_member"},
                         {"email": "jwt@example.com", "role": "org_admin"},
                         {"email": "jwtmember@example.com", "role": "org_member"}]},
            {"id": ORG_B, "name": "Org B", "created_by": "carol@example.com"},
            {"id": ORG_2FA, "name": "Org 2FA", "created_by": "twofa@example.com"},
            {"id": ORG_BAD, "name": "Org Bad", "created_by": "admin@example.com", "management_email": "not-an-email"},
        ],
        "keys": [
            {"name": "super", "key": KEYS["super"], "owner": "admin@example.com", "org_create": True,
             "roles": {ORG_A: "org_super_admin", "Org B": "org_super_admin"}},
            {"name": "admin", "key": KEYS["admin"], "owner": "alice@example.com", "roles": {ORG_A: "org_admin"}},
            {"name": "member", "key": KEYS["member"], "owner": "bob@example.com", "roles": {ORG_A: "org_member"}},
            {"name": "billing", "key": KEYS["billing"], "owner": "bob@example.com", "roles": {ORG_A: "org_billing_admin"}},
            {"name": "other", "key": KEYS["other"], "owner": "carol@example.com", "roles": {ORG_B: "org_super_admin"}},
            {"name": "member_creator", "key": KEYS["member_creator"], "owner": "bob@example.com", "org_create": True,
             "roles": {ORG_A: "org_member"}},
            {"name": "expired", "key": KEYS["expired"], "owner": "admin@example.com", "expires_at": "2020-01-01T00:00:00Z",
             "roles": {ORG_A: "org_super_admin"}},
            {"name": "expiring", "key": KEYS["expiring"], "owner": "admin@example.com", "expires_at": "2099-01-01T00:00:00Z",
             "roles": {ORG_A: "org_super_admin"}},
            {"name": "hashed", "key": KEYS["hashed"], "owner": "admin@example.com", "hashed": True,
             "roles": {ORG_A: "org_super_admin"}},
            {"name": "owner2fa", "key": KEYS["owner2fa"], "owner": "twofa@example.com", "roles": {ORG_2FA: "org_super_admin"}},
            {"name": "reader", "key": KEYS["reader"], "owner": "admin@example.com",
             "roles": {ORG_A: "apikey_org_reader", ORG_BAD: "org_super_admin"}},
            {"name": "sub", "key": KEYS["sub"], "id": 500, "owner": "admin@example.com", "subkey_of": "super",
             "roles": {ORG_B: "org_member"}},
        ],
        "missing_storage_objects": ["org/missing/logo.png"],
    }


@pytest.fixture(scope="module")
def emu():
    emulator = CapgoEmulator(seed=make_seed(), control=True)
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.fixture()
def api(emu):
    emu.reset(make_seed())
    emu.set_faults(fault_429_every=0, fault_503_every=0, drop_after_post_every=0, latency_ms=0, hang=False, retry_after=1)
    emu.clear_log()
    return Client(emu)


class Client:
    """Tiny helper around requests for the emulator."""

    def __init__(self, emulator):
        self.emu = emulator
        self.url = emulator.url

    def call(self, method, path, key=None, header="capgkey", headers=None, **kwargs):
        all_headers = dict(headers or {})
        if key is not None:
            all_headers[header] = KEYS.get(key, key)
        kwargs.setdefault("timeout", 10)
        return requests.request(method, self.url + path, headers=all_headers, **kwargs)  # pylint: disable=missing-timeout

    def get(self, path="/organization", key="super", **kwargs):
        return self.call("GET", path, key, **kwargs)

    def post(self, path="/organization", key="super", **kwargs):
        return self.call("POST", path, key, **kwargs)

    def put(self, path="/organization", key="super", **kwargs):
        return self.call("PUT", path, key, **kwargs)

    def delete(self, path="/organization", key="super", **kwargs):
        return self.call("DELETE", path, key, **kwargs)

    def create(self, name="Created org", key="super", **body):
        body["name"] = name
        resp = self.post(key=key, json=body)
        assert resp.status_code == 200, resp.text
        return resp.json()["id"]

    def row(self, org_id, key="super"):
        resp = self.put(key=key, json={"orgId": org_id})
        assert resp.status_code == 200, resp.text
        return resp.json()["data"]


def assert_error(resp, status, code, message=None):
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["error"] == code, body
    assert set(body) == {"error", "message", "moreInfo"}, body
    if message is not None:
        assert body["message"] == message
    return body


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


# ---------------------------------------------------------------------------
# getBodyOrQuery
# ---------------------------------------------------------------------------

def test_get_page_in_query_is_invalid_body(api):
    for page in ("1", "0"):
        body = assert_error(api.get(params={"page": page}), 400, "invalid_body", "Invalid body")
        error = body["moreInfo"]["error"]
        assert error["name"] == "SchemaError"
        issue = error["issues"][0]
        assert issue["code"] == "invalid_type" and issue["expected"] == "number" and issue["path"] == ["page"]
        assert "message" in issue


def test_get_page_in_json_body_works(api):
    api.emu.reset({"users": [{"email": "a@example.com"}], "keys": [{"name": "k", "key": KEYS["super"], "owner": "a@example.com"}],
                   "bulk_orgs": [{"count": 120, "name_prefix": "bulk-", "key_roles": {"k": "org_admin"}}]})
    pages = [api.get(json={"page": n}).json() for n in range(4)]
    assert [len(p) for p in pages] == [50, 50, 20, 0]
    names = [o["name"] for p in pages for o in p]
    assert names == ["bulk-%d" % i for i in range(1, 121)]
    assert len(api.get().json()) == 50


def test_json_body_wins_over_query(api):
    resp = api.get(params={"orgId": ORG_A}, json={"page": 0})
    assert isinstance(resp.json(), list)


def test_json_body_read_regardless_of_content_type(api):
    resp = api.put(data=json.dumps({"orgId": ORG_A}), headers={"Content-Type": "text/plain"})
    assert resp.status_code == 200


@pytest.mark.parametrize("method,path", [
    ("POST", "/organization"), ("PUT", "/organization"), ("DELETE", "/organization"),
    ("POST", "/organization/members"), ("DELETE", "/organization/members"),
])
@pytest.mark.parametrize("body", [None, "{}", "null", "[]", "not json"])
def test_empty_body_on_non_get_is_invalid_json_parse_body(api, method, path, body):
    resp = api.call(method, path, "super", data=body)
    assert_error(resp, 400, "invalid_json_parse_body", "Invalid JSON body")


def test_query_fallback_on_non_get(api):
    assert api.delete("/organization/members", params={"orgId": ORG_A, "email": "bob@example.com"}).status_code == 200
    assert api.put(params={"orgId": ORG_A}).status_code == 200


def test_get_with_empty_query_is_list(api):
    assert isinstance(api.get().json(), list)


def test_unknown_keys_are_dropped(api):
    org_id = api.create("Extra keys", orgId=ORG_B, foo="bar")
    assert org_id != ORG_B
    assert "foo" not in api.row(org_id)


# ---------------------------------------------------------------------------
# GET /organization
# ---------------------------------------------------------------------------

def test_get_single_bare_object_nine_fields(api):
    resp = api.get(params={"orgId": ORG_A})
    assert resp.status_code == 200
    body = resp.json()
    assert list(body) == ["id", "created_by", "created_at", "updated_at", "logo", "name", "management_email", "customer_id", "website"]
    assert body["id"] == ORG_A and body["name"] == "Org A" and body["website"] == "https://a.example/"
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?\+00:00$", body["created_at"])


def test_get_list_bare_array_only_readable_orgs(api):
    ids = [o["id"] for o in api.get(key="admin").json()]
    assert ids == [ORG_A]
    assert sorted(o["id"] for o in api.get(key="super").json()) == sorted([ORG_A, ORG_B])
    assert len(api.get(key="member").json()[0]) == 9


@pytest.mark.parametrize("org_id", [ORG_B, MISSING_ORG, "not-a-uuid"])
def test_get_single_denied_is_400_invalid_org_id(api, org_id):
    body = assert_error(api.get(key="admin", params={"orgId": org_id}), 400, "invalid_org_id", "You can't access this organization")
    assert body["moreInfo"] == {"org_id": org_id}


def test_get_every_role_can_read(api):
    for key in ("super", "admin", "member", "billing", "reader"):
        assert api.get(key=key, params={"orgId": ORG_A}).status_code == 200, key


def test_get_unparseable_org(api):
    assert_error(api.get(key="reader", params={"orgId": ORG_BAD}), 400, "cannot_parse_organization")
    assert_error(api.get(key="reader"), 400, "cannot_parse_organizations")


def test_get_negative_page(api):
    assert_error(api.get(json={"page": -1}), 400, "cannot_get_organizations")


# ---------------------------------------------------------------------------
# POST /organization
# ---------------------------------------------------------------------------

def test_post_returns_only_id_and_side_effects(api):
    resp = api.post(json={"name": "New org"})
    assert resp.status_code == 200
    body = resp.json()
    assert list(body) == ["id"]
    org_id = body["id"]
    assert uuid.UUID(org_id)
    got = api.get(params={"orgId": org_id}).json()
    assert got["customer_id"] == "pending_" + org_id
    assert got["management_email"] == "admin@example.com"
    state = api.emu.state()
    org = next(o for o in state["orgs"] if o["id"] == org_id)
    admin = next(u for u in state["users"] if u["email"] == "admin@example.com")
    assert org["created_by"] == admin["id"]
    assert org["members"] == [{"uid": admin["id"], "email": "admin@example.com", "role": "org_super_admin", "is_tmp": False}]
    key = next(k for k in state["keys"] if k["name"] == "super")
    assert key["roles"][org_id] == "org_super_admin"
    assert org["onboarding"] == {"intent": "unknown"}


def test_post_names_not_unique(api):
    assert api.create("Same") != api.create("Same")


def test_post_validation_errors(api):
    assert_error(api.post(json={"name": "ab"}), 400, "invalid_body")
    assert_error(api.post(json={"name": ""}), 400, "invalid_body")
    assert_error(api.post(json={"name": "abc", "estimatedMau": 1000001}), 400, "invalid_body")
    assert_error(api.post(json={"name": "abc", "estimatedMau": 1.5}), 400, "invalid_body")
    assert_error(api.post(json={"name": "abc", "intent": "other"}), 400, "invalid_body")
    assert api.post(json={"name": "abc", "estimatedMau": 1000000, "intent": "ota"}).status_code == 200


def test_post_website_validated_before_permission(api):
    body = assert_error(api.post(key="member", json={"name": "abc", "website": "ftp://capgo.app"}), 400, "invalid_body")
    assert body["moreInfo"] == {"error": "website_must_be_a_valid_url"}
    assert_error(api.post(key="member", json={"name": "abc", "website": "https://capgo.app"}), 403, "permission_denied")


@pytest.mark.parametrize("key", ["admin", "member", "member_creator", "other"])
def test_post_requires_org_create_and_admin_binding(api, key):
    assert_error(api.post(key=key, json={"name": "Nope"}), 403, "permission_denied", "Permission denied: org.create")


def test_post_name_min_length_on_raw_and_db_sanitising(api):
    org_id = api.create("<b></b>")
    assert api.row(org_id)["name"] == ""
    org_id = api.create("\tAcme\n")
    assert api.row(org_id)["name"] == "\tAcme\n"
    org_id = api.create("  <i>Acme</i> Inc  ")
    assert api.row(org_id)["name"] == "Acme Inc"


def test_post_email_rules(api):
    assert_error(api.post(json={"name": "abc", "email": " a@b.co"}), 400, "invalid_body")
    assert_error(api.post(json={"name": "abc", "email": "a..b@x.co"}), 400, "invalid_body")
    assert_error(api.post(json={"name": "abc", "email": ".a@x.co"}), 400, "invalid_body")
    assert_error(api.post(json={"name": "abc", "email": "a@x.c"}), 400, "invalid_body")
    org_id = api.create("abc", email="Billing+X@Example.COM")
    assert api.row(org_id)["management_email"] == "Billing+X@Example.COM"


def test_deleted_ids_never_reused(api):
    org_id = api.create("Temp")
    assert api.delete(params={"orgId": org_id}).status_code == 200
    assert org_id in api.emu.state()["tombstones"]
    assert_error(api.get(params={"orgId": org_id}), 400, "invalid_org_id")


# ---------------------------------------------------------------------------
# Website table (fact sheet 3.1), row by row
# ---------------------------------------------------------------------------

WEBSITE_TABLE = [
    ("HTTPS://capgo.app", "https://capgo.app/"),
    ("https://created-by-apikey.example", "https://created-by-apikey.example/"),
    ("https://www.capgo.app/docs", "https://www.capgo.app/docs"),
    ("example.com", "https://example.com/"),
    ("example.com:3000", "https://example.com:3000/"),
    ("http://example.com", "http://example.com/"),
    ("ftp://capgo.app", None),
    ("https://user:pass@capgo.app", None),
    ("user:pass@example.com", None),
    ("Example.COM", "https://example.com/"),
    ("https://example.com:443/", "https://example.com/"),
    ("HTTP://CAPGO.APP/Docs/", "http://capgo.app/Docs/"),
    ("m\u00fcnchen.de", "https://xn--mnchen-3ya.de/"),
    ("  capgo.app  ", "https://capgo.app/"),
    ("//capgo.app", "https://capgo.app/"),
    ("https://capgo.app/a/../b", "https://capgo.app/b"),
    ("mailto:a@b.com", None),
    ("https://capgo.app/a b?q=1#f", "https://capgo.app/a%20b?q=1#f"),
]


@pytest.mark.parametrize("given,stored", WEBSITE_TABLE)
def test_website_normalisation_on_put(api, given, stored):
    resp = api.put(json={"orgId": ORG_A, "website": given})
    if stored is None:
        assert assert_error(resp, 400, "invalid_body")["moreInfo"] == {"error": "website_must_be_a_valid_url"}
    else:
        assert resp.status_code == 200, resp.text
        assert resp.json()["data"]["website"] == stored
        assert api.get(params={"orgId": ORG_A}).json()["website"] == stored


@pytest.mark.parametrize("given,stored", WEBSITE_TABLE[:4] + WEBSITE_TABLE[6:9])
def test_website_normalisation_on_post(api, given, stored):
    resp = api.post(json={"name": "Web", "website": given})
    if stored is None:
        assert assert_error(resp, 400, "invalid_body")["moreInfo"] == {"error": "website_must_be_a_valid_url"}
    else:
        assert api.get(params={"orgId": resp.json()["id"]}).json()["website"] == stored


@pytest.mark.parametrize("given", ["", "   ", None])
def test_website_clearing_on_put(api, given):
    resp = api.put(json={"orgId": ORG_A, "website": given})
    assert resp.status_code == 200
    assert resp.json()["data"]["website"] is None


def test_website_empty_on_post_is_null(api):
    assert api.row(api.create("Web", website="   "))["website"] is None
    assert_error(api.post(json={"name": "Web", "website": None}), 400, "invalid_body")


# ---------------------------------------------------------------------------
# PUT /organization
# ---------------------------------------------------------------------------

def test_put_response_shape_and_full_row(api):
    resp = api.put(json={"orgId": ORG_A, "management_email": "ops@example.com"})
    assert resp.status_code == 200
    body = resp.json()
    assert list(body) == ["status", "id", "data"]
    assert body["status"] == "Organization updated" and body["id"] == ORG_A
    data = body["data"]
    assert len(data) == 22
    assert data["management_email"] == "ops@example.com"
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", data["created_at"])
    assert data["email_preferences"]["weekly_stats"] is True
    assert data["onboarding"] == {"intent": "unknown"}


def test_put_only_org_id_writes_nothing(api):
    before = api.emu.state()["audit_rows"]
    data = api.row(ORG_A)
    assert data["name"] == "Org A"
    assert api.emu.state()["audit_rows"] == before
    assert api.put(json={"orgId": ORG_A, "unknown": 1}).status_code == 200
    assert api.emu.state()["audit_rows"] == before


def test_updated_at_never_moves(api):
    before = api.get(params={"orgId": ORG_A}).json()["updated_at"]
    time.sleep(0.01)
    api.put(json={"orgId": ORG_A, "name": "Renamed"})
    after = api.get(params={"orgId": ORG_A}).json()
    assert after["updated_at"] == before and after["name"] == "Renamed"


@pytest.mark.parametrize("key,org_id", [("member", ORG_A), ("billing", ORG_A), ("reader", ORG_A), ("admin", ORG_B),
                                        ("super", MISSING_ORG), ("super", "not-a-uuid")])
def test_put_denied_is_400_cannot_access_organization(api, key, org_id):
    body = assert_error(api.put(key=key, json={"orgId": org_id, "name": "x"}), 400, "cannot_access_organization",
                        "You can't access this organization")
    assert body["moreInfo"] == {"orgId": org_id}


def test_put_admin_allowed(api):
    assert api.put(key="admin", json={"orgId": ORG_A, "name": "By admin"}).status_code == 200


def test_put_permission_checked_before_ranges(api):
    assert_error(api.put(key="member", json={"orgId": ORG_A, "max_apikey_expiration_days": 0}), 400, "cannot_access_organization")


def test_put_schema_errors(api):
    assert_error(api.put(json={"name": "x"}), 400, "invalid_body")
    assert_error(api.put(json={"orgId": ORG_A, "name": None}), 400, "invalid_body")
    assert_error(api.put(json={"orgId": ORG_A, "logo": None}), 400, "invalid_body")
    assert_error(api.put(json={"orgId": ORG_A, "require_apikey_expiration": "true"}), 400, "invalid_body")
    assert_error(api.put(json={"orgId": ORG_A, "management_email": "nope"}), 400, "invalid_body")


def test_put_name_sanitising(api):
    cases = {"  Acme  ": "Acme", "<b>Acme</b> Inc": "Acme Inc", "<script>x</script>Acme": "xAcme", "\tAcme\n": "Acme"}
    for given, stored in cases.items():
        assert api.put(json={"orgId": ORG_A, "name": given}).json()["data"]["name"] == stored
    body = assert_error(api.put(json={"orgId": ORG_A, "name": "<br>"}), 400, "invalid_body")
    assert body["moreInfo"] == {"error": "sanitized_name_empty"}
    assert_error(api.put(json={"orgId": ORG_A, "name": " \t "}), 400, "invalid_body")


@pytest.mark.parametrize("value,ok", [(1, True), (365, True), (None, True), (0, False), (366, False), (1.5, False)])
def test_put_max_apikey_expiration_days(api, value, ok):
    resp = api.put(json={"orgId": ORG_A, "max_apikey_expiration_days": value})
    if ok:
        assert resp.json()["data"]["max_apikey_expiration_days"] == value
    else:
        assert_error(resp, 400, "invalid_max_expiration_days", "Maximum expiration days must be between 1 and 365")


def test_put_required_encryption_key(api):
    assert_error(api.put(json={"orgId": ORG_A, "required_encryption_key": "too-short"}), 400, "invalid_required_encryption_key",
                 "Encryption key fingerprint must be 20 or 21 characters")
    assert api.put(json={"orgId": ORG_A, "required_encryption_key": " " + "k" * 21 + " "}).json()["data"]["required_encryption_key"] == "k" * 21
    assert api.put(json={"orgId": ORG_A, "required_encryption_key": "   "}).json()["data"]["required_encryption_key"] is None


def test_put_password_policy_config(api):
    policy = {"enabled": True, "min_length": 12, "require_uppercase": True, "require_number": False, "require_special": True, "x": 1}
    data = api.put(json={"orgId": ORG_A, "password_policy_config": policy}).json()["data"]
    assert data["password_policy_config"] == {k: v for k, v in policy.items() if k != "x"}
    for bad in ({**policy, "min_length": 73}, {**policy, "min_length": 5}, {"enabled": True}, {**policy, "enabled": "yes"}):
        assert_error(api.put(json={"orgId": ORG_A, "password_policy_config": bad}), 400, "invalid_body")
    assert api.put(json={"orgId": ORG_A, "password_policy_config": None}).json()["data"]["password_policy_config"] is None


def test_put_enforcing_2fa(api):
    assert_error(api.put(json={"orgId": ORG_A, "enforcing_2fa": True}), 400, "requires_2fa_to_enforce_2fa",
                 "You must enable 2FA before enforcing it for your organization")
    body = assert_error(api.put(key="owner2fa", json={"orgId": ORG_2FA, "enforcing_2fa": True}), 400, "cannot_update_org")
    assert "row-level security" in body["moreInfo"]["error"]
    assert api.put(key="owner2fa", json={"orgId": ORG_2FA, "enforcing_2fa": False}).status_code == 200


def test_put_security_settings_round_trip(api):
    data = api.put(json={"orgId": ORG_A, "enforce_encrypted_bundles": True, "require_apikey_expiration": False}).json()["data"]
    assert data["enforce_encrypted_bundles"] is True


# ---------------------------------------------------------------------------
# Logo
# ---------------------------------------------------------------------------

def test_logo_stored_as_path_and_read_as_signed_url(api):
    data = api.put(json={"orgId": ORG_A, "logo": "https://sb.capgo.app/storage/v1/object/sign/images/org/a/logo.png?token=old"}).json()["data"]
    assert api.emu.state()["orgs"][0]["logo"] == "org/a/logo.png"
    prefix = api.emu.url + "/storage/v1/object/sign/images/org/a/logo.png?token="
    assert data["logo"].startswith(prefix)
    first = api.get(params={"orgId": ORG_A}).json()["logo"]
    second = api.get(params={"orgId": ORG_A}).json()["logo"]
    assert first.startswith(prefix) and second.startswith(prefix) and first != second


@pytest.mark.parametrize("given,stored", [
    ("/images/x.png", "images/x.png"), ("images/org/x.png", "org/x.png"), ("//org/x.png", "org/x.png"),
    ("https://cdn.example.com/logo.png", "https://cdn.example.com/logo.png"), ("", ""), ("   ", ""),
    ("https://h/storage/v1/object/public/images/org/a%20b.png", "org/a b.png"),
])
def test_logo_write_normalisation(api, given, stored):
    assert api.put(json={"orgId": ORG_A, "logo": given}).status_code == 200
    assert api.emu.state()["orgs"][0]["logo"] == stored


def test_logo_external_and_empty_echoed(api):
    api.put(json={"orgId": ORG_A, "logo": "https://cdn.example.com/logo.png"})
    assert api.get(params={"orgId": ORG_A}).json()["logo"] == "https://cdn.example.com/logo.png"
    api.put(json={"orgId": ORG_A, "logo": ""})
    assert api.get(params={"orgId": ORG_A}).json()["logo"] == ""
    assert api.get(params={"orgId": ORG_B}).json()["logo"] is None


def test_logo_missing_storage_object_reads_null(api):
    data = api.put(json={"orgId": ORG_A, "logo": "org/missing/logo.png"}).json()["data"]
    assert data["logo"] is None
    assert api.get(params={"orgId": ORG_A}).json()["logo"] is None


def test_logo_base_url_option():
    with CapgoEmulator(base_url="https://sb.example.test") as emulator:
        headers = {"capgkey": emulator.admin_key}
        org_id = emulator.state()["orgs"][0]["id"]
        resp = requests.put(emulator.url + "/organization", json={"orgId": org_id, "logo": "org/x.png"}, headers=headers, timeout=5)
        assert resp.json()["data"]["logo"].startswith("https://sb.example.test/storage/v1/object/sign/images/org/x.png?token=")


# ---------------------------------------------------------------------------
# DELETE /organization
# ---------------------------------------------------------------------------

def test_delete_ok_from_query_or_body(api):
    assert api.delete(params={"orgId": ORG_A}).json() == {"status": "ok"}
    assert api.delete(json={"orgId": ORG_B}).json() == {"status": "ok"}
    assert [o["id"] for o in api.emu.state()["orgs"] if o["id"] in (ORG_A, ORG_B)] == []
    assert ORG_A not in api.emu.state()["keys"][0]["roles"]


@pytest.mark.parametrize("key,org_id", [("admin", ORG_A), ("member", ORG_A), ("other", ORG_A), ("super", MISSING_ORG), ("super", "x")])
def test_delete_denied_is_403_invalid_org_id(api, key, org_id):
    body = assert_error(api.delete(key=key, params={"orgId": org_id}), 403, "invalid_org_id", "You can't delete this organization")
    assert body["moreInfo"] == {"org_id": org_id}


def test_delete_missing_org_id(api):
    assert_error(api.delete(json={"foo": 1}), 400, "missing_org_id", "Missing orgId")
    assert_error(api.delete(params={"orgId": ""}), 400, "missing_org_id")


# ---------------------------------------------------------------------------
# Members
# ---------------------------------------------------------------------------

def test_members_get_bare_array(api):
    resp = api.get("/organization/members", params={"orgId": ORG_A})
    assert resp.status_code == 200
    members = resp.json()
    assert isinstance(members, list)
    assert members[0] == {"uid": members[0]["uid"], "email": "admin@example.com", "image_url": "", "role": "org_super_admin", "is_tmp": False}
    assert {m["email"] for m in members} == {"admin@example.com", "alice@example.com", "bob@example.com", "jwt@example.com",
                                             "jwtmember@example.com"}


@pytest.mark.parametrize("key", ["billing", "reader", "other"])
def test_members_get_denied(api, key):
    assert_error(api.get("/organization/members", key=key, params={"orgId": ORG_A}), 400, "cannot_access_organization")


def test_members_get_allowed_for_member_and_missing_org_id(api):
    assert api.get("/organization/members", key="member", params={"orgId": ORG_A}).status_code == 200
    assert_error(api.get("/organization/members"), 400, "invalid_body")


@pytest.mark.parametrize("invite_type,role", [
    ("org_member", "org_member"), ("read", "org_member"), ("upload", "org_member"), ("write", "org_member"),
    ("invite_read", "org_member"), ("invite_upload", "org_member"), ("invite_write", "org_member"),
    ("org_billing_admin", "org_billing_admin"), ("org_admin", "org_admin"), ("admin", "org_admin"), ("invite_admin", "org_admin"),
    ("org_super_admin", "org_super_admin"), ("super_admin", "org_super_admin"), ("invite_super_admin", "org_super_admin"),
])
def test_members_invite_types(api, invite_type, role):
    resp = api.post("/organization/members", json={"orgId": ORG_A, "email": "carol@example.com", "invite_type": invite_type})
    assert resp.status_code == 200 and resp.json() == {"status": "ok"}
    member = [m for m in api.get("/organization/members", params={"orgId": ORG_A}).json() if m["email"] == "carol@example.com"]
    assert member[0]["role"] == role and member[0]["is_tmp"] is True


def test_members_invite_errors(api):
    def invite(email="carol@example.com", invite_type="org_member", key="super", org_id=ORG_A):
        return api.post("/organization/members", key=key, json={"orgId": org_id, "email": email, "invite_type": invite_type})

    assert_error(invite(invite_type="owner"), 400, "invalid_body")
    assert_error(api.post("/organization/members", json={"orgId": ORG_A, "email": "carol@example.com", "role": "read"}), 400, "invalid_body")
    assert_error(invite(email="nope"), 400, "invalid_body")
    assert invite().status_code == 200
    assert assert_error(invite(), 400, "error_inviting_user_to_organization")["moreInfo"] == {"data": "ALREADY_INVITED"}
    assert invite(email="bob@example.com").json()["moreInfo"] == {"data": "ALREADY_INVITED"}
    assert invite(email="stranger@example.com").json()["moreInfo"] == {"data": "NO_EMAIL"}
    assert invite(email="mixed@example.com").json()["moreInfo"] == {"data": "NO_EMAIL"}
    assert_error(invite(key="member"), 400, "cannot_access_organization")
    assert_error(invite(org_id=MISSING_ORG), 400, "cannot_access_organization")


def test_members_invite_no_rights_by_rank(api):
    resp = api.post("/organization/members", key="admin", json={"orgId": ORG_A, "email": "carol@example.com", "invite_type": "org_super_admin"})
    assert assert_error(resp, 400, "error_inviting_user_to_organization")["moreInfo"] == {"data": "NO_RIGHTS"}
    resp = api.post("/organization/members", key="admin", json={"orgId": ORG_A, "email": "carol@example.com", "invite_type": "org_admin"})
    assert resp.status_code == 200


def test_members_delete(api):
    def remove(email, key="super", org_id=ORG_A, **kwargs):
        return api.delete("/organization/members", key=key, params={"orgId": org_id, "email": email}, **kwargs)

    assert_error(remove("stranger@example.com"), 404, "user_not_found", "User not found")
    body = assert_error(remove("carol@example.com"), 404, "organization_member_not_found", "User is not a member of this organization")
    assert body["moreInfo"] == {"orgId": ORG_A, "email": "carol@example.com"}
    assert_error(remove("bob@example.com", key="member"), 400, "cannot_access_organization")
    assert_error(remove("bob@example.com", key="other"), 400, "cannot_access_organization")
    assert_error(remove("admin@example.com", key="admin"), 403, "cannot_delete_higher_priority_role",
                 "Cannot delete a member with a role higher than your own")
    assert_error(remove("admin@example.com"), 400, "CANNOT_REMOVE_LAST_SUPER_ADMIN", "Cannot remove the last super admin from the organization")
    assert remove("bob@example.com", key="admin").json() == {"status": "ok"}
    assert remove("alice@example.com", key="super", header="x-api-key").status_code == 200


def test_members_delete_pending_invite_and_jwt_self_removal(api):
    api.post("/organization/members", json={"orgId": ORG_A, "email": "twofa@example.com", "invite_type": "org_super_admin"})
    assert api.delete("/organization/members", key="admin", params={"orgId": ORG_A, "email": "twofa@example.com"}).status_code == 200
    # a JWT manager goes through the exact-email lookup
    resp = api.call("DELETE", "/organization/members", headers={"authorization": JWT}, params={"orgId": ORG_A, "email": "JWT@example.com"})
    assert_error(resp, 404, "user_not_found")
    # a JWT non-manager may only remove itself (case-insensitive)
    resp = api.call("DELETE", "/organization/members", headers={"authorization": JWT_MEMBER}, params={"orgId": ORG_A, "email": "bob@example.com"})
    assert_error(resp, 400, "cannot_access_organization")
    resp = api.call("DELETE", "/organization/members", headers={"authorization": JWT_MEMBER},
                    params={"orgId": ORG_A, "email": "JWTMember@example.com"})
    assert resp.status_code == 200
    assert "jwtmember@example.com" not in [m["email"] for m in api.get("/organization/members", params={"orgId": ORG_A}).json()]


def test_members_unregistered_tmp_invite(api):
    members = [{"email": "a@example.com", "role": "org_super_admin"}, {"email": "ghost@example.com", "role": "org_admin", "is_tmp": True}]
    api.emu.reset({"users": [{"email": "a@example.com"}],
                   "orgs": [{"id": ORG_A, "name": "T", "members": members}],
                   "keys": [{"name": "k", "key": KEYS["super"], "owner": "a@example.com", "roles": {ORG_A: "org_super_admin"}}]})
    members = api.get("/organization/members", params={"orgId": ORG_A}).json()
    ghost = [m for m in members if m["email"] == "ghost@example.com"][0]
    assert ghost["is_tmp"] is True and ghost["role"] == "org_admin" and ghost["image_url"] == ""
    resp = api.post("/organization/members", json={"orgId": ORG_A, "email": "ghost@example.com", "invite_type": "org_member"})
    assert resp.json()["moreInfo"] == {"data": "ALREADY_INVITED"}
    assert_error(api.delete("/organization/members", params={"orgId": ORG_A, "email": "ghost@example.com"}), 404, "user_not_found")


def test_members_invalid_email_row_fails_list(api):
    api.emu.reset({"users": [{"email": "bad@localhost"}],
                   "orgs": [{"id": ORG_A, "name": "T", "created_by": "bad@localhost"}],
                   "keys": [{"name": "k", "key": KEYS["super"], "owner": "bad@localhost", "roles": {ORG_A: "org_super_admin"}}]})
    assert_error(api.get("/organization/members", params={"orgId": ORG_A}), 400, "cannot_parse_members")


# ---------------------------------------------------------------------------
# Audit (minimal)
# ---------------------------------------------------------------------------

def test_audit_route(api):
    api.put(json={"orgId": ORG_A, "name": "Audited"})
    body = api.get("/organization/audit", params={"orgId": ORG_A, "limit": "10"}).json()
    assert body["total"] == 1 and body["limit"] == 10 and body["data"][0]["operation"] == "UPDATE"
    assert_error(api.get("/organization/audit", key="member", params={"orgId": ORG_A}), 400, "invalid_org_id")


# ---------------------------------------------------------------------------
# Docs shapes
# ---------------------------------------------------------------------------

def test_docs_shapes():
    with CapgoEmulator(docs_shapes=True) as emulator:
        headers = {"capgkey": emulator.admin_key}
        url = emulator.url + "/organization"
        org_id = emulator.state()["orgs"][0]["id"]
        assert isinstance(requests.get(url, headers=headers, timeout=5).json()["data"], list)
        assert requests.get(url, params={"orgId": org_id}, headers=headers, timeout=5).json()["data"]["id"] == org_id
        created = requests.post(url, json={"name": "Docs"}, headers=headers, timeout=5).json()
        assert created["status"] == "Organization created" and uuid.UUID(created["id"])
        updated = requests.put(url, json={"orgId": created["id"], "name": "Docs 2"}, headers=headers, timeout=5).json()
        assert updated == {"status": "Organization updated", "data": {"id": created["id"], "name": "Docs 2", "management_email": "admin@example.com"}}
        members = requests.get(url + "/members", params={"orgId": org_id}, headers=headers, timeout=5).json()
        assert members["data"][0]["email"] == "admin@example.com"
        assert requests.delete(url, params={"orgId": created["id"]}, headers=headers, timeout=5).json() == {"status": "ok"}
        bad = requests.get(url, headers={"capgkey": str(uuid.uuid4())}, timeout=5)
        assert bad.status_code == 401 and bad.json() == {"error": "Invalid API key", "status": "KO"}
        xkey = requests.get(url, headers={"x-api-key": emulator.admin_key}, timeout=5)
        assert xkey.status_code == 401
        denied = requests.put(url, json={"orgId": str(uuid.uuid4())}, headers=headers, timeout=5)
        assert denied.status_code == 400 and denied.json()["status"] == "KO"


def test_docs_shapes_members_post():
    with CapgoEmulator(docs_shapes=True) as emulator:
        emulator.app.state.add_user("new@example.com")
        org_id = emulator.state()["orgs"][0]["id"]
        resp = requests.post(emulator.url + "/organization/members", json={"orgId": org_id, "email": "new@example.com", "invite_type": "read"},
                             headers={"capgkey": emulator.admin_key}, timeout=5)
        assert resp.json() == {"status": "OK"}


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
                                                "keys": [{"name": "z", "owner": "z@example.com", "roles": {"Only": "org_admin"}}]}, timeout=5).json()
    assert list(reset["keys"]) == ["z"] and len(reset["orgs"]) == 1
    resp = requests.get(api.url + "/organization", headers={"capgkey": reset["keys"]["z"]}, timeout=5)
    assert [o["name"] for o in resp.json()] == ["Only"]
    faults = requests.put(url + "/faults", json={"fault_429_every": 5, "latency_ms": 0}, timeout=5).json()
    assert faults["fault_429_every"] == 5
    assert requests.put(url + "/faults", json={"fault_429_every": 0}, timeout=5).json()["fault_429_every"] == 0
    assert requests.post(url + "/reset", timeout=5).json()["orgs"] == [ORG_A, ORG_B, ORG_2FA, ORG_BAD]
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
        assert emulator.reset()["keys"] == {"admin": emulator.admin_key}


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
