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
from ansible.plugins.action import ActionBase

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
    has_native_async = False

    class _shell:
        tmpdir = None


class FakePlayContext:
    become = False
    remote_addr = 'localhost'


class FakeTemplar:
    def template(self, value):
        return value


def make_plugin(monkeypatch, args, **task):
    """An action plugin without ansible-core's executor around it."""
    monkeypatch.setattr(ActionBase, 'run', lambda self, tmp=None, task_vars=None: {})
    plugin = CapgoActionBase.__new__(CapgoActionBase)
    plugin.TASK = ORGANIZATION_INFO_TASK
    plugin._task = FakeTask(args, **task)
    plugin._connection = FakeConnection()
    plugin._play_context = FakePlayContext()
    plugin._templar = FakeTemplar()
    calls = []

    def update_module_args(module_name, module_args, task_vars):
        module_args.update(_ansible_module_name=module_name, _ansible_check_mode=False, _ansible_diff=False)

    def execute_module(task_vars=None, wrap_async=False):
        calls.append(wrap_async)
        return {'changed': False, 'organizations': [], 'ran': 'module'}

    plugin._update_module_args = update_module_args
    plugin._execute_module = execute_module
    plugin._remove_tmp_path = lambda path: None
    return plugin, calls


def test_async_tasks_run_the_module_wrapped(monkeypatch):
    plugin, calls = make_plugin(monkeypatch, dict(api_key=KEY), async_val=30)
    assert CapgoActionBase._supports_async is True
    assert plugin.run(task_vars={})['ran'] == 'module' and calls == [True]


def test_the_switch_variable_forces_the_module(monkeypatch):
    monkeypatch.delenv('CAPGO_IN_PROCESS', raising=False)
    plugin, calls = make_plugin(monkeypatch, dict(api_key=KEY))
    assert plugin.run(task_vars={'capgo_in_process': 'false'})['ran'] == 'module' and calls == [False]


def test_the_switch_environment_variable_forces_the_module(monkeypatch):
    monkeypatch.setenv('CAPGO_IN_PROCESS', 'false')
    plugin, calls = make_plugin(monkeypatch, dict(api_key=KEY))
    assert plugin.run(task_vars={})['ran'] == 'module' and calls == [False]


def test_a_foreign_interpreter_runs_the_module(monkeypatch):
    monkeypatch.delenv('CAPGO_IN_PROCESS', raising=False)
    monkeypatch.setattr(action.platform, 'system', lambda: 'Linux')
    plugin, calls = make_plugin(monkeypatch, dict(api_key=KEY))
    assert plugin.run(task_vars={'ansible_python_interpreter': '/opt/other/bin/python3'})['ran'] == 'module'
    assert calls == [False]


def test_a_delegated_task_uses_the_delegated_hosts_interpreter(monkeypatch):
    monkeypatch.delenv('CAPGO_IN_PROCESS', raising=False)
    monkeypatch.setattr(action.platform, 'system', lambda: 'Linux')
    plugin, calls = make_plugin(monkeypatch, dict(api_key=KEY), delegate_to='localhost')
    task_vars = {'ansible_python_interpreter': sys.executable,
                 'ansible_delegated_vars': {'localhost': {'ansible_python_interpreter': '/opt/other/bin/python3'}}}
    assert plugin.run(task_vars=task_vars)['ran'] == 'module' and calls == [False]


def test_in_process_failures_mask_the_key_and_name_the_module(monkeypatch):
    monkeypatch.delenv('CAPGO_IN_PROCESS', raising=False)
    monkeypatch.setattr(action.platform, 'system', lambda: 'Linux')
    plugin, calls = make_plugin(monkeypatch, dict(api_key=KEY, api_url='ftp://127.0.0.1/%s' % KEY))
    result = plugin.run(task_vars={'ansible_python_interpreter': sys.executable})
    assert calls == []
    assert result['failed'] is True and KEY not in str(result)
    assert result['msg'] == "api_url must start with http:// or https://, got 'ftp://127.0.0.1/********'"

    plugin, calls = make_plugin(monkeypatch, dict(api_key=KEY, bogus=1))
    result = plugin.run(task_vars={})
    assert calls == [] and result['msg'].startswith(
        'Unsupported parameters for (capgo.cloud.capgo_organization_info) module: bogus.')
