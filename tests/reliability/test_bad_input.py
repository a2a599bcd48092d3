# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad input: every option with wrong types and bad values fails before any request, naming the option."""

from __future__ import annotations

import pytest

from conftest import play_yaml, record, task_yaml

ORG = "capgo.cloud.capgo_organization"
INFO = "capgo.cloud.capgo_organization_info"
HUGE = 1024 * 1024
FULL = {  # every option of capgo_organization, each valid on its own
    "org_id": "11111111-1111-4111-8111-111111111111", "name": "Everything Org", "management_email": "all@example.com",
    "website": "everything.example.com", "logo": "org/x/logo.png", "state": "present", "enforcing_2fa": False,
    "password_policy_config": {"enabled": True, "min_length": 12}, "enforce_hashed_api_keys": False,
    "require_apikey_expiration": False, "max_apikey_expiration_days": 30, "enforce_encrypted_bundles": True,
    "required_encryption_key": "a" * 20, "acknowledge_lockout": False, "api_timeout": 10, "api_retries": 1,
    "validate_certs": True,
}


def _with(**changes):
    args = dict(FULL)
    args.update(changes)
    return args


# (case id, module, arguments, word the failure message must contain)
CASES = [
    ("name too short", ORG, {"name": "ab"}, "name"),
    ("name blank", ORG, {"name": "   "}, "name"),
    ("name empty", ORG, {"name": ""}, "name"),
    ("name only HTML", ORG, {"name": "<b></b>x"}, "name"),
    ("name HTML leaves 1 char", ORG, {"name": "<p> a </p>"}, "name"),
    ("nothing set", ORG, {}, "org_id"),
    ("org_id empty", ORG, {"org_id": ""}, "org_id"),
    ("org_id blank", ORG, {"org_id": "   ", "name": "Valid name"}, "org_id"),
    ("email malformed", ORG, {"name": "Valid name", "management_email": "not-an-email"}, "management_email"),
    ("email with spaces", ORG, {"name": "Valid name", "management_email": " a@example.com"}, "management_email"),
    ("email huge domain", ORG, {"name": "Valid name", "management_email": "a@" + "b" * HUGE}, "management_email"),
    ("website ftp", ORG, {"name": "Valid name", "website": "ftp://example.com"}, "website"),
    ("website credentials", ORG, {"name": "Valid name", "website": "https://user:pw@example.com"}, "website"),
    ("website javascript", ORG, {"name": "Valid name", "website": "javascript:alert(1)"}, "website"),
    ("website space in host", ORG, {"name": "Valid name", "website": "http://exa mple.com"}, "website"),
    ("website bad port", ORG, {"name": "Valid name", "website": "https://example.com:99999"}, "website"),
    ("website huge", ORG, {"name": "Valid name", "website": "https://" + "a" * HUGE + ".com"}, "website"),
    ("state unknown", ORG, {"name": "Valid name", "state": "gone"}, "state"),
    ("state list", ORG, {"name": "Valid name", "state": ["present"]}, "state"),
    ("days negative", ORG, {"name": "Valid name", "max_apikey_expiration_days": -1}, "max_apikey_expiration_days"),
    ("days too many", ORG, {"name": "Valid name", "max_apikey_expiration_days": 366}, "max_apikey_expiration_days"),
    ("days text", ORG, {"name": "Valid name", "max_apikey_expiration_days": "many"}, "max_apikey_expiration_days"),
    ("days fraction", ORG, {"name": "Valid name", "max_apikey_expiration_days": 1.5}, "max_apikey_expiration_days"),
    ("policy min_length low", ORG, {"name": "Valid name", "password_policy_config": {"enabled": True, "min_length": 5}},
     "password_policy_config.min_length"),
    ("policy min_length high", ORG, {"name": "Valid name", "password_policy_config": {"enabled": True, "min_length": 100}},
     "password_policy_config.min_length"),
    ("policy without enabled", ORG, {"name": "Valid name", "password_policy_config": {"min_length": 10}}, "enabled"),
    ("policy unknown key", ORG, {"name": "Valid name", "password_policy_config": {"enabled": True, "bogus": 1}}, "bogus"),
    # ansible-core's own message for a dict option with sub-options does not name the option (a core limitation;
    # the module never sees the value): it still fails before any request.
    ("policy not a dict", ORG, {"name": "Valid name", "password_policy_config": "yes please"}, "dictionary requested"),
    ("policy enabled not bool", ORG, {"name": "Valid name", "password_policy_config": {"enabled": "perhaps"}}, "enabled"),
    ("encryption key short", ORG, {"name": "Valid name", "required_encryption_key": "short"}, "required_encryption_key"),
    ("encryption key huge", ORG, {"name": "Valid name", "required_encryption_key": "k" * HUGE}, "required_encryption_key"),
    ("2fa not bool", ORG, {"name": "Valid name", "enforcing_2fa": "maybe"}, "enforcing_2fa"),
    ("hashed not bool", ORG, {"name": "Valid name", "enforce_hashed_api_keys": [True]}, "enforce_hashed_api_keys"),
    ("acknowledge not bool", ORG, {"name": "Valid name", "acknowledge_lockout": "sure"}, "acknowledge_lockout"),
    ("api_url ftp", ORG, {"name": "Valid name", "api_url": "ftp://127.0.0.1"}, "api_url"),
    ("api_url credentials", ORG, {"name": "Valid name", "api_url": "http://u:p@127.0.0.1:1"}, "api_url"),
    ("api_url empty", ORG, {"name": "Valid name", "api_url": ""}, "api_url"),
    ("api_url query", ORG, {"name": "Valid name", "api_url": "http://127.0.0.1:1/?q=1"}, "api_url"),
    ("api_timeout zero", ORG, {"name": "Valid name", "api_timeout": 0}, "api_timeout"),
    ("api_timeout negative", ORG, {"name": "Valid name", "api_timeout": -5}, "api_timeout"),
    ("api_timeout text", ORG, {"name": "Valid name", "api_timeout": "soon"}, "api_timeout"),
    ("api_retries negative", ORG, {"name": "Valid name", "api_retries": -1}, "api_retries"),
    ("api_retries text", ORG, {"name": "Valid name", "api_retries": "x"}, "api_retries"),
    ("validate_certs not bool", ORG, {"name": "Valid name", "validate_certs": "maybe"}, "validate_certs"),
    ("api_key empty", ORG, {"name": "Valid name", "api_key": ""}, "api_key"),
    ("api_key two lines", ORG, {"name": "Valid name", "api_key": "abc\ndef"}, "api_key"),
    ("unknown option", ORG, {"name": "Valid name", "nmae": "Valid name"}, "nmae"),
    ("everything, website with credentials", ORG, _with(website="https://a:b@example.com"), "website"),
    ("everything, days and policy out of range", ORG,
     _with(max_apikey_expiration_days=400, password_policy_config={"enabled": True, "min_length": 2}), "max_apikey_expiration_days"),
    ("everything, bad state", ORG, _with(state="both"), "state"),
    ("info name empty", INFO, {"name": ""}, "name"),
    ("info name blank", INFO, {"name": "  "}, "name"),
    ("info org_id empty", INFO, {"org_id": ""}, "org_id"),
    ("info api_timeout zero", INFO, {"api_timeout": 0}, "api_timeout"),
    ("info unknown option", INFO, {"state": "present"}, "state"),
    ("info api_url credentials", INFO, {"api_url": "https://key@127.0.0.1"}, "api_url"),
]


