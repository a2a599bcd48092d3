# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""App logic: lookup, normalise, compare, create/update/delete and diff.

Talks to the API only through the client (api.py) and knows nothing of AnsibleModule, so
every decision here is unit-testable with a fake client. Server behaviour relied on comes
from Cap-go/capgo supabase/functions/_backend/public/app/{get,post,put,delete}.ts.

Requests per run (what the integration targets assert; check mode sends the same reads and
no write; O(org) given by name adds the pages of GET /organization in front):
  capgo_app present, exists, nothing differs    GET /app/<id>                              1
  capgo_app present, exists, values differ      GET /app/<id>, PUT /app/<id>               2
  capgo_app present, missing                    GET /app/<id> (401), POST /app             2
    with settings the create cannot carry       ... + PUT /app/<id>                        3
    (retention, expose_metadata, allow_device_custom_id, block_provider_infra_requests
    differing from the server's defaults)
  capgo_app present, id taken elsewhere         GET /app/<id> (401), POST /app (409)       2, fails
  capgo_app present, POST answer lost           ... POST /app (5xx or dropped), GET /app/<id>, then
                                                the PUT of the settings as above          +1
  capgo_app absent, exists                      GET /app/<id>, DELETE /app/<id>            2
  capgo_app absent, missing or not readable     GET /app/<id> (401)                        1
  capgo_app_info app_id=...                     GET /app/<id>                              1
  capgo_app_info                                GET /app?page=N&limit=50[&org_id=...] from page 0 to
                                                the first page shorter than 50             n // 50 + 1
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.capgo.cloud.plugins.module_utils.api import (
    CapgoApiError,
    CapgoError,
    CapgoTransportError,
    path_segment,
)
from ansible_collections.capgo.cloud.plugins.module_utils.normalize_apps import (
    APP_BIGINT_FIELDS,
    APP_SETTING_DEFAULTS,
    normalize_icon,
    normalize_store_url,
    to_int,
    validate_app_id,
    validate_app_name,
    validate_retention,
)
from ansible_collections.capgo.cloud.plugins.module_utils.organization import OrganizationService
from ansible_collections.capgo.cloud.plugins.module_utils.resource import (
    AMBIGUOUS_POST_STATUSES,
    CapgoService,
    validate_org_id,
)
from ansible_collections.capgo.cloud.plugins.module_utils.task import CapgoTask

APP_PAGE_SIZE = 50

# What capgo_app manages, by option name (the app's column names, but icon for icon_url).
MANAGED_FIELDS = ('name', 'icon', 'retention', 'expose_metadata', 'allow_device_custom_id',
                  'block_provider_infra_requests', 'ios_store_url', 'android_store_url')
DIFF_FIELDS = ('app_id', 'owner_org') + MANAGED_FIELDS
# What POST /app carries; the rest needs the PUT that follows.
POST_FIELDS = ('name', 'icon', 'ios_store_url', 'android_store_url')
# The row of a new app as far as it is known before the server writes it (public.apps columns).
APP_FIELDS = ('created_at', 'app_id', 'icon_url', 'user_id', 'name', 'last_version', 'updated_at', 'id',
              'retention', 'owner_org', 'default_upload_channel', 'transfer_history', 'channel_device_count',
              'manifest_bundle_count', 'expose_metadata', 'allow_preview', 'allow_device_custom_id',
              'need_onboarding', 'existing_app', 'ios_store_url', 'android_store_url', 'build_timeout_seconds',
              'block_provider_infra_requests', 'created_from_onboarding')
CREATED_APP_DEFAULTS = {
    'default_upload_channel': 'dev',
    'allow_preview': False,
    'need_onboarding': False,
    'existing_app': False,
    'created_from_onboarding': False,
    'build_timeout_seconds': 900,
    'channel_device_count': 0,
    'manifest_bundle_count': 0,
}

NOT_READABLE_CODE = 'cannot_access_app'
ORG_NOT_READABLE_CODE = 'user_does_not_have_access_to_this_organization'


class AppError(CapgoError):
    """A failure the module reports as is (message already user-facing)."""


def app_path(app_id):
    """/app/<app id>, the id percent-encoded as one path segment (a valid id needs no encoding)."""
    return '/app/' + path_segment(app_id)


def diff_of(before, after, fields):
    """Before/after of the given keys present in each side; {} stands for "no such object"."""
    def pick(side):
        return dict((key, side[key]) for key in fields if key in side)
    return {'before': pick(before), 'after': pick(after)}


def app_view(raw):
    """The app as the modules return it: the server's row, bigints as numbers, icon as its storage path.

    GET signs the stored icon path into a URL whose token changes on every read, and answers ''
    when it cannot sign it; RV(app.icon) (and icon_url) carry the path behind the URL.
    """
    if not isinstance(raw, dict) or not raw.get('app_id'):
        raise AppError('unexpected app from the server: %r' % (raw,))
    view = dict(raw)
    for field in APP_BIGINT_FIELDS:
        if field in view:
            view[field] = to_int(view[field])
    icon = normalize_icon(view.get('icon_url'))
    view['icon_url'] = icon
    view['icon'] = icon
    return view


def validate_org_name(org):
    if org is not None and not org.strip():
        raise AppError('org must not be empty')
    return org


def desired_app(params):
    """Validated, server-normalised values of the managed options the user set; before any request."""
    desired = {}
    try:
        if params.get('name') is not None:
            desired['name'] = validate_app_name(params['name'])
        if params.get('icon') is not None:
            desired['icon'] = normalize_icon(params['icon'])
        if params.get('retention') is not None:
            desired['retention'] = validate_retention(params['retention'])
    except ValueError as exc:
        raise AppError(str(exc))
    for field in ('expose_metadata', 'allow_device_custom_id', 'block_provider_infra_requests'):
        if params.get(field) is not None:
            desired[field] = params[field]
    for field in ('ios_store_url', 'android_store_url'):
        if params.get(field) is not None:
            desired[field] = normalize_store_url(params[field])
    return desired


def check_app_input(params):
    try:
        validate_app_id(params.get('app_id'))
    except ValueError as exc:
        raise AppError(str(exc))
    validate_org_id(params.get('org_id'))
    validate_org_name(params.get('org'))
    desired_app(params)


def current_value(app, field):
    value = app.get(field)
    if field in ('ios_store_url', 'android_store_url'):
        return normalize_store_url(value)
    return value


def compute_delta(current, desired):
    """The desired values that differ from the current app (both normalised)."""
    return dict((key, value) for key, value in desired.items() if current_value(current, key) != value)


def predict_created(app_id, owner_org, desired):
    """What a create returns, as far as it can be known before the server assigns ids and times."""
    predicted = dict((field, None) for field in APP_FIELDS)
    predicted.update(CREATED_APP_DEFAULTS)
    predicted.update(APP_SETTING_DEFAULTS)
    predicted.update(app_id=app_id, owner_org=owner_org, icon='')
    predicted.update(desired)
    predicted['icon_url'] = predicted['icon']
    return predicted


def predict_updated(current, delta):
    predicted = dict(current)
    predicted.update(delta)
    predicted['icon_url'] = predicted.get('icon')
    return predicted


class AppService(CapgoService):
    """Capgo app operations over one client."""

    def get(self, app_id):
        """The app, or None when it does not exist or this key cannot read it (the server cannot tell)."""
        try:
            raw = self.client.request('GET', app_path(app_id), action='reading app %s' % app_id)
        except CapgoApiError as exc:
            if exc.code == NOT_READABLE_CODE:
                return None
            raise
        return app_view(raw)

    def list(self, org_id=None):
        """Every app the key can read (of one organization), or None when it cannot read that organization."""
        params = {'limit': APP_PAGE_SIZE}
        if org_id:
            params['org_id'] = org_id
        try:
            # app_id is the primary key of apps; the id column is nullable. paginate passes dicts only.
            rows = self.client.paginate('/app', 'apps', params=params, page_in='query', page_size=APP_PAGE_SIZE,
                                        row_key=lambda row: row.get('app_id'),
                                        action='listing apps' + (' of organization %s' % org_id if org_id else ''))
        except CapgoApiError as exc:
            if org_id and exc.code == ORG_NOT_READABLE_CODE:
                return None
            raise
        return [app_view(row) for row in rows]

    def create(self, app_id, owner_org, desired):
        """POST what the create carries, PUT the settings it cannot, and return the app."""
        body = {'app_id': app_id, 'owner_org': owner_org}
        body.update(dict((field, desired[field]) for field in POST_FIELDS if desired.get(field) is not None))
        try:
            answer = self.client.request('POST', '/app', body=body, action='creating app %s' % app_id)
        except CapgoApiError as exc:
            if exc.code == 'app_id_already_exists':
                raise AppError(
                    'app id %s is already taken by an app this API key cannot read: app ids are unique across all '
                    'of Capgo, so it belongs to another organization, or the key lacks app.read on it. Choose '
                    'another app_id, or use a key of the organization that owns it (%s)' % (app_id, exc))
            if exc.code == 'cannot_access_organization':
                raise AppError(
                    'this API key may not create apps in organization %s: that needs the org.create_app right '
                    '(org_member, org_admin, org_billing_admin or org_super_admin on the organization) (%s)'
                    % (owner_org, exc))
            if exc.status not in AMBIGUOUS_POST_STATUSES:
                raise
            answer = self._created_anyway(app_id, owner_org, exc)
        except CapgoTransportError as exc:
            if not exc.maybe_processed:
                raise
            answer = self._created_anyway(app_id, owner_org, exc)
        created = app_view(answer)
        settings = dict((field, value) for field, value in desired.items()
                        if field not in POST_FIELDS and APP_SETTING_DEFAULTS.get(field) != value)
        if not settings:
            return created
        try:
            return self.update(app_id, settings)
        except CapgoError as exc:
            raise AppError('app %s was created, but setting %s on it failed: %s'
                           % (app_id, ', '.join(sorted(settings)), exc))

    def _created_anyway(self, app_id, owner_org, error):
        """After a POST without a usable answer: the app if it was created after all, else the error.

        App ids are unique, so one read tells; the create is not sent again by the module.
        """
        found = self.get(app_id)
        if found is None or found.get('owner_org') != owner_org:
            raise AppError('creating app %s failed without a usable answer (%s), and no such app of organization %s '
                           'is readable now; run the task again' % (app_id, error, owner_org))
        self.warn('the answer to creating app %s was lost (%s); the app exists now, so it was not created again'
                  % (app_id, error))
        return found

    def update(self, app_id, delta):
        """One PUT with exactly the fields that differ; returns the app after it."""
        try:
            answer = self.client.request('PUT', app_path(app_id), body=dict(delta), action='updating app %s' % app_id)
        except CapgoApiError as exc:
            if exc.code == NOT_READABLE_CODE:
                raise AppError(
                    'this API key may not change the settings of app %s: that needs the app.update_settings right '
                    '(org_admin or org_super_admin on its organization, or app_admin on the app) (%s)' % (app_id, exc))
            raise
        return app_view(answer)

    def delete(self, app_id):
        try:
            self.client.request('DELETE', app_path(app_id), action='deleting app %s' % app_id)
        except CapgoApiError as exc:
            if exc.code == 'cannot_delete_app':
                if exc.attempts > 1 and self.get(app_id) is None:
                    return  # a retried DELETE whose first attempt went through
                raise AppError('this API key may not delete app %s: only org_super_admin keys hold the app.delete '
                               'right (%s)' % (app_id, exc))
            raise


def resolve_org(client, params):
    """The organization id from O(org_id), or from O(org) (an exact name, unique among the key's organizations).

    Returns (org_id, label): org_id is None when O(org) names no organization the key can see.
    """
    org_id = validate_org_id(params.get('org_id'))
    if org_id:
        return org_id, org_id
    name = validate_org_name(params.get('org'))
    if name is None:
        return None, None
    found = OrganizationService(client).find_one_by_name(name)
    return (found['id'] if found else None), '%r' % name


def ensure_app(service, params, check_mode):
    """Bring one app to the wanted state. Returns (changed, diff, app); app is {} when none exists after."""
    try:
        app_id = validate_app_id(params.get('app_id'))
    except ValueError as exc:
        raise AppError(str(exc))
    desired = desired_app(params)
    org_id, org_label = resolve_org(service.client, params)
    no_such_org = ('no organization named %s is visible to this API key' % org_label) if org_label and not org_id else ''

    current = service.get(app_id)
    if current is not None and org_label and current.get('owner_org') != org_id:
        raise AppError(
            'app %s belongs to organization %s, not to organization %s%s; app ids are unique across Capgo, and the '
            'module never moves, deletes or re-creates an app of another organization (transfer it in the Capgo '
            'console, or point the task at organization %s)'
            % (app_id, current.get('owner_org'), org_label, ' (%s)' % no_such_org if no_such_org else '',
               current.get('owner_org')))

    if params.get('state') == 'absent':
        # Also when the organization is gone: its apps went with it.
        if current is None:
            return False, diff_of({}, {}, DIFF_FIELDS), {}
        if not check_mode:
            service.delete(app_id)
        return True, diff_of(current, {}, DIFF_FIELDS), {}

    if no_such_org:
        if not check_mode:
            raise AppError('%s; check the name (it must match exactly) or set org_id' % no_such_org)
        # An earlier task of the same check run may be about to create it: predict the app's create.
        service.warn('%s. Check mode predicts the app in it as created, as it is when an earlier task creates the '
                     'organization; a real run fails here if it still does not exist then.' % no_such_org)
    if current is None:
        if not org_id and not no_such_org:
            raise AppError('app %s does not exist, or this API key cannot read it; set org_id or org to create it'
                           % app_id)
        if 'name' not in desired:
            raise AppError('app %s does not exist, or this API key cannot read it; set name to create it' % app_id)
        if check_mode:
            after = predict_created(app_id, org_id, desired)
        else:
            after = service.create(app_id, org_id, desired)
            warn_unsigned_icon(service, desired, after)
        return True, diff_of({}, after, DIFF_FIELDS), after

    delta = compute_delta(current, desired)
    if not delta:
        return False, diff_of(current, current, DIFF_FIELDS), current
    if check_mode:
        after = predict_updated(current, delta)
    else:
        after = service.update(app_id, delta)
        warn_unsigned_icon(service, desired, after)
    return True, diff_of(current, after, DIFF_FIELDS), after


def warn_unsigned_icon(service, desired, after):
    """Say why the next run will write the icon again when the server answers it with ''.

    The server answers '' when it cannot sign the stored path (the object is missing from the
    images bucket); such an icon never compares equal.
    """
    if desired.get('icon') and after.get('icon') == '':
        service.warn('app %s reports no icon after it was set to %r: the server could not sign that storage object '
                     '(is it missing from the images bucket?), so every run writes it again'
                     % (after.get('app_id'), desired['icon']))


def list_apps(service, params):
    """Apps the key can read, optionally of one organization and/or one app id; [] when not visible."""
    app_id = params.get('app_id')
    if app_id is not None:
        try:
            validate_app_id(app_id)
        except ValueError as exc:
            raise AppError(str(exc))
    org_id, org_label = resolve_org(service.client, params)
    if org_label and org_id is None:
        return []
    if app_id is not None:
        found = service.get(app_id)
        if found is None or (org_id and found.get('owner_org') != org_id):
            return []
        return [found]
    return service.list(org_id) or []


# -- the two app modules --------------------------------------------------------------

def app_options():
    return dict(
        app_id=dict(type='str', required=True),
        name=dict(type='str'),
        org_id=dict(type='str'),
        org=dict(type='str'),
        icon=dict(type='str'),
        retention=dict(type='int'),
        expose_metadata=dict(type='bool'),
        allow_device_custom_id=dict(type='bool'),
        block_provider_infra_requests=dict(type='bool'),
        ios_store_url=dict(type='str'),
        android_store_url=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )


def run_app(client, params, check_mode, warn):
    changed, diff, app = ensure_app(AppService(client, warn=warn), params, check_mode)
    return dict(changed=changed, app=app, diff=diff)


APP_TASK = CapgoTask(app_options, check_app_input, run_app, mutually_exclusive=[('org_id', 'org')])


def app_info_options():
    return dict(app_id=dict(type='str'), org_id=dict(type='str'), org=dict(type='str'))


def check_app_info_input(params):
    if params.get('app_id') is not None:
        try:
            validate_app_id(params['app_id'])
        except ValueError as exc:
            raise AppError(str(exc))
    validate_org_id(params.get('org_id'))
    validate_org_name(params.get('org'))


def run_app_info(client, params, check_mode, warn):
    return dict(changed=False, apps=list_apps(AppService(client, warn=warn), params))


APP_INFO_TASK = CapgoTask(app_info_options, check_app_info_input, run_app_info, mutually_exclusive=[('org_id', 'org')])
