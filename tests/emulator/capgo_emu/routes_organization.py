# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``/organization``: GET (list or one), POST (create), PUT (update), DELETE.

Real server: ``supabase/functions/_backend/public/organization/get.ts``, ``post.ts``,
``put.ts``, ``delete.ts``. Handlers take ``(app, req)`` and return ``(status, payload)``.
"""

from __future__ import annotations

import copy

from .auth import authenticate
from .errors import HttpError
from .normalize import InvalidWebsite, is_valid_email, js_trim, normalize_logo, normalize_website, strip_html, utf16_length
from .permissions import can, check_key_policy
from .request import body_or_query
from .schemas import field, is_int, validate
from .state import ORG_COLUMNS, TIMESTAMP_COLUMNS, new_org_row
from .storage import read_logo
from .timestamps import js_iso_timestamp, now, pgrst_timestamp

PAGE_SIZE = 50
INTENTS = ["ota", "builder", "both", "exploring", "unknown"]
# get.ts `orgSchema`: zod strips every other column.
GET_FIELDS = ["id", "created_by", "created_at", "updated_at", "logo", "name", "management_email", "customer_id", "website"]

POLICY_SCHEMA = {
    "enabled": field("boolean", optional=False),
    "min_length": field("int", optional=False, min=6, max=72),
    "require_uppercase": field("boolean", optional=False),
    "require_number": field("boolean", optional=False),
    "require_special": field("boolean", optional=False),
}
GET_SCHEMA = {"orgId": field("string"), "page": field("number")}
POST_SCHEMA = {
    "name": field("string", optional=False, min=3),
    "email": field("email"),
    "estimatedMau": field("int", min=0, max=1000000),
    "website": field("string"),
    "intent": field("enum", values=INTENTS),
}
PUT_SCHEMA = {
    "orgId": field("string", optional=False),
    "logo": field("string"),
    "name": field("string"),
    "management_email": field("email"),
    "website": field("string", nullable=True),
    "require_apikey_expiration": field("boolean"),
    "max_apikey_expiration_days": field("number", nullable=True),
    "enforce_hashed_api_keys": field("boolean"),
    "enforce_encrypted_bundles": field("boolean"),
    "required_encryption_key": field("string", nullable=True),
    "enforcing_2fa": field("boolean"),
    "password_policy_config": field("object", nullable=True, schema=POLICY_SCHEMA),
}


# --- rendering ------------------------------------------------------------
def _render_row(app, row, columns, format_timestamp):
    """The row as an answer shows it: these columns, timestamps in the route's format, logo signed."""
    out = {}
    for column in columns:
        value = row.get(column)
        if column in TIMESTAMP_COLUMNS:
            value = format_timestamp(value)
        elif column == "logo":
            value = read_logo(app.state, app.base_url, value)
        out[column] = copy.deepcopy(value)
    return out


def public_row(app, row):
    """GET's 9 fields (PostgREST timestamps), or None when get.ts's zod parse would fail."""
    if not is_valid_email(row.get("management_email")) or row.get("created_at") is None or row.get("updated_at") is None:
        return None
    return _render_row(app, row, GET_FIELDS, pgrst_timestamp)


def full_row(app, row):
    """PUT's ``data``: every column, JavaScript timestamps."""
    return _render_row(app, row, ORG_COLUMNS, js_iso_timestamp)


# --- handlers -------------------------------------------------------------
def get_organization(app, req):
    state = app.state
    principal = authenticate(app, req, "key")
    data = validate(body_or_query(req), GET_SCHEMA)
    org_id = data.get("orgId")
    if org_id:
        if not can(state, principal, org_id, "org.read"):
            raise HttpError(400, "invalid_org_id", more_info={"org_id": org_id})
        check_key_policy(state, principal, org_id)
        out = public_row(app, state.orgs[org_id])
        if out is None:
            raise HttpError(400, "cannot_parse_organization", more_info={"error": "invalid organization row"})
        return 200, out
    page = data.get("page", 0)
    start = page * PAGE_SIZE
    if page < 0 or not float(start).is_integer():
        raise HttpError(400, "cannot_get_organizations", more_info={"error": {
            "code": "PGRST103", "details": None, "hint": None, "message": "Requested range not satisfiable"}})
    start = int(start)
    seq = state.org_seq
    readable = sorted((o for o in principal.key.roles if o in seq), key=seq.__getitem__)
    rows = []
    for org_id in readable[start:start + PAGE_SIZE]:
        out = public_row(app, state.orgs[org_id])
        if out is None:
            raise HttpError(400, "cannot_parse_organizations", more_info={"error": "invalid organization row"})
        rows.append(out)
    return 200, rows


