# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Channel logic: lookup, normalise, compare, upsert/delete, public-channel demotion and diff.

Talks to the API only through the client (api.py) and knows nothing of AnsibleModule. Server
behaviour relied on comes from Cap-go/capgo supabase/functions/_backend/public/channel/{get,post,delete}.ts,
utils/supabase.ts (updateOrCreateChannel) and the channels triggers of the baseline migration:
POST /channel is an upsert that answers {"status": "ok"} without the row; GET never returns the
platform flags ios/android/electron; making a channel public silently un-publishes every other
public channel of the app that shares a platform with it.

Requests per run (what the integration targets assert; check mode sends the same reads and no write):
  present, exists, nothing differs             GET /channel?app_id&channel                 1
  present, exists, values differ               GET one, POST /channel, GET one              3
  present, missing                             GET one (400 cannot_find_version), POST, GET one   3
  present with public=true                     the lookup and the read-back list the app's
                                               channels instead (GET /channel?app_id, one request
                                               per 50 channels), to name the channels it demotes:
                                               nothing differs 1, otherwise 3
  absent, exists                               GET one, DELETE /channel?app_id&channel      2
  absent, missing                              GET one (400 cannot_find_version)            1
  capgo_channel_info name=...                  GET one                                      1
  capgo_channel_info                           GET /channel?app_id, then {"page": N} in the body
                                               until a page shorter than 50                 n // 50 + 1
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.capgo.cloud.plugins.module_utils.api import CapgoApiError, CapgoError
from ansible_collections.capgo.cloud.plugins.module_utils.app import diff_of
from ansible_collections.capgo.cloud.plugins.module_utils.normalize_apps import (
    CHANNEL_DEFAULTS,
    DISABLE_AUTO_UPDATE_CHOICES,
    PLATFORMS,
    normalize_version,
    predict_platforms,
    validate_app_id,
    validate_channel_name,
)
from ansible_collections.capgo.cloud.plugins.module_utils.resource import CapgoService
from ansible_collections.capgo.cloud.plugins.module_utils.task import CapgoTask

CHANNEL_PAGE_SIZE = 50

# Option name -> field name in GET /channel answers and POST /channel bodies.
FIELDS = {
    'version': 'version',
    'public': 'public',
    'allow_device_self_set': 'allow_device_self_set',
    'allow_emulator': 'allow_emulator',
    'allow_dev': 'allow_dev',
    'allow_device': 'allow_device',
    'allow_prod': 'allow_prod',
    'disable_auto_update_under_native': 'disableAutoUpdateUnderNative',
    'disable_auto_update': 'disableAutoUpdate',
}
MANAGED_FIELDS = ('version', 'public', 'allow_device_self_set', 'allow_emulator', 'allow_dev', 'allow_device',
                  'allow_prod', 'disable_auto_update_under_native', 'disable_auto_update')
DIFF_FIELDS = ('app_id', 'name') + MANAGED_FIELDS + PLATFORMS

APP_NOT_READABLE_CODE = 'cannot_access_app'
CHANNEL_MISSING_CODE = 'cannot_find_version'  # what GET /channel?channel= really answers for a missing channel
CHANNEL_GONE_CODE = 'cannot_find_channel'


class ChannelError(CapgoError):
    """A failure the module reports as is (message already user-facing)."""


class AppNotReadable(ChannelError):
    """The app does not exist, or the key may not read its channels: the server cannot tell which."""


def desired_channel(params):
    """Validated values of the managed options the user set, by option name; before any request."""
    try:
        validate_app_id(params.get('app_id'))
        validate_channel_name(params.get('name'))
    except ValueError as exc:
        raise ChannelError(str(exc))
    desired = {}
    for option in MANAGED_FIELDS:
        if params.get(option) is not None:
            desired[option] = params[option]
    if 'version' in desired:
        desired['version'] = normalize_version(desired['version'])
    if desired.get('disable_auto_update') not in (None,) + DISABLE_AUTO_UPDATE_CHOICES:
        raise ChannelError('disable_auto_update must be one of %s, got %r'
                           % (', '.join(DISABLE_AUTO_UPDATE_CHOICES), desired['disable_auto_update']))
    return desired


def platforms_set(params):
    return dict((flag, params[flag]) for flag in PLATFORMS if params.get(flag) is not None)


def managed_view(row):
    """A channel by option names, the way values are compared and shown in diffs."""
    view = {'app_id': row.get('app_id'), 'name': row.get('name')}
    for option in MANAGED_FIELDS:
        view[option] = row.get(FIELDS[option])
    view['version'] = normalize_version(view['version'])
    return view


def compute_delta(current, desired):
    view = managed_view(current)
    return dict((key, value) for key, value in desired.items() if view.get(key) != value)


def version_field(name):
    return {'name': name, 'id': None} if name is not None else None


