# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every module is in the capgo action group, has an in-process action plugin, and the client names the release."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import yaml

from ansible_collections.capgo.cloud.plugins.module_utils.api import COLLECTION_VERSION

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))


def names(folder):
    return sorted(f[:-3] for f in os.listdir(os.path.join(ROOT, 'plugins', folder))
                  if f.endswith('.py') and f != '__init__.py')


def test_every_module_is_in_the_action_group():
    with open(os.path.join(ROOT, 'meta', 'runtime.yml')) as handle:
        runtime = yaml.safe_load(handle)
    assert sorted(runtime['action_groups']['capgo']) == names('modules')


def test_every_module_has_its_action_plugin():
    assert names('action') == names('modules')


def test_user_agent_version_matches_galaxy_yml():
    with open(os.path.join(ROOT, 'galaxy.yml')) as handle:
        assert yaml.safe_load(handle)['version'] == COLLECTION_VERSION
