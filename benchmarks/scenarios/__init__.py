# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the benchmarks measure: the one list of scenarios, in report order.

A new comparison is one module here with a Scenario subclass (and its playbooks in
benchmarks/playbooks/), added to SCENARIOS. run.py, the options, --list / --only, the
Targets table and the section numbers follow from this list.
"""

from __future__ import annotations

from scenarios.fleet import Fleet
from scenarios.info_scaling import InfoScaling
from scenarios.lifecycle import Lifecycle
from scenarios.startup import Startup
from scenarios.task_cost import TaskCost

SCENARIOS = (TaskCost, Lifecycle, InfoScaling, Startup, Fleet)
