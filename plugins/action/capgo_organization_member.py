# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.capgo.cloud.plugins.module_utils.member_tasks import MEMBER_TASK
from ansible_collections.capgo.cloud.plugins.plugin_utils.action import CapgoActionBase


class ActionModule(CapgoActionBase):
    """Runs capgo_organization_member on the controller in-process (see plugin_utils/action.py)."""

    TASK = MEMBER_TASK
