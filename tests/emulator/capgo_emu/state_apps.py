# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Apps, channels and bundles: their rows, column defaults, and the seed that declares them.

Real server: the ``apps``, ``channels`` and ``app_versions`` tables of
``supabase/migrations/20260708000000_prod_baseline.sql`` (defaults, triggers) and the values
``public/app/post.ts`` sets on create. Seed format (every key optional but ``app_id``, ``org``)::

    "apps": [{"app_id": "com.acme.shop", "org": "<org id or org name>", "name"?: str,
              "id"?: uuid, "icon"?: storage path or URL, "<any other apps column>"?: value,
              "bundles"?: ["1.0.0", {"name": "1.1.0", "id"?: int, "deleted"?: bool}],
              "channels"?: [{"name": "production", "version"?: bundle name,
                             "<any other channels column>"?: value}],
              "bulk_channels"?: {"count": int, "name_prefix": str}}],
    "bulk_apps": [{"count": int, "org": "<org id or name>", "app_id_prefix": "com.bulk.app"}]

A channel's ``version`` names one of the app's bundles. Seed values are stored raw.
"""

from __future__ import annotations

import copy
import uuid

from .errors import SeedError
from .timestamps import now, parse_ts

# public.apps, in column order.
APP_COLUMNS = [
    "created_at", "app_id", "icon_url", "user_id", "name", "last_version", "updated_at", "id", "retention",
    "owner_org", "default_upload_channel", "transfer_history", "channel_device_count", "manifest_bundle_count",
    "expose_metadata", "allow_preview", "allow_device_custom_id", "need_onboarding", "existing_app",
    "ios_store_url", "android_store_url", "stats_updated_at", "stats_refresh_requested_at", "build_timeout_seconds",
    "build_timeout_updated_at", "block_provider_infra_requests", "rollout_channel_count",
    "rollout_paused_version_names", "created_from_onboarding", "onboarding_completed_at",
]
APP_TIMESTAMP_COLUMNS = ("created_at", "updated_at", "stats_updated_at", "stats_refresh_requested_at",
                         "build_timeout_updated_at", "onboarding_completed_at")
# node-postgres returns these bigint columns as strings (POST /app's RETURNING *).
APP_BIGINT_COLUMNS = ("retention", "channel_device_count", "manifest_bundle_count", "build_timeout_seconds",
                      "rollout_channel_count")
RETENTION_DEFAULT = 2592000

# public.channels columns and their defaults (rbac_id and id are set per row).
CHANNEL_DEFAULTS = {
    "version": None, "public": False, "disable_auto_update_under_native": True, "disable_auto_update": "major",
    "ios": True, "android": True, "electron": True, "allow_device_self_set": False, "allow_emulator": True,
    "allow_dev": True, "allow_device": True, "allow_prod": True, "rollout_version": None, "rollout_id": None,
    "rollout_percentage_bps": 0, "rollout_enabled": False, "rollout_paused_at": None, "rollout_pause_reason": None,
    "rollout_cache_ttl_seconds": 2592000, "auto_pause_enabled": False, "auto_pause_window_minutes": 60,
    "auto_pause_failure_rate_bps": None, "auto_pause_confidence": 0.95, "auto_pause_min_attempts": None,
    "auto_pause_min_failures": None, "auto_pause_action": "pause", "auto_pause_cooldown_minutes": 60,
    "auto_pause_last_triggered_at": None, "auto_pause_last_checked_at": None,
}
CHANNEL_TIMESTAMP_COLUMNS = ("created_at", "updated_at", "rollout_paused_at", "auto_pause_last_triggered_at",
                             "auto_pause_last_checked_at")
PLATFORMS = ("ios", "android", "electron")
# disable_update enum
DISABLE_UPDATE_VALUES = ("major", "minor", "patch", "version_number", "none")


def new_app_row(state, app_id, name, owner_org, icon="", created=None):
    """A row as POST /app inserts it: the handler's values, then the table defaults."""
    org = state.orgs[owner_org]
    row = {column: None for column in APP_COLUMNS}
    row.update({
        "created_at": created or now(), "app_id": app_id, "icon_url": icon, "user_id": org["created_by"],
        "name": name, "id": str(uuid.uuid4()), "retention": RETENTION_DEFAULT, "owner_org": owner_org,
        "default_upload_channel": "dev", "transfer_history": [], "channel_device_count": 0,
        "manifest_bundle_count": 0, "expose_metadata": False, "allow_preview": False, "allow_device_custom_id": True,
        "need_onboarding": False, "existing_app": False, "build_timeout_seconds": 900,
        "block_provider_infra_requests": True, "rollout_channel_count": 0, "rollout_paused_version_names": [],
        "created_from_onboarding": False,
    })
    return row


