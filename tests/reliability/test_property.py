# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Property-based: random argument sets for both modules against the emulator.

Each example runs the real module code the way AnsiballZ does (one Python process per run, arguments as
ANSIBLE_MODULE_ARGS JSON); ansible-playbook's own start-up would make every example ten times slower.
Properties: never a traceback; a run that fails writes nothing; a run that succeeds is idempotent (a second
identical run reports changed=false and writes nothing). "Writes" are judged by the emulator itself: a processed
POST or DELETE, or a new audit row (the PUT that only reads the security settings adds none).
"""

from __future__ import annotations

import os
import time

from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import record, run_module

EXAMPLES = int(os.environ.get("RELIABILITY_EXAMPLES", "30"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))

names = st.one_of(
    st.sampled_from(["Default organization", "Prop Org", "prop org", "Prop  Org", "<b>Prop</b> Org", "Ünï 組織 🚀"]),
    st.text(min_size=0, max_size=12),
    st.text(alphabet=" \t<>/ab", max_size=8),
)
emails = st.one_of(st.sampled_from(["ops@example.com", "a.b+c@sub.example.org", "bad", " ops@example.com", "x@y"]),
                   st.text(max_size=10))
websites = st.one_of(st.sampled_from(["example.com", "https://Example.COM:443/a/../b", "ftp://x.com", "http://u:p@x.com",
                                      "", "  ", "http://[::1]/", "https://example.com:99999", "xn--nxasmq6b.com"]),
                     st.text(max_size=15))
wrong_types = st.one_of(st.integers(-3, 3), st.booleans(), st.lists(st.sampled_from(["a", "b"]), max_size=2),
                        st.dictionaries(st.sampled_from(["k"]), st.integers(0, 1), max_size=1))
policies = st.one_of(st.none(), st.fixed_dictionaries(
    {"enabled": st.booleans(), "min_length": st.integers(0, 100)},
    optional={"require_special": st.booleans(), "require_number": st.one_of(st.booleans(), st.just("maybe"))}),
    st.just("not a dict"))


def _maybe(strategy, wrong=True):
    options = [st.none(), strategy]
    if wrong:
        options.append(wrong_types)
    return st.one_of(*options)


valid_org_args = st.fixed_dictionaries({"name": st.sampled_from(["Default organization", "Prop Org", "prop org  ", "<b>Prop</b> Org",
                                                                "Ünï 組織 🚀", "Another one"])}, optional={
    "management_email": st.sampled_from(["ops@example.com", "a.b+c@sub.example.org"]),
    "website": st.sampled_from(["example.com", "https://Example.COM:443/a/../b", "", "http://[::1]/", "bücher.example"]),
    "logo": st.sampled_from(["org/x/logo.png", "/storage/v1/object/public/images/org/y.png", ""]),
    "state": st.sampled_from(["present", "present", "absent"]),
    "max_apikey_expiration_days": st.integers(0, 365),
    "password_policy_config": st.fixed_dictionaries({"enabled": st.booleans(), "min_length": st.integers(6, 72)},
                                                    optional={"require_special": st.booleans()}),
    "required_encryption_key": st.sampled_from(["", "f" * 20, "g" * 21, "  " + "h" * 20]),
    "enforce_encrypted_bundles": st.booleans(),
    "require_apikey_expiration": st.just(False),
    "enforce_hashed_api_keys": st.just(False),
    "enforcing_2fa": st.just(False),
    "api_timeout": st.integers(5, 15),
    "api_retries": st.integers(0, 1),
})
random_org_args = st.fixed_dictionaries({}, optional={
    "name": _maybe(names),
    "org_id": st.one_of(st.just(""), st.just("99999999-9999-4999-8999-999999999999"), st.text(max_size=5)),
    "management_email": _maybe(emails),
    "website": _maybe(websites),
    "logo": _maybe(st.sampled_from(["org/x/logo.png", "/storage/v1/object/public/images/org/y.png", "", "<i>x</i>"])),
    "state": st.one_of(st.sampled_from(["present", "absent", "gone"]), wrong_types),
    "max_apikey_expiration_days": st.one_of(st.integers(-2, 400), st.just("soon")),
    "password_policy_config": policies,
    "required_encryption_key": st.one_of(st.text(min_size=0, max_size=22), st.just("f" * 20)),
    "enforce_encrypted_bundles": st.one_of(st.booleans(), st.just("perhaps")),
    "require_apikey_expiration": st.just(False),
    "enforcing_2fa": st.sampled_from([False, True]),
    "api_timeout": st.one_of(st.integers(-1, 15), st.just("x")),
    "api_retries": st.integers(-1, 1),
})

org_args = st.one_of(valid_org_args, valid_org_args, st.tuples(valid_org_args, random_org_args).map(
    lambda pair: dict(pair[0], **dict(list(pair[1].items())[:1]))), random_org_args)

info_args = st.fixed_dictionaries({}, optional={
    "name": _maybe(names),
    "org_id": st.one_of(st.just(""), st.just("99999999-9999-4999-8999-999999999999"), st.text(max_size=5)),
    "api_timeout": st.one_of(st.integers(-1, 15), st.just("x")),
    "api_retries": st.integers(-1, 1),
    "validate_certs": st.sampled_from([True, False, "maybe"]),
})

COUNTS = {"capgo_organization": {"examples": 0, "failed": 0, "succeeded": 0, "changed": 0, "module_runs": 0},
          "capgo_organization_info": {"examples": 0, "failed": 0, "succeeded": 0, "changed": 0, "module_runs": 0}}


def _writes(emu, before_audit):
    log = emu.api_log()
    processed = [e for e in log if e["method"] in ("POST", "DELETE") and e["status"] == 200]
    return processed, emu.state()["audit_rows"] - before_audit


def _check(emu, collections_path, module, args):
    counts = COUNTS[module]
    counts["examples"] += 1
    call = dict(args)
    call.update({"api_url": emu.url, "api_key": emu.key})
    emu.reset()
    emu.clear_log()
    audit = emu.state()["audit_rows"]
    rc, out, err, result, _seconds = run_module(collections_path, module, call)
    counts["module_runs"] += 1
    assert "Traceback" not in out + err and "MODULE FAILURE" not in out + err, (args, out[-2000:], err[-2000:])
    assert isinstance(result, dict), (args, out[-2000:], err[-2000:])
    processed, audit_rows = _writes(emu, audit)
    if result.get("failed"):
        counts["failed"] += 1
        assert rc != 0
        assert processed == [] and audit_rows == 0, ("a failed run wrote", args, result.get("msg"), processed)
        return
    counts["succeeded"] += 1
    counts["changed"] += bool(result.get("changed"))
    if not result.get("changed"):
        assert processed == [] and audit_rows == 0, ("changed=false but wrote", args, processed)
    emu.clear_log()
    audit = emu.state()["audit_rows"]
    rc2, out2, err2, again, _seconds = run_module(collections_path, module, call)
    counts["module_runs"] += 1
    assert "Traceback" not in out2 + err2, (args, err2[-2000:])
    assert isinstance(again, dict) and not again.get("failed"), (args, out2[-2000:])
    assert again.get("changed") is False, ("not idempotent", args, again)
    processed, audit_rows = _writes(emu, audit)
    assert processed == [] and audit_rows == 0, ("the second run wrote", args, processed)
    assert rc2 == 0


def test_capgo_organization_random_arguments(emulator, collections_path):
    start = time.monotonic()

    @SETTINGS
    @given(args=org_args)
    def prop(args):
        _check(emulator, collections_path, "capgo_organization", args)

    prop()
    record("property_capgo_organization", seconds=round(time.monotonic() - start, 1), **COUNTS["capgo_organization"])


def test_capgo_organization_info_random_arguments(emulator, collections_path):
    start = time.monotonic()

    @SETTINGS
    @given(args=info_args)
    def prop(args):
        _check(emulator, collections_path, "capgo_organization_info", args)

    prop()
    record("property_capgo_organization_info", seconds=round(time.monotonic() - start, 1),
           **COUNTS["capgo_organization_info"])
