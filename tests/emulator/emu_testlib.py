# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared seed, client and assertions of the emulator tests (fixtures: conftest.py)."""

from __future__ import annotations

import os
import sys

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from capgo_emulator import CapgoEmulator  # noqa: E402  pylint: disable=wrong-import-position

__all__ = ["CapgoEmulator"]  # re-exported for the test modules

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