def post_organization(app, req):
    state = app.state
    principal = authenticate(app, req, "auth")
    data = validate(body_or_query(req), POST_SCHEMA)
    try:
        website = normalize_website(data.get("website"))
    except InvalidWebsite:
        raise HttpError(400, "invalid_body", more_info={"error": "website_must_be_a_valid_url"}) from None
    if principal.kind == "apikey":
        key = principal.key
        admin_somewhere = any(role in ("org_admin", "org_super_admin") and org_id in state.orgs
                              for org_id, role in key.roles.items())
        if not key.org_create or not admin_somewhere:
            raise HttpError(403, "permission_denied")
    user = principal.user
    org_id = state.new_org_id()
    row = new_org_row(org_id, user, strip_html(data["name"]), strip_html(data.get("email", user["email"])), now())
    row["website"] = website
    row["onboarding"] = {"intent": data.get("intent", "unknown")}
    members = {user["id"]: {"uid": user["id"], "email": user["email"], "role": "org_super_admin", "is_tmp": False}}
    state.insert_org(row, members)
    if principal.kind == "apikey":
        principal.key.roles[org_id] = "org_super_admin"
    state.add_audit(org_id, "orgs", "INSERT", org_id, user["id"], new=full_row(app, row))
    return 200, {"id": org_id}


def put_organization(app, req):
    state = app.state
    principal = authenticate(app, req, "auth")
    data = validate(body_or_query(req), PUT_SCHEMA)
    org_id = data["orgId"]
    if not can(state, principal, org_id, "org.update_settings"):
        raise HttpError(400, "cannot_access_organization", more_info={"orgId": org_id})
    check_key_policy(state, principal, org_id)
    if data.get("enforcing_2fa") is True and not principal.user.get("has_2fa"):
        raise HttpError(400, "requires_2fa_to_enforce_2fa")
    days = data.get("max_apikey_expiration_days")
    if days is not None and (not is_int(days) or not 1 <= days <= 365):
        raise HttpError(400, "invalid_max_expiration_days")
    if "required_encryption_key" in data and data["required_encryption_key"] is not None:
        fingerprint = js_trim(data["required_encryption_key"]) or None
        if fingerprint is not None and utf16_length(fingerprint) not in (20, 21):
            raise HttpError(400, "invalid_required_encryption_key")
        data["required_encryption_key"] = fingerprint
    if "name" in data:
        name = js_trim(strip_html(data["name"]))
        if not name:
            raise HttpError(400, "invalid_body", more_info={"error": "sanitized_name_empty"})
        data["name"] = name
    if "website" in data:
        try:
            data["website"] = normalize_website(data["website"])
        except InvalidWebsite:
            raise HttpError(400, "invalid_body", more_info={"error": "website_must_be_a_valid_url"}) from None
    if "logo" in data:
        data["logo"] = normalize_logo(data["logo"])
    row = state.orgs[org_id]
    updates = {k: v for k, v in data.items() if k != "orgId"}
    if updates:
        for column in ("name", "management_email", "logo"):
            if column in updates:
                updates[column] = strip_html(updates[column])
        new_row = dict(row)
        new_row.update(copy.deepcopy(updates))
        if new_row.get("enforcing_2fa") and (principal.kind == "apikey" or not principal.user.get("has_2fa")):
            raise HttpError(400, "cannot_update_org", more_info={
                "error": 'new row violates row-level security policy for table "orgs"'})
        old = full_row(app, row)
        row.update(copy.deepcopy(updates))
        if row.get("enforce_hashed_api_keys"):
            state.enforcing_hashed.add(org_id)
        else:
            state.enforcing_hashed.discard(org_id)
        state.add_audit(org_id, "orgs", "UPDATE", org_id, principal.user["id"], old=old, new=full_row(app, row))
    return 200, {"status": "Organization updated", "id": org_id, "data": full_row(app, row)}


def delete_organization(app, req):
    state = app.state
    principal = authenticate(app, req, "key")
    body = body_or_query(req)
    org_id = body.get("orgId") if isinstance(body, dict) else None
    if not org_id:
        raise HttpError(400, "missing_org_id")
    if not can(state, principal, org_id, "org.delete"):
        raise HttpError(403, "invalid_org_id", "You can't delete this organization", {"org_id": org_id})
    old = full_row(app, state.orgs[org_id])
    state.add_audit(org_id, "orgs", "DELETE", org_id, principal.user["id"], old=old)
    state.delete_org(org_id)
    return 200, {"status": "ok"}


def docs_shape(method, payload):
    """The public documentation's success shapes (``--docs-shapes``)."""
    if method == "GET":
        return {"data": payload}
    if method == "POST":
        return {"status": "Organization created", "id": payload["id"]}
    if method == "PUT":
        data = payload["data"]
        return {"status": "Organization updated", "data": {k: data.get(k) for k in ("id", "name", "management_email")}}
    return {"status": "ok"}


ROUTES = {
    "/organization": {"GET": get_organization, "POST": post_organization, "PUT": put_organization,
                      "DELETE": delete_organization},
}
DOCS_SHAPES = {"/organization": docs_shape}
