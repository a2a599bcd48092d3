#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: capgo_channel
short_description: Create, update and delete the update channels of a Capgo app
version_added: 1.1.0
description:
  - Creates, updates and deletes a channel of an app through the Capgo public API. A channel is identified by its
    app and its O(name), which is unique within the app and case-sensitive.
  - Only the options that are set are managed, and only the values that differ are sent; a second run with the same
    options changes nothing and sends no write request.
  - The server answers a create or update without the channel, so the module reads it back after writing.
  - B(Platform flags.) The server never returns O(ios), O(android) and O(electron), so they cannot be compared.
    They are sent when the channel is created. For an existing channel they are only sent when
    O(update_platforms=true), and the task then reports C(changed) every time it runs, because whether they differed
    cannot be known. Without O(update_platforms), they are ignored for an existing channel.
  - B(Public channels.) Making a channel public (O(public=true)) makes the server silently un-publish every other
    public channel of the app that shares a platform with it. The module reports each channel it un-published as a
    warning, and predicts them in check mode. A later run of a task that declares one of those channels public
    publishes it again (and demotes this one), so declare at most one public channel per platform.
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
      - Sends only the read requests of a real run and predicts RV(channel), except what the server assigns
        (RV(channel.id), RV(channel.created_at), ...), which a new channel has as V(null), and the id of the bundle
        in RV(channel.version).
      - The channels that making this one public would un-publish are named in a warning. Because platform flags
        cannot be read, every other public channel of the app is named, also one whose platforms do not overlap.
      - When the app does not exist, or the key cannot read its channels (the server cannot tell which), a channel
        with O(state=present) is reported as a warning and predicted as created, as it is when an earlier task of
        the same check run creates the app.
  diff_mode:
    support: full
    details:
      - Before and after values of the managed options by option name, with O(version) as the bundle name. The
        platform flags appear in the after values only when they are sent. A create shows V({}) before, a delete
        V({}) after.
options:
  app_id:
    description:
      - Id of the app, in reverse-domain form (for example V(com.example.app)); checked before any request with the
        server's own rule.
    type: str
    required: true
  name:
    description:
      - Name of the channel, for example V(production). Case-sensitive.
    type: str
    required: true
  version:
    description:
      - Name of the bundle the channel delivers, for example V(1.4.2). The bundle must exist in the app.
      - V("") removes the bundle from the channel; V(builtin) and V(unknown) do the same, as on the server.
      - Setting it on an existing channel needs the C(channel.promote_bundle) right.
    type: str
  public:
    description:
      - Whether this is the default channel of its platforms, the one devices without a channel of their own get.
      - V(true) un-publishes the other public channels of the app that share a platform; see the description.
      - A new channel is not public.
    type: bool
  ios:
    description:
      - Whether the channel serves iOS devices. A new channel serves every platform unless told otherwise.
      - Cannot be read back; sent on create, and on update only with O(update_platforms=true).
    type: bool
  android:
    description:
      - Whether the channel serves Android devices.
      - Cannot be read back; sent on create, and on update only with O(update_platforms=true).
    type: bool
  electron:
    description:
      - Whether the channel serves Electron apps.
      - Cannot be read back; sent on create, and on update only with O(update_platforms=true).
      - When a public channel is created with O(ios) differing from O(android) and O(electron) not set, the server
        sets it to V(false).
    type: bool
  update_platforms:
    description:
      - Send O(ios), O(android) and O(electron) (those that are set) to an existing channel too.
      - The server cannot tell whether they changed, so the task then writes and reports C(changed) in every run;
        use it for a one-off correction, not permanently.
    type: bool
    default: false
  allow_device_self_set:
    description:
      - Whether devices may switch themselves to this channel. A new channel does not allow it.
    type: bool
  allow_emulator:
    description:
      - Whether emulators get updates from the channel. A new channel allows it.
    type: bool
  allow_dev:
    description:
      - Whether development builds get updates from the channel. A new channel allows it.
    type: bool
  allow_device:
    description:
      - Whether physical devices get updates from the channel. A new channel allows it.
    type: bool
  allow_prod:
    description:
      - Whether production builds get updates from the channel. A new channel allows it.
    type: bool
  disable_auto_update_under_native:
    description:
      - Whether devices are kept from updating to a bundle older than their native build. A new channel has V(true).
    type: bool
  disable_auto_update:
    description:
      - Which updates are not delivered automatically. V(major), V(minor) and V(patch) block updates that change
        that part of the version or a higher one, V(version_number) blocks any version change, V(none) blocks
        nothing. A new channel has V(major).
    type: str
    choices: [major, minor, patch, version_number, none]
  state:
    description:
      - V(present) creates the channel when it does not exist and updates the options that differ.
      - V(absent) deletes the channel (not its bundles). A channel that does not exist is left alone
        (C(changed=false)), and so is every channel of an app that does not exist or whose channels the key may not
        read (the server does not tell these apart).
    type: str
    choices: [present, absent]
    default: present
