# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Each task's argument spec is what its module documents, and its secrets and fallbacks are the intended ones.

The in-process action plugin validates with the same spec as AnsibleModule, so a wrong type,
default or choice here would change behaviour on both paths at once.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib
import os
import re

import pytest
import yaml

from ansible_collections.capgo.cloud.plugins.doc_fragments.capgo import ModuleDocFragment

MODULES_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'plugins', 'modules'))


def module_tasks():
    """(module, task) of every module: the task is what its main() hands to module_main()."""
    found = []
    for filename in sorted(os.listdir(MODULES_DIR)):
        if not filename.endswith('.py') or filename == '__init__.py':
            continue
        name = filename[:-3]
        module = importlib.import_module('ansible_collections.capgo.cloud.plugins.modules.%s' % name)
        with open(os.path.join(MODULES_DIR, filename)) as handle:
            task_name = re.search(r'module_main\((\w+)\)', handle.read()).group(1)
        found.append(pytest.param(module, getattr(module, task_name), id=name))
    return found


TASKS = module_tasks()

# What the documentation cannot say: the only secret, the options a name makes look secret
# (declared not to be), and the environment variable each connection option falls back to.
NO_LOG = {'api_key': True, 'password_policy_config': False, 'max_apikey_expiration_days': False,
          'required_encryption_key': False}
ENVIRONMENT = {'api_key': 'CAPGO_API_KEY', 'api_url': 'CAPGO_API_URL', 'api_timeout': 'CAPGO_API_TIMEOUT',
               'api_retries': 'CAPGO_API_RETRIES', 'ca_path': 'CAPGO_CA_PATH'}


def documented_options(module):
    options = dict(yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options'])
    options.update(yaml.safe_load(module.DOCUMENTATION)['options'])
    return options


def as_documented(spec):
    """The parts of an argument spec that the documentation states, in its terms."""
    shown = {}
    for name, option in spec.items():
        entry = dict(type=option.get('type', 'str'), required=bool(option.get('required', False)),
                     default=option.get('default'), choices=option.get('choices'),
                     elements=option.get('elements'), aliases=option.get('aliases'))
        if 'options' in option:
            entry['suboptions'] = as_documented(option['options'])
        shown[name] = entry
    return shown


def as_spec(options):
    shown = {}
    for name, option in options.items():
        entry = dict(type=option.get('type', 'str'), required=bool(option.get('required', False)),
                     default=option.get('default'), choices=option.get('choices'),
                     elements=option.get('elements'), aliases=option.get('aliases'))
        if 'suboptions' in option:
            entry['suboptions'] = as_spec(option['suboptions'])
        shown[name] = entry
    return shown


@pytest.mark.parametrize('module, task', TASKS)
def test_argument_spec_is_what_the_module_documents(module, task):
    assert as_documented(task.argument_spec()) == as_spec(documented_options(module))


@pytest.mark.parametrize('module, task', TASKS)
def test_secrets_and_environment_fallbacks(module, task):
    spec = task.argument_spec()
    assert dict((name, option['no_log']) for name, option in spec.items() if 'no_log' in option) == \
        dict((name, value) for name, value in NO_LOG.items() if name in spec)
    fallbacks = dict((name, option['fallback']) for name, option in spec.items() if 'fallback' in option)
    assert sorted(fallbacks) == sorted(ENVIRONMENT)
    for name, (function, variables) in fallbacks.items():
        assert function.__name__ == 'env_fallback' and variables == [ENVIRONMENT[name]]
        assert 'E(%s)' % ENVIRONMENT[name] in ' '.join(documented_options(module)[name]['description'])


def test_every_module_is_checked():
    assert len(TASKS) == len([f for f in os.listdir(MODULES_DIR) if f.endswith('.py') and f != '__init__.py']) >= 8


# Rules between options (each module's documentation says them in words).
CROSS_OPTION_RULES = {
    'capgo_organization': {'required_one_of': [('org_id', 'name')]},
    'capgo_app': {'mutually_exclusive': [('org_id', 'org')]},
    'capgo_app_info': {'mutually_exclusive': [('org_id', 'org')]},
    'capgo_organization_member': {'mutually_exclusive': [('org_id', 'org'), ('email', 'members')],
                                  'required_one_of': [('org_id', 'org'), ('email', 'members')]},
    'capgo_organization_member_info': {'mutually_exclusive': [('org_id', 'org')], 'required_one_of': [('org_id', 'org')]},
}


@pytest.mark.parametrize('module, task', TASKS)
def test_cross_option_rules(module, task):
    assert task.validation == CROSS_OPTION_RULES.get(module.__name__.rpartition('.')[2], {})
