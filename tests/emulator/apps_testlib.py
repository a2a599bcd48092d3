# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Seed and a standard-library HTTP client for the /app and /channel emulator tests."""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
from urllib.parse import urlencode

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from capgo_emulator import CapgoEmulator  # noqa: E402  pylint: disable=wrong-import-position

__all__ = ["CapgoEmulator"]

ORG_A = "11111111-1111-4111-8111-111111111111"
ORG_B = "22222222-2222-4222-8222-222222222222"
SHOP = "com.acme.shop"
OTHER_APP = "com.other.app"
JWT = "header.payload.signature-of-app-jwt-user"

ROLE_KEYS = {
    "org_super_admin": ("org", "org_super_admin"),
    "org_admin": ("org", "org_admin"),
    "org_billing_admin": ("org", "org_billing_admin"),
    "apikey_manager": ("org", "apikey_manager"),
    "org_member": ("org", "org_member"),
    "app_admin": ("app", "app_admin"),
    "app_developer": ("app", "app_developer"),
    "app_uploader": ("app", "app_uploader"),
    "app_reader": ("app", "app_reader"),
    "app_preview": ("app", "app_preview"),
    "channel_admin": ("channel", "channel_admin"),
    "channel_reader": ("channel", "channel_reader"),
}
KEYS = {name: "bbbbbbbb-0000-4000-8000-%012d" % index for index, name in enumerate(ROLE_KEYS, start=1)}
KEYS["other"] = "bbbbbbbb-0000-4000-8000-000000000099"


def _key(name, scope, role):
    spec = {"name": name, "key": KEYS[name], "owner": "admin@example.com"}
    if scope == "org":
        spec["roles"] = {ORG_A: role}
    elif scope == "app":
        spec["app_roles"] = {SHOP: role}
    else:
        spec["channel_roles"] = {SHOP + "/production": role}
    return spec


def make_seed(**extra):
    seed = {
        "users": [{"email": "admin@example.com", "jwt": JWT}, {"email": "other@example.com"}],
        "orgs": [{"id": ORG_A, "name": "Org A", "created_by": "admin@example.com"},
                 {"id": ORG_B, "name": "Org B", "created_by": "other@example.com"}],
        "apps": [
            {"app_id": SHOP, "org": ORG_A, "name": "Shop", "icon": "org/a/shop/icon.png",
             "bundles": ["1.0.0", "1.1.0"],
             "channels": [{"name": "production", "version": "1.0.0", "public": True},
                          {"name": "staging"}]},
            {"app_id": OTHER_APP, "org": ORG_B, "name": "Other"},
        ],
        "keys": [_key(name, scope, role) for name, (scope, role) in ROLE_KEYS.items()]
        + [{"name": "other", "key": KEYS["other"], "owner": "other@example.com", "roles": {ORG_B: "org_super_admin"}}],
        "missing_storage_objects": ["org/a/missing.png"],
    }
    seed.update(extra)
    return seed


class Answer:
    """Status and decoded JSON of one response."""

    def __init__(self, status, body):
        self.status = status
        self.json = body

    def __repr__(self):
        return "Answer(%d, %r)" % (self.status, self.json)


class Api:
    """Requests to the emulator with urllib (a key by role name, the capgkey header by default)."""

    def __init__(self, emulator):
        self.emu = emulator

    def call(self, method, path, key="org_super_admin", header="capgkey", query=None, json_body=None,
             raw_body=None, headers=None):
        url = self.emu.url + path + ("?" + urlencode(query) if query else "")
        all_headers = dict(headers or {})
        if key is not None:
            all_headers[header] = KEYS.get(key, key)
        data = raw_body
        if json_body is not None:
            data = json.dumps(json_body).encode()
            all_headers.setdefault("content-type", "application/json")
        req = urllib.request.Request(url, data=data, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return Answer(resp.status, json.loads(resp.read() or b"null"))
        except urllib.error.HTTPError as err:
            with err:
                return Answer(err.code, json.loads(err.read() or b"null"))

    def app_row(self, app_id):
        """The stored row (control API), or None."""
        return next((a for a in self.emu.state()["apps"] if a["app_id"] == app_id), None)

    def channel_row(self, app_id, name):
        app = self.app_row(app_id)
        return next((c for c in app["channels"] if c["name"] == name), None) if app else None


def assert_error(answer, status, code, more_info=None):
    assert answer.status == status, answer
    assert set(answer.json) == {"error", "message", "moreInfo"}, answer
    assert answer.json["error"] == code, answer
    if more_info is not None:
        assert answer.json["moreInfo"] == more_info, answer
    return answer.json
