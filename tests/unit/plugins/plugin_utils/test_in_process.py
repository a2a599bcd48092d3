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
from ansible.module_utils.common import warnings as module_warnings
from ansible.module_utils.common.parameters import PASS_VARS
from ansible.utils.display import Display

from ansible_collections.capgo.cloud.plugins.module_utils.organization import ORGANIZATION_INFO_TASK, ORGANIZATION_TASK
from ansible_collections.capgo.cloud.plugins.module_utils.task import CapgoTask, module_main, run_task
from ansible_collections.capgo.cloud.plugins.plugin_utils.in_process import (
    INJECT_INVOCATION_DEFAULT,
    InProcessModule,
    ModuleExit,
)

KEY = '4c2b7a9e-1d3f-4e5a-8b6c-7d8e9f0a1b2c'
NAME = 'capgo.cloud.capgo_organization_info'
# ansible-core 2.19 and later show a warning raised on the controller at once (Display) instead of
# keeping it in the module warning store, whose content a module returns with its result.
try:
    from ansible.module_utils._internal import is_controller as WARNINGS_DISPLAYED
except ImportError:
    WARNINGS_DISPLAYED = False


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


def test_check_and_diff_mode_come_from_the_internal_arguments(capsys, monkeypatch):
    seen = []

    def run(client, params, check_mode, warn):
        seen.append(check_mode)
        return dict(changed=True, diff={'before': {}, 'after': {'a': 1}})

    task = CapgoTask(dict, lambda params: None, run)
    assert 'diff' not in in_process(task, dict(api_key=KEY, **internal(check_mode=True)))
    assert in_process(task, dict(api_key=KEY, **internal(diff=True)))['diff'] == {'before': {}, 'after': {'a': 1}}
    assert seen == [True, False]
    # the module process honours check mode too (a module that did not support it would be skipped)
    args = dict(api_key=KEY, **internal(check_mode=True))
    assert 'skipped' not in as_module(task, args, capsys, monkeypatch) and seen == [True, False, True]


def plain_task(result, options=dict):
    return CapgoTask(options, lambda params: None, lambda client, params, check_mode, warn: dict(result))


@pytest.mark.parametrize('inject', [True, False])
def test_a_task_result_that_names_invocation_is_treated_as_by_a_module(inject, capsys, monkeypatch):
    if not inject and 'inject_invocation' not in PASS_VARS:
        pytest.skip('ansible-core before 2.21 always returns invocation')
    task = plain_task(dict(changed=False, invocation={'module_args': {'from': 'the task'}}))
    args = dict(api_key=KEY, **internal())
    if not inject:
        args['_ansible_inject_invocation'] = False
    got = in_process(task, dict(args))
    assert got == as_module(task, dict(args), capsys, monkeypatch)
    assert got.get('invocation') == ({'module_args': {'from': 'the task'}} if inject else None)


def test_without_the_invocation_argument_the_core_default_applies(capsys, monkeypatch):
    """Before ansible-core 2.21 no _ansible_inject_invocation is sent, and modules always return invocation."""
    task = plain_task(dict(changed=False))
    args = dict(api_key=KEY, **internal())
    args.pop('_ansible_inject_invocation', None)
    got = in_process(task, dict(args))
    assert ('invocation' in got) is ('invocation' in as_module(task, dict(args), capsys, monkeypatch)) is INJECT_INVOCATION_DEFAULT


def test_booleans_and_nulls_survive_a_no_log_value_they_contain(capsys, monkeypatch):
    # 'ru' is in 'True': AnsibleModule keeps top-level booleans and nulls out of the masking, and so must this
    task = plain_task(dict(changed=True, gone=None, label='truly'), lambda: dict(token=dict(type='str', no_log=True)))
    args = dict(api_key=KEY, token='ru', **internal())
    got = in_process(task, dict(args))
    assert got['changed'] is True and got['gone'] is None and got['label'] == 't********ly'
    assert comparable(got) == comparable(as_module(task, dict(args), capsys, monkeypatch))


def test_warnings_reach_the_user(monkeypatch):
    shown = []
    monkeypatch.setattr(Display, 'warning', lambda self, msg, *args, **kwargs: shown.append(msg))

    def run(client, params, check_mode, warn):
        warn('careful: %s' % params['name'])
        return dict(changed=False)

    got = in_process(CapgoTask(lambda: dict(name=dict(type='str')), lambda params: None, run),
                     dict(api_key=KEY, name='Acme', **internal()))
    if WARNINGS_DISPLAYED:
        assert shown == ['careful: Acme'] and 'warnings' not in got
    else:
        assert got['warnings'] == ['careful: Acme']


def test_only_what_the_warning_store_gained_during_the_task_is_returned(monkeypatch):
    """The module warning store is per process: what earlier tasks of this worker left there is not this task's."""
    store = dict(warnings=['from an earlier task'], deprecations=[{'msg': 'earlier', 'version': '9.0.0'}])
    monkeypatch.setattr(module_warnings, 'get_warning_messages', lambda: tuple(store['warnings']))
    monkeypatch.setattr(module_warnings, 'get_deprecation_messages', lambda: tuple(store['deprecations']))
    added = dict(warnings=['careful'], deprecations=[{'msg': 'old option', 'version': '2.0.0', 'collection_name': 'capgo.cloud'}])

    def run(client, params, check_mode, warn):
        for kind, messages in added.items():
            store[kind].extend(messages)
        return dict(changed=False)

    task = CapgoTask(dict, lambda params: None, run)
    got = in_process(task, dict(api_key=KEY, **internal()))
    assert got['warnings'] == added['warnings'] and got['deprecations'] == added['deprecations']
    added = dict(warnings=[], deprecations=[])
    got = in_process(task, dict(api_key=KEY, **internal()))
    assert 'warnings' not in got and 'deprecations' not in got


def test_the_result_travels_in_the_exception_not_in_its_message():
    with pytest.raises(ModuleExit) as finished:
        InProcessModule(ORGANIZATION_INFO_TASK, dict(api_key=KEY, bogus=KEY, **internal()))
    assert finished.value.result['failed'] is True
    # an unexpected traceback would print the exception: it must not carry the (long) result
    assert str(finished.value) == '' and finished.value.args == ()
