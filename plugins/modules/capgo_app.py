#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: capgo_app
short_description: Create, update and delete Capgo apps
version_added: 1.1.0
description:
  - Creates, updates and deletes an app through the Capgo public API.
  - The app is identified by its O(app_id), which is unique across all of Capgo, not only within an organization.
  - Values are compared after the server's own rewriting (HTML tags and surrounding spaces removed from names, icons
    kept as storage paths), so a second run with the same options changes nothing and sends no write request.
  - Only the options that are set are managed; options left out are never changed.
  - The server answers "no such app" and "this key may not read the app" the same way (HTTP 401
    C(cannot_access_app)), so an app the key cannot read is treated as missing. Creating it then fails with a
    message that says the id is taken by an app the key cannot read, usually one of another organization.
  - An app that exists in another organization than the one given by O(org_id) or O(org) is an error; the module
    never moves, deletes or re-creates it.
  - B(Deleting an app also deletes all its channels and bundles), its devices, statistics and the API key bindings
    scoped to it, at once and for good. Only keys with the C(org_super_admin) role can delete apps.
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
      - Sends only the read requests of a real run, and predicts RV(app) except what the server assigns
        (RV(app.id), RV(app.created_at), RV(app.updated_at), ...), which a new app has as V(null).
      - A create that the server would refuse because the id is taken by an app the key cannot read is predicted as
        a create.
      - An organization named by O(org) that does not exist yet (an earlier task of the same check run would create
        it) is reported as a warning, and the app is predicted as created in it, with C(owner_org) V(null).
  diff_mode:
    support: full
    details:
      - Before and after values of O(app_id), the owning organization (C(owner_org)) and the managed options; a
        create shows V({}) before, a delete V({}) after.
options:
  app_id:
    description:
      - Id of the app, in reverse-domain form (for example V(com.example.app)).
      - Checked before any request with the server's own rule (two or more dot-separated parts, the first of ASCII
        letters and digits only, the others of ASCII letters, digits, V(_) and V(-)).
      - Case is kept, and lookups are case-sensitive.
    type: str
    required: true
  name:
    description:
      - Display name of the app. Needed to create an app.
      - HTML tags and surrounding spaces are removed, as the server does; what remains must not be empty.
    type: str
  org_id:
    description:
      - Id (UUID) of the organization that owns the app. Needed to create an app, unless O(org) is set.
      - For an existing app, the task fails when the app belongs to another organization.
    type: str
  org:
    description:
      - Exact name of the organization that owns the app, as an alternative to O(org_id).
      - Looked up among the organizations the key can see (one request per 50 organizations); the task fails when
        more than one has that name, and when none has it, except with O(state=absent) for an app that does not
        exist either (deleting an organization deletes its apps).
    type: str
  icon:
    description:
      - Icon of the app, as a path in Capgo's C(images) storage bucket, or an external URL.
      - A Capgo storage URL (public or signed) is reduced to its path, as the server does. V("") removes the icon.
      - It is compared as the path the server answers with, which normalises a stored path once more when it reads
        it (V(/images/a.png) is stored as V(images/a.png) and read back as V(a.png)).
      - The server answers an icon path it cannot sign (no such object in the bucket) as V(""); the module then
        writes the icon again in every run, with a warning.
    type: str
  retention:
    description:
      - How long, in seconds, the server keeps bundles; V(0) to V(63113903) (two years).
      - A new app gets V(2592000) (30 days). Setting it on a new app costs one extra request, because the create
        call cannot carry it.
    type: int
  expose_metadata:
    description:
      - Whether bundle metadata is exposed to the devices. A new app gets V(false).
      - Setting it to another value on a new app costs one extra request.
    type: bool
  allow_device_custom_id:
    description:
      - Whether devices may set a custom id. A new app gets V(true).
      - Setting it to another value on a new app costs one extra request.
    type: bool
  block_provider_infra_requests:
    description:
      - Whether update requests from cloud provider infrastructure are blocked. A new app gets V(true).
      - Setting it to another value on a new app costs one extra request.
    type: bool
  ios_store_url:
    description:
      - App Store URL of the app, kept as given. V("") removes it.
    type: str
  android_store_url:
    description:
      - Play Store URL of the app, kept as given. V("") removes it.
    type: str
  state:
    description:
      - V(present) creates the app when it does not exist and updates the options that differ.
      - V(absent) deletes the app B(with all its channels and bundles). An app that does not exist, or that the key
        cannot read, is left alone (C(changed=false)).
    type: str
    choices: [present, absent]
    default: present
