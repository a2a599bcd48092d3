# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``/app``: GET (list), POST (create); ``/app/:id``: GET, PUT, DELETE.

Real server: ``supabase/functions/_backend/public/app/{index,get,post,put,delete}.ts``,
``utils/utils.ts`` (``reverseDomainRegex``), ``utils/storage.ts`` (icons) and the ``apps``
triggers of the baseline migration. The statuses are the server's, inconsistent as they are:
no access to an app (or no such app) is 401 ``cannot_access_app`` on GET and PUT but 400
``cannot_delete_app`` on DELETE; a taken id is 409 whatever org holds it.
"""

from __future__ import annotations

import copy
import re

from .auth import authenticate
from .errors import HttpError
from .normalize import js_trim, normalize_logo, strip_html
from .permissions import can, can_app, can_create_app
from .request import body_or_query
from .schemas import is_number
from .state_apps import APP_BIGINT_COLUMNS, APP_COLUMNS, APP_TIMESTAMP_COLUMNS, new_app_row
from .storage import read_icon
from .timestamps import js_iso_timestamp, now, pgrst_timestamp

FETCH_LIMIT = 50
RETENTION_MAX = 63113903
# reverseDomainRegex /^[a-z0-9]+(\.[\w-]+)+$/i (JavaScript's \w is ASCII; $ without the m flag).
APP_ID_RE = re.compile(r"[a-z0-9]+(\.[A-Za-z0-9_-]+)+", re.IGNORECASE | re.ASCII)
BOOLEAN_SETTINGS = ("expose_metadata", "allow_device_custom_id", "need_onboarding", "existing_app",
                    "block_provider_infra_requests")
JS_INT_RE = re.compile(r"^\s*([+-]?\d+)")


def js_string(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def check_app_id(app_id, body=None):
    """missing_app_id / invalid_app_id, as post.ts, get.ts, put.ts, delete.ts and the channel handlers check."""
    if app_id is None or app_id == "":
        raise HttpError(400, "missing_app_id", more_info={"body": body if body is not None else {}})
    if not APP_ID_RE.fullmatch(js_string(app_id)):
        raise HttpError(400, "invalid_app_id", more_info={"app_id": app_id})
    return app_id


def normalize_image_path(value):
    """``normalizeImagePath``: null for null, "" or spaces; storage URLs become paths."""
    if not isinstance(value, str) or not js_trim(value):
        return None
    return normalize_logo(value)


def render_app(app, row, post=False):
    """The row as an answer shows it: GET/PUT are PostgREST rows, POST node-postgres (bigints as strings)."""
    out = {}
    for column in APP_COLUMNS:
        value = copy.deepcopy(row[column])
        if column in APP_TIMESTAMP_COLUMNS:
            value = js_iso_timestamp(value) if post else pgrst_timestamp(value)
        elif column == "icon_url":
            value = read_icon(app.state, app.base_url, value)
        elif post and column in APP_BIGINT_COLUMNS and value is not None:
            value = str(value)
        out[column] = value
    return out


def js_parse_int(value, default):
    if value is None:
        return default
    match = JS_INT_RE.match(value)
    return int(match.group(1)) if match else None


def _range_error():
    return HttpError(400, "cannot_get_apps", more_info={"supabaseError": {
        "code": "PGRST103", "details": None, "hint": None, "message": "Requested range not satisfiable"}})


# --- handlers -------------------------------------------------------------
def list_apps(app, req):
    state = app.state
    principal = authenticate(app, req, "key")
    query = dict(req.query_items())
    page = js_parse_int(query.get("page"), 0)
    limit = js_parse_int(query.get("limit"), FETCH_LIMIT)
    org_id = query.get("org_id")
    if org_id and not can(state, principal, org_id, "org.read"):
        raise HttpError(400, "user_does_not_have_access_to_this_organization", more_info={"org_id": org_id})
    if page is None or limit is None or page < 0 or limit < 0:
        raise _range_error()
    rows = [row for row in state.apps.values()
            if (not org_id or row["owner_org"] == org_id) and can_app(state, principal, row["app_id"], "app.read")]
    return 200, [render_app(app, row) for row in rows[page * limit:page * limit + limit]]


def get_app(app, req):
    state = app.state
    principal = authenticate(app, req, "key")
    app_id = check_app_id(req.path_params["id"])
    if not can_app(state, principal, app_id, "app.read"):
        raise HttpError(401, "cannot_access_app", more_info={"app_id": app_id})
    return 200, render_app(app, state.apps[app_id])


def post_app(app, req):
    state = app.state
    principal = authenticate(app, req, "auth")
    body = body_or_query(req)
    data = body if isinstance(body, dict) else {}
    app_id = check_app_id(data.get("app_id"), body)
    name = data.get("name")
    if not name:
        raise HttpError(400, "missing_name", more_info={"body": body})
    owner_org = data.get("owner_org")
    if not owner_org:
        raise HttpError(400, "missing_owner_org", more_info={"body": body})
    if not can_create_app(state, principal, owner_org):
        raise HttpError(403, "cannot_access_organization", more_info={"org_id": owner_org})
    if app_id in state.apps:
        raise HttpError(409, "app_id_already_exists", more_info={
            "app_id": app_id, "constraint": "apps_pkey", "detail": "Key (app_id)=(%s) already exists." % app_id})
    icon = normalize_image_path(data.get("icon")) or ""
    row = new_app_row(state, app_id, strip_html(js_string(name)), owner_org, strip_html(icon))
    need_onboarding = data.get("need_onboarding") or False
    row.update({
        "need_onboarding": need_onboarding, "created_from_onboarding": need_onboarding,
        "existing_app": data.get("existing_app") or False,
        "ios_store_url": data.get("ios_store_url"), "android_store_url": data.get("android_store_url"),
    })
    state.apps[app_id] = row
    return 200, render_app(app, row, post=True)


def _cannot_update(message, code="22P02"):
    return HttpError(400, "cannot_update_app", more_info={"supabaseError": {
        "code": code, "details": None, "hint": None, "message": message}})


def _as_number(value):
    """JavaScript's numeric view of a body or query value (None for NaN)."""
    if is_number(value):
        return value
    if isinstance(value, str):
        try:
            return float(value) if js_trim(value) else 0
        except ValueError:
            return None
    return None


