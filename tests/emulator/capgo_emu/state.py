# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Seed and state: users, keys, organizations, members, invites, audit rows, and their ids.

Seed format (JSON object, every list optional)::

    {
      "users": [{"id"?: uuid, "email": str, "has_2fa"?: bool,
                 "jwt"?: str, "image_url"?: str}],
      "keys": [{"name": str, "key"?: uuid, "owner": email, "org_create"?: bool,
                "expires_at"?: ISO-8601 or null, "hashed"?: bool,
                "subkey_of"?: key name, "id"?: int,
                "roles": {"<org id or org name>": "<role>"}}],
      "orgs": [{"id"?: uuid, "name": str, "management_email"?: str,
                "website"?: str, "logo"?: str, "created_by"?: email,
                "<any other orgs column>"?: value,
                "members"?: [{"email": str, "role": str, "is_tmp"?: bool}]}],
      "bulk_orgs": [{"count": int, "name_prefix": str, "created_by"?: email,
                     "key_roles": {"<key name>": "<role>"}}],
      "apps": [...], "bulk_apps": [...]   (format: state_apps.py)
      "missing_storage_objects": ["org/x/logo.png", ...],
      "echo_keys": false
    }

Keys may also carry ``"app_roles": {"<app_id>": "<app role>"}`` and
``"channel_roles": {"<app_id>/<channel name>": "<channel role>"}`` (bindings on one app
or one channel).

