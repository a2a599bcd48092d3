# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Emulator tests of /app and /app/:id, from the real server's handlers
(Cap-go/capgo supabase/functions/_backend/public/app/*.ts). Real HTTP over loopback, no mocks."""
# pylint: disable=redefined-outer-name

from __future__ import annotations

import pytest

from apps_testlib import JWT, KEYS, ORG_A, ORG_B, OTHER_APP, SHOP, Api, CapgoEmulator, assert_error, make_seed


@pytest.fixture(scope="module")
def apps_emu():
    emulator = CapgoEmulator(seed=make_seed(), control=True)
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.fixture()
def api(apps_emu):
    apps_emu.reset(make_seed())
    apps_emu.clear_log()
    return Api(apps_emu)


def create(api, app_id="com.acme.new", key="org_super_admin", **body):
    body = dict({"app_id": app_id, "name": "New", "owner_org": ORG_A}, **body)
    return api.call("POST", "/app", key, json_body=body)


# --- routing and authentication ------------------------------------------------------

@pytest.mark.parametrize("method,path", [
    ("PUT", "/app"), ("DELETE", "/app"), ("PATCH", "/app/" + SHOP), ("GET", "/app/" + SHOP + "/x"),
    ("GET", "/channel/production"), ("PUT", "/channel"), ("POST", "/app/" + SHOP),
])
def test_unmatched_routes_are_404_without_more_info(api, method, path):
    answer = api.call(method, path, json_body={"app_id": SHOP})
    assert answer.status == 404
    assert answer.json == {"error": "not_found", "message": "Not found"}


def test_trailing_slash_is_optional(api):
    assert api.call("GET", "/app/").status == 200
    assert api.call("GET", "/app/%s/" % SHOP).status == 200


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_key_only_routes_ignore_x_api_key_and_refuse_jwts(api, method):
    body = {"name": "x"} if method == "PUT" else None
    assert_error(api.call(method, "/app/" + SHOP, header="x-api-key", json_body=body), 401, "no_key_provided")
    assert_error(api.call(method, "/app/" + SHOP, key=None, headers={"authorization": "Bearer " + JWT},
                          json_body=body), 401, "invalid_apikey")
    assert api.call(method, "/app/" + SHOP, header="authorization", json_body=body).status == 200


def test_list_is_key_only(api):
    assert_error(api.call("GET", "/app", header="x-api-key"), 401, "no_key_provided")


def test_post_accepts_x_api_key_and_a_jwt(api):
    assert api.call("POST", "/app", header="x-api-key",
                    json_body={"app_id": "com.acme.a", "name": "A", "owner_org": ORG_A}).status == 200
    answer = api.call("POST", "/app", key=None, headers={"authorization": "Bearer " + JWT},
                      json_body={"app_id": "com.acme.b", "name": "B", "owner_org": ORG_A})
    assert answer.status == 200, answer
    assert_error(api.call("POST", "/app", key=None, headers={"authorization": "Bearer nope"},
                          json_body={"app_id": "com.acme.c", "name": "C", "owner_org": ORG_A}), 401, "invalid_jwt")


# --- GET /app/:id --------------------------------------------------------------------

def test_get_one_returns_the_full_row(api):
    answer = api.call("GET", "/app/" + SHOP)
    assert answer.status == 200
    row = answer.json
    assert row["app_id"] == SHOP and row["owner_org"] == ORG_A and row["name"] == "Shop"
    assert len(row) == 30
    assert row["retention"] == 2592000 and isinstance(row["retention"], int)
    assert row["icon_url"].startswith(api.emu.url + "/storage/v1/object/sign/images/org/a/shop/icon.png?token=")
    assert row["updated_at"] is None


@pytest.mark.parametrize("app_id", ["app", "app_name", ".com.example", "com.example.", "com..example",
                                    "com.example.app+", "[appid]", "invalid-app-id"])
def test_invalid_ids_are_400_invalid_app_id(api, app_id):
    assert_error(api.call("GET", "/app/" + app_id), 400, "invalid_app_id", {"app_id": app_id})


def test_missing_and_foreign_apps_are_401_never_404(api):
    assert_error(api.call("GET", "/app/com.missing.app"), 401, "cannot_access_app", {"app_id": "com.missing.app"})
    assert_error(api.call("GET", "/app/" + OTHER_APP), 401, "cannot_access_app")
    assert_error(api.call("GET", "/app/COM.ACME.SHOP"), 401, "cannot_access_app")  # exact, case-sensitive


def test_icon_reads_back_empty_when_it_cannot_be_signed(api):
    assert api.call("PUT", "/app/" + SHOP, json_body={"icon": "org/a/missing.png"}).json["icon_url"] == ""
    assert api.call("PUT", "/app/" + SHOP, json_body={"icon": "https://cdn.example/i.png"}).json["icon_url"] \
        == "https://cdn.example/i.png"


# --- POST /app -----------------------------------------------------------------------

def test_create_sets_the_server_defaults_and_answers_bigints_as_strings(api):
    answer = create(api, name=" <b>New</b> App ", retention=5, default_upload_channel="x", expose_metadata=True,
                    icon="https://sb.example/storage/v1/object/public/images/org/a/new.png")
    assert answer.status == 200, answer
    row = answer.json
    assert row["name"] == "New App"
    assert row["retention"] == "2592000"
    assert row["build_timeout_seconds"] == "900" and row["channel_device_count"] == "0"
    assert row["default_upload_channel"] == "dev"
    assert row["expose_metadata"] is False and row["allow_device_custom_id"] is True
    assert row["block_provider_infra_requests"] is True
    assert row["updated_at"] is None
    assert row["created_at"].endswith("Z")
    stored = api.app_row("com.acme.new")
    assert stored["icon_url"] == "org/a/new.png"
    assert stored["retention"] == 2592000
    assert api.call("GET", "/app/com.acme.new").json["retention"] == 2592000


def test_create_without_icon_stores_an_empty_icon(api):
    create(api, icon="   ")
    assert api.app_row("com.acme.new")["icon_url"] == ""


def test_create_checks_in_order(api):
    assert_error(api.call("POST", "/app", json_body={"name": "x"}), 400, "missing_app_id", {"body": {"name": "x"}})
    assert_error(api.call("POST", "/app", json_body={"app_id": "bad"}), 400, "invalid_app_id", {"app_id": "bad"})
    assert_error(api.call("POST", "/app", json_body={"app_id": "com.a.b", "name": ""}), 400, "missing_name")
    assert_error(api.call("POST", "/app", json_body={"app_id": "com.a.b", "name": "B"}), 400, "missing_owner_org",
                 {"body": {"app_id": "com.a.b", "name": "B"}})
    assert_error(api.call("POST", "/app", json_body={"app_id": "com.a.b", "name": "B", "owner_org": "nope"}),
                 403, "cannot_access_organization", {"org_id": "nope"})
    assert_error(api.call("POST", "/app", raw_body=b""), 400, "invalid_json_parse_body")


def test_app_ids_are_unique_across_organizations(api):
    expected = {"app_id": OTHER_APP, "constraint": "apps_pkey", "detail": "Key (app_id)=(%s) already exists." % OTHER_APP}
    assert_error(create(api, OTHER_APP), 409, "app_id_already_exists", expected)
    assert_error(create(api, SHOP), 409, "app_id_already_exists")
    assert create(api, "com.Acme.Shop").status == 200  # case-sensitive: another id
    assert api.app_row(OTHER_APP)["owner_org"] == ORG_B


def test_create_without_the_right_is_403(api):
    assert_error(create(api, key="apikey_manager"), 403, "cannot_access_organization")
    assert_error(create(api, key="app_admin"), 403, "cannot_access_organization")
    assert create(api, key="org_member").status == 200


def test_an_org_member_cannot_read_the_app_it_created(api):
    assert create(api, key="org_member").status == 200
    assert_error(api.call("GET", "/app/com.acme.new", "org_member"), 401, "cannot_access_app")


# --- PUT /app/:id --------------------------------------------------------------------

def test_update_writes_only_what_is_sent_and_sets_updated_at(api):
    answer = api.call("PUT", "/app/" + SHOP, json_body={"retention": 0, "expose_metadata": True, "name": "<i>Shop</i> 2"})
    assert answer.status == 200, answer
    assert answer.json["retention"] == 0
    assert answer.json["expose_metadata"] is True
    assert answer.json["name"] == "Shop 2"
    assert answer.json["allow_device_custom_id"] is True
    assert answer.json["updated_at"] is not None


def test_update_accepts_the_query_string(api):
    answer = api.call("PUT", "/app/" + SHOP, query={"retention": "60", "block_provider_infra_requests": "false"})
    assert answer.status == 200, answer
    assert answer.json["retention"] == 60 and answer.json["block_provider_infra_requests"] is False


def test_retention_range(api):
    assert_error(api.call("PUT", "/app/" + SHOP, json_body={"retention": 63113904}), 400, "retention_to_big",
                 {"retention": 63113904})
    assert_error(api.call("PUT", "/app/" + SHOP, json_body={"retention": -1}), 400, "retention_to_small")
    assert_error(api.call("PUT", "/app/" + SHOP, json_body={"retention": 1.5}), 400, "cannot_update_app")
    assert api.call("PUT", "/app/" + SHOP, json_body={"retention": 63113903}).status == 200


def test_update_with_only_ignored_fields_is_cannot_update_app(api):
    assert_error(api.call("PUT", "/app/" + SHOP, json_body={"owner_org": ORG_B, "default_upload_channel": "x"}),
                 400, "cannot_update_app")
    assert api.app_row(SHOP)["owner_org"] == ORG_A
    assert_error(api.call("PUT", "/app/" + SHOP, json_body={"expose_metadata": "yes"}), 400, "cannot_update_app")


def test_update_of_a_missing_or_foreign_app_is_401(api):
    assert_error(api.call("PUT", "/app/com.missing.app", json_body={"name": "x"}), 401, "cannot_access_app")
    assert_error(api.call("PUT", "/app/" + OTHER_APP, json_body={"name": "x"}), 401, "cannot_access_app")
    assert_error(api.call("PUT", "/app/nope", json_body={"name": "x"}), 400, "invalid_app_id")


# --- DELETE /app/:id -----------------------------------------------------------------

def test_delete_cascades_to_channels_bundles_and_bindings(api):
    assert api.call("GET", "/app/" + SHOP, "app_reader").status == 200
    assert api.call("DELETE", "/app/" + SHOP).json == {"status": "ok"}
    assert api.app_row(SHOP) is None
    keys = {k["name"]: k for k in api.emu.state()["keys"]}
    assert keys["app_reader"]["app_roles"] == {}
    assert keys["channel_admin"]["channel_roles"] == {}
    assert_error(api.call("GET", "/app/" + SHOP), 401, "cannot_access_app")
    assert_error(api.call("GET", "/channel", query={"app_id": SHOP}), 400, "cannot_access_app")
    assert_error(api.call("DELETE", "/app/" + SHOP), 400, "cannot_delete_app", {"app_id": SHOP})
    # the id is free again, for anyone, and the new app has no channels
    assert create(api, SHOP).status == 200
    assert api.call("GET", "/channel", query={"app_id": SHOP}).json == []


def test_only_super_admins_delete_apps(api):
    for key in ("org_admin", "app_admin", "app_developer"):
        assert_error(api.call("DELETE", "/app/" + SHOP, key), 400, "cannot_delete_app")
    assert_error(api.call("DELETE", "/app/" + OTHER_APP), 400, "cannot_delete_app")
    assert_error(api.call("DELETE", "/app/bad"), 400, "invalid_app_id")


def test_deleting_an_org_deletes_its_apps(api):
    assert api.call("DELETE", "/organization", "other", query={"orgId": ORG_B}).status == 200
    assert api.app_row(OTHER_APP) is None


# --- GET /app (list) -----------------------------------------------------------------

def test_list_pages_50_by_default_from_the_query_string(api):
    api.emu.reset(make_seed(bulk_apps=[{"count": 119, "org": ORG_A, "app_id_prefix": "com.bulk.app"}]))
    sizes = [len(api.call("GET", "/app", query={"page": page}).json) for page in range(4)]
    assert sizes == [50, 50, 20, 0]
    assert len(api.call("GET", "/app", query={"limit": 200}).json) == 120
    ids = [row["app_id"] for page in range(3) for row in api.call("GET", "/app", query={"page": page}).json]
    assert len(set(ids)) == 120
    # a JSON body is not read by this route
    assert len(api.call("GET", "/app", json_body={"page": 2}).json) == 50


def test_list_filters_on_org_id_and_on_app_read(api):
    assert [a["app_id"] for a in api.call("GET", "/app").json] == [SHOP]
    assert [a["app_id"] for a in api.call("GET", "/app", query={"org_id": ORG_A}).json] == [SHOP]
    assert_error(api.call("GET", "/app", query={"org_id": ORG_B}), 400,
                 "user_does_not_have_access_to_this_organization", {"org_id": ORG_B})
    assert [a["app_id"] for a in api.call("GET", "/app", "app_reader").json] == [SHOP]
    assert_error(api.call("GET", "/app", "app_reader", query={"org_id": ORG_A}), 400,
                 "user_does_not_have_access_to_this_organization")
    assert api.call("GET", "/app", "org_member", query={"org_id": ORG_A}).json == []
    assert [a["app_id"] for a in api.call("GET", "/app", "other").json] == [OTHER_APP]


def test_negative_page_is_a_range_error(api):
    assert_error(api.call("GET", "/app", query={"page": "-1"}), 400, "cannot_get_apps")


def test_seed_keys_are_listed_by_name(api):
    assert set(KEYS) <= set(api.emu.keys)


def test_a_subkey_limited_to_one_app_sees_only_that_app(api):
    seed = make_seed()
    seed["apps"].append({"app_id": "com.acme.second", "org": ORG_A, "name": "Second"})
    seed["keys"].append({"name": "sub", "key": "bbbbbbbb-0000-4000-8000-000000000777", "id": 900,
                         "owner": "admin@example.com", "subkey_of": "org_super_admin", "app_roles": {SHOP: "app_reader"}})
    api.emu.reset(seed)
    limited = {"x-limited-key-id": "900"}
    assert [a["app_id"] for a in api.call("GET", "/app").json] == [SHOP, "com.acme.second"]
    assert [a["app_id"] for a in api.call("GET", "/app", headers=limited).json] == [SHOP]
    assert_error(api.call("GET", "/app/com.acme.second", headers=limited), 401, "cannot_access_app")
    assert_error(api.call("PUT", "/app/" + SHOP, headers=limited, json_body={"name": "x"}), 401, "cannot_access_app")
