# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``/channel``: GET (list or one), POST (create or update: an upsert), DELETE.

Real server: ``supabase/functions/_backend/public/channel/{index,get,post,delete}.ts``,
``utils/supabase.ts`` (``updateOrCreateChannel``) and the ``channels`` triggers of the baseline
migration (``normalize_public_channel_overlap``). Every error here is a 400 (``cannot_access_app``
for any missing right, including an unknown app), except the database errors POST does not map
(500 ``unknown_error``: an unknown bundle name on an existing channel, a bad enum or type).
GET never returns ``ios``, ``android``, ``electron``; POST never returns the channel.
"""

from __future__ import annotations

from .auth import authenticate
from .errors import HttpError
from .permissions import can_app
from .request import body_or_query, parse_body
from .routes_app import check_app_id
from .schemas import MISSING, is_number
from .state_apps import DISABLE_UPDATE_VALUES, PLATFORMS, bundle_by_id, new_channel_row
from .timestamps import now, pgrst_timestamp

PAGE_SIZE = 50
MAX_ROWS = 1000  # PostgREST max_rows (supabase/config.toml)
NO_BUNDLE = (None, "", "builtin", "unknown")
# POST body field -> channels column (the values must be booleans).
BOOLEAN_FIELDS = {
    "public": "public", "disableAutoUpdateUnderNative": "disable_auto_update_under_native",
    "ios": "ios", "android": "android", "electron": "electron",
    "allow_device_self_set": "allow_device_self_set", "allow_emulator": "allow_emulator",
    "allow_device": "allow_device", "allow_dev": "allow_dev", "allow_prod": "allow_prod",
}
# GET field -> channels column, in get.ts's order (camelCase renames applied by the handler).
GET_FIELDS = [
    ("id", "id"), ("created_at", "created_at"), ("name", "name"), ("app_id", "app_id"),
    ("created_by", "created_by"), ("updated_at", "updated_at"), ("public", "public"),
    ("allow_device_self_set", "allow_device_self_set"), ("allow_emulator", "allow_emulator"),
    ("allow_device", "allow_device"), ("allow_dev", "allow_dev"), ("allow_prod", "allow_prod"),
    ("rollout_version", "rollout_version"), ("rollout_id", "rollout_id"),
    ("disableAutoUpdateUnderNative", "disable_auto_update_under_native"),
    ("disableAutoUpdate", "disable_auto_update"), ("rolloutPercentageBps", "rollout_percentage_bps"),
    ("rolloutEnabled", "rollout_enabled"), ("rolloutPausedAt", "rollout_paused_at"),
    ("rolloutPauseReason", "rollout_pause_reason"), ("rolloutCacheTtlSeconds", "rollout_cache_ttl_seconds"),
    ("autoPauseEnabled", "auto_pause_enabled"), ("autoPauseWindowMinutes", "auto_pause_window_minutes"),
    ("autoPauseFailureRateBps", "auto_pause_failure_rate_bps"), ("autoPauseConfidence", "auto_pause_confidence"),
    ("autoPauseMinAttempts", "auto_pause_min_attempts"), ("autoPauseMinFailures", "auto_pause_min_failures"),
    ("autoPauseAction", "auto_pause_action"), ("autoPauseCooldownMinutes", "auto_pause_cooldown_minutes"),
    ("autoPauseLastTriggeredAt", "auto_pause_last_triggered_at"),
    ("autoPauseLastCheckedAt", "auto_pause_last_checked_at"),
]
TIMESTAMP_FIELDS = ("created_at", "updated_at", "rolloutPausedAt", "autoPauseLastTriggeredAt", "autoPauseLastCheckedAt")
NOT_FOUND_ERROR = {"code": "PGRST116", "details": "The result contains 0 rows", "hint": None,
                   "message": "JSON object requested, multiple (or no) rows returned"}


def _bundle_ref(state, app_id, bundle_id):
    bundle = bundle_by_id(state, app_id, bundle_id) if bundle_id is not None else None
    return {"name": bundle["name"], "id": bundle["id"]} if bundle else None


def render_channel(state, row):
    out = {}
    for name, column in GET_FIELDS:
        value = row[column]
        out[name] = pgrst_timestamp(value) if name in TIMESTAMP_FIELDS else value
    out["rollout_version_info"] = _bundle_ref(state, row["app_id"], row["rollout_version"])
    out["version"] = _bundle_ref(state, row["app_id"], row["version"])
    return out


def _unknown_error():
    return HttpError(500, "unknown_error")


def _js_number(value):
    """Number(value) for the page value (None for NaN)."""
    if is_number(value):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            return float(text) if text else 0
        except ValueError:
            return None
    return None


def page_range(page):
    """get.ts's ``range(page * 50, (page + 1) * 50 - 1)``, with JavaScript's ``+`` on a string page:
    a query ``page=1`` gives ``("1" + 1) * 50 - 1`` = 549, an oversized overlapping range."""
    if page is MISSING or page is None:
        page = 0
    start = _js_number(page)
    end_base = _js_number(page + "1") if isinstance(page, str) else (None if start is None else start + 1)
    if start is None or end_base is None or start < 0 or not float(start).is_integer():
        raise _unknown_error()
    start = int(start * PAGE_SIZE)
    end = int(end_base * PAGE_SIZE - 1)
    return start, min(end, start + MAX_ROWS - 1)


# --- handlers -------------------------------------------------------------
def get_channel(app, req):
    state = app.state
    principal = authenticate(app, req, "key")
    body = body_or_query(req)
    data = body if isinstance(body, dict) else {}
    app_id = check_app_id(data.get("app_id"), body)
    if not can_app(state, principal, app_id, "app.read_channels"):
        raise HttpError(400, "cannot_access_app", more_info={"app_id": app_id})
    name = data.get("channel")
    if name:
        row = state.find_channel(app_id, name)
        if row is None or not can_app(state, principal, app_id, "channel.read", row["id"]):
            raise HttpError(400, "cannot_find_version", "Cannot find version", {"supabaseError": NOT_FOUND_ERROR})
        return 200, render_channel(state, row)
    start, end = page_range(data.get("page", MISSING))
    rows = [row for row in state.channels_of(app_id) if can_app(state, principal, app_id, "channel.read", row["id"])]
    return 200, [render_channel(state, row) for row in rows[start:end + 1]]


def _check_values(body):
    """The writes the database refuses (unmapped: 500 unknown_error)."""
    for field in BOOLEAN_FIELDS:
        if field in body and not isinstance(body[field], bool):
            raise _unknown_error()
    if "disableAutoUpdate" in body and body["disableAutoUpdate"] not in DISABLE_UPDATE_VALUES:
        raise _unknown_error()


def _demote_overlapping(state, row):
    """normalize_public_channel_overlap: a public channel un-publishes every other public channel
    of the app that shares a platform with it."""
    if not row["public"]:
        return
    for other in state.channels_of(row["app_id"]):
        if other is not row and other["public"] and any(other[p] and row[p] for p in PLATFORMS):
            other["public"] = False
            other["updated_at"] = now()


def post_channel(app, req):
    state = app.state
    principal = authenticate(app, req, "key")
    body = parse_body(req)
    data = body if isinstance(body, dict) else {}
    app_id = check_app_id(data.get("app_id"), body)
    name = data.get("channel")
    existing = state.find_channel(app_id, name) if isinstance(name, str) else None
    if existing is not None:
        allowed = can_app(state, principal, app_id, "channel.update_settings", existing["id"])
        if allowed and "version" in data:
            allowed = can_app(state, principal, app_id, "channel.promote_bundle", existing["id"])
    else:
        allowed = can_app(state, principal, app_id, "app.create_channel")
    if not allowed:
        raise HttpError(400, "cannot_access_app", more_info={"app_id": app_id})
    _check_values(data)
    version = data.get("version")
    bundle_id = None
    if version not in NO_BUNDLE:
        bundle = state.bundles.get(app_id, {}).get(version) if isinstance(version, str) else None
        if bundle is None or bundle["deleted"]:
            if existing is not None:
                raise _unknown_error()  # an unhandled rejection in the handler
            raise HttpError(400, "cannot_find_version", "Cannot find version", {"app_id": app_id, "version": version})
        bundle_id = bundle["id"]
    if existing is None and (not isinstance(name, str)):
        raise _unknown_error()  # channels.name is NOT NULL
    row = existing if existing is not None else new_channel_row(state, app_id, name, principal.user["id"])
    for field, column in BOOLEAN_FIELDS.items():
        if field in data:
            row[column] = data[field]
    if "disableAutoUpdate" in data:
        row["disable_auto_update"] = data["disableAutoUpdate"]
    if data.get("public") is True and "electron" not in data and data.get("ios", MISSING) != data.get("android", MISSING):
        row["electron"] = False
    if "version" in data:
        row["version"] = bundle_id
    if existing is not None:
        row["updated_at"] = now()
    else:
        state.channels[row["id"]] = row
        if principal.kind == "apikey" and principal.key.app_roles.get(app_id) == "app_preview":
            principal.key.channel_roles[row["id"]] = "channel_preview"
    _demote_overlapping(state, row)
    if existing is None and bundle_id is not None:
        return 200, {"status": "ok", "id": row["id"], "public": row["public"]}
    return 200, {"status": "ok"}


def delete_channel(app, req):
    state = app.state
    principal = authenticate(app, req, "key")
    body = body_or_query(req)
    data = body if isinstance(body, dict) else {}
    app_id = check_app_id(data.get("app_id"), body)
    name = data.get("channel")
    if not name:
        raise HttpError(400, "missing_channel_name")
    row = state.find_channel(app_id, name)
    if row is None or not can_app(state, principal, app_id, "channel.read", row["id"]):
        raise HttpError(400, "cannot_find_channel", more_info={"supabaseError": NOT_FOUND_ERROR})
    if not can_app(state, principal, app_id, "channel.delete", row["id"]):
        raise HttpError(400, "cannot_access_app", more_info={"app_id": app_id, "channel_id": row["id"]})
    if data.get("delete_bundle") in (True, "true"):
        own = principal.kind == "apikey" and principal.key.channel_roles.get(row["id"]) == "channel_preview"
        if not own:
            raise HttpError(400, "cannot_access_app", more_info={"app_id": app_id, "channel_id": row["id"]})
        bundle = bundle_by_id(state, app_id, row["version"])
        if bundle is not None:
            bundle["deleted"] = True
    state.delete_channel(row["id"])
    return 200, {"status": "ok"}


ROUTES = {"/channel": {"GET": get_channel, "POST": post_channel, "DELETE": delete_channel}}
DOCS_SHAPES = {}
