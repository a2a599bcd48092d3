#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: capgo_organization
short_description: Create, update and delete Capgo organizations
version_added: 1.0.0
description:
  - Creates, updates and deletes an organization through the Capgo public API.
  - The organization is found by O(org_id) when given, else by its exact O(name) over every page of organizations the
    API key can see. Organization names are not unique in Capgo; when more than one matches, the task fails and names
    every matching id so that O(org_id) can be set.
  - Values are compared after the server's own rewriting (website URL normalisation, HTML tags and surrounding whitespace
    removed from names, logos stored as storage paths), so a second run with the same options changes nothing and
    sends no write request.
  - Only the options that are set are managed; options left out are never changed.
  - The security settings (O(enforcing_2fa), O(password_policy_config), O(enforce_hashed_api_keys),
    O(require_apikey_expiration), O(max_apikey_expiration_days), O(enforce_encrypted_bundles),
    O(required_encryption_key)) are not returned by the API's read call. When one of them is set, the module reads
    them with an update call that carries only the organization id, which the server answers without writing
    anything; that needs C(org_admin) rights and costs one request more.
author:
  - capgo.cloud maintainers (@Cap-go)
extends_documentation_fragment:
  - capgo.cloud.capgo
  - capgo.cloud.capgo.actiongroup_capgo
  - capgo.cloud.attributes
attributes:
  check_mode:
    support: full
    details:
      - Sends only the read requests of a real run, and predicts RV(organization) exactly, except the server-assigned
        fields of a new organization (RV(organization.id), RV(organization.created_at), ...), which are V(null).
  diff_mode:
    support: full
    details:
      - Before and after values of O(name), O(management_email), O(website) and O(logo), and of the security settings
        when one of them is set; a create shows V({}) before, a delete V({}) after.
