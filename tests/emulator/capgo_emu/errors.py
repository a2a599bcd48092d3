# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The error envelope: Capgo's error codes, their messages, and the exception that carries them.

Real server: ``supabase/functions/_backend/utils/hono.ts`` (``quickError``/``simpleError``)
and ``utils/on_error.ts``: ``{"error": code, "message": text, "moreInfo": {...}}``.
"""

from __future__ import annotations

MESSAGES = {
    "invalid_body": "Invalid body",
    "invalid_json_parse_body": "Invalid JSON body",
    "invalid_org_id": "You can't access this organization",
    "cannot_access_organization": "You can't access this organization",
    "cannot_get_organizations": "Cannot get organizations",
    "cannot_parse_organization": "Cannot parse organization",
    "cannot_parse_organizations": "Cannot parse organizations",
    "permission_denied": "Permission denied: org.create",
    "missing_org_id": "Missing orgId",
    "requires_2fa_to_enforce_2fa": "You must enable 2FA before enforcing it for your organization",
    "invalid_max_expiration_days": "Maximum expiration days must be between 1 and 365",
    "invalid_required_encryption_key": "Encryption key fingerprint must be 20 or 21 characters",
    "cannot_update_org": "Cannot update organization",
    "cannot_create_org": "Cannot create organization",
    "cannot_parse_members": "Cannot parse members",
    "error_inviting_user_to_organization": "Error inviting user to organization",
    "user_not_found": "User not found",
    "organization_member_not_found": "User is not a member of this organization",
    "cannot_delete_higher_priority_role": "Cannot delete a member with a role higher than your own",
    "CANNOT_REMOVE_LAST_SUPER_ADMIN": "Cannot remove the last super admin from the organization",
    "cannot_get_audit_logs": "Cannot get audit logs",
    "too_many_requests": "Too many requests",
    "no_key_provided": "No key provided",
    "no_jwt_apikey_or_subkey": "No JWT, apikey or subkey provided",
    "invalid_apikey": "Invalid apikey",
    "invalid_jwt": "Invalid JWT",
    "invalid_subkey": "Invalid subkey",
    "org_requires_expiring_key": (
        "This organization requires API keys with an expiration date. "
        "Please use a different key or update this key with an expiration date."
    ),
    "missing_app_id": "Missing app_id",
    "invalid_app_id": "App ID must be a reverse domain string",
    "missing_name": "Missing name",
    "missing_owner_org": "Missing owner_org",
    "cannot_access_app": "You can't access this app",
    "app_id_already_exists": "App ID already exists",
    "cannot_create_app": "Cannot create app",
    "cannot_get_apps": "Cannot get apps",
    "user_does_not_have_access_to_this_organization": "You do not have access to this organization",
    "retention_to_big": "Retention cannot be bigger than 63113903 (2 years)",
    "retention_to_small": "Retention cannot be smaller than 0",
    "cannot_update_app": "Cannot update app",
    "cannot_delete_app": "You can't access this app",
    "missing_channel_name": "You must provide a channel name",
    "cannot_find_channel": "Cannot find channel",
    "cannot_find_version": "Cannot find version",
    "cannot_delete_channel": "Cannot delete channel",
    "unknown_error": "Unknown error",
    "service_unavailable": "Service unavailable",
}
# Human texts used by --docs-shapes error bodies ({"error": <text>, "status": "KO"}).
DOCS_ERROR_TEXT = {
    "invalid_apikey": "Invalid API key",
    "no_key_provided": "Invalid API key",
    "no_jwt_apikey_or_subkey": "Invalid API key",
    "invalid_jwt": "Invalid API key",
    "cannot_access_organization": "Admin role required",
    "not_found": "Not found",
}


class HttpError(Exception):
    """An error answered with the Capgo error envelope."""

    def __init__(self, status, code, message=None, more_info=None, headers=None):
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message if message is not None else MESSAGES.get(code, code)
        self.more_info = more_info if more_info is not None else {}
        self.headers = headers or {}


class SeedError(ValueError):
    """The seed document is invalid."""
