# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The action plugin: which path a task takes, and what each path returns."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys

import pytest

from ansible.errors import AnsibleError
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.action import ActionBase
from ansible.template import Templar

try:
    from ansible.template import trust_as_template
except ImportError:  # before ansible-core 2.19 every string is templated
    def trust_as_template(value):
        return value

try:
    from ansible._internal import _task
    # ansible-core 2.21 and later read a module's answer through UnifiedTaskResult (2.19 and 2.20 have _task without it).
    MODULE_RESULTS_ROUND_TRIP = hasattr(_task, 'UnifiedTaskResult')
except ImportError:
    MODULE_RESULTS_ROUND_TRIP = False

from ansible_collections.capgo.cloud.plugins.module_utils.organization import ORGANIZATION_INFO_TASK
from ansible_collections.capgo.cloud.plugins.plugin_utils import action
from ansible_collections.capgo.cloud.plugins.plugin_utils.action import (
    IN_PROCESS,
    MODULE,
    CapgoActionBase,
    execution_path,
    same_interpreter,
    switch_value,
)

KEY = '4c2b7a9e-1d3f-4e5a-8b6c-7d8e9f0a1b2c'
# In-process runs of these options fail at once, before any request: a task that takes the wrong path fails fast.
OFFLINE = dict(api_key=KEY, api_url='ftp://127.0.0.1/')
TMPDIR = '/home/user/.ansible/tmp/ansible-tmp-1-2-3'
LOCAL = dict(switch='auto', interpreter=None, connection='local', become=False, environment=[], async_val=0,
             has_requests=True, system='Linux', executable=sys.executable)


def decide(**changes):
    return execution_path(**dict(LOCAL, **changes))


def path(**changes):
    return decide(**changes)[0]


def test_a_plain_local_task_runs_in_process():
    assert path() == IN_PROCESS


@pytest.mark.parametrize('changes', [
    dict(switch='false'),
    dict(async_val=30),
    dict(connection='ssh'),
    dict(become=True),
    dict(environment=[{'HTTPS_PROXY': 'http://proxy:3128'}]),
    dict(interpreter='/usr/bin/python3-that-is-not-this-one'),
    dict(interpreter='python3'),
    dict(has_requests=False),
    dict(system='Darwin'),
    dict(system='Darwin', switch='true', become=True),
])
def test_anything_that_could_differ_runs_the_module(changes):
    assert path(**changes) == MODULE


@pytest.mark.parametrize('changes', [
    dict(environment=[{}]),
    dict(interpreter=sys.executable),
    dict(interpreter='auto_silent'),
    dict(system='Darwin', switch='true'),
])
def test_what_cannot_differ_stays_in_process(changes):
    assert path(**changes) == IN_PROCESS


def test_the_controller_and_its_python_are_found_when_not_given(monkeypatch, tmp_path):
    monkeypatch.setattr(action.platform, 'system', lambda: 'Darwin')
    assert execution_path('auto', None, 'local', False, [], 0, has_requests=True) == (MODULE, 'the controller runs macOS')
    monkeypatch.setattr(action.platform, 'system', lambda: 'Linux')
    assert execution_path('auto', sys.executable, 'local', False, [], 0, has_requests=True)[0] == IN_PROCESS
    # an executable given explicitly is the one compared
    venv_bin = tmp_path / 'bin'
    venv_bin.mkdir()
    (venv_bin / 'python').symlink_to(sys.executable)
    other = str(venv_bin / 'python')
    assert path(interpreter=other, executable=other) == IN_PROCESS
    assert path(interpreter=sys.executable, executable=other) == MODULE


def test_the_reason_is_given():
    assert decide(async_val=5) == (MODULE, 'the task is async')


@pytest.mark.parametrize('variable, environment, expected', [
    (None, None, 'auto'),
    (None, 'false', 'false'),
    (None, 'AUTO', 'auto'),
    ('true', 'false', 'true'),
    (False, 'true', 'false'),
    ('no', None, 'false'),
    ('', 'false', 'auto'),
])
def test_the_variable_wins_over_the_environment(variable, environment, expected):
    assert switch_value(variable, environment) == expected


