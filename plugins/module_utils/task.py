# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One module task, and the one function that runs it.

Each module declares a CapgoTask (its options, the input checks that run
before any request, and what it does with a client). run_task() takes a
module-like object: AnsibleModule when Ansible runs the module as a process
(module_main), or the action plugin's in-process stand-in, which offers the same
interface on the same ansible-core machinery (plugins/plugin_utils/in_process.py).
Either way the task ends in module.exit_json() or module.fail_json().
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.capgo.cloud.plugins.module_utils.api import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    CapgoError,
    capgo_argument_spec,
    client_from_params,
)


class CapgoTask:
    """What a module accepts and does.

    options: the module's own options (the shared connection options are added);
    check_input(params): raises CapgoError for bad input, before any request;
    run(client, params, check_mode, warn): returns the result dict (with 'diff' when it has one);
    validation: AnsibleModule's cross-option rules (required_one_of=..., mutually_exclusive=...).
    """

    def __init__(self, options, check_input, run, **validation):
        self.options = options
        self.check_input = check_input
        self.run = run
        self.validation = validation

    def argument_spec(self):
        spec = capgo_argument_spec()
        spec.update(self.options())
        return spec


def run_task(task, module):
    """Run a task on validated module.params; ends with module.exit_json() or module.fail_json()."""
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
    client = None
    error = None
    try:
        task.check_input(module.params)
        client = client_from_params(module.params)
        result = task.run(client, module.params, module.check_mode, module.warn)
    except CapgoError as exc:
        error = client.scrub(exc) if client else str(exc)
    finally:
        if client is not None:
            client.close()
    if error is not None:
        module.fail_json(msg=error)
    if not module._diff:
        result.pop('diff', None)
    module.exit_json(**result)


def module_main(task):
    """main() of a module run as a process."""
    run_task(task, AnsibleModule(argument_spec=task.argument_spec(), supports_check_mode=True, **task.validation))
