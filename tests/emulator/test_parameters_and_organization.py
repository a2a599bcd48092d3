# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Emulator tests: getBodyOrQuery parameter reading and /organization (GET, POST, website, PUT, logo, DELETE). Real HTTP over loopback, no mocks."""
# pylint: disable=redefined-outer-name

from __future__ import annotations

import json
import re
import time
import uuid

import pytest
import requests

from emu_testlib import (
    make_seed,
    ORG_A, ORG_B, ORG_2FA, ORG_BAD, MISSING_ORG, KEYS, assert_error, CapgoEmulator,
)


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


@pytest.mark.parametrize("path", ["/organization", "/organization/members", "/organization/audit"])
@pytest.mark.parametrize("body", ["{}", "null", "[]"])
def test_get_with_empty_json_body_is_invalid_json_parse_body(api, path, body):
    # getBodyOrQuery checks emptiness on every parsed JSON body, GET included.
    resp = api.call("GET", path, "super", data=body, params={"orgId": ORG_A})
    assert_error(resp, 400, "invalid_json_parse_body", "Invalid JSON body")


def test_get_without_body_and_with_non_empty_body_is_not_refused(api):
    assert api.get(params={"orgId": ORG_A}).status_code == 200
    assert api.get(data='{"orgId": "%s"}' % ORG_A).json()["id"] == ORG_A


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


@pytest.mark.parametrize("email", ["a@b.com\n", "ab@example.com\n"])
def test_email_with_trailing_newline_is_invalid_body_on_organization_routes(api, email):
    # zod's pattern is a JavaScript regex: `$` does not match before a final newline.
    body = assert_error(api.post(json={"name": "abc", "email": email}), 400, "invalid_body")
    assert body["moreInfo"]["error"]["issues"][0]["path"] == ["email"]
    body = assert_error(api.put(json={"orgId": ORG_A, "management_email": email}), 400, "invalid_body")
    assert body["moreInfo"]["error"]["issues"][0]["path"] == ["management_email"]
    assert api.put(json={"orgId": ORG_A, "management_email": email.strip()}).status_code == 200


def test_deleted_ids_never_reused(api):
    org_id = api.create("Temp")
    assert api.delete(params={"orgId": org_id}).status_code == 200
    assert org_id in api.emu.state()["tombstones"]
    assert_error(api.get(params={"orgId": org_id}), 400, "invalid_org_id")


# ---------------------------------------------------------------------------
# Website table (website.ts), row by row
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


@pytest.mark.parametrize("given,stored,signed", [
    ("/images/x.png", "images/x.png", "x.png"),
    ("images/images/b.png", "images/b.png", "b.png"),
    ("//images/org/y.png", "images/org/y.png", "org/y.png"),
    ("org/z.png", "org/z.png", "org/z.png"),
])
def test_logo_read_normalises_the_stored_path_again(api, given, stored, signed):
    # createSignedImageUrl runs normalizeImagePath on the stored path before signing.
    data = api.put(json={"orgId": ORG_A, "logo": given}).json()["data"]
    assert api.emu.state()["orgs"][0]["logo"] == stored
    prefix = api.emu.url + "/storage/v1/object/sign/images/" + signed + "?token="
    assert data["logo"].startswith(prefix), data["logo"]
    assert api.get(params={"orgId": ORG_A}).json()["logo"].startswith(prefix)
    assert api.emu.state()["orgs"][0]["logo"] == stored


def test_logo_stored_with_images_prefix_in_seed_is_signed_normalised(api):
    seed = make_seed()
    seed["orgs"][0]["logo"] = "images/seeded.png"
    api.emu.reset(seed)
    logo = api.get(params={"orgId": ORG_A}).json()["logo"]
    assert logo.startswith(api.emu.url + "/storage/v1/object/sign/images/seeded.png?token="), logo


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