def test_a_bad_switch_value_is_an_error():
    with pytest.raises(AnsibleError, match='capgo_in_process .* must be auto, true or false'):
        switch_value('sometimes', None)


def test_same_interpreter_needs_the_same_file_in_the_same_directory(tmp_path):
    venv_bin = tmp_path / 'venv' / 'bin'
    venv_bin.mkdir(parents=True)
    here = venv_bin / 'python'
    here.symlink_to(sys.executable)
    (venv_bin / 'python3').symlink_to(here)
    assert same_interpreter(str(venv_bin / 'python3'), str(here))
    assert same_interpreter(None, str(here))
    # the Python a virtualenv links to imports other libraries: not the same
    assert not same_interpreter(os.path.realpath(sys.executable), str(here))
    assert not same_interpreter(str(tmp_path / 'missing'), str(here))


class FakeTask:
    def __init__(self, args, async_val=0, environment=None, action='capgo.cloud.capgo_organization_info',
                 delegate_to=None):
        self.args = args
        self.delegate_to = delegate_to
        self.async_val = async_val
        self.environment = environment or []
        self.action = action


class FakeConnection:
    transport = 'local'

    def __init__(self, has_native_async=False):
        self.has_native_async = has_native_async
        self._shell = type('Shell', (), {'tmpdir': TMPDIR})()


class FakePlayContext:
    remote_addr = 'capgo-host'

    def __init__(self, become=False):
        self.become = become


class FakeTemplar:
    def template(self, value):
        return value


class Seen:
    """What the plugin asked of ansible-core."""

    def __init__(self):
        self.base_run = []  # (tmp, task_vars) given to ActionBase.run
        self.executed = []  # (task_vars, wrap_async) given to _execute_module
        self.removed = []  # paths given to _remove_tmp_path
        self.updated = []  # task_vars given to _update_module_args
        self.lines = []  # (message, host) of display.vvv


def make_plugin(monkeypatch, args, become=False, has_native_async=False, templar=None, **task):
    """An action plugin without ansible-core's executor around it."""
    seen = Seen()

    def base_run(self, tmp=None, task_vars=None):
        seen.base_run.append((tmp, task_vars))
        return {}

    monkeypatch.setattr(ActionBase, 'run', base_run)
    monkeypatch.setattr(action.display, 'vvv', lambda msg, host=None: seen.lines.append((msg, host)))
    plugin = CapgoActionBase.__new__(CapgoActionBase)
    plugin.TASK = ORGANIZATION_INFO_TASK
    plugin._task = FakeTask(args, **task)
    plugin._connection = FakeConnection(has_native_async)
    plugin._play_context = FakePlayContext(become)
    plugin._templar = templar or FakeTemplar()

    def update_module_args(module_name, module_args, task_vars):
        seen.updated.append(task_vars)
        module_args.update(_ansible_module_name=module_name, _ansible_check_mode=False, _ansible_diff=False)

    def execute_module(task_vars=None, wrap_async=False):
        seen.executed.append((task_vars, wrap_async))
        return {'changed': False, 'organizations': [], 'ran': 'module'}

    plugin._update_module_args = update_module_args
    plugin._execute_module = execute_module
    plugin._remove_tmp_path = seen.removed.append
    return plugin, seen


@pytest.fixture
def on_linux(monkeypatch):
    monkeypatch.delenv('CAPGO_IN_PROCESS', raising=False)
    monkeypatch.delenv('ANSIBLE_PYTHON_INTERPRETER', raising=False)
    monkeypatch.setattr(action.platform, 'system', lambda: 'Linux')


@pytest.mark.parametrize('async_val, has_native_async, wrap_async', [
    (0, False, False),
    (30, False, True),
    # a connection that runs async itself gets the plain module, as ansible.builtin.normal does it
    (30, True, False),
])
def test_the_module_path_runs_the_module_as_ansible_builtin_normal_does(monkeypatch, on_linux, async_val,
                                                                        has_native_async, wrap_async):
    plugin, seen = make_plugin(monkeypatch, dict(OFFLINE), async_val=async_val, has_native_async=has_native_async)
    task_vars = {'capgo_in_process': 'false', 'inventory_hostname': 'capgo-host'}
    assert plugin.run(task_vars=task_vars) == {'changed': False, 'organizations': [], 'ran': 'module'}
    assert seen.executed == [(task_vars, wrap_async)]
    # an async job still needs the module in the temporary directory: the async wrapper removes it when done
    assert seen.removed == ([] if wrap_async else [TMPDIR])
    assert seen.updated == []


