# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Logos settle after one run: the server normalises a stored path again when it signs it for a read.

supabase/functions/_backend/utils/storage.ts: a written "/images/org/a/logo.png" is stored as
"images/org/a/logo.png" and read back (signed) as "org/a/logo.png"; "images/images/b.png" is
stored as "images/b.png" and read back as "b.png".
"""

from __future__ import annotations

from conftest import play_yaml, task_yaml

LOGOS = {"Logo A": "/images/org/a/logo.png", "Logo B": "images/images/b.png"}
READ_BACK = {"Logo A": "org/a/logo.png", "Logo B": "b.png"}


def logo_play(logos):
    tasks = [task_yaml("capgo.cloud.capgo_organization", {"name": name, "logo": logo}, name=name)
             for name, logo in sorted(logos.items())]
    return play_yaml(tasks)


def test_both_logo_paths_report_no_change_on_their_second_run(emulator, run_playbook):
    """New organizations: check mode predicts the real run's logo; the second run and a check report no change."""
    env = {"CAPGO_API_URL": emulator.url, "CAPGO_API_KEY": emulator.key}
    emulator.reset({
        "users": [{"email": "admin@example.com"}],
        "orgs": [{"name": name, "created_by": "admin@example.com"} for name in LOGOS],
        "keys": [{"name": "admin", "key": emulator.key, "owner": "admin@example.com", "org_create": True,
                  "roles": dict((name, "org_super_admin") for name in LOGOS)}],
    })
    play = logo_play(LOGOS)
    check = run_playbook(play, env=env, args=["--check"])
    first = run_playbook(play, env=env)
    assert check.rc == 0 and first.rc == 0, check.describe() + first.describe()
    for name in LOGOS:
        assert first.one(name)["status"] == "changed"
        assert first.one(name)["organization"]["logo"] == READ_BACK[name]
        assert check.one(name)["organization"] == first.one(name)["organization"]
        assert first.one(name)["warnings"] == []

    emulator.clear_log()
    second = run_playbook(play, env=env)
    last_check = run_playbook(play, env=env, args=["--check"])
    for run in (second, last_check):
        assert run.rc == 0, run.describe()
        assert [run.one(name)["status"] for name in sorted(LOGOS)] == ["ok", "ok"], run.describe()
        assert [run.one(name)["organization"]["logo"] for name in sorted(LOGOS)] == ["org/a/logo.png", "b.png"]
    assert emulator.writes() == []


def test_logos_the_server_stored_from_these_paths_are_no_change(emulator, run_playbook):
    """Organizations whose stored logo came from these paths (set elsewhere, e.g. the console): no write at all.

    Passes once the emulator signs the stored path normalised again, as the server does.
    """
    env = {"CAPGO_API_URL": emulator.url, "CAPGO_API_KEY": emulator.key}
    stored = {"Logo A": "images/org/a/logo.png", "Logo B": "images/b.png", "Logo C": ""}
    emulator.reset({
        "users": [{"email": "admin@example.com"}],
        "orgs": [{"name": name, "created_by": "admin@example.com", "logo": logo} for name, logo in stored.items()],
        "keys": [{"name": "admin", "key": emulator.key, "owner": "admin@example.com", "org_create": True,
                  "roles": dict((name, "org_super_admin") for name in stored)}],
    })
    wanted = dict(LOGOS, **{"Logo C": ""})
    emulator.clear_log()
    for args in ([], ["--check"]):
        run = run_playbook(logo_play(wanted), env=env, args=args)
        assert run.rc == 0, run.describe()
        assert dict((name, run.one(name)["status"]) for name in wanted) == dict.fromkeys(wanted, "ok"), run.describe()
    assert emulator.writes() == []
