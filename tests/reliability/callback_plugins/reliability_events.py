# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Aggregate callback of the reliability tests: every task result as JSON, for the assertions.

Enabled by tests/reliability/conftest.py (ANSIBLE_CALLBACK_PLUGINS + ANSIBLE_CALLBACKS_ENABLED);
writes one JSON document to $RELIABILITY_EVENTS_FILE when the playbook ends:
{"events": [{task, host, status, changed, msg, warnings, organization, organizations, item}], "stats": {host: {...}}}
It is not part of the collection (tests/ only).
"""

from __future__ import annotations

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: reliability_events
type: aggregate
short_description: JSON record of task results for tests/reliability
description: Test helper only.
"""

KEPT = ("msg", "organization", "organizations", "item", "exception", "module_stderr", "module_stdout")


def _field(result, name):
    value = getattr(result, name, None)
    if value is None:
        value = getattr(result, "_" + name, None)
    return value


def _plain(value):
    try:
        return json.loads(json.dumps(value, default=str))
    except (TypeError, ValueError):
        return str(value)


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "reliability_events"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._path = os.environ.get("RELIABILITY_EVENTS_FILE")
        self._events = []

    def _record(self, result, status):
        data = dict(_field(result, "result") or {})
        task = _field(result, "task")
        host = _field(result, "host")
        warnings = []
        for warning in getattr(result, "warnings", None) or []:
            event = getattr(warning, "event", None)
            warnings.append(str(getattr(event, "msg", warning)))
        if isinstance(data.get("warnings"), list):
            warnings.extend(str(w) for w in data["warnings"] if str(w) not in warnings)
        entry = {
            "task": task.get_name() if task is not None else None,
            "host": host.get_name() if host is not None else None,
            "status": status,
            "changed": bool(data.get("changed")),
            "warnings": warnings,
        }
        for key in KEPT:
            if key in data:
                entry[key] = _plain(data[key])
        self._events.append(entry)

    def v2_runner_on_ok(self, result):
        data = _field(result, "result") or {}
        self._record(result, "changed" if data.get("changed") else "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._record(result, "unreachable")

    def v2_playbook_on_stats(self, stats):
        if not self._path:
            return
        summary = dict((host, stats.summarize(host)) for host in sorted(stats.processed))
        with open(self._path, "w", encoding="utf-8") as handle:
            json.dump({"events": self._events, "stats": summary}, handle, indent=1, default=str)