def test_async_tasks_run_the_module_wrapped(monkeypatch, on_linux):
    plugin, seen = make_plugin(monkeypatch, dict(OFFLINE), async_val=30)
    assert CapgoActionBase._supports_async is True
    assert plugin.run(task_vars={})['ran'] == 'module' and seen.executed == [({}, True)]
    assert seen.lines == [('capgo.cloud: capgo.cloud.capgo_organization_info runs as a module process: '
                           'the task is async', 'capgo-host')]


def test_actionbase_run_gets_the_tmp_and_task_vars_on_both_paths(monkeypatch, on_linux):
    for task_vars in ({'capgo_in_process': 'false'}, {'capgo_in_process': 'true'}):
        plugin, seen = make_plugin(monkeypatch, dict(OFFLINE))
        plugin.run('/tmp/given', task_vars)
        assert seen.base_run == [('/tmp/given', task_vars)]


def test_the_vvv_line_names_the_task_the_path_and_why(monkeypatch, on_linux):
    plugin, seen = make_plugin(monkeypatch, dict(OFFLINE))
    assert plugin.run(task_vars={'ansible_python_interpreter': sys.executable})['failed'] is True
    assert seen.lines == [('capgo.cloud: capgo.cloud.capgo_organization_info runs in-process: '
                           'the module process would run on the controller, in this Python', 'capgo-host')]
    plugin, seen = make_plugin(monkeypatch, dict(OFFLINE))
    assert plugin.run(task_vars={'capgo_in_process': 'no'})['ran'] == 'module'
    assert seen.lines == [('capgo.cloud: capgo.cloud.capgo_organization_info runs as a module process: '
                           'capgo_in_process is false', 'capgo-host')]


@pytest.mark.parametrize('task, why', [
    (dict(become=True), 'the task uses become'),
    (dict(environment=[{'HTTPS_PROXY': 'http://proxy:3128'}]), 'the task has an environment'),
    (dict(delegate_to='localhost'), "the host interpreter /opt/other/bin/python3 is not the controller's " + sys.executable),
])
def test_the_play_and_the_task_decide_the_path(monkeypatch, on_linux, task, why):
    plugin, seen = make_plugin(monkeypatch, dict(OFFLINE), **task)
    task_vars = {'ansible_delegated_vars': {'localhost': {'ansible_python_interpreter': '/opt/other/bin/python3'}}}
    assert plugin.run(task_vars=task_vars)['ran'] == 'module'
    assert seen.lines[0][0].endswith(': ' + why)


def test_the_switch_variable_forces_the_module(monkeypatch, on_linux):
    plugin, seen = make_plugin(monkeypatch, dict(OFFLINE))
    assert plugin.run(task_vars={'capgo_in_process': 'false'})['ran'] == 'module'
    assert [wrap for dummy, wrap in seen.executed] == [False]


def test_the_switch_environment_variable_forces_the_module(monkeypatch, on_linux):
    monkeypatch.setenv('CAPGO_IN_PROCESS', 'false')
    plugin, seen = make_plugin(monkeypatch, dict(OFFLINE))
    assert plugin.run(task_vars={})['ran'] == 'module' and len(seen.executed) == 1
    # the variable wins over the environment
    plugin, seen = make_plugin(monkeypatch, dict(OFFLINE))
    assert plugin.run(task_vars={'capgo_in_process': 'true'})['failed'] is True and seen.executed == []


def test_a_foreign_interpreter_runs_the_module(monkeypatch, on_linux):
    plugin, seen = make_plugin(monkeypatch, dict(OFFLINE))
    assert plugin.run(task_vars={'ansible_python_interpreter': '/opt/other/bin/python3'})['ran'] == 'module'
    assert [wrap for dummy, wrap in seen.executed] == [False]


