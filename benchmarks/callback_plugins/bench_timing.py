# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark-only callback: the wall time of every task result, as JSON lines.

benchmarks/run.py enables it through ANSIBLE_CALLBACK_PLUGINS and
ANSIBLE_CALLBACKS_ENABLED; it appends one line per task result (one per loop item
for loops) to the file named by BENCH_TIMING_FILE. Not part of the collection.

Each line: task name, status, changed, seconds since the previous result of the
same task (or since the task started), and the epoch window [start, end] of that
result, which run.py matches against the emulator's request log.
"""

from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: bench_timing
type: aggregate
short_description: per-task wall times for benchmarks/run.py
description: Appends the wall time of every task result and loop item to BENCH_TIMING_FILE.
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_timing"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._path = os.environ.get("BENCH_TIMING_FILE")
        self._task = None
        self._mark = None
        self._epoch = None
        self._item = 0

    def _write(self, record):
        if self._path:
            with open(self._path, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(record) + "\n")

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._task = task.get_name()
        self._mark = time.perf_counter()
        self._epoch = time.time()
        self._item = 0

    def _done(self, result, status):
        if self._mark is None:
            return
        now, epoch = time.perf_counter(), time.time()
        self._write({"task": self._task, "item": self._item, "status": status,
                     "changed": bool(result._result.get("changed")), "seconds": now - self._mark,
                     "start": self._epoch, "end": epoch})
        # The next loop item is timed from here.
        self._item += 1
        self._mark, self._epoch = now, epoch

    def v2_runner_item_on_ok(self, result):
        self._done(result, "ok")

    def v2_runner_item_on_skipped(self, result):
        self._done(result, "skipped")

    def v2_runner_item_on_failed(self, result):
        self._done(result, "failed")

    def _task_result(self, result, status):
        if "results" in result._result:
            self._mark = None  # a loop: its items were recorded one by one
        else:
            self._done(result, status)

    def v2_runner_on_ok(self, result):
        self._task_result(result, "ok")

    def v2_runner_on_skipped(self, result):
        self._task_result(result, "skipped")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._task_result(result, "failed")
