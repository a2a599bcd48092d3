# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Action plugin base: run a capgo.cloud module's task inside the controller's worker.

The modules only talk HTTP, and nearly always run on the controller. Shipping an
AnsiballZ payload to a new Python process costs more than the whole API call,
so when the task would run on the controller anyway this executes the same
CapgoTask (module_utils/task.py) in-process. Whenever the module process could
behave differently (another connection, become, a task environment, async, no
requests here) the module is executed as usual.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.plugins.action import ActionBase

from ansible_collections.capgo.cloud.plugins.module_utils.api import HAS_REQUESTS
from ansible_collections.capgo.cloud.plugins.module_utils.task import execute


class CapgoActionBase(ActionBase):
    """Subclasses set TASK to the module's CapgoTask."""

    TASK = None
    _supports_check_mode = True

    def runs_in_process(self):
        task = self._task
        return (HAS_REQUESTS
                and self._connection.transport == 'local'
                and not self._play_context.become
                and not task.async_val
                and not any(task.environment or []))

    def run(self, tmp=None, task_vars=None):
        result = super(CapgoActionBase, self).run(tmp, task_vars)
        if not self.runs_in_process():
            result.update(self._execute_module(task_vars=task_vars))
            return result

        validator = ArgumentSpecValidator(self.TASK.argument_spec(), **self.TASK.validation)
        validation = validator.validate(self._task.args)
        if validation.error_messages:
            result.update(failed=True, msg=validation.errors.msg)
            return result
        params = validation.validated_parameters
        outcome, warnings = execute(self.TASK, params, self._play_context.check_mode, self._play_context.diff)
        if warnings:
            result['warnings'] = warnings
        # Values of no_log options (the API key) never leave the task, as AnsibleModule guarantees.
        secrets = set(value for value in (params.get('api_key'),) if value)
        result.update(remove_values(outcome, secrets))
        return result