def apply_to_row(row, changes):
    """The channel row with option values written into it, as the server would store them."""
    row = dict(row)
    for option, value in changes.items():
        if option in FIELDS:
            row[FIELDS[option]] = version_field(value) if option == 'version' else value
    return row


def predict_created(app_id, name, desired):
    predicted = {'id': None, 'created_at': None, 'name': name, 'app_id': app_id, 'created_by': None,
                 'updated_at': None}
    predicted.update(CHANNEL_DEFAULTS)
    return apply_to_row(predicted, desired)


def write_body(app_id, name, desired, platforms, version_text):
    """The POST /channel body: only what is to change, under the server's names.

    The version goes as the user wrote it ('', builtin and unknown each clear the bundle in post.ts);
    it is in desired only when the user set it.
    """
    body = {'app_id': app_id, 'channel': name}
    for option, value in desired.items():
        body[FIELDS[option]] = version_text if option == 'version' else value
    body.update(platforms)
    return body


def public_others(rows, name):
    return sorted(row.get('name') for row in rows if row.get('public') and row.get('name') != name)


class ChannelService(CapgoService):
    """Capgo channel operations over one client."""

    def _not_readable(self, app_id, exc):
        return AppNotReadable(
            'app %s does not exist, or this API key cannot read its channels: that needs the app.read_channels right '
            '(org_admin or org_super_admin on its organization, or app_admin, app_developer, app_uploader or '
            'app_reader on the app) (%s)' % (app_id, exc))

    def get(self, app_id, name):
        """The channel, or None when the app has no channel of that name."""
        try:
            row = self.client.request('GET', '/channel', params={'app_id': app_id, 'channel': name},
                                      action='reading channel %r of app %s' % (name, app_id))
        except CapgoApiError as exc:
            if exc.code == CHANNEL_MISSING_CODE:
                return None
            if exc.code == APP_NOT_READABLE_CODE:
                raise self._not_readable(app_id, exc)
            raise
        if not isinstance(row, dict) or row.get('name') != name:
            raise ChannelError('unexpected answer reading channel %r of app %s: %r' % (name, app_id, row))
        return row

    def list(self, app_id):
        """Every channel of the app, oldest first."""
        try:
            rows = self.client.paginate('/channel', 'channels', params={'app_id': app_id}, page_in='body',
                                        page_size=CHANNEL_PAGE_SIZE, action='listing the channels of app %s' % app_id)
        except CapgoApiError as exc:
            if exc.code == APP_NOT_READABLE_CODE:
                raise self._not_readable(app_id, exc)
            raise
        return [row for row in rows if isinstance(row, dict)]

    def upsert(self, app_id, name, body, exists):
        try:
            return self.client.request('POST', '/channel', body=body,
                                       action='%s channel %r of app %s' % ('updating' if exists else 'creating',
                                                                           name, app_id))
        except CapgoApiError as exc:
            version = body.get('version')
            if exc.code == APP_NOT_READABLE_CODE:
                if exists:
                    need = ('channel.update_settings (org_admin, org_super_admin, app_admin or channel_admin; '
                            'app_developer keys lack it)')
                    if 'version' in body:
                        need += ' and, to set version, channel.promote_bundle'
                else:
                    need = 'app.create_channel (org_admin, org_super_admin, app_admin or app_developer)'
                raise ChannelError('this API key may not %s channel %r of app %s: that needs %s (%s)'
                                   % ('change' if exists else 'create', name, app_id, need, exc))
            if version and (exc.code == CHANNEL_MISSING_CODE or exc.status >= 500):
                raise ChannelError('setting version %r on channel %r of app %s failed; is there a bundle of that '
                                   'name in the app? The server answers an unknown bundle name this way (%s)'
                                   % (version, name, app_id, exc))
            raise

    def delete(self, app_id, name):
        try:
            self.client.request('DELETE', '/channel', params={'app_id': app_id, 'channel': name},
                                action='deleting channel %r of app %s' % (name, app_id))
        except CapgoApiError as exc:
            if exc.code == CHANNEL_GONE_CODE:
                return  # deleted meanwhile, or by a retried first attempt
            if exc.code == APP_NOT_READABLE_CODE:
                raise ChannelError('this API key may not delete channel %r of app %s: that needs the channel.delete '
                                   'right (org_super_admin, app_admin or channel_admin; org_admin keys lack it) (%s)'
                                   % (name, app_id, exc))
            raise


def find(rows, name):
    return next((row for row in rows if row.get('name') == name), None)


