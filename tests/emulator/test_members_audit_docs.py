# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Emulator tests: /organization/members, /organization/audit and --docs-shapes. Real HTTP over loopback, no mocks."""
# pylint: disable=redefined-outer-name

from __future__ import annotations

import uuid

import pytest
import requests

from emu_testlib import (
    ORG_A, MISSING_ORG, JWT, JWT_MEMBER, KEYS, assert_error, CapgoEmulator,
)


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


def test_members_email_with_trailing_newline_is_invalid_body(api):
    # zod's pattern is a JavaScript regex: `$` does not match before a final newline.
    body = assert_error(api.post("/organization/members", json={"orgId": ORG_A, "email": "carol@example.com\n",
                                                                "invite_type": "read"}), 400, "invalid_body")
    assert body["moreInfo"]["error"]["issues"][0]["path"] == ["email"]
    body = assert_error(api.delete("/organization/members", json={"orgId": ORG_A, "email": "bob@example.com\n"}),
                        400, "invalid_body")
    assert body["moreInfo"]["error"]["issues"][0]["path"] == ["email"]
    assert "bob@example.com" in {m["email"] for m in api.get("/organization/members", params={"orgId": ORG_A}).json()}


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