options:
  org_id:
    description:
      - Id (UUID) of an existing organization.
      - With O(state=present) the organization must exist and be visible to the key; the module never creates an
        organization for an O(org_id) it cannot see, because the server assigns ids.
      - With O(org_id) set, O(name) is the name to give the organization (a rename), not a lookup key.
    type: str
  name:
    description:
      - Name of the organization. Looks the organization up when O(org_id) is not set, and is the name to create it
        with.
      - HTML tags and surrounding whitespace are removed, as the server does; what remains must be at least 3
        characters long.
    type: str
  management_email:
    description:
      - Email address for billing and administrative notices of the organization.
      - When creating without it, the server uses the email of the API key's owner.
      - Must be an address the server accepts; it is neither trimmed nor lower-cased.
    type: str
  website:
    description:
      - Website of the organization, an C(http://) or C(https://) URL; without a scheme, C(https://) is assumed.
      - Stored in normalised form (lower-case host, no default port, V(/) path for a bare host), for example
        V(Example.COM) is stored as V(https://example.com/).
      - URLs with credentials (C(user:password@)) are refused. V("") clears the website.
    type: str
  logo:
    description:
      - Logo of the organization, as a path in Capgo's C(images) storage bucket (for example
        V(org/<org id>/logo/logo.png)), or an external URL.
      - A Capgo storage URL (public or signed) is reduced to its path, as the server does.
      - Compared, predicted and returned as the path the server answers with, which it normalises once more when
        it reads it, so V(/images/org/a/logo.png) is V(org/a/logo.png) and V(images/images/b.png) is V(b.png).
        The module sends that path; it names the same storage object.
      - V("") clears the logo.
      - Creating an organization with a logo takes one extra request, because the create call cannot carry it.
    type: str
  enforcing_2fa:
    description:
      - Whether members must use two-factor authentication to access the organization.
      - Turning it on needs O(acknowledge_lockout=true); the server refuses to let an API key turn it on, or to
        update an organization that enforces it, so do it in the Capgo console.
    type: bool
  password_policy_config:
    description:
      - Password policy members must satisfy. The server needs all five keys; unset ones take the defaults below.
      - To switch the policy off, set O(password_policy_config.enabled=false).
    type: dict
    suboptions:
      enabled:
        description: Whether the policy is enforced.
        type: bool
        required: true
      min_length:
        description: Minimum password length, 6 to 72.
        type: int
        default: 10
      require_uppercase:
        description: Whether passwords need an upper-case letter.
        type: bool
        default: true
      require_number:
        description: Whether passwords need a digit.
        type: bool
        default: true
      require_special:
        description: Whether passwords need a special character.
        type: bool
        default: true
  enforce_hashed_api_keys:
    description:
      - Whether only hashed API keys may access the organization.
      - Once on, the server rejects every plaintext key bound to the organization everywhere, possibly the key
        running the task; turning it on needs O(acknowledge_lockout=true).
    type: bool
  require_apikey_expiration:
    description:
      - Whether API keys used with the organization must have an expiry date.
      - Once on, keys without one get C(401 org_requires_expiring_key) for this organization, possibly the key
        running the task; turning it on needs O(acknowledge_lockout=true).
    type: bool
  max_apikey_expiration_days:
    description:
      - Longest validity, in days (1 to 365), of API keys created for the organization. V(0) removes the limit.
    type: int
  enforce_encrypted_bundles:
    description:
      - Whether app bundles uploaded to the organization must be encrypted.
    type: bool
  required_encryption_key:
    description:
      - Fingerprint (20 or 21 characters) of the public key bundles must be encrypted with. Not a secret.
        V("") removes it.
    type: str
  acknowledge_lockout:
    description:
      - Confirms that switching on O(enforce_hashed_api_keys), O(require_apikey_expiration) or O(enforcing_2fa) may
        lock out API keys, including the one running the task. Without it the task fails before any write, explaining
        the risk.
      - Only consulted when one of those settings would be switched on.
    type: bool
    default: false
  state:
    description:
      - V(present) creates the organization when it does not exist and updates the options that differ.
      - V(absent) deletes it; an organization that does not exist or that the key cannot see is left alone
        (C(changed=false)).
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: capgo.cloud.capgo_organization_info
'''

EXAMPLES = r'''
# The tasks read the API key from CAPGO_API_KEY (and the URL from CAPGO_API_URL), or from api_key and
# api_url, which module_defaults of group/capgo.cloud.capgo can set for every Capgo task of a play.
- name: Ensure the organization exists
  capgo.cloud.capgo_organization:
    name: Acme Mobile
    management_email: billing@acme.example
    website: acme.example
  register: acme
  delegate_to: localhost

- name: Show its id
  ansible.builtin.debug:
    msg: "{{ acme.organization.id }}"

# In check mode an organization that does not exist yet has no id (null), so tasks that address it
# by the registered id skip until a real run has created it.
- name: Set a logo stored in Capgo's images bucket, addressing the organization by id
  capgo.cloud.capgo_organization:
    org_id: "{{ acme.organization.id }}"
    logo: "org/{{ acme.organization.id }}/logo/acme.png"
  delegate_to: localhost
  when: acme.organization.id is not none

- name: Rename an organization, addressing it by id
  capgo.cloud.capgo_organization:
    org_id: 1f0e7b52-3b2f-4d8b-9a52-0c6f4c6f3d11
    name: Acme Apps EU
  delegate_to: localhost

- name: Delete an organization that is no longer needed
  capgo.cloud.capgo_organization:
    name: Old sandbox
    state: absent
  delegate_to: localhost

# Last, and with a key that has an expiry date: once require_apikey_expiration is on, the organization
# refuses API keys without one (HTTP 401 org_requires_expiring_key), the key running these tasks included.
- name: Require expiring API keys of at most 90 days and a password policy
  capgo.cloud.capgo_organization:
    org_id: "{{ acme.organization.id }}"
    require_apikey_expiration: true
    max_apikey_expiration_days: 90
    password_policy_config:
      enabled: true
      min_length: 12
    acknowledge_lockout: true
  delegate_to: localhost
  when: acme.organization.id is not none

# Ad hoc:
#   ansible localhost -m capgo.cloud.capgo_organization -a "name='Staging apps' state=absent"
'''

RETURN = r'''
organization:
  description:
    - The organization as the server holds it after the task; in check mode, the predicted one.
    - V({}) after a delete, and when O(state=absent) found nothing to delete.
    - In check mode, the server-assigned fields of an organization that would be created are V(null).
  returned: always
  type: dict
  contains:
    id:
      description: Id of the organization (UUID). V(null) in check mode for an organization that would be created.
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
        - Storage path (or external URL) of the logo, V("") or V(null).
        - The API answers with a signed URL whose token changes on every read; the module returns the stored path
          behind it so that the value is stable between runs. V(null) also when the server could not sign the path.
      type: str
      sample: org/1f0e7b52-3b2f-4d8b-9a52-0c6f4c6f3d11/logo/acme.png
    created_by:
      description: Id of the user who created the organization (for an API key, its owner).
      type: str
      sample: 6aa0e3ae-9b4d-4a43-8c1f-3a3c0e7a2f10
    created_at:
      description: Creation time, as the server formats it.
      type: str
      sample: '2026-07-24T19:50:56.123456+00:00'
    updated_at:
      description: As the server reports it; the server does not move it on updates.
      type: str
      sample: '2026-07-24T19:50:56.123456+00:00'
    customer_id:
      description: Billing customer id; V(pending_<id>) right after creation, later a Stripe id.
      type: str
      sample: cus_Q1w2E3r4T5y6U7
    enforcing_2fa:
      description: Whether two-factor authentication is enforced.
      returned: when a security setting option is set
      type: bool
      sample: false
    password_policy_config:
      description: The password policy, or V(null).
      returned: when a security setting option is set
      type: dict
      sample: {enabled: true, min_length: 12, require_uppercase: true, require_number: true, require_special: false}
    enforce_hashed_api_keys:
      description: Whether only hashed API keys are accepted.
      returned: when a security setting option is set
      type: bool
      sample: false
    require_apikey_expiration:
      description: Whether API keys must expire.
      returned: when a security setting option is set
      type: bool
      sample: false
    max_apikey_expiration_days:
      description: Longest API key validity in days, or V(null).
      returned: when a security setting option is set
      type: int
      sample: 90
    enforce_encrypted_bundles:
      description: Whether bundles must be encrypted.
      returned: when a security setting option is set
      type: bool
      sample: false
    required_encryption_key:
      description: Fingerprint of the required encryption key, or V(null).
      returned: when a security setting option is set
      type: str
      sample: 9f8e7d6c5b4a39281706
diff:
  description: Before and after values of the managed options; only with C(--diff).
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: The managed options before the task, V({}) when the organization did not exist.
      type: dict
    after:
      description: The managed options after the task, V({}) when the organization does not exist afterwards.
      type: dict
'''

from ansible_collections.capgo.cloud.plugins.module_utils.organization import ORGANIZATION_TASK
from ansible_collections.capgo.cloud.plugins.module_utils.task import module_main


def main():
    module_main(ORGANIZATION_TASK)


if __name__ == '__main__':
    main()