def ensure_channel(service, params, check_mode):
    """Bring one channel to the wanted state. Returns (changed, diff, channel); channel is {} when none exists after."""
    desired = desired_channel(params)
    app_id, name = params['app_id'], params['name']
    state = params.get('state') or 'present'
    platforms = platforms_set(params)
    # Public-overlap demotion can only follow when the channel ends up public.
    lists = state == 'present' and desired.get('public') is True
    rows = []
    try:
        if lists:
            rows = service.list(app_id)
            current = find(rows, name)
        else:
            current = service.get(app_id, name)
    except AppNotReadable as exc:
        if state == 'absent':
            # A deleted app has no channels left; a key that cannot read them has nothing it could delete.
            current = None
        elif check_mode:
            # An earlier task of the same check run may be about to create the app: the server cannot tell
            # a missing app from an unreadable one, so predict what a real run does after that create.
            service.warn('%s. Check mode predicts that the channel is created, as it is when an earlier task '
                         'creates the app; a real run fails here if the app still does not exist then.' % exc)
            current = None
        else:
            raise

    if state == 'absent':
        if current is None:
            return False, diff_of({}, {}, DIFF_FIELDS), {}
        if not check_mode:
            service.delete(app_id, name)
        return True, diff_of(managed_view(current), {}, DIFF_FIELDS), {}

    if current is None:
        # A new channel has no bundle: clearing it is no change to send.
        delta = dict((key, value) for key, value in desired.items() if not (key == 'version' and value is None))
        sent_platforms = platforms
        before = {}
        predicted = predict_created(app_id, name, desired)
        shown_platforms = predict_platforms(platforms, desired.get('public'))
    else:
        delta = compute_delta(current, desired)
        sent_platforms = platforms if params.get('update_platforms') else {}
        before = managed_view(current)
        predicted = apply_to_row(current, delta)
        shown_platforms = sent_platforms
    if current is not None and not delta and not sent_platforms:
        return False, diff_of(before, before, DIFF_FIELDS), current

    body = write_body(app_id, name, delta, sent_platforms, params.get('version'))
    demoting = lists and (current is None or not current.get('public') or bool(sent_platforms))
    candidates = public_others(rows, name) if demoting else []
    made = 'made' if current is None or not current.get('public') else 'kept'
    if check_mode:
        after = predicted
        if candidates:
            service.warn('channel %r of app %s would be %s public; the server then un-publishes the other public '
                         'channels of the app that share a platform with it: %s (platform flags cannot be read '
                         'back, so every other public channel is named)' % (name, app_id, made, ', '.join(candidates)))
    else:
        service.upsert(app_id, name, body, exists=current is not None)
        if lists:
            rows_after = service.list(app_id)
            after = find(rows_after, name)
            demoted = [other for other in candidates if not (find(rows_after, other) or {}).get('public', True)]
            if demoted:
                service.warn('channel %r of app %s was %s public, and the server un-published the other public '
                             'channels of the app that share a platform with it: %s'
                             % (name, app_id, made, ', '.join(demoted)))
        else:
            after = service.get(app_id, name)
        if after is None:
            raise ChannelError('channel %r of app %s was written but cannot be read back' % (name, app_id))
    after_view = managed_view(after)
    after_view.update(shown_platforms)
    return True, diff_of(before, after_view, DIFF_FIELDS), after


def list_channels(service, app_id, name=None):
    try:
        validate_app_id(app_id)
        if name is not None:
            validate_channel_name(name)
    except ValueError as exc:
        raise ChannelError(str(exc))
    if name is not None:
        found = service.get(app_id, name)
        return [found] if found else []
    return service.list(app_id)


# -- the two channel modules ----------------------------------------------------------

def channel_options():
    return dict(
        app_id=dict(type='str', required=True),
        name=dict(type='str', required=True),
        version=dict(type='str'),
        public=dict(type='bool'),
        ios=dict(type='bool'),
        android=dict(type='bool'),
        electron=dict(type='bool'),
        update_platforms=dict(type='bool', default=False),
        allow_device_self_set=dict(type='bool'),
        allow_emulator=dict(type='bool'),
        allow_dev=dict(type='bool'),
        allow_device=dict(type='bool'),
        allow_prod=dict(type='bool'),
        disable_auto_update_under_native=dict(type='bool'),
        disable_auto_update=dict(type='str', choices=list(DISABLE_AUTO_UPDATE_CHOICES)),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )


def check_channel_input(params):
    desired_channel(params)


def run_channel(client, params, check_mode, warn):
    changed, diff, channel = ensure_channel(ChannelService(client, warn=warn), params, check_mode)
    return dict(changed=changed, channel=channel, diff=diff)


CHANNEL_TASK = CapgoTask(channel_options, check_channel_input, run_channel)


def channel_info_options():
    return dict(app_id=dict(type='str', required=True), name=dict(type='str'))


def check_channel_info_input(params):
    try:
        validate_app_id(params.get('app_id'))
        if params.get('name') is not None:
            validate_channel_name(params['name'])
    except ValueError as exc:
        raise ChannelError(str(exc))


def run_channel_info(client, params, check_mode, warn):
    return dict(changed=False, channels=list_channels(ChannelService(client, warn=warn), params['app_id'],
                                                      params.get('name')))


CHANNEL_INFO_TASK = CapgoTask(channel_info_options, check_channel_info_input, run_channel_info)
