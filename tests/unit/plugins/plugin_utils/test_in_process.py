# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""InProcessModule against AnsibleModule: same messages, masking and invocation for the same arguments."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common.parameters import PASS_VARS

from ansible_collections.capgo.cloud.plugins.module_utils.organization import ORGANIZATION_INFO_TASK, ORGANIZATION_TASK
from ansible_collections.capgo.cloud.plugins.module_utils.task import CapgoTask, module_main, run_task
from ansible_collections.capgo.cloud.plugins.plugin_utils.in_process import InProcessModule, ModuleExit

KEY = '4c2b7a9e-1d3f-4e5a-8b6c-7d8e9f0a1b2c'
NAME = 'capgo.cloud.capgo_organization_info'


def internal(name=NAME, check_mode=False, diff=False):
    """The _ansible_* arguments ActionBase._update_module_args() adds (the ones these modules read)."""
    args = {'_ansible_module_name': name, '_ansible_check_mode': check_mode, '_ansible_diff': diff,
            '_ansible_no_log': False}
    if 'inject_invocation' in PASS_VARS:  # ansible-core 2.21+: results carry invocation only when asked
        args['_ansible_inject_invocation'] = True
    return args


def in_process(task, args):
    try:
        run_task(task, InProcessModule(task, args))
    except ModuleExit as finished:
        return finished.result
    raise AssertionError('the task neither exited nor failed')


def as_module(task, args, capsys, monkeypatch):
    """Run module_main() as Ansible runs a module process, and return its JSON answer."""
    payload = json.dumps({'ANSIBLE_MODULE_ARGS': args}).encode()
    monkeypatch.setattr(basic, '_ANSIBLE_ARGS', payload)
    if hasattr(basic, '_ANSIBLE_PROFILE'):
        monkeypatch.setattr(basic, '_ANSIBLE_PROFILE', 'legacy')
    capsys.readouterr()
    with pytest.raises(SystemExit):
        module_main(task)
    return json.loads(capsys.readouterr().out)


def comparable(result):
    return dict((key, value) for key, value in result.items() if key not in ('exception', 'warnings', 'deprecations'))


@pytest.mark.parametrize('task, args', [
    (ORGANIZATION_INFO_TASK, dict(api_key=KEY, bogus=1, other='x')),
    (ORGANIZATION_INFO_TASK, dict(api_key=KEY, api_timeout='soon')),
    (ORGANIZATION_INFO_TASK, dict(name='Acme')),
    (ORGANIZATION_TASK, dict(api_key=KEY)),
    (ORGANIZATION_TASK, dict(api_key=KEY, name='Acme', state='gone')),
    # the key inside another option: masked in the message and in the invocation, as AnsibleModule does
    (ORGANIZATION_INFO_TASK, dict(api_key=KEY, api_url='ftp://127.0.0.1/%s' % KEY)),
    (ORGANIZATION_TASK, dict(api_key=KEY, name='ab')),
])
def test_failures_match_a_module_run(task, args, capsys, monkeypatch):
    monkeypatch.delenv('CAPGO_API_KEY', raising=False)
    args = dict(args, **internal())
    expected = as_module(task, dict(args), capsys, monkeypatch)
    got = in_process(task, dict(args))
    assert got['failed'] is True and expected['failed'] is True
    assert comparable(got) == comparable(expected)
    assert KEY not in json.dumps(got)


def test_unsupported_parameters_name_the_module_as_the_task_wrote_it(capsys, monkeypatch):
    args = dict(api_key=KEY, bogus=1, **internal(name='capgo_organization_info'))
    got = in_process(ORGANIZATION_INFO_TASK, args)
    assert got['msg'].startswith('Unsupported parameters for (capgo_organization_info) module: bogus.')
    assert got['msg'] == as_module(ORGANIZATION_INFO_TASK, args, capsys, monkeypatch)['msg']


def test_every_no_log_value_is_masked():
    def run(client, params, check_mode, warn):
        return dict(changed=False, echo='%s and %s' % (params['api_key'], params['token']))

    task = CapgoTask(lambda: dict(token=dict(type='str', no_log=True)), lambda params: None, run)
    got = in_process(task, dict(api_key=KEY, token='s3cr3t-t0ken', **internal()))
    text = json.dumps(got)
    assert KEY not in text and 's3cr3t-t0ken' not in text
    assert got['echo'] == '******** and ********'
    assert got['changed'] is False


def test_invocation_is_the_validated_options_when_the_core_injects_it():
    def run(client, params, check_mode, warn):
        return dict(changed=False)

    task = CapgoTask(lambda: dict(name=dict(type='str')), lambda params: None, run)
    got = in_process(task, dict(api_key=KEY, name='Acme', **internal()))
    assert got['invocation']['module_args']['name'] == 'Acme'
    assert got['invocation']['module_args']['api_timeout'] == 30
    assert got['invocation']['module_args']['api_key'] != KEY
    args = dict(api_key=KEY, name='Acme', **internal())
    args['_ansible_inject_invocation'] = False
    assert 'invocation' not in in_process(task, args)


def test_check_and_diff_mode_come_from_the_internal_arguments():
    seen = []

    def run(client, params, check_mode, warn):
        seen.append(check_mode)
        return dict(changed=True, diff={'before': {}, 'after': {'a': 1}})

    task = CapgoTask(dict, lambda params: None, run)
    assert 'diff' not in in_process(task, dict(api_key=KEY, **internal(check_mode=True)))
    assert in_process(task, dict(api_key=KEY, **internal(diff=True)))['diff'] == {'before': {}, 'after': {'a': 1}}
    assert seen == [True, False]
