# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""run_task(): the part of every module shared by the module process and the in-process action plugin."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.capgo.cloud.plugins.module_utils.api import CapgoApiError
from ansible_collections.capgo.cloud.plugins.module_utils.member_tasks import MEMBER_INFO_TASK, MEMBER_TASK
from ansible_collections.capgo.cloud.plugins.module_utils.organization import (
    ORGANIZATION_INFO_TASK,
    ORGANIZATION_TASK,
    OrganizationError,
)
from ansible_collections.capgo.cloud.plugins.module_utils import task as task_module
from ansible_collections.capgo.cloud.plugins.module_utils.task import CapgoTask, run_task

KEY = '4c2b7a9e-1d3f-4e5a-8b6c-7d8e9f0a1b2c'


def params(**kwargs):
    base = dict(api_key=KEY, api_url='http://127.0.0.1:9', api_timeout=5, api_retries=0, validate_certs=True,
                ca_path=None)
    base.update(kwargs)
    return base


class Finished(Exception):
    pass


class FakeModule:
    """The AnsibleModule interface run_task uses, recording how the task ended."""

    def __init__(self, task_params, check_mode=False, diff=False):
        self.params = task_params
        self.check_mode = check_mode
        self._diff = diff
        self.warnings = []
        self.result = None

    def warn(self, warning):
        self.warnings.append(warning)

    def exit_json(self, **result):
        self.result = result
        raise Finished()

    def fail_json(self, msg, **result):
        self.result = dict(result, failed=True, msg=msg)
        raise Finished()


def execute(task, task_params, check_mode, diff):
    module = FakeModule(task_params, check_mode, diff)
    try:
        run_task(task, module)
    except Finished:
        return module.result, module.warnings
    raise AssertionError('run_task returned without exit_json or fail_json')


def make_task(run=None, check_input=None):
    calls = []

    def default_run(client, task_params, check_mode, warn):
        calls.append(check_mode)
        warn('careful')
        return dict(changed=True, thing={'id': 1}, diff={'before': {}, 'after': {'id': 1}})

    def default_check(task_params):
        calls.append('checked')

    return CapgoTask(dict, check_input or default_check, run or default_run), calls


def test_result_warnings_and_check_mode_are_passed_through():
    task, calls = make_task()
    result, warnings = execute(task, params(), True, True)
    assert result == dict(changed=True, thing={'id': 1}, diff={'before': {}, 'after': {'id': 1}})
    assert warnings == ['careful'] and calls == ['checked', True]


def test_diff_only_in_diff_mode():
    task, dummy = make_task()
    result, dummy2 = execute(task, params(), False, False)
    assert 'diff' not in result


def test_the_task_talks_to_the_configured_server_with_the_configured_client():
    seen = []

    def run(client, task_params, check_mode, warn):
        seen.append((client.api_url, client.timeout, client.retries))
        client.request('GET', '/organization')  # nothing listens on port 9: a connection error at once
        return dict(changed=False)

    task, dummy = make_task(run=run)
    result, dummy2 = execute(task, params(), False, False)
    assert seen == [('http://127.0.0.1:9', 5, 0)]
    assert result['failed'] is True and "host='127.0.0.1', port=9" in result['msg']


def test_input_errors_stop_before_the_client_is_built():
    def bad_input(task_params):
        raise OrganizationError('name: too short')

    task, calls = make_task(check_input=bad_input)
    result, dummy = execute(task, params(api_key=''), False, False)
    assert result == dict(failed=True, msg='name: too short') and calls == []


def test_bad_connection_options_fail_without_a_request():
    task, calls = make_task()
    result, dummy = execute(task, params(api_url='ftp://x'), False, False)
    assert result['failed'] and 'api_url' in result['msg'] and calls == ['checked']


def test_api_errors_are_reported_with_the_key_masked():
    def failing(client, task_params, check_mode, warn):
        raise CapgoApiError(400, 'invalid_body', 'bad %s' % KEY)

    task, dummy = make_task(run=failing)
    result, dummy2 = execute(task, params(), False, False)
    assert result['failed'] and 'HTTP 400 invalid_body' in result['msg'] and KEY not in result['msg']


def test_module_tasks_declare_their_options_and_rules():
    spec = ORGANIZATION_TASK.argument_spec()
    assert spec['api_key']['no_log'] is True and spec['state']['choices'] == ['present', 'absent']
    assert ORGANIZATION_TASK.validation == {'required_one_of': [('org_id', 'name')]}
    assert set(ORGANIZATION_INFO_TASK.argument_spec()) == (set(spec) - set(ORGANIZATION_TASK.options())
                                                           | {'org_id', 'name', 'include_settings'})


def test_member_tasks_take_the_organization_by_id_or_name_and_one_member_or_a_list():
    assert MEMBER_TASK.validation == {'mutually_exclusive': [('org_id', 'org'), ('email', 'members')],
                                      'required_one_of': [('org_id', 'org'), ('email', 'members')]}
    assert MEMBER_INFO_TASK.validation == {'mutually_exclusive': [('org_id', 'org')], 'required_one_of': [('org_id', 'org')]}
    members = MEMBER_TASK.argument_spec()['members']
    assert members['options']['email']['required'] is True
    assert MEMBER_TASK.argument_spec()['exclusive']['default'] is False


def test_without_requests_the_task_fails_naming_it(monkeypatch):
    monkeypatch.setattr(task_module, 'HAS_REQUESTS', False)
    monkeypatch.setattr(task_module, 'REQUESTS_IMPORT_ERROR', 'No module named requests')
    task, calls = make_task()
    result, warnings = execute(task, params(), False, False)
    assert result['failed'] is True and result['msg'].startswith('Failed to import the required Python library (requests)')
    assert result['exception'] == 'No module named requests' and calls == []
