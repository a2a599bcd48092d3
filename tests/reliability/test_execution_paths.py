# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which path a task takes (in-process or module process), in real ansible-playbook runs.

-vvv names the path of each capgo.cloud task and why (plugins/plugin_utils/action.py).
"""

from __future__ import annotations

import os
import sys

PLAY = """
- hosts: all
  gather_facts: false
  tasks:
    - name: list
      capgo.cloud.capgo_organization_info:
      register: listed
    - name: unsupported option
      capgo.cloud.capgo_organization_info:
        bogus: 1
      ignore_errors: true
"""
IN_PROCESS = "capgo.cloud.capgo_organization_info runs in-process"
MODULE = "capgo.cloud.capgo_organization_info runs as a module process"


def run(run_playbook, emulator, inventory="localhost ansible_connection=local\n", check_rc=True, **env):
    result = run_playbook(PLAY, inventory=inventory, verbosity=3,
                          env=dict({"CAPGO_API_URL": emulator.url, "CAPGO_API_KEY": emulator.key}, **env))
    assert result.rc == 0 or not check_rc, result.describe()
    return result


def outcome(result):
    return [(e["task"], e["status"]) for e in result.events if e["task"] in ("list", "unsupported option")]


def test_default_is_in_process_and_the_switch_forces_the_module(run_playbook, emulator):
    default = run(run_playbook, emulator)
    assert default.text.count(IN_PROCESS) == 2 and MODULE not in default.text, default.describe()
    forced = run(run_playbook, emulator, CAPGO_IN_PROCESS="false")
    assert forced.text.count(MODULE + ": capgo_in_process is false") == 2, forced.describe()
    assert IN_PROCESS not in forced.text
    assert outcome(default) == outcome(forced) == [("list", "ok"), ("unsupported option", "failed")]
    message = "Unsupported parameters for (capgo.cloud.capgo_organization_info) module: bogus."
    assert message in default.text and message in forced.text


def test_the_inventory_variable_wins_over_the_environment(run_playbook, emulator):
    result = run(run_playbook, emulator, inventory="localhost ansible_connection=local capgo_in_process=auto\n",
                 CAPGO_IN_PROCESS="false")
    assert result.text.count(IN_PROCESS) == 2, result.describe()


def test_a_foreign_interpreter_runs_the_module_with_that_interpreter(run_playbook, emulator, tmp_path):
    # The same Python binary in another directory: outside this virtualenv, so other libraries.
    other = tmp_path / "other-python" / "bin"
    other.mkdir(parents=True)
    (other / "python3").symlink_to(os.path.realpath(sys.executable))
    inventory = "localhost ansible_connection=local ansible_python_interpreter=%s\n" % (other / "python3")
    # That Python may lack requests: then the module says so, which in-process could not have told.
    result = run(run_playbook, emulator, inventory=inventory, check_rc=False)
    assert MODULE + ": the host interpreter %s" % (other / "python3") in result.text, result.describe()
    assert IN_PROCESS not in result.text
    listed = result.one("list")
    assert listed["status"] == "ok" or "requests" in result.text, result.describe()