notes:
  - >-
    Rights the API key needs: reading channels needs C(app.read_channels); creating one C(app.create_channel)
    (C(app_developer) and above); changing one C(channel.update_settings), which C(app_developer) keys lack; changing
    its bundle also C(channel.promote_bundle); deleting one C(channel.delete), which C(org_admin) keys lack
    (C(org_super_admin), C(app_admin) and C(channel_admin) have it). The server reports a missing right and an app
    that does not exist the same way; the module's message names the right.
seealso:
  - module: capgo.cloud.capgo_channel_info
  - module: capgo.cloud.capgo_app
'''

EXAMPLES = r'''
- name: Production channel, the public one, delivering bundle 1.4.2
  capgo.cloud.capgo_channel:
    app_id: com.acme.shop
    name: production
    version: 1.4.2
    public: true
    disable_auto_update: major
  delegate_to: localhost

- name: Staging channel for iOS and Android only, that testers may switch to
  capgo.cloud.capgo_channel:
    app_id: com.acme.shop
    name: staging
    ios: true
    android: true
    electron: false
    allow_device_self_set: true
    allow_prod: false
  delegate_to: localhost

- name: Stop delivering a bundle on the beta channel
  capgo.cloud.capgo_channel:
    app_id: com.acme.shop
    name: beta
    version: ""
  delegate_to: localhost

# To correct the platforms of an existing channel once, add update_platforms: true to a task
# like the one above; it then reports changed on every run, so remove it afterwards.

- name: Delete a channel that is no longer needed
  capgo.cloud.capgo_channel:
    app_id: com.acme.shop
    name: legacy
    state: absent
  delegate_to: localhost
'''

RETURN = r'''
channel:
  description:
    - The channel as the server returns it after the task; in check mode, the predicted one.
    - V({}) after a delete, and when O(state=absent) found nothing to delete.
    - The server's field names are kept, so some are camelCase. It carries the rollout and auto-pause fields too.
    - The platform flags are not part of it, because the server never returns them.
  returned: always
  type: dict
  contains:
    id:
      description: Numeric id of the channel. V(null) in check mode for a new channel.
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
      description: The value of O(disable_auto_update_under_native).
      type: bool
      sample: true
    disableAutoUpdate:
      description: The value of O(disable_auto_update).
      type: str
      sample: major
    created_by:
      description: Id of the user who created the channel (for an API key, its owner).
      type: str
      sample: 6aa0e3ae-9b4d-4a43-8c1f-3a3c0e7a2f10
    created_at:
      description: Creation time, as the server formats it.
      type: str
      sample: '2026-07-24T19:50:56.123456+00:00'
    updated_at:
      description: Time of the last update.
      type: str
      sample: '2026-07-24T19:52:10.654321+00:00'
diff:
  description: Before and after values of the managed options; only with C(--diff).
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: The values before the task, V({}) when the channel did not exist.
      type: dict
    after:
      description: The values after the task, V({}) when the channel does not exist afterwards.
      type: dict
'''

from ansible_collections.capgo.cloud.plugins.module_utils.channel import CHANNEL_TASK
from ansible_collections.capgo.cloud.plugins.module_utils.task import module_main


def main():
    module_main(CHANNEL_TASK)


if __name__ == '__main__':
    main()