notes:
  - >-
    Rights the API key needs: creating an app needs C(org.create_app) on the organization (C(org_member),
    C(org_admin), C(org_billing_admin) or C(org_super_admin)); reading it needs C(app.read) and changing its settings
    C(app.update_settings) (C(org_admin), C(org_super_admin), or C(app_admin) on the app); deleting it needs
    C(app.delete), which only C(org_super_admin) holds. An C(org_member) key can create an app but not read it
    afterwards, so a second run with it fails.
  - The owning organization and the default upload channel cannot be changed through the public API.
  - >-
    When the answer to the create request is lost (a dropped connection or an HTTP 5xx), the module reads the app by
    its id instead of sending the create again, and goes on with it when it exists.
seealso:
  - module: capgo.cloud.capgo_app_info
  - module: capgo.cloud.capgo_channel
  - module: capgo.cloud.capgo_organization
'''

EXAMPLES = r'''
- name: Ensure the app exists in the organization
  capgo.cloud.capgo_app:
    app_id: com.acme.shop
    name: Acme Shop
    org: Acme Apps
    retention: 7776000
  register: shop
  delegate_to: localhost

- name: Show its internal id (for API key bindings)
  ansible.builtin.debug:
    msg: "{{ shop.app.id }}"

- name: Set the icon and the store links, addressing the organization by id
  capgo.cloud.capgo_app:
    app_id: com.acme.shop
    org_id: "{{ shop.app.owner_org }}"
    icon: "org/{{ shop.app.owner_org }}/com.acme.shop/icon.png"
    ios_store_url: https://apps.apple.com/app/id1234567890
    android_store_url: https://play.google.com/store/apps/details?id=com.acme.shop
  delegate_to: localhost

- name: Delete an app that is no longer needed, with its channels and bundles (needs an org_super_admin key)
  capgo.cloud.capgo_app:
    app_id: com.acme.legacy
    state: absent
  delegate_to: localhost
'''

RETURN = r'''
app:
  description:
    - The app as the server holds it after the task; in check mode, the predicted one.
    - V({}) after a delete, and when O(state=absent) found nothing to delete.
    - Besides the fields below, it carries every other column the server returns (statistics, onboarding and build
      settings).
  returned: always
  type: dict
  contains:
    app_id:
      description: Id of the app.
      type: str
      sample: com.acme.shop
    id:
      description: Internal id of the app (UUID), used by API key bindings. V(null) in check mode for a new app.
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
        - Storage path (or external URL) of the icon, or V("").
        - The API answers with a signed URL whose token changes on every read; the module returns the stored path
          behind it so that the value is stable between runs. V("") also when the server could not sign the path.
      type: str
      sample: org/1f0e7b52-3b2f-4d8b-9a52-0c6f4c6f3d11/com.acme.shop/icon.png
    icon_url:
      description: The same value as RV(app.icon), under the server's name for it.
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
      description: Channel the Capgo CLI uploads to by default; V(dev) for apps created through the API.
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
diff:
  description: Before and after values of the app id, the owning organization and the managed options; only with C(--diff).
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: The values before the task, V({}) when the app did not exist.
      type: dict
    after:
      description: The values after the task, V({}) when the app does not exist afterwards.
      type: dict
'''

from ansible_collections.capgo.cloud.plugins.module_utils.app import APP_TASK
from ansible_collections.capgo.cloud.plugins.module_utils.task import module_main


def main():
    module_main(APP_TASK)


if __name__ == '__main__':
    main()