def test_bad_input_fails_before_any_request_naming_the_option(emulator, run_playbook):
    tasks = [task_yaml(module, args, name=case, extra={"ignore_errors": True}) for case, module, args, _word in CASES]
    run = run_playbook(play_yaml(tasks), env={"CAPGO_API_URL": emulator.url, "CAPGO_API_KEY": emulator.key})
    assert run.rc == 0, run.describe()
    problems = []
    for case, _module, _args, word in CASES:
        event = run.one(case)
        if event["status"] != "failed":
            problems.append("%s: %s, not failed" % (case, event["status"]))
        elif word not in event.get("msg", ""):
            problems.append("%s: message does not name %r: %s" % (case, word, event.get("msg", "")[:300]))
        elif "Traceback" in str(event) or "MODULE FAILURE" in str(event):
            problems.append("%s: traceback" % case)
    assert not problems, "\n".join(problems)
    assert emulator.api_log() == [], "requests were sent: %r" % emulator.api_log()[:5]
    record("bad_input", cases=len(CASES), requests_sent=0, seconds=round(run.duration, 1))


# Values that look odd but are valid for the server: they must work, and a second run must change nothing.
VALID = [
    ("HTML around a name", {"name": "<b>Bold</b> Corp"}, "Bold Corp"),
    ("unicode name", {"name": "Ünïcødé 組織 🚀"}, "Ünïcødé 組織 🚀"),
    ("surrounding whitespace", {"name": "  Spaced Name\t"}, "Spaced Name"),
    ("script tag", {"name": "<script>alert(1)</script>Safe Org"}, "alert(1)Safe Org"),
    ("1 MB name (the server sets no maximum)", {"name": "N" * HUGE}, "N" * HUGE),
]


def test_odd_but_valid_values_succeed_and_are_idempotent(emulator, run_playbook):
    tasks = []
    for case, args, _stored in VALID:
        tasks.append(task_yaml(ORG, args, name=case))
        tasks.append(task_yaml(ORG, args, name=case + " again"))
    run = run_playbook(play_yaml(tasks), env={"CAPGO_API_URL": emulator.url, "CAPGO_API_KEY": emulator.key})
    assert run.rc == 0, run.describe()[:5000]
    names = [o["name"] for o in emulator.state()["orgs"]]
    for case, _args, stored in VALID:
        assert run.one(case)["status"] == "changed"
        assert run.one(case + " again")["status"] == "ok"
        assert names.count(stored) == 1, case
    assert len([e for e in emulator.api_log() if e["method"] == "POST"]) == len(VALID)
    record("odd_valid_input", cases=len(VALID), seconds=round(run.duration, 1))


# Values that once slipped past the checks before any request (a traceback, or a half-applied create).
EDGE_CASES = [
    pytest.param(ORG, {"name": "Valid name", "ca_path": "/nonexistent/ca.pem"}, "ca_path", id="ca_path missing"),
    pytest.param(ORG, {"name": "Valid name", "api_key": "\u20ac" + "0" * 35}, "api_key", id="api_key not latin-1"),
    pytest.param(ORG, {"name": "Twofa Org", "enforcing_2fa": True, "acknowledge_lockout": True}, "enforcing_2fa",
                 id="create with enforcing_2fa"),
]


@pytest.mark.parametrize("module, args, word", EDGE_CASES)
def test_bad_input_edge_cases(emulator, run_playbook, module, args, word):
    run = run_playbook(play_yaml([task_yaml(module, args, name="case", extra={"ignore_errors": True})]),
                       env={"CAPGO_API_URL": emulator.url, "CAPGO_API_KEY": emulator.key})
    event = run.one("case")
    assert event["status"] == "failed"
    assert word in event.get("msg", "")
    assert "Traceback" not in run.text and "MODULE FAILURE" not in run.text
    assert emulator.writes() == []
