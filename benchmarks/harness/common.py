# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Paths, the emulator's fixed identities, logging and the statistics every scenario uses."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
BENCH = ROOT / "benchmarks"
PLAYBOOKS = BENCH / "playbooks"
EMULATOR = ROOT / "tests" / "emulator" / "capgo_emulator.py"
# Rows per GET /organization page: fetchLimit in Cap-go/capgo supabase/functions/_backend/utils/utils.ts,
# used by supabase/functions/_backend/public/organization/get.ts.
PAGE_SIZE = 50

ADMIN_KEY = "22222222-2222-4222-8222-222222222222"
ORG_ID = "11111111-1111-4111-8111-111111111111"
ADMIN_EMAIL = "admin@bench.example"


class BenchError(Exception):
    """A benchmark cannot go on (a failed playbook, a wrong count); run.py prints it and exits."""


def log(msg):
    print("[bench %s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def rnd(value, digits=1):
    return None if value is None else round(value, digits)


def ratios(tops, bottoms, key):
    """Per-run ratios top/bottom of one figure: each run pairs two back-to-back measurements."""
    return [top[key] / bottom[key] for top, bottom in zip(tops, bottoms, strict=True)]