def test_the_interpreter_setting_counts_when_no_variable_sets_one(monkeypatch, on_linux):
    monkeypatch.setenv('ANSIBLE_PYTHON_INTERPRETER', '/opt/other/bin/python3')
    plugin, seen = make_plugin(monkeypatch, dict(OFFLINE))
    assert plugin.run(task_vars={})['ran'] == 'module'
    assert seen.lines[0][0].endswith("the host interpreter /opt/other/bin/python3 is not the controller's " + sys.executable)
    # ansible_python_interpreter wins over the setting
    plugin, seen = make_plugin(monkeypatch, dict(OFFLINE))
    assert plugin.run(task_vars={'ansible_python_interpreter': sys.executable})['failed'] is True and seen.executed == []


def test_a_delegated_task_uses_the_delegated_hosts_interpreter(monkeypatch, on_linux):
    plugin, seen = make_plugin(monkeypatch, dict(OFFLINE), delegate_to='localhost')
    task_vars = {'ansible_python_interpreter': sys.executable,
                 'ansible_delegated_vars': {'localhost': {'ansible_python_interpreter': '/opt/other/bin/python3'}}}
    assert plugin.run(task_vars=task_vars)['ran'] == 'module' and len(seen.executed) == 1
    # a delegated host without variables of its own: the task's variables
    for delegated in ({}, {'localhost': {}}, {'elsewhere': {'ansible_python_interpreter': '/opt/other/bin/python3'}}):
        plugin, seen = make_plugin(monkeypatch, dict(OFFLINE), delegate_to='localhost')
        task_vars = {'ansible_python_interpreter': sys.executable, 'ansible_delegated_vars': delegated}
        assert plugin.run(task_vars=task_vars)['failed'] is True and seen.executed == []
    plugin, seen = make_plugin(monkeypatch, dict(OFFLINE), delegate_to='localhost')
    assert plugin.run(task_vars={'ansible_python_interpreter': '/opt/other/bin/python3'})['ran'] == 'module'


def real_templar(task_vars):
    """ansible-core's Templar over the task's variables (values marked as templates, as a play's are)."""
    task_vars = dict((key, trust_as_template(value)) for key, value in task_vars.items())
    return Templar(loader=DataLoader(), variables=task_vars), task_vars


@pytest.mark.parametrize('task_vars, ran_module', [
    ({'capgo_in_process': '{{ use_module }}', 'use_module': 'false'}, True),
    ({'capgo_in_process': '{{ use_module }}', 'use_module': 'auto', 'ansible_python_interpreter': '{{ ansible_playbook_python }}',
      'ansible_playbook_python': sys.executable}, False),
    ({'ansible_python_interpreter': '{{ other_python }}', 'other_python': '/opt/other/bin/python3'}, True),
])
def test_the_switch_and_the_interpreter_are_templated(monkeypatch, on_linux, task_vars, ran_module):
    templar, task_vars = real_templar(task_vars)
    plugin, seen = make_plugin(monkeypatch, dict(OFFLINE), templar=templar)
    result = plugin.run(task_vars=task_vars)
    assert (result.get('ran') == 'module') is ran_module and len(seen.executed) == int(ran_module)
    if not ran_module:
        assert result['failed'] is True and seen.updated == [task_vars]


def test_in_process_failures_mask_the_key_and_name_the_module(monkeypatch, on_linux):
    plugin, seen = make_plugin(monkeypatch, dict(api_key=KEY, api_url='ftp://127.0.0.1/%s' % KEY))
    task_vars = {'ansible_python_interpreter': sys.executable}
    result = plugin.run(task_vars=task_vars)
    assert seen.executed == [] and seen.updated == [task_vars]
    assert result['failed'] is True and KEY not in str(result)
    assert result['msg'] == "api_url must start with http:// or https://, got 'ftp://127.0.0.1/********'"
    # as ActionBase._execute_module() returns a module's answer: from 2.21 on, a module result always says changed
    assert result.get('changed', 'not given') == (False if MODULE_RESULTS_ROUND_TRIP else 'not given')

    plugin, seen = make_plugin(monkeypatch, dict(api_key=KEY, bogus=1))
    result = plugin.run(task_vars={})
    assert seen.executed == [] and result['msg'].startswith(
        'Unsupported parameters for (capgo.cloud.capgo_organization_info) module: bogus.')
