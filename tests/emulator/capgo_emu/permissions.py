# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The org-scope roles, the permission matrix, and who may do what on an organization.

Real server: role priorities and permissions from ``supabase/seed.sql`` (RBAC roles),
checked through ``utils/supabase.ts`` (``apikeyHasOrgRightWithPolicy``,
``checkApikeyMeetsOrgPolicy``).
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