def _as_boolean(column, value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise _cannot_update('invalid input syntax for type boolean: "%s" (%s)' % (js_string(value), column))


def put_app(app, req):
    state = app.state
    principal = authenticate(app, req, "key")
    body = body_or_query(req)
    data = body if isinstance(body, dict) else {}
    app_id = check_app_id(req.path_params["id"])
    if not can_app(state, principal, app_id, "app.update_settings"):
        raise HttpError(401, "cannot_access_app", more_info={"app_id": app_id})
    updates = {}
    if "retention" in data:
        retention = _as_number(data["retention"])
        if retention is not None and retention >= RETENTION_MAX + 1:
            raise HttpError(400, "retention_to_big", more_info={"retention": data["retention"]})
        if retention is not None and retention < 0:
            raise HttpError(400, "retention_to_small", more_info={"retention": data["retention"]})
        if retention is None or not float(retention).is_integer():
            raise _cannot_update('invalid input syntax for type bigint: "%s"' % js_string(data["retention"]))
        updates["retention"] = int(retention)
    if "name" in data:
        updates["name"] = None if data["name"] is None else strip_html(js_string(data["name"]))
    if "icon" in data:
        icon = normalize_image_path(data["icon"])
        icon = data["icon"] if icon is None else icon
        if icon is None:
            raise _cannot_update('null value in column "icon_url" of relation "apps" violates not-null constraint',
                                 "23502")
        updates["icon_url"] = strip_html(js_string(icon))
    for column in BOOLEAN_SETTINGS:
        if column in data:
            updates[column] = _as_boolean(column, data[column])
    for column in ("ios_store_url", "android_store_url"):
        if column in data:
            updates[column] = None if data[column] is None else js_string(data[column])
    if not updates:
        raise _cannot_update("JSON object requested, multiple (or no) rows returned", "PGRST116")
    row = state.apps[app_id]
    row.update(updates)
    row["updated_at"] = now()
    return 200, render_app(app, row)


def delete_app(app, req):
    state = app.state
    principal = authenticate(app, req, "key")
    app_id = check_app_id(req.path_params["id"])
    if not can_app(state, principal, app_id, "app.delete"):
        raise HttpError(400, "cannot_delete_app", more_info={"app_id": app_id})
    state.delete_app(app_id)
    return 200, {"status": "ok"}


ROUTES = {
    "/app": {"GET": list_apps, "POST": post_app},
    "/app/:id": {"GET": get_app, "PUT": put_app, "DELETE": delete_app},
}
DOCS_SHAPES = {}
