# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``/organization/members``: GET (members and pending invites), POST (invite), DELETE (remove).

Real server: ``supabase/functions/_backend/public/organization/members/get.ts``,
``members/post.ts``, ``members/delete.ts``. Handlers take ``(app, req)`` and return
``(status, payload)``.
"""

from __future__ import annotations

from .auth import authenticate
from .errors import HttpError
from .normalize import is_valid_email
from .permissions import ROLE_RANK, can, check_key_policy, rank_of
from .request import body_or_query
from .schemas import field, validate
from .storage import read_image_url

# members/post.ts: every accepted invite_type and the role it grants.
INVITE_TYPES = {
    "org_member": "org_member", "read": "org_member", "upload": "org_member", "write": "org_member",
    "invite_read": "org_member", "invite_upload": "org_member", "invite_write": "org_member",
    "org_billing_admin": "org_billing_admin",
    "org_admin": "org_admin", "admin": "org_admin", "invite_admin": "org_admin",
    "org_super_admin": "org_super_admin", "super_admin": "org_super_admin", "invite_super_admin": "org_super_admin",
}
GET_SCHEMA = {"orgId": field("string", optional=False)}
POST_SCHEMA = {
    "orgId": field("string", optional=False),
    "email": field("email", optional=False),
    "invite_type": field("enum", optional=False, values=list(INVITE_TYPES)),
}
DELETE_SCHEMA = {"orgId": field("string", optional=False), "email": field("email", optional=False)}


def get_members(app, req):
    state = app.state
    principal = authenticate(app, req, "key")
    data = validate(body_or_query(req), GET_SCHEMA)
    org_id = data["orgId"]
    if not can(state, principal, org_id, "org.read_members"):
        raise HttpError(400, "cannot_access_organization", more_info={"orgId": org_id})
    check_key_policy(state, principal, org_id)
    rows = []
    for member in list(state.members[org_id].values()) + state.tmp_invites.get(org_id, []):
        if not is_valid_email(member["email"]):
            raise HttpError(400, "cannot_parse_members", more_info={"error": "invalid member row"})
        user = state.users.get(member["uid"])
        image = read_image_url(state, app.base_url, (user or {}).get("image_url"))
        rows.append({"uid": member["uid"], "email": member["email"], "image_url": image,
                     "role": member["role"] or "org_member", "is_tmp": member["is_tmp"]})
    return 200, rows


def post_members(app, req):
    state = app.state
    principal = authenticate(app, req, "key")
    body = body_or_query(req)
    if app.docs_shapes and isinstance(body, dict) and "invite_type" not in body and "role" in body:
        body = dict(body, invite_type=body["role"])
    data = validate(body, POST_SCHEMA)
    org_id = data["orgId"]
    if not can(state, principal, org_id, "org.invite_user"):
        raise HttpError(400, "cannot_access_organization", more_info={"orgId": org_id})
    role = INVITE_TYPES[data["invite_type"]]
    result = "OK"
    if role == "org_super_admin" and not can(state, principal, org_id, "org.update_user_roles"):
        result = "NO_RIGHTS"
    elif ROLE_RANK[role] > rank_of(state, principal, org_id):
        result = "NO_RIGHTS"
    else:
        user = state.users_by_email.get(data["email"])
        if user is None:
            pending = any(t["email"] == data["email"] for t in state.tmp_invites.get(org_id, []))
            result = "ALREADY_INVITED" if pending else "NO_EMAIL"
        elif user["id"] in state.members[org_id]:
            result = "ALREADY_INVITED"
        else:
            state.members[org_id][user["id"]] = {"uid": user["id"], "email": user["email"], "role": role, "is_tmp": True}
            state.add_audit(org_id, "org_users", "INSERT", user["id"], principal.user["id"],
                            new={"user_id": user["id"], "rbac_role_name": role, "is_invite": True})
    if result != "OK":
        raise HttpError(400, "error_inviting_user_to_organization", more_info={"data": result})
    return 200, {"status": "ok"}


def delete_members(app, req):
    state = app.state
    principal = authenticate(app, req, "auth")
    data = validate(body_or_query(req), DELETE_SCHEMA)
    org_id, email = data["orgId"], data["email"]
    if can(state, principal, org_id, "org.update_user_roles"):
        user = state.users_by_email.get(email)
        if user is None:
            raise HttpError(404, "user_not_found", more_info={"error": {
                "code": "PGRST116", "details": "The result contains 0 rows", "hint": None,
                "message": "JSON object requested, multiple (or no) rows returned"}})
    elif principal.kind == "jwt" and email.lower() == principal.user["email"].lower() and org_id in state.orgs:
        user = principal.user
    else:
        raise HttpError(400, "cannot_access_organization", more_info={"orgId": org_id})
    members = state.members[org_id]
    target = members.get(user["id"])
    if target is None:
        raise HttpError(404, "organization_member_not_found", more_info={"orgId": org_id, "email": email})
    target_rank = 0 if target["is_tmp"] else ROLE_RANK.get(target["role"], 0)
    if target_rank > rank_of(state, principal, org_id):
        raise HttpError(403, "cannot_delete_higher_priority_role")
    if not target["is_tmp"] and target["role"] == "org_super_admin":
        others = [m for m in members.values() if m is not target and not m["is_tmp"] and m["role"] == "org_super_admin"]
        if not others:
            raise HttpError(400, "CANNOT_REMOVE_LAST_SUPER_ADMIN")
    del members[user["id"]]
    state.add_audit(org_id, "org_users", "DELETE", user["id"], principal.user["id"],
                    old={"user_id": user["id"], "rbac_role_name": target["role"], "is_invite": target["is_tmp"]})
    return 200, {"status": "ok"}


def docs_shape(method, payload):
    """The public documentation's success shapes (``--docs-shapes``)."""
    if method == "GET":
        return {"data": payload}
    return {"status": "OK"}


ROUTES = {
    "/organization/members": {"GET": get_members, "POST": post_members, "DELETE": delete_members},
}
DOCS_SHAPES = {"/organization/members": docs_shape}