Users referenced by a key owner, an org creator or an active member but not
listed are created. A member with ``is_tmp`` whose email is not a user is an
invitation of an unregistered email (tmp_users). Without ``members`` an org gets
its creator as active ``org_super_admin``. Seed org values are stored raw (no
normalisation), so a seed can hold data that the real server would fail to parse.
``jwt`` declares a token accepted as that user's JWT on JWT-capable routes.
``subkey_of`` declares a limited subkey usable through the ``x-limited-key-id: <id>``
header together with its parent key. ``echo_keys: true`` lets the answer of a reset
(``POST /_emulator/reset``) show the key values; without it only their names are shown.
"""

from __future__ import annotations

import copy
import uuid

from .errors import SeedError
from .permissions import APP_ROLE_RANK, CHANNEL_ROLE_RANK, ROLE_RANK
from .state_apps import seed_apps
from .timestamps import js_iso_timestamp, now, parse_ts

EMAIL_PREFERENCES = [
    "onboarding", "usage_limit", "credit_usage", "device_error", "weekly_stats", "monthly_stats",
    "bundle_created", "bundle_deployed", "deploy_stats_24h", "billing_period_stats", "channel_self_rejected",
]
ORG_COLUMNS = [
    "id", "created_by", "created_at", "updated_at", "logo", "name", "management_email", "customer_id",
    "stats_updated_at", "last_stats_updated_at", "enforcing_2fa", "email_preferences", "password_policy_config",
    "enforce_hashed_api_keys", "require_apikey_expiration", "max_apikey_expiration_days", "enforce_encrypted_bundles",
    "required_encryption_key", "has_usage_credits", "website", "stats_refresh_requested_at", "onboarding",
]
TIMESTAMP_COLUMNS = ("created_at", "updated_at", "stats_updated_at", "last_stats_updated_at", "stats_refresh_requested_at")


class Key:
    """An API key (plain, hashed or limited subkey)."""

    def __init__(self, key_id, name, value, owner_id, org_create=False, expires_at=None, hashed=False, parent=None):
        self.id = key_id
        self.name = name
        self.value = value
        self.owner_id = owner_id
        self.org_create = org_create
        self.expires_at = expires_at
        self.hashed = hashed
        self.parent = parent
        self.roles = {}
        self.app_roles = {}       # app_id -> app-scope role
        self.channel_roles = {}   # channel id -> channel-scope role

    def describe(self):
        return {
            "id": self.id, "name": self.name, "owner_id": self.owner_id, "org_create": self.org_create,
            "expires_at": js_iso_timestamp(self.expires_at), "hashed": self.hashed, "subkey_of": self.parent,
            "roles": dict(self.roles), "app_roles": dict(self.app_roles),
            "channel_roles": {str(k): v for k, v in self.channel_roles.items()},
        }


def default_seed(admin_key):
    return {
        "users": [{"email": "admin@example.com"}],
        "orgs": [{"name": "Default organization", "created_by": "admin@example.com"}],
        "keys": [{"name": "admin", "key": admin_key, "owner": "admin@example.com", "org_create": True,
                  "roles": {"Default organization": "org_super_admin"}}],
    }


class State:
    """All mutable data of the emulated backend."""

    def __init__(self):
        self.users = {}
        self.users_by_email = {}
        self.jwts = {}
        self.keys = {}
        self.keys_by_value = {}
        self.keys_by_name = {}
        self.orgs = {}
        self.org_seq = {}
        self.members = {}
        self.tmp_invites = {}
        self.tombstones = set()
        self.enforcing_hashed = set()
        self.missing_objects = set()
        self.echo_keys = False
        self.audit = []
        self.apps = {}            # app_id -> apps row (insertion order is the listing order)
        self.channels = {}        # channel id -> channels row (platform flags included)
        self.bundles = {}         # app_id -> {bundle name: {"id", "name", "deleted"}}
        self.next_channel_id = 0
        self.next_bundle_id = 0
        self.next_seq = 0
        self.next_key_id = 0
        self.next_audit_id = 0

    # --- users ----------------------------------------------------------
    def add_user(self, email, user_id=None, has_2fa=False, image_url=""):
        if email in self.users_by_email:
            return self.users_by_email[email]
        user = {"id": user_id or str(uuid.uuid4()), "email": email, "has_2fa": bool(has_2fa), "image_url": image_url or ""}
        self.users[user["id"]] = user
        self.users_by_email[email] = user
        return user

    def user_for(self, email):
        if not isinstance(email, str) or not email:
            raise SeedError("expected a user email, got %r" % (email,))
        return self.add_user(email)

    # --- orgs -----------------------------------------------------------
    def new_org_id(self):
        while True:
            org_id = str(uuid.uuid4())
            if org_id not in self.orgs and org_id not in self.tombstones:
                return org_id

    def insert_org(self, row, members=None):
        org_id = row["id"]
        if org_id in self.orgs or org_id in self.tombstones:
            raise SeedError("organization id %s already used" % org_id)
        self.orgs[org_id] = row
        self.next_seq += 1
        self.org_seq[org_id] = self.next_seq
        self.members[org_id] = members if members is not None else {}
        if row.get("enforce_hashed_api_keys"):
            self.enforcing_hashed.add(org_id)

    def delete_org(self, org_id):
        self.orgs.pop(org_id, None)
        self.org_seq.pop(org_id, None)
        self.members.pop(org_id, None)
        self.tmp_invites.pop(org_id, None)
        self.enforcing_hashed.discard(org_id)
        self.tombstones.add(org_id)
        for key in self.keys.values():
            key.roles.pop(org_id, None)
        # apps.owner_org references orgs ON DELETE CASCADE
        for app_id in [a for a, row in self.apps.items() if row["owner_org"] == org_id]:
            self.delete_app(app_id)

    # --- apps, channels, bundles ---------------------------------------------
    def delete_app(self, app_id):
        """The app row, its channels and bundles, and every app- and channel-scoped binding."""
        self.apps.pop(app_id, None)
        self.bundles.pop(app_id, None)
        for channel_id in [c for c, row in self.channels.items() if row["app_id"] == app_id]:
            self.delete_channel(channel_id)
        for key in self.keys.values():
            key.app_roles.pop(app_id, None)

    def delete_channel(self, channel_id):
        self.channels.pop(channel_id, None)
        for key in self.keys.values():
            key.channel_roles.pop(channel_id, None)

    def channels_of(self, app_id):
        """The app's channels, oldest first (GET /channel orders by created_at)."""
        return [row for row in self.channels.values() if row["app_id"] == app_id]

    def find_channel(self, app_id, name):
        return next((row for row in self.channels.values() if row["app_id"] == app_id and row["name"] == name), None)

    def add_audit(self, org_id, table, operation, record_id, user_id, old=None, new=None):
        self.next_audit_id += 1
        changed = []
        if old is not None and new is not None:
            changed = [k for k in new if old.get(k) != new.get(k)]
        self.audit.append({
            "id": self.next_audit_id, "created_at": now(), "org_id": org_id, "table_name": table,
            "operation": operation, "record_id": record_id, "user_id": user_id,
            "changed_fields": changed, "old_record": old, "new_record": new,
        })

    # --- keys -----------------------------------------------------------
    def add_key(self, name, value, owner, org_create=False, expires_at=None, hashed=False, parent=None, key_id=None):
        if name in self.keys_by_name:
            raise SeedError("duplicate key name %r" % name)
        if value in self.keys_by_value:
            raise SeedError("duplicate key value for %r" % name)
        if key_id is None:
            self.next_key_id += 1
            key_id = self.next_key_id
        else:
            key_id = int(key_id)
            if key_id in self.keys:
                raise SeedError("duplicate key id %r" % key_id)
            self.next_key_id = max(self.next_key_id, key_id)
        key = Key(key_id, name, value, owner["id"], org_create, expires_at, hashed, parent)
        self.keys[key_id] = key
        self.keys_by_value[value] = key
        self.keys_by_name[name] = key
        return key


def new_org_row(org_id, creator, name, email, created):
    row = {column: None for column in ORG_COLUMNS}
    row.update({
        "id": org_id, "created_by": creator["id"], "created_at": created, "updated_at": created, "name": name,
        "management_email": email, "customer_id": "pending_%s" % org_id, "enforcing_2fa": False,
        "email_preferences": {k: True for k in EMAIL_PREFERENCES}, "enforce_hashed_api_keys": False,
        "require_apikey_expiration": False, "enforce_encrypted_bundles": False, "has_usage_credits": False,
        "onboarding": {"intent": "unknown"},
    })
    return row


