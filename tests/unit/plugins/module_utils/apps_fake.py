# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A recording fake of the client for /organization, /app and /channel (no HTTP).

It answers like the real server (Cap-go/capgo supabase/functions/_backend/public/{app,channel}/*.ts):
401 cannot_access_app for an app the key cannot read, 409 on a taken id, POST /app bigints as strings,
signed icon URLs, the channel upsert without a row, hidden platform flags and public-overlap demotion.
Wire behaviour itself is covered by the integration targets against the emulator.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.capgo.cloud.plugins.module_utils.api import CapgoApiError, CapgoClient, CapgoTransportError
from ansible_collections.capgo.cloud.plugins.module_utils.normalize_apps import CHANNEL_DEFAULTS

SIGNED = 'https://sb.capgo.app/storage/v1/object/sign/images/%s?token=t%d'
ORG = 'org-1'
OTHER_ORG = 'org-2'
PLATFORM_FLAGS = ('ios', 'android', 'electron')
SETTINGS = ('name', 'icon_url', 'retention', 'expose_metadata', 'allow_device_custom_id', 'need_onboarding',
            'existing_app', 'block_provider_infra_requests', 'ios_store_url', 'android_store_url')


def app_row(app_id, owner_org=ORG, name='Shop', icon='', **extra):
    row = {'app_id': app_id, 'id': 'uuid-%s' % app_id, 'owner_org': owner_org, 'name': name, 'icon_url': icon,
           'created_at': '2026-01-01T00:00:00+00:00', 'updated_at': None, 'retention': 2592000,
           'default_upload_channel': 'dev', 'expose_metadata': False, 'allow_device_custom_id': True,
           'block_provider_infra_requests': True, 'ios_store_url': None, 'android_store_url': None,
           'need_onboarding': False, 'existing_app': False, 'channel_device_count': 0, 'manifest_bundle_count': 0,
           'build_timeout_seconds': 900, 'user_id': 'u1'}
    row.update(extra)
    return row


class FakeCapgo:
    """The client interface the modules use: request(method, path, params, body, action) and paginate(...)."""

    retries = 0

    def __init__(self, orgs=None, apps=(), channels=None, bundles=None, readable_orgs=(ORG,), objects=(),
                 deny=(), fail=None, page_size=50):
        self.orgs = orgs if orgs is not None else [{'id': ORG, 'name': 'Acme'}, {'id': OTHER_ORG, 'name': 'Other'}]
        self.apps = dict((row['app_id'], dict(row)) for row in apps)
        # app_id -> list of stored channel rows (platform flags included, as the database has them)
        self.channels = dict((app_id, [dict(c) for c in rows]) for app_id, rows in (channels or {}).items())
        self.bundles = bundles or {}
        self.readable_orgs = set(readable_orgs)
        self.objects = set(objects)
        self.deny = set(deny)
        self.fail = fail or {}
        self.page_size = page_size
        self.calls = []
        self.pagers = []
        self.signs = 0
        self.next_channel_id = 100

    # -- helpers -------------------------------------------------------------------

    def writes(self):
        return [call for call in self.calls if call[0] != 'GET']

    def summary(self):
        """(method, path) of every request, in order: what the request-count assertions compare."""
        return [(call[0], call[1]) for call in self.calls]

    def _sign(self, path):
        if not path or '://' in path:
            return path
        if path not in self.objects:
            return ''
        self.signs += 1
        return SIGNED % (path, self.signs)

    def _readable(self, app_id):
        app = self.apps.get(app_id)
        return app is not None and app['owner_org'] in self.readable_orgs and 'app.read' not in self.deny

    def _app_out(self, app, strings=False):
        row = dict(app)
        row['icon_url'] = self._sign(row.get('icon_url'))
        if strings:
            for field in ('retention', 'channel_device_count', 'manifest_bundle_count', 'build_timeout_seconds'):
                row[field] = str(row[field])
        return row

    def _channel_out(self, row):
        out = dict((key, value) for key, value in row.items() if key not in PLATFORM_FLAGS)
        version = row.get('version')
        out['version'] = {'name': version, 'id': self.bundles[row['app_id']][version]} if version else None
        return out

    # -- the client interface -------------------------------------------------------------

    def request(self, method, path='/organization', params=None, body=None, action=None):
        # Errors name what was being done: every request says it.
        assert isinstance(action, str) and action, action
        self.calls.append((method, path, dict(params or {}), dict(body) if isinstance(body, dict) else body))
        try:
            return self._answer(method, path, params, body)
        except CapgoApiError as exc:
            if exc.action:
                raise
            # As CapgoClient.request does: the error says what was being done.
            raise CapgoApiError(exc.status, exc.code, exc.message, exc.more_info, attempts=exc.attempts, action=action)

    def transport_error(self, message, action=None, attempts=1, maybe_processed=False):
        # What CapgoClient.paginate raises through (without the scrubbing of secrets, which this fake has none of).
        return CapgoTransportError(message, action=action, attempts=attempts, maybe_processed=maybe_processed)

    def _answer(self, method, path, params, body):
        # fail[(method, path)]: one entry per request, in order: an exception is raised, None lets the
        # fake answer as the server does, anything else is the answer itself (an answer the server garbled).
        scripted = self.fail.get((method, path))
        if scripted:
            outcome = scripted.pop(0)
            if isinstance(outcome, Exception):
                raise outcome
            if outcome is not None:
                return outcome
        if path == '/organization':
            page = (body or {}).get('page', 0)
            return self.orgs[page * self.page_size:(page + 1) * self.page_size]
        if path == '/app':
            return self._apps(method, params, body)
        if path.startswith('/app/'):
            return self._app(method, path[len('/app/'):], body)
        if path == '/channel':
            return self._channel(method, params, body)
        raise AssertionError(path)

    def paginate(self, path='/organization', what='organizations', params=None, page_in='body', page_size=50,
                 row_key=None, action=None):
        self.pagers.append((path, page_in, page_size))
        # The product's own paging loop, over the raw pages this fake serves.
        return CapgoClient.paginate(self, path, what=what, params=params, page_in=page_in, page_size=page_size,
                                    action=action, row_key=row_key)

    # -- /app -----------------------------------------------------------------------

    def _apps(self, method, params, body):
        if method == 'GET':
            org_id = params.get('org_id')
            if org_id and org_id not in self.readable_orgs:
                raise CapgoApiError(400, 'user_does_not_have_access_to_this_organization',
                                    'You do not have access to this organization', {'org_id': org_id})
            rows = [a for a in self.apps.values() if self._readable(a['app_id']) and (not org_id or a['owner_org'] == org_id)]
            limit = int(params.get('limit', 50))
            page = int(params.get('page', 0))
            return [self._app_out(a) for a in rows[page * limit:(page + 1) * limit]]
        assert method == 'POST', method
        if body['owner_org'] not in self.readable_orgs or 'org.create_app' in self.deny:
            raise CapgoApiError(403, 'cannot_access_organization', "You can't access this organization",
                                {'org_id': body['owner_org']})
        if body['app_id'] in self.apps:
            raise CapgoApiError(409, 'app_id_already_exists', 'App ID already exists', {'app_id': body['app_id']})
        row = app_row(body['app_id'], owner_org=body['owner_org'], name=body['name'], icon=body.get('icon') or '',
                      ios_store_url=body.get('ios_store_url'), android_store_url=body.get('android_store_url'),
                      created_at='2026-02-02T00:00:00.000Z')
        self.apps[row['app_id']] = row
        return self._app_out(row, strings=True)

    def _app(self, method, app_id, body):
        if method == 'DELETE':
            if not self._readable(app_id) or 'app.delete' in self.deny:
                raise CapgoApiError(400, 'cannot_delete_app', "You can't access this app", {'app_id': app_id})
            del self.apps[app_id]
            self.channels.pop(app_id, None)
            return {'status': 'ok'}
        if not self._readable(app_id) or (method == 'PUT' and 'app.update_settings' in self.deny):
            raise CapgoApiError(401, 'cannot_access_app', "You can't access this app", {'app_id': app_id})
        app = self.apps[app_id]
        if method == 'PUT':
            for key, value in body.items():
                field = 'icon_url' if key == 'icon' else key
                if field in SETTINGS:
                    app[field] = value
            app['updated_at'] = '2026-03-03T00:00:00+00:00'
        return self._app_out(app)

    # -- /channel -------------------------------------------------------------------

    def _channel(self, method, params, body):
        args = dict(params or {})
        if method != 'POST' and body:
            # getBodyOrQuery: a JSON body replaces the query string.
            args = dict(body)
        if method == 'POST':
            args = dict(body)
        app_id = args.get('app_id')
        if not app_id:
            raise CapgoApiError(400, 'missing_app_id', 'Missing app_id', {'body': args})
        if not self._readable(app_id) or 'app.read_channels' in self.deny:
            raise CapgoApiError(400, 'cannot_access_app', "You can't access this app", {'app_id': app_id})
        rows = self.channels.setdefault(app_id, [])
        name = args.get('channel')
        existing = next((row for row in rows if row['name'] == name), None) if name else None
        if method == 'GET':
            if name:
                if existing is None:
                    raise CapgoApiError(400, 'cannot_find_version', 'Cannot find version', {})
                return self._channel_out(existing)
            page = args.get('page', 0)
            return [self._channel_out(row) for row in rows[page * 50:(page + 1) * 50]]
        if method == 'DELETE':
            if existing is None:
                raise CapgoApiError(400, 'cannot_find_channel', 'Cannot find channel', {})
            if 'channel.delete' in self.deny:
                raise CapgoApiError(400, 'cannot_access_app', "You can't access this app", {})
            rows.remove(existing)
            return {'status': 'ok'}
        return self._upsert(app_id, rows, existing, body)

    def _upsert(self, app_id, rows, existing, body):
        right = 'channel.update_settings' if existing else 'app.create_channel'
        if right in self.deny:
            raise CapgoApiError(400, 'cannot_access_app', "You can't access this app", {'app_id': app_id})
        version = body.get('version')
        if version not in (None, '', 'builtin', 'unknown') and version not in self.bundles.get(app_id, {}):
            if existing:
                raise CapgoApiError(500, 'unknown_error', 'Unknown error', {})
            raise CapgoApiError(400, 'cannot_find_version', 'Cannot find version', {})
        row = existing
        if row is None:
            self.next_channel_id += 1
            row = dict(CHANNEL_DEFAULTS, id=self.next_channel_id, name=body['channel'], app_id=app_id,
                       created_by='u1', created_at='2026-01-01T00:00:00+00:00', updated_at=None,
                       ios=True, android=True, electron=True)
            rows.append(row)
        for key, value in body.items():
            if key in ('app_id', 'channel'):
                continue
            if key == 'version':
                value = None if value in ('', 'builtin', 'unknown') else value
            row[key] = value
        if body.get('public') and 'electron' not in body and body.get('ios') != body.get('android'):
            row['electron'] = False
        row['updated_at'] = '2026-03-03T00:00:00+00:00'
        if row['public']:
            for other in rows:
                if other is not row and other['public'] and any(other[f] and row[f] for f in PLATFORM_FLAGS):
                    other['public'] = False
        return {'status': 'ok'}
