# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Emulator tests of /channel and of the permission matrix of /app and /channel per role, from the
real server (Cap-go/capgo supabase/functions/_backend/public/channel/*.ts, supabase/seed.sql).
Real HTTP over loopback, no mocks."""
# pylint: disable=redefined-outer-name

from __future__ import annotations

import pytest

from apps_testlib import JWT, ORG_A, ROLE_KEYS, SHOP, Api, CapgoEmulator, assert_error, make_seed

GET_FIELDS = {
    "id", "created_at", "name", "app_id", "created_by", "updated_at", "public", "allow_device_self_set",
    "allow_emulator", "allow_device", "allow_dev", "allow_prod", "rollout_version", "rollout_id",
    "rollout_version_info", "version", "disableAutoUpdateUnderNative", "disableAutoUpdate", "rolloutPercentageBps",
    "rolloutEnabled", "rolloutPausedAt", "rolloutPauseReason", "rolloutCacheTtlSeconds", "autoPauseEnabled",
    "autoPauseWindowMinutes", "autoPauseFailureRateBps", "autoPauseConfidence", "autoPauseMinAttempts",
    "autoPauseMinFailures", "autoPauseAction", "autoPauseCooldownMinutes", "autoPauseLastTriggeredAt",
    "autoPauseLastCheckedAt",
}


@pytest.fixture(scope="module")
def channel_emu():
    emulator = CapgoEmulator(seed=make_seed(), control=True)
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.fixture()
def api(channel_emu):
    channel_emu.reset(make_seed())
    channel_emu.clear_log()
    return Api(channel_emu)


def upsert(api, key="org_super_admin", **body):
    return api.call("POST", "/channel", key, json_body=dict({"app_id": SHOP}, **body))


def one(api, name, key="org_super_admin"):
    return api.call("GET", "/channel", key, query={"app_id": SHOP, "channel": name})


# --- authentication ------------------------------------------------------------------

@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_channel_routes_take_capgkey_or_raw_authorization_only(api, method):
    body = {"app_id": SHOP, "channel": "staging"}
    assert_error(api.call(method, "/channel", header="x-api-key", json_body=body), 401, "no_key_provided")
    assert_error(api.call(method, "/channel", key=None, headers={"authorization": "Bearer " + JWT}, json_body=body),
                 401, "invalid_apikey")
    assert api.call(method, "/channel", header="authorization", json_body=body).status == 200


# --- GET -----------------------------------------------------------------------------

def test_get_one_has_no_platform_flags_and_a_version_object(api):
    answer = one(api, "production")
    assert answer.status == 200
    assert set(answer.json) == GET_FIELDS
    assert answer.json["version"]["name"] == "1.0.0" and isinstance(answer.json["version"]["id"], int)
    assert answer.json["public"] is True and answer.json["disableAutoUpdate"] == "major"
    assert one(api, "staging").json["version"] is None


def test_get_errors(api):
    assert_error(api.call("GET", "/channel"), 400, "missing_app_id", {"body": {}})
    assert_error(api.call("GET", "/channel", query={"app_id": "nope"}), 400, "invalid_app_id")
    assert_error(api.call("GET", "/channel", query={"app_id": "com.missing.app"}), 400, "cannot_access_app",
                 {"app_id": "com.missing.app"})
    missing = assert_error(one(api, "nightly"), 400, "cannot_find_version")
    assert missing["message"] == "Cannot find version"
    assert missing["moreInfo"]["supabaseError"]["code"] == "PGRST116"


def test_get_lists_oldest_first(api):
    assert [c["name"] for c in api.call("GET", "/channel", query={"app_id": SHOP}).json] == ["production", "staging"]


def test_paging_numeric_page_in_the_body_and_the_query_string_page_bug(api):
    seed = make_seed()
    seed["apps"][0]["channels"] = []
    seed["apps"][0]["bulk_channels"] = {"count": 120, "name_prefix": "c"}
    seed["keys"] = [key for key in seed["keys"] if "channel_roles" not in key]
    api.emu.reset(seed)

    def names(**params):
        answer = api.call("GET", "/channel", **params)
        assert answer.status == 200, answer
        return [c["name"] for c in answer.json]

    first = names(query={"app_id": SHOP})
    assert first == ["c%d" % i for i in range(1, 51)]
    assert names(json_body={"app_id": SHOP, "page": 1}) == ["c%d" % i for i in range(51, 101)]
    assert names(json_body={"app_id": SHOP, "page": 2}) == ["c%d" % i for i in range(101, 121)]
    assert names(json_body={"app_id": SHOP, "page": 3}) == []
    assert names(query={"app_id": SHOP, "page": "0"}) == first
    # ?page=1: range(50, ("1" + 1) * 50 - 1) = 50..549, everything from the 51st channel on
    assert names(query={"app_id": SHOP, "page": "1"}) == ["c%d" % i for i in range(51, 121)]


# --- POST ----------------------------------------------------------------------------

def test_post_needs_a_json_body(api):
    assert_error(api.call("POST", "/channel", raw_body=b"app_id=x"), 400, "invalid_json_parse_body", {"e": {}})
    assert_error(api.call("POST", "/channel", query={"app_id": SHOP, "channel": "x"}), 400, "invalid_json_parse_body")
    assert_error(api.call("POST", "/channel", json_body={}), 400, "missing_app_id", {"body": {}})
    assert_error(upsert(api, app_id="bad", channel="x"), 400, "invalid_app_id")


def test_create_takes_the_defaults_and_answers_without_the_row(api):
    answer = upsert(api, channel="beta")
    assert answer.json == {"status": "ok"}
    stored = api.channel_row(SHOP, "beta")
    assert (stored["ios"], stored["android"], stored["electron"]) == (True, True, True)
    assert stored["public"] is False and stored["disable_auto_update"] == "major"
    assert stored["disable_auto_update_under_native"] is True
    assert stored["allow_device_self_set"] is False and stored["allow_prod"] is True
    assert stored["version"] is None


def test_update_keeps_omitted_fields(api):
    assert upsert(api, channel="staging", allow_dev=False, disableAutoUpdate="minor").json == {"status": "ok"}
    assert upsert(api, channel="staging", allow_emulator=False).status == 200
    row = one(api, "staging").json
    assert (row["allow_dev"], row["allow_emulator"], row["disableAutoUpdate"]) == (False, False, "minor")
    assert row["updated_at"] != row["created_at"]


def test_version_on_create_and_update(api):
    assert upsert(api, channel="beta", version="1.1.0").json["status"] == "ok"
    created = upsert(api, channel="gamma", version="1.1.0", public=False)
    assert set(created.json) == {"status", "id", "public"} and created.json["public"] is False
    assert one(api, "gamma").json["version"]["name"] == "1.1.0"
    assert upsert(api, channel="gamma", version="").json == {"status": "ok"}
    assert one(api, "gamma").json["version"] is None
    assert_error(upsert(api, channel="delta", version="9.9.9"), 400, "cannot_find_version")
    assert api.channel_row(SHOP, "delta") is None  # the create was rolled back
    assert_error(upsert(api, channel="gamma", version="9.9.9"), 500, "unknown_error")


@pytest.mark.parametrize("body", [{"disableAutoUpdate": "metadata"}, {"public": "yes"}, {"ios": 1}])
def test_values_the_database_refuses_are_500_unknown_error(api, body):
    assert_error(upsert(api, channel="staging", **body), 500, "unknown_error")


def test_public_demotes_other_public_channels_that_share_a_platform(api):
    assert upsert(api, channel="staging", public=True).status == 200
    assert one(api, "production").json["public"] is False
    assert one(api, "staging").json["public"] is True


def test_public_channels_on_different_platforms_both_stay_public(api):
    assert upsert(api, channel="production", ios=True, android=False, electron=False).status == 200
    assert upsert(api, channel="staging", public=True, ios=False, android=True, electron=False).status == 200
    assert one(api, "production").json["public"] is True
    assert one(api, "staging").json["public"] is True


def test_public_with_ios_different_from_android_turns_electron_off(api):
    assert upsert(api, channel="beta", public=True, ios=True, android=False).status == 200
    assert api.channel_row(SHOP, "beta")["electron"] is False
    # beta shares ios with production: production is no longer public
    assert api.channel_row(SHOP, "production")["public"] is False


# --- DELETE --------------------------------------------------------------------------

def test_delete_by_body_or_query(api):
    assert api.call("DELETE", "/channel", json_body={"app_id": SHOP, "channel": "staging"}).json == {"status": "ok"}
    assert api.call("DELETE", "/channel", query={"app_id": SHOP, "channel": "production"}).json == {"status": "ok"}
    assert api.call("GET", "/channel", query={"app_id": SHOP}).json == []
    assert len(api.app_row(SHOP)["bundles"]) == 2  # bundles stay


def test_delete_errors(api):
    assert_error(api.call("DELETE", "/channel"), 400, "invalid_json_parse_body")
    assert_error(api.call("DELETE", "/channel", query={"app_id": SHOP}), 400, "missing_channel_name")
    assert_error(api.call("DELETE", "/channel", query={"app_id": SHOP, "channel": "nightly"}), 400,
                 "cannot_find_channel")
    assert_error(api.call("DELETE", "/channel", query={"app_id": "com.missing.app", "channel": "x"}), 400,
                 "cannot_find_channel")
    channel_id = api.channel_row(SHOP, "production")["id"]
    assert_error(api.call("DELETE", "/channel", "org_admin", query={"app_id": SHOP, "channel": "production"}), 400,
                 "cannot_access_app", {"app_id": SHOP, "channel_id": channel_id})
    assert_error(api.call("DELETE", "/channel", query={"app_id": SHOP, "channel": "production", "delete_bundle": "true"}),
                 400, "cannot_access_app")


def test_delete_removes_the_channel_bindings(api):
    assert api.call("DELETE", "/channel", query={"app_id": SHOP, "channel": "production"}).status == 200
    keys = {k["name"]: k for k in api.emu.state()["keys"]}
    assert keys["channel_admin"]["channel_roles"] == {}


def test_an_app_preview_key_owns_the_channels_it_creates(api):
    assert upsert(api, "app_preview", channel="preview-1").status == 200
    assert api.call("DELETE", "/channel", "app_preview", query={"app_id": SHOP, "channel": "preview-1"}).status == 200


# --- the permission matrix, per role -------------------------------------------------

def read_app(api, key):
    return api.call("GET", "/app/" + SHOP, key).status == 200


def update_app(api, key):
    return api.call("PUT", "/app/" + SHOP, key, json_body={"name": "Renamed"}).status == 200


def delete_app(api, key):
    return api.call("DELETE", "/app/" + SHOP, key).status == 200


def create_app(api, key):
    return api.call("POST", "/app", key, json_body={"app_id": "com.acme.x", "name": "X", "owner_org": ORG_A}).status == 200


def read_channels(api, key):
    return api.call("GET", "/channel", key, query={"app_id": SHOP}).status == 200


def create_channel(api, key):
    return upsert(api, key, channel="new-one").status == 200


def update_channel(api, key):
    return upsert(api, key, channel="production", allow_dev=False).status == 200


def promote_bundle(api, key):
    return upsert(api, key, channel="production", version="1.1.0").status == 200


def delete_channel(api, key):
    return api.call("DELETE", "/channel", key, query={"app_id": SHOP, "channel": "production"}).status == 200


OPERATIONS = [read_app, update_app, delete_app, create_app, read_channels, create_channel, update_channel,
              promote_bundle, delete_channel]
# Expected outcome per role, in OPERATIONS order (channel roles are bound to "production").
MATRIX = {
    "org_super_admin": "YYYYYYYYY",
    "org_admin": "YYNYYYYYN",
    "org_billing_admin": "NNNYNNNNN",
    "apikey_manager": "NNNNNNNNN",
    "org_member": "NNNYNNNNN",
    "app_admin": "YYNNYYYYY",
    "app_developer": "YNNNYYNNN",
    "app_uploader": "YNNNYNNNN",
    "app_reader": "YNNNYNNNN",
    "app_preview": "YNNNNYNNN",
    "channel_admin": "NNNNNNYYY",
    "channel_reader": "NNNNNNNNN",
}


def test_the_matrix_covers_every_seeded_role():
    assert set(MATRIX) == set(ROLE_KEYS)


@pytest.mark.parametrize("role", sorted(MATRIX))
def test_permission_matrix(api, role):
    outcomes = ""
    for operation in OPERATIONS:
        api.emu.reset(make_seed())
        outcomes += "Y" if operation(api, role) else "N"
    assert outcomes == MATRIX[role], dict(zip([op.__name__ for op in OPERATIONS], outcomes))
