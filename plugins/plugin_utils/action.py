# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Action plugin base: run a capgo.cloud module's task inside the controller's worker when that cannot differ.

The modules only talk HTTP, and nearly always run on the controller. Shipping an
AnsiballZ payload to a new Python process costs more than the whole API call, so
when the module would run on the controller, in this very Python, the same
CapgoTask runs in-process through run_task() (module_utils/task.py) on an
InProcessModule (in_process.py). In every other case (execution_path() says
which) the module runs as a process, as without this plugin.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import platform
import sys

from ansible import constants as C
from ansible.errors import AnsibleError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display
from ansible.utils.vars import merge_hash

from ansible_collections.capgo.cloud.plugins.module_utils.api import HAS_REQUESTS
from ansible_collections.capgo.cloud.plugins.module_utils.task import run_task
from ansible_collections.capgo.cloud.plugins.plugin_utils.in_process import InProcessModule, ModuleExit

# The switch: a variable (inventory, group_vars, play, extra vars), else an environment variable on the controller.
SWITCH_VARIABLE = 'capgo_in_process'
SWITCH_ENVIRONMENT = 'CAPGO_IN_PROCESS'

display = Display()

IN_PROCESS = 'in-process'
MODULE = 'module'


def switch_value(variable, environment):
    """'auto', 'true' or 'false' from the variable if set, else the environment variable; bad values are an error."""
    value = variable if variable is not None else environment
    if value is None or (isinstance(value, str) and value.strip().lower() in ('', 'auto')):
        return 'auto'
    try:
        return 'true' if boolean(value, strict=True) else 'false'
    except TypeError:
        raise AnsibleError('%s (or %s) must be auto, true or false, got %r' % (SWITCH_VARIABLE, SWITCH_ENVIRONMENT, value))


def same_interpreter(interpreter, executable):
    """True when the configured interpreter is this Python: unset, an auto mode, or the same file in the same directory.

    The directory counts: a virtualenv's bin/python is often a link to the system Python,
    yet imports another set of libraries (requests, CA bundle).
    """
    if not interpreter or interpreter.startswith('auto'):
        return True
    path = os.path.expanduser(interpreter)
    if not os.path.isabs(path):
        return False
    try:
        return (os.path.samefile(path, executable)
                and os.path.realpath(os.path.dirname(path)) == os.path.realpath(os.path.dirname(executable)))
    except OSError:
        return False


def execution_path(switch, interpreter, connection, become, environment, async_val,
                   has_requests=HAS_REQUESTS, system=None, executable=None):
    """How a task runs: (IN_PROCESS, why) only when the module process could not behave differently, else (MODULE, why)."""
    system = platform.system() if system is None else system
    executable = sys.executable if executable is None else executable
    if switch == 'false':
        return MODULE, '%s is false' % SWITCH_VARIABLE
    if not has_requests:
        return MODULE, 'the controller has no requests library'
    if system == 'Darwin' and switch != 'true':
        # HTTP from a forked worker can crash on macOS (the system proxy lookup is not fork-safe).
        return MODULE, 'the controller runs macOS'
    if async_val:
        return MODULE, 'the task is async'
    if connection != 'local':
        return MODULE, 'the connection is %s' % connection
    if become:
        return MODULE, 'the task uses become'
    if any(environment or []):
        return MODULE, 'the task has an environment'
    if not same_interpreter(interpreter, executable):
        return MODULE, 'the host interpreter %s is not the controller\'s %s' % (interpreter, executable)
    return IN_PROCESS, 'the module process would run on the controller, in this Python'


class CapgoActionBase(ActionBase):
    """Subclasses set TASK to the module's CapgoTask."""

    TASK = None
    _supports_check_mode = True
    _supports_async = True

    def _configured_interpreter(self, task_vars):
        """The Python the module process would be started with, as configured (auto*: not chosen)."""
        host_vars = task_vars
        if self._task.delegate_to:
            # As ActionBase._configure_module() does: a delegated task runs with the delegated host's interpreter.
            host_vars = (task_vars.get('ansible_delegated_vars') or {}).get(self._task.delegate_to) or task_vars
        # As module_common._get_shebang() does: the setting (default auto) reads ansible_python_interpreter first.
        return self._templar.template(C.config.get_config_value('INTERPRETER_PYTHON', variables=host_vars))

    def _execution_path(self, task_vars):
        variable = task_vars.get(SWITCH_VARIABLE)
        if variable is not None:
            variable = self._templar.template(variable)
        return execution_path(
            switch=switch_value(variable, os.environ.get(SWITCH_ENVIRONMENT)),
            interpreter=self._configured_interpreter(task_vars),
            connection=self._connection.transport,
            become=self._play_context.become,
            environment=self._task.environment,
            async_val=self._task.async_val,
        )

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super(CapgoActionBase, self).run(tmp, task_vars)
        path, why = self._execution_path(task_vars)
        display.vvv('capgo.cloud: %s runs %s: %s' % (self._task.action, 'in-process' if path == IN_PROCESS else 'as a module process', why),
                    host=self._play_context.remote_addr)
        if path == MODULE:
            # As ansible.builtin.normal runs a module, async included.
            wrap_async = bool(self._task.async_val) and not self._connection.has_native_async
            result = merge_hash(result, self._execute_module(task_vars=task_vars, wrap_async=wrap_async))
            if not wrap_async:
                self._remove_tmp_path(self._connection._shell.tmpdir)
            return result
        module_args = dict(self._task.args)
        self._update_module_args(self._task.action, module_args, task_vars)
        try:
            run_task(self.TASK, InProcessModule(self.TASK, module_args))
        except ModuleExit as finished:
            result.update(as_module_result(finished.result))
        return result


def as_module_result(result):
    """The result as ActionBase._execute_module() reads a module's answer (ansible-core 2.21 and later).

    Those versions tell module failures ("Module failed: ...") from action failures, and drop the
    internal keys of a module's answer; older ones (2.19 and 2.20 have no UnifiedTaskResult) take the
    result dict as it is.
    """
    try:
        from ansible._internal import _task  # pylint: disable=import-outside-toplevel
        unified = _task.UnifiedTaskResult.from_module_result_dict(result)
        unified.remove_internal_keys()
        return unified.as_result_dict(for_round_trip=True)
    except (ImportError, AttributeError):
        return result
