# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The part of AnsibleModule that CapgoTask code uses, for a run inside the controller's worker.

It is built from the very arguments ActionBase._execute_module() would send to the
module (the task's options plus the _ansible_* internal ones), and reuses the
ansible-core pieces AnsibleModule itself is made of: ModuleArgumentSpecValidator
(types, defaults, aliases, fallbacks, no_log values, alias and deprecation
warnings), the module warning store, and remove_values(). So validation messages,
warnings, deprecations, masking and invocation are those of a module run on the
same ansible-core.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common import warnings as module_warnings
from ansible.module_utils.common.arg_spec import ModuleArgumentSpecValidator
from ansible.module_utils.common.parameters import PASS_VARS, remove_values
from ansible.module_utils.errors import UnsupportedError

# ansible-core 2.21 made invocation optional (INJECT_INVOCATION); before, modules always returned it.
INJECT_INVOCATION_DEFAULT = PASS_VARS['inject_invocation'][1] if 'inject_invocation' in PASS_VARS else True


class ModuleExit(Exception):
    """Raised by exit_json() and fail_json() (a module process would exit); carries the result."""

    def __init__(self, result):
        super(ModuleExit, self).__init__()
        self.result = result


class InProcessModule:
    """AnsibleModule's interface for a CapgoTask: params, check_mode, _diff, warn, exit_json, fail_json."""

    def __init__(self, task, module_args):
        args = dict(module_args)
        internal = dict((key, args.pop(key)) for key in list(args) if key.startswith('_ansible_'))
        self._name = internal.get('_ansible_module_name')
        self.check_mode = bool(internal.get('_ansible_check_mode'))
        self._diff = bool(internal.get('_ansible_diff'))
        self._inject_invocation = internal.get('_ansible_inject_invocation', INJECT_INVOCATION_DEFAULT)
        # Warnings the module store held before this task are not this task's.
        self._warnings_seen = len(module_warnings.get_warning_messages())
        self._deprecations_seen = len(module_warnings.get_deprecation_messages())

        validator = ModuleArgumentSpecValidator(task.argument_spec(), **task.validation)
        validation = validator.validate(args)
        self.params = args
        self.params.update(validation.validated_parameters)
        self.no_log_values = set(validation._no_log_values)
        if validation.error_messages:
            msg = validation.errors.msg
            if isinstance(validation.errors[0], UnsupportedError):
                msg = 'Unsupported parameters for (%s) module: %s' % (self._name, msg)
            self.fail_json(msg=msg)

    def warn(self, warning):
        module_warnings.warn(warning)

    def exit_json(self, **result):
        raise ModuleExit(self._formatted(result))

    def fail_json(self, msg, **result):
        result.update(failed=True, msg=str(msg))
        raise ModuleExit(self._formatted(result))

    def _formatted(self, result):
        """What AnsibleModule._return_formatted() makes of a result."""
        if self._inject_invocation:
            result.setdefault('invocation', {'module_args': self.params})
        else:
            result.pop('invocation', None)
        # On the controller, ansible-core 2.19 and later route these to the task's own warning
        # list; older versions keep them in the module store, which a module returns with its result.
        warnings = module_warnings.get_warning_messages()[self._warnings_seen:]
        if warnings:
            result['warnings'] = list(warnings)
        deprecations = module_warnings.get_deprecation_messages()[self._deprecations_seen:]
        if deprecations:
            result['deprecations'] = list(deprecations)
        preserved = dict((key, value) for key, value in result.items() if value is None or isinstance(value, bool))
        result = remove_values(result, self.no_log_values)
        result.update(preserved)
        return result
