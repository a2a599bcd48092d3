# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One module task, independent of how Ansible executes it.

Each module declares a CapgoTask (its options, the input checks that run
before any request, and what it does with a client). The same task runs as
a module (module_main) or inside the collection's action plugin on the
controller (plugins/plugin_utils/action.py), so both paths share every line
of behaviour.
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
    run(client, params, check_mode, warn): returns the result dict (with 'diff' when it has one).
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


class CapgoService:
    """Base of the API services: a client, and warnings passed on to the task as they occur."""

    def __init__(self, client, warn=None):
        self.client = client
        self.warnings = []
        self._warn = warn

    def warn(self, message):
        self.warnings.append(message)
        if self._warn:
            self._warn(message)


def execute(task, params, check_mode, diff_mode):
    """Run a task with validated params; returns (result, warnings), result['failed'] on failure."""
    warnings = []
    client = None
    try:
        task.check_input(params)
        client = client_from_params(params)
        result = task.run(client, params, check_mode, warnings.append)
    except CapgoError as exc:
        return dict(failed=True, msg=client.scrub(exc) if client else str(exc)), warnings
    finally:
        if client is not None:
            client.close()
    if not diff_mode:
        result.pop('diff', None)
    return result, warnings


def module_main(task):
    """main() of a module: AnsibleModule parses the options, execute() does the rest."""
    module = AnsibleModule(argument_spec=task.argument_spec(), supports_check_mode=True, **task.validation)
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
    result, warnings = execute(task, module.params, module.check_mode, module._diff)
    for warning in warnings:
        module.warn(warning)
    if result.pop('failed', False):
        module.fail_json(**result)
    module.exit_json(**result)