def build_state(seed):
    """Build a State from a seed document (format: the module docstring)."""
    if not isinstance(seed, dict):
        raise SeedError("the seed must be a JSON object")
    state = State()
    if not isinstance(seed.get("echo_keys", False), bool):
        raise SeedError("echo_keys must be true or false")
    state.echo_keys = seed.get("echo_keys", False)
    for user in seed.get("users") or []:
        if not isinstance(user, dict) or not isinstance(user.get("email"), str):
            raise SeedError("each user needs an email")
        record = state.add_user(user["email"], user.get("id"), user.get("has_2fa", False), user.get("image_url", ""))
        if user.get("jwt"):
            state.jwts[user["jwt"]] = record
    default_creator = next(iter(state.users.values()), None)
    created = now()
    by_name = {}
    for org in seed.get("orgs") or []:
        if not isinstance(org, dict) or not isinstance(org.get("name"), str):
            raise SeedError("each org needs a name")
        org_id = org.get("id") or state.new_org_id()
        if org.get("created_by"):
            creator = state.user_for(org["created_by"])
        else:
            creator = default_creator or state.add_user("admin@example.com")
            default_creator = creator
        row = new_org_row(org_id, creator, org["name"], org.get("management_email", creator["email"]), created)
        for column in ORG_COLUMNS:
            if column in org and column not in ("id", "created_by", "name"):
                row[column] = parse_ts(org[column]) if column in TIMESTAMP_COLUMNS else copy.deepcopy(org[column])
        members = {}
        tmp = []
        seed_members = org.get("members")
        if seed_members is None:
            seed_members = [{"email": creator["email"], "role": "org_super_admin"}]
        for member in seed_members:
            role = member.get("role", "org_member")
            if role not in ROLE_RANK:
                raise SeedError("unknown role %r" % role)
            email = member.get("email")
            if member.get("is_tmp") and email not in state.users_by_email:
                tmp.append({"uid": str(uuid.uuid4()), "email": email, "role": role, "is_tmp": True})
                continue
            user = state.user_for(email)
            members[user["id"]] = {"uid": user["id"], "email": user["email"], "role": role, "is_tmp": bool(member.get("is_tmp"))}
        state.insert_org(row, members)
        if tmp:
            state.tmp_invites[org_id] = tmp
        by_name.setdefault(org["name"], org_id)

    def resolve_org(ref):
        if ref in state.orgs:
            return ref
        if ref in by_name:
            return by_name[ref]
        raise SeedError("unknown organization %r in key roles" % ref)

    seed_apps(state, seed, resolve_org)

    for spec in seed.get("keys") or []:
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            raise SeedError("each key needs a name")
        owner = state.user_for(spec.get("owner") or (default_creator or state.add_user("admin@example.com"))["email"])
        expires = parse_ts(spec.get("expires_at"))
        key = state.add_key(spec["name"], spec.get("key") or str(uuid.uuid4()), owner, bool(spec.get("org_create")),
                            expires, bool(spec.get("hashed")), spec.get("subkey_of"), spec.get("id"))
        for ref, role in (spec.get("roles") or {}).items():
            if role not in ROLE_RANK:
                raise SeedError("unknown role %r" % role)
            key.roles[resolve_org(ref)] = role
        for ref, role in (spec.get("app_roles") or {}).items():
            if role not in APP_ROLE_RANK or ref not in state.apps:
                raise SeedError("app_roles: unknown app %r or app role %r" % (ref, role))
            key.app_roles[ref] = role
        for ref, role in (spec.get("channel_roles") or {}).items():
            app_id, name = ref.split("/", 1) if "/" in ref else (ref, "")
            channel = state.find_channel(app_id, name)
            if role not in CHANNEL_ROLE_RANK or channel is None:
                raise SeedError("channel_roles: unknown channel %r or channel role %r" % (ref, role))
            key.channel_roles[channel["id"]] = role
    for key in state.keys.values():
        if key.parent is not None and key.parent not in state.keys_by_name:
            raise SeedError("subkey_of names an unknown key %r" % key.parent)
    for bulk in seed.get("bulk_orgs") or []:
        count = int(bulk.get("count", 0))
        prefix = bulk.get("name_prefix", "org-")
        creator = state.user_for(bulk["created_by"]) if bulk.get("created_by") else (default_creator or state.add_user("admin@example.com"))
        bindings = []
        for key_name, role in (bulk.get("key_roles") or {}).items():
            if key_name not in state.keys_by_name or role not in ROLE_RANK:
                raise SeedError("bulk_orgs: unknown key %r or role %r" % (key_name, role))
            bindings.append((state.keys_by_name[key_name], role))
        for index in range(1, count + 1):
            org_id = state.new_org_id()
            row = new_org_row(org_id, creator, "%s%d" % (prefix, index), creator["email"], created)
            state.insert_org(row, {creator["id"]: {"uid": creator["id"], "email": creator["email"], "role": "org_super_admin", "is_tmp": False}})
            for key, role in bindings:
                key.roles[org_id] = role
    state.missing_objects = set(seed.get("missing_storage_objects") or [])
    return state
