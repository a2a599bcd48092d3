#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: capgo_organization_info
short_description: List Capgo organizations
version_added: 1.0.0
description:
  - Returns one organization by O(org_id), or every organization the API key can see, reading all pages.
  - Read-only. An organization that does not exist or that the key cannot see is not an error; the list is then
    empty.
author:
  - capgo.cloud maintainers (@Cap-go)
extends_documentation_fragment:
  - capgo.cloud.capgo
  - capgo.cloud.capgo.actiongroup_capgo
  - capgo.cloud.attributes
  - capgo.cloud.attributes.info_module
options:
  org_id:
    description:
      - Id (UUID) of the organization to return. Costs one request whatever the number of organizations.
    type: str
  name:
    description:
      - Only return organizations with exactly this name (case-sensitive; HTML tags and surrounding whitespace are
        ignored, as the server strips them from stored names).
    type: str
  include_settings:
    description:
      - Also return the security settings of each organization (RV(organizations[].enforcing_2fa),
        RV(organizations[].password_policy_config), ...), with the same keys and values as
        M(capgo.cloud.capgo_organization) returns them.
      - Costs one more request per organization returned (the server lists no settings), and needs a key that may
        change the settings of each (V(org_admin) or V(org_super_admin)), because the server only returns them to a
        C(PUT) that carries nothing to change.
    type: bool
    default: false
seealso:
  - module: capgo.cloud.capgo_organization
'''

EXAMPLES = r'''
- name: List every organization the key can see
  capgo.cloud.capgo_organization_info:
    api_key: "{{ vault_capgo_api_key }}"
  register: capgo
  delegate_to: localhost

- name: Print their names
  ansible.builtin.debug:
    msg: "{{ capgo.organizations | map(attribute='name') | list }}"

- name: Look one up by id (empty list when the key cannot see it)
  capgo.cloud.capgo_organization_info:
    org_id: 1f0e7b52-3b2f-4d8b-9a52-0c6f4c6f3d11
  register: one
  delegate_to: localhost

- name: Find organizations by name
  capgo.cloud.capgo_organization_info:
    name: Acme Mobile
  register: acme
  delegate_to: localhost

- name: One organization with its security settings
  capgo.cloud.capgo_organization_info:
    name: Acme Apps
    include_settings: true
  register: acme_settings
  delegate_to: localhost

# Ad hoc, with the key in the environment:
#   CAPGO_API_KEY=... ansible localhost -m capgo.cloud.capgo_organization_info
'''

RETURN = r'''
organizations:
  description:
    - The organizations found, in the order the server lists them. Always a list; empty when nothing matched.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Id of the organization (UUID).
      type: str
      sample: 1f0e7b52-3b2f-4d8b-9a52-0c6f4c6f3d11
    name:
      description: Name of the organization.
      type: str
      sample: Acme Mobile
    management_email:
      description: Management email of the organization.
      type: str
      sample: billing@acme.example
    website:
      description: Normalised website URL, or V(null).
      type: str
      sample: https://acme.example/
    logo:
      description:
        - Storage path (or external URL) of the logo, V("") or V(null). The API answers with a short-lived signed URL;
          the stored path behind it is returned so that the value is stable.
      type: str
      sample: org/1f0e7b52-3b2f-4d8b-9a52-0c6f4c6f3d11/logo/acme.png
    created_by:
      description: Id of the user who created the organization.
      type: str
      sample: 6aa0e3ae-9b4d-4a43-8c1f-3a3c0e7a2f10
    created_at:
      description: Creation time, as the server formats it.
      type: str
      sample: '2026-07-24T19:50:56.123456+00:00'
    updated_at:
      description: As the server reports it.
      type: str
      sample: '2026-07-24T19:50:56.123456+00:00'
    customer_id:
      description: Billing customer id, or V(null).
      type: str
      sample: cus_Q1w2E3r4T5y6U7
    enforcing_2fa:
      description: Whether members must use two-factor authentication.
      returned: when O(include_settings=true)
      type: bool
      sample: false
    password_policy_config:
      description: The password policy (C(enabled), C(min_length), C(require_uppercase), C(require_number), C(require_special)), or V(null).
      returned: when O(include_settings=true)
      type: dict
      sample: {"enabled": true, "min_length": 12, "require_uppercase": true, "require_number": true, "require_special": false}
    enforce_hashed_api_keys:
      description: Whether only hashed API keys may access the organization.
      returned: when O(include_settings=true)
      type: bool
      sample: false
    require_apikey_expiration:
      description: Whether API keys must have an expiry date.
      returned: when O(include_settings=true)
      type: bool
      sample: false
    max_apikey_expiration_days:
      description: Longest validity of API keys in days, or V(null).
      returned: when O(include_settings=true)
      type: int
      sample: 90
    enforce_encrypted_bundles:
      description: Whether uploaded bundles must be encrypted.
      returned: when O(include_settings=true)
      type: bool
      sample: false
    required_encryption_key:
      description: Fingerprint of the key bundles must be encrypted with, or V(null).
      returned: when O(include_settings=true)
      type: str
      sample: null
'''

from ansible_collections.capgo.cloud.plugins.module_utils.organization import ORGANIZATION_INFO_TASK
from ansible_collections.capgo.cloud.plugins.module_utils.task import module_main


def main():
    module_main(ORGANIZATION_INFO_TASK)


if __name__ == '__main__':
    main()
