#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: capgo_channel_info
short_description: List the update channels of a Capgo app
version_added: 1.1.0
description:
  - Returns one channel of an app by O(name), or every channel of the app, oldest first, reading all pages
    (50 channels per request).
  - Read-only. A channel that does not exist gives an empty list.
  - An app that does not exist, or whose channels the key may not read, is an error; the server does not tell the
    two apart.
  - The platform flags C(ios), C(android) and C(electron) are not returned, because the server never returns them.
author:
  - capgo.cloud maintainers (@Cap-go)
extends_documentation_fragment:
  - capgo.cloud.capgo
  - capgo.cloud.capgo.actiongroup_capgo
  - capgo.cloud.attributes
  - capgo.cloud.attributes.info_module
options:
  app_id:
    description:
      - Id of the app, in reverse-domain form (for example V(com.example.app)); checked before any request with the
        server's own rule.
    type: str
    required: true
  name:
    description:
      - Only return the channel with exactly this name (case-sensitive). Costs one request.
    type: str
notes:
  - Reading channels needs the C(app.read_channels) right (C(org_admin), C(org_super_admin), or C(app_reader) and
    above on the app).
seealso:
  - module: capgo.cloud.capgo_channel
  - module: capgo.cloud.capgo_app_info
'''

EXAMPLES = r'''
- name: List the channels of an app
  capgo.cloud.capgo_channel_info:
    app_id: com.acme.shop
  register: shop
  delegate_to: localhost

- name: Name the public ones
  ansible.builtin.debug:
    msg: "{{ shop.channels | selectattr('public') | map(attribute='name') | list }}"

- name: Which bundle does production deliver?
  capgo.cloud.capgo_channel_info:
    app_id: com.acme.shop
    name: production
  register: production
  delegate_to: localhost
'''

RETURN = r'''
channels:
  description:
    - The channels found, oldest first. Always a list; empty when nothing matched.
    - Each channel has the server's field names, so some are camelCase, and carries the rollout and auto-pause fields
      too.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Numeric id of the channel.
      type: int
      sample: 4121
    name:
      description: Name of the channel.
      type: str
      sample: production
    app_id:
      description: Id of the app.
      type: str
      sample: com.acme.shop
    version:
      description: The bundle the channel delivers, as C(name) and C(id), or V(null).
      type: dict
      sample: {name: 1.4.2, id: 8812}
    public:
      description: Whether the channel is public.
      type: bool
      sample: true
    allow_device_self_set:
      description: Whether devices may switch themselves to the channel.
      type: bool
      sample: false
    allow_emulator:
      description: Whether emulators get updates.
      type: bool
      sample: true
    allow_dev:
      description: Whether development builds get updates.
      type: bool
      sample: true
    allow_device:
      description: Whether physical devices get updates.
      type: bool
      sample: true
    allow_prod:
      description: Whether production builds get updates.
      type: bool
      sample: true
    disableAutoUpdateUnderNative:
      description: Whether devices are kept from updating to a bundle older than their native build.
      type: bool
      sample: true
    disableAutoUpdate:
      description: Which updates are not delivered automatically.
      type: str
      sample: major
    created_at:
      description: Creation time, as the server formats it.
      type: str
      sample: '2026-07-24T19:50:56.123456+00:00'
'''

from ansible_collections.capgo.cloud.plugins.module_utils.channel import CHANNEL_INFO_TASK
from ansible_collections.capgo.cloud.plugins.module_utils.task import module_main


def main():
    module_main(CHANNEL_INFO_TASK)


if __name__ == '__main__':
    main()