def new_channel_row(state, app_id, name, created_by, created=None):
    state.next_channel_id += 1
    created = created or now()
    row = dict(CHANNEL_DEFAULTS)
    row.update({"id": state.next_channel_id, "created_at": created, "updated_at": created, "name": name,
                "app_id": app_id, "created_by": created_by, "owner_org": state.apps[app_id]["owner_org"],
                "rbac_id": str(uuid.uuid4())})
    return row


def add_bundle(state, app_id, name, bundle_id=None, deleted=False):
    if bundle_id is None:
        state.next_bundle_id += 1
        bundle_id = state.next_bundle_id
    else:
        state.next_bundle_id = max(state.next_bundle_id, int(bundle_id))
    bundle = {"id": int(bundle_id), "name": name, "deleted": bool(deleted)}
    state.bundles.setdefault(app_id, {})[name] = bundle
    return bundle


def bundle_by_id(state, app_id, bundle_id):
    return next((b for b in state.bundles.get(app_id, {}).values() if b["id"] == bundle_id), None)


def _seed_channel(state, app_id, spec):
    if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
        raise SeedError("each channel of %s needs a name" % app_id)
    if state.find_channel(app_id, spec["name"]) is not None:
        raise SeedError("channel %r of %s is declared twice" % (spec["name"], app_id))
    creator = state.orgs[state.apps[app_id]["owner_org"]]["created_by"]
    row = new_channel_row(state, app_id, spec["name"], creator)
    for column, value in spec.items():
        if column == "version":
            if value is None:
                continue
            bundle = state.bundles.get(app_id, {}).get(value)
            if bundle is None:
                raise SeedError("channel %r of %s names an unknown bundle %r" % (spec["name"], app_id, value))
            row["version"] = bundle["id"]
        elif column in CHANNEL_DEFAULTS or column in ("created_at", "updated_at"):
            row[column] = parse_ts(value) if column in CHANNEL_TIMESTAMP_COLUMNS else copy.deepcopy(value)
    state.channels[row["id"]] = row


def _insert_app(state, app_id, org_id, name, icon, extra=None):
    if not isinstance(app_id, str) or not app_id:
        raise SeedError("each app needs an app_id")
    if app_id in state.apps:
        raise SeedError("app %s is declared twice (app ids are unique across Capgo)" % app_id)
    row = new_app_row(state, app_id, name, org_id, icon or "")
    for column, value in (extra or {}).items():
        if column in APP_COLUMNS and column not in ("app_id", "owner_org", "icon_url", "name"):
            row[column] = parse_ts(value) if column in APP_TIMESTAMP_COLUMNS else copy.deepcopy(value)
    state.apps[app_id] = row
    return row


def seed_apps(state, seed, resolve_org):
    """Add the seed's apps, bundles and channels (orgs must exist already)."""
    for spec in seed.get("apps") or []:
        if not isinstance(spec, dict):
            raise SeedError("each app must be an object")
        org_id = resolve_org(spec.get("org"))
        _insert_app(state, spec.get("app_id"), org_id, spec.get("name", spec.get("app_id")), spec.get("icon"), spec)
        app_id = spec["app_id"]
        for bundle in spec.get("bundles") or []:
            if isinstance(bundle, str):
                bundle = {"name": bundle}
            add_bundle(state, app_id, bundle["name"], bundle.get("id"), bundle.get("deleted", False))
        for channel in spec.get("channels") or []:
            _seed_channel(state, app_id, channel)
        bulk = spec.get("bulk_channels")
        if bulk:
            for index in range(1, int(bulk.get("count", 0)) + 1):
                _seed_channel(state, app_id, {"name": "%s%d" % (bulk.get("name_prefix", "channel-"), index)})
    for bulk in seed.get("bulk_apps") or []:
        org_id = resolve_org(bulk.get("org"))
        prefix = bulk.get("app_id_prefix", "com.bulk.app")
        for index in range(1, int(bulk.get("count", 0)) + 1):
            _insert_app(state, "%s%d" % (prefix, index), org_id, "App %d" % index, "")
