#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: capgo_app_info
short_description: List Capgo apps
version_added: 1.1.0
description:
  - Returns one app by O(app_id), or every app the API key can read, optionally of one organization, reading all
    pages (50 apps per request).
  - Read-only. An app that does not exist or that the key cannot read is not an error; the list is then empty. The
    server does not tell the two apart.
  - An organization the key cannot read (O(org_id)), or that no organization visible to the key is named after
    (O(org)), gives an empty list too.
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
      - Id of the app to return, in reverse-domain form (for example V(com.example.app)). Costs one request.
      - Checked before any request with the server's own rule.
    type: str
  org_id:
    description:
      - Only return apps of the organization with this id (UUID). Listing needs a key that can read the
        organization (an organization-wide role); a key bound only to some apps gets an empty list.
    type: str
  org:
    description:
      - Only return apps of the organization with exactly this name, as an alternative to O(org_id).
      - The task fails when more than one organization visible to the key has that name.
    type: str
seealso:
  - module: capgo.cloud.capgo_app
  - module: capgo.cloud.capgo_channel_info
'''

EXAMPLES = r'''
- name: List every app the key can read
  capgo.cloud.capgo_app_info:
  register: capgo
  delegate_to: localhost

- name: Print their ids
  ansible.builtin.debug:
    msg: "{{ capgo.apps | map(attribute='app_id') | list }}"

- name: List the apps of one organization
  capgo.cloud.capgo_app_info:
    org: Acme Apps
  register: acme
  delegate_to: localhost

- name: Look one app up (empty list when it does not exist or the key cannot read it)
  capgo.cloud.capgo_app_info:
    app_id: com.acme.shop
  register: shop
  delegate_to: localhost
'''

RETURN = r'''
apps:
  description:
    - The apps found, in the order the server lists them. Always a list; empty when nothing matched.
    - Each app carries every column the server returns; the main ones are below.
  returned: always
  type: list
  elements: dict
  contains:
    app_id:
      description: Id of the app.
      type: str
      sample: com.acme.shop
    id:
      description: Internal id of the app (UUID), used by API key bindings.
      type: str
      sample: 0b6b1d3c-6f0e-4c49-9a37-1c3c1f6b2a11
    name:
      description: Display name of the app.
      type: str
      sample: Acme Shop
    owner_org:
      description: Id of the organization that owns the app.
      type: str
      sample: 1f0e7b52-3b2f-4d8b-9a52-0c6f4c6f3d11
    icon:
      description:
        - Storage path (or external URL) of the icon, or V(""). The API answers with a short-lived signed URL; the
          stored path behind it is returned so that the value is stable.
      type: str
      sample: org/1f0e7b52-3b2f-4d8b-9a52-0c6f4c6f3d11/com.acme.shop/icon.png
    icon_url:
      description: The same value as RV(apps[].icon), under the server's name for it.
      type: str
      sample: org/1f0e7b52-3b2f-4d8b-9a52-0c6f4c6f3d11/com.acme.shop/icon.png
    retention:
      description: Seconds the server keeps bundles.
      type: int
      sample: 2592000
    expose_metadata:
      description: Whether bundle metadata is exposed to devices.
      type: bool
      sample: false
    allow_device_custom_id:
      description: Whether devices may set a custom id.
      type: bool
      sample: true
    block_provider_infra_requests:
      description: Whether requests from cloud provider infrastructure are blocked.
      type: bool
      sample: true
    ios_store_url:
      description: App Store URL, or V(null).
      type: str
      sample: https://apps.apple.com/app/id1234567890
    android_store_url:
      description: Play Store URL, or V(null).
      type: str
      sample: https://play.google.com/store/apps/details?id=com.acme.shop
    default_upload_channel:
      description: Channel the Capgo CLI uploads to by default.
      type: str
      sample: dev
    created_at:
      description: Creation time, as the server formats it.
      type: str
      sample: '2026-07-24T19:50:56.123456+00:00'
    updated_at:
      description: Time of the last update, V(null) until the first one.
      type: str
      sample: '2026-07-24T19:52:10.654321+00:00'
'''

from ansible_collections.capgo.cloud.plugins.module_utils.app import APP_INFO_TASK
from ansible_collections.capgo.cloud.plugins.module_utils.task import module_main


def main():
    module_main(APP_INFO_TASK)


if __name__ == '__main__':
    main()
