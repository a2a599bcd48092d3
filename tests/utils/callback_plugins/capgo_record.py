# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Record the result of every capgo.cloud task as a JSON line, to compare two runs of the same tests.

tests/utils/run-integration.sh enables it (through the integration.cfg it writes) for each
execution path, and tests/utils/compare_paths.py compares the recordings. Without its
`output` option it records nothing.
"""

from __future__ import annotations

import json

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: capgo_record
type: aggregate
short_description: Record capgo.cloud task results as JSON lines
description:
  - Appends one JSON line per capgo.cloud task result to O(output).
options:
  output:
    description: File to append to; nothing is recorded when unset.
    ini:
      - section: callback_capgo_record
        key: output
"""

# Keys that differ between two identical runs (timings, async job bookkeeping, tracebacks).
VOLATILE_KEYS = frozenset([
    'start', 'end', 'delta', 'ansible_job_id', 'results_file', 'started', 'finished', 'exception',
    'stdout', 'stdout_lines', 'stderr', 'stderr_lines', 'attempts',
])


def message_of(item):
    """The text of a warning, or text and version/date of a deprecation, whatever the ansible-core version."""
    if isinstance(item, str):
        return item
    if isinstance(item, dict):  # ansible-core < 2.19 deprecations
        return {key: item[key] for key in ('msg', 'version', 'date') if item.get(key) is not None}
    # ansible-core 2.19+: WarningSummary / DeprecationSummary
    text = {'msg': item.event.msg}
    text.update({key: getattr(item, key) for key in ('version', 'date') if getattr(item, key, None) is not None})
    return text if len(text) > 1 else text['msg']


def plain(value):
    """A JSON-safe copy (tagged strings and other str subclasses become plain str)."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, str):
        return str(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return repr(value)


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'capgo_record'
    CALLBACK_NEEDS_ENABLED = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._output = None

    def set_options(self, *args, **kwargs):
        super().set_options(*args, **kwargs)
        self._output = self.get_option('output')

    def _record(self, status, result):
        task = result._task
        action = getattr(task, 'resolved_action', None) or task.action
        if not self._output or not action or not action.startswith('capgo.cloud.'):
            return
        data = dict(result._result)
        warnings = getattr(result, 'warnings', None) or data.get('warnings') or []
        deprecations = getattr(result, 'deprecations', None) or data.get('deprecations') or []
        data = {key: value for key, value in data.items() if key not in VOLATILE_KEYS and not key.startswith('_ansible')}
        data['warnings'] = [message_of(item) for item in warnings]
        data['deprecations'] = [message_of(item) for item in deprecations]
        path = task.get_path() or ''
        line = {
            'task': task.get_name(),
            # ansible-test runs each target from a temporary copy: keep the part under targets/.
            'path': path[path.find('targets/'):] if 'targets/' in path else path.rsplit('/', 1)[-1],
            'host': result._host.get_name(),
            'action': action,
            'status': status,
            'result': plain(data),
        }
        with open(self._output, 'a', encoding='utf-8') as stream:
            stream.write(json.dumps(line, sort_keys=True) + '\n')

    def v2_runner_on_ok(self, result):
        self._record('ok', result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record('failed', result)

    def v2_runner_on_skipped(self, result):
        self._record('skipped', result)

    def v2_runner_on_unreachable(self, result):
        self._record('unreachable', result)

    def v2_runner_on_async_ok(self, result):
        self._record('async_ok', result)

    def v2_runner_on_async_failed(self, result):
        self._record('async_failed', result)
