# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Roles, the permission matrix, and who may do what on an organization, an app or a channel.

Real server: role priorities and permissions from ``supabase/seed.sql`` (RBAC roles, "Attach
permissions to roles"), checked through ``utils/supabase.ts`` (``apikeyHasOrgRightWithPolicy``,
``checkApikeyMeetsOrgPolicy``) and the SQL ``rbac_check_permission_direct``/``rbac_has_permission``
(``supabase/migrations/20260708000000_prod_baseline.sql``). A key's authority is its own bindings
only; an org binding covers every app and channel of the org, an app binding the app and its
channels, a channel binding that channel. Hierarchy never crosses scopes: an org-scoped
``org_admin`` does not inherit ``app_admin``, so it lacks ``app.delete`` and ``channel.delete``.
"""

from __future__ import annotations

from .errors import HttpError

ROLE_RANK = {
    "org_super_admin": 95,
    "org_admin": 90,
    "org_billing_admin": 80,
    "apikey_manager": 78,
    "org_member": 75,
    "apikey_org_reader": 10,
}
_ALL_ROLES = frozenset(ROLE_RANK)
PERMISSIONS = {
    "org.read": _ALL_ROLES,
    "org.update_settings": frozenset({"org_super_admin", "org_admin"}),
    "org.delete": frozenset({"org_super_admin"}),
    "org.read_members": frozenset({"org_super_admin", "org_admin", "org_member"}),
    "org.invite_user": frozenset({"org_super_admin", "org_admin"}),
    "org.update_user_roles": frozenset({"org_super_admin", "org_admin"}),
    "org.read_audit": frozenset({"org_super_admin", "org_admin"}),
}


# App- and channel-scope roles (keys only; bundle scope is not reachable through the API).
APP_ROLE_RANK = {
    "app_admin": 70, "app_preview": 69, "app_developer": 68, "app_uploader": 66, "app_reader": 65,
    "app_notifications": 64,
}
CHANNEL_ROLE_RANK = {
    "channel_admin": 60, "channel_developer": 58, "channel_uploader": 57, "channel_reader": 55,
    "channel_preview": 68,  # system-managed: given to an app_preview key on the channels it creates
}
_SUPER = frozenset({"org_super_admin"})
_ORG_ADMINS = frozenset({"org_super_admin", "org_admin"})
# Permission -> roles holding it, over all three scopes (seed.sql).
APP_PERMISSIONS = {
    "org.create_app": frozenset({"org_super_admin", "org_admin", "org_billing_admin", "org_member"}),
    "app.read": _ORG_ADMINS | {"app_admin", "app_developer", "app_uploader", "app_reader", "app_preview"},
    "app.update_settings": _ORG_ADMINS | {"app_admin"},
    "app.delete": _SUPER,
    "app.read_channels": _ORG_ADMINS | {"app_admin", "app_developer", "app_uploader", "app_reader"},
    "app.create_channel": _ORG_ADMINS | {"app_admin", "app_developer", "app_preview"},
    "channel.update_settings": _ORG_ADMINS | {"app_admin", "channel_admin"},
    "channel.promote_bundle": _ORG_ADMINS | {"app_admin", "app_developer", "app_uploader", "channel_admin",
                                             "channel_developer", "channel_uploader", "channel_preview"},
    "channel.delete": _SUPER | {"app_admin", "channel_admin", "channel_preview"},
    "channel.read": _ORG_ADMINS | {"app_admin", "app_developer", "app_uploader", "app_reader", "channel_admin",
                                   "channel_developer", "channel_uploader", "channel_reader", "channel_preview"},
}


def role_of(state, principal, org_id):
    """The caller's role on the org, or None (JWT callers: pending invites have no role)."""
    if org_id not in state.orgs:
        return None
    if principal.kind == "apikey":
        return principal.key.roles.get(org_id)
    member = state.members[org_id].get(principal.user["id"])
    if member is None or member["is_tmp"]:
        return None
    return member["role"]


def rank_of(state, principal, org_id):
    return ROLE_RANK.get(role_of(state, principal, org_id), 0)


def can(state, principal, org_id, permission):
    """The permission check; a JWT user without 2FA has no rights on a 2FA-enforcing org."""
    if not isinstance(org_id, str):
        return False
    role = role_of(state, principal, org_id)
    if role is None:
        return False
    if principal.kind == "jwt" and state.orgs[org_id].get("enforcing_2fa") and not principal.user["has_2fa"]:
        return False
    return role in PERMISSIONS[permission]


def check_key_policy(state, principal, org_id):
    """An org that requires expiring keys refuses a key without ``expires_at`` (401)."""
    if principal.kind != "apikey":
        return
    org = state.orgs.get(org_id)
    if org and org.get("require_apikey_expiration") and principal.key.expires_at is None:
        raise HttpError(401, "org_requires_expiring_key")


def can_app(state, principal, app_id, permission, channel_id=None):
    """The permission on an app (or on one of its channels); False when the app does not exist.

    The roles considered are the caller's org role on the app's owner org, its app binding and,
    with ``channel_id``, its channel binding. JWT callers have their org membership only.
    """
    app = state.apps.get(app_id) if isinstance(app_id, str) else None
    if app is None:
        return False
    allowed = APP_PERMISSIONS[permission]
    org_id = app["owner_org"]
    role = role_of(state, principal, org_id)
    if role is not None and principal.kind == "jwt" and state.orgs[org_id].get("enforcing_2fa") \
            and not principal.user["has_2fa"]:
        role = None
    if role in allowed:
        return True
    if principal.kind != "apikey":
        return False
    if principal.key.app_roles.get(app_id) in allowed:
        return True
    return channel_id is not None and principal.key.channel_roles.get(channel_id) in allowed


def can_create_app(state, principal, org_id):
    """``org.create_app`` on the org (POST /app)."""
    if not isinstance(org_id, str) or role_of(state, principal, org_id) is None:
        return False
    if principal.kind == "jwt" and state.orgs[org_id].get("enforcing_2fa") and not principal.user["has_2fa"]:
        return False
    return role_of(state, principal, org_id) in APP_PERMISSIONS["org.create_app"]
