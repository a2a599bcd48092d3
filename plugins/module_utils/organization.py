# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Organization logic: lookup, normalise, compare, create/update/delete and diff.

Talks to the API only through CapgoClient (api.py) and knows nothing of
AnsibleModule, so every decision here is unit-testable with a fake client.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.capgo.cloud.plugins.module_utils.api import CapgoApiError, CapgoError, CapgoTransportError
from ansible_collections.capgo.cloud.plugins.module_utils.normalize import (
    logo_as_read,
    normalize_logo,
    normalize_name,
    normalize_website,
    validate_email,
    validate_name,
)
from ansible_collections.capgo.cloud.plugins.module_utils.security import (
    SETTINGS_DEFAULTS,
    SETTINGS_FIELDS,
    desired_settings,
    lockout_risks,
    settings_argument_spec,
    settings_view,
)
from ansible_collections.capgo.cloud.plugins.module_utils.resource import (
    AMBIGUOUS_POST_STATUSES,
    CapgoService,
    build_diff as build_fields_diff,
    is_not_visible,
    validate_org_id,
)
from ansible_collections.capgo.cloud.plugins.module_utils.task import CapgoTask

# The nine fields GET /organization returns, in the server's order.
ORG_FIELDS = ('id', 'created_by', 'created_at', 'updated_at', 'logo', 'name',
              'management_email', 'customer_id', 'website')
# What capgo_organization manages, in diff order.
MANAGED_FIELDS = ('name', 'management_email', 'website', 'logo')
# Options POST /organization can carry, and its name for each; the rest needs a follow-up PUT.
POST_FIELDS = {'name': 'name', 'management_email': 'email', 'website': 'website'}


class OrganizationError(CapgoError):
    """A failure the module reports as is (message already user-facing)."""


def desired_state(params):
    """Validated, server-normalised values of the managed options the user set.

    Raises OrganizationError naming the option; runs before any request.
    """
    desired = {}
    try:
        if params.get('name') is not None:
            desired['name'] = validate_name(params['name'])
    except ValueError as exc:
        raise OrganizationError(str(exc))
    if params.get('management_email') is not None:
        try:
            desired['management_email'] = validate_email(params['management_email'])
        except ValueError as exc:
            raise OrganizationError(str(exc))
    if params.get('website') is not None:
        try:
            desired['website'] = normalize_website(params['website'])
        except ValueError as exc:
            raise OrganizationError('website %r is rejected: %s' % (params['website'], exc))
    if params.get('logo') is not None:
        # The path the server will answer with, so the comparison settles after one run (sending it
        # names the same storage object as the user's spelling).
        desired['logo'] = logo_as_read(params['logo'])
    try:
        desired.update(desired_settings(params))
    except ValueError as exc:
        raise OrganizationError(str(exc))
    return desired


def manages_settings(desired):
    return any(field in desired for field in SETTINGS_FIELDS)


def organization_view(raw):
    """The organization as the module returns it: the nine GET fields, logo as its storage path.

    The server answers a logo with a signed URL whose token changes on every read;
    the path behind it is what the server stores and what users compare against.
    """
    if not isinstance(raw, dict):
        raise OrganizationError('unexpected organization from the server: %r' % (raw,))
    view = dict((field, raw.get(field)) for field in ORG_FIELDS)
    if view['logo']:
        view['logo'] = normalize_logo(view['logo'])
    return view


def compute_delta(current, desired):
    """The desired values that differ from the current organization (both normalised)."""
    return dict((key, value) for key, value in desired.items() if current.get(key) != value)


def predict_created(desired):
    """What a create would return, as far as it can be known before the server assigns ids."""
    predicted = dict((field, None) for field in ORG_FIELDS)
    if manages_settings(desired):
        predicted.update(SETTINGS_DEFAULTS)
    predicted.update(desired)
    return predicted


def predict_updated(current, delta):
    predicted = dict(current)
    predicted.update(delta)
    return predicted


def build_diff(before, after):
    """Before/after of the managed keys present in each side; {} stands for "no organization"."""
    return build_fields_diff(before, after, MANAGED_FIELDS + SETTINGS_FIELDS)


class OrganizationService(CapgoService):
    """Capgo organization operations over one CapgoClient."""

    # -- reads ---------------------------------------------------------------

    def get(self, org_id):
        """The organization with this id, or None when the key cannot see it."""
        try:
            raw = self.client.request('GET', params={'orgId': org_id}, action='reading organization %s' % org_id)
        except CapgoApiError as exc:
            if is_not_visible(exc):
                return None
            raise
        if isinstance(raw, list):
            # A server that ignores orgId answers with the list.
            raw = next((row for row in raw if isinstance(row, dict) and row.get('id') == org_id), None)
            if raw is None:
                return None
        return organization_view(raw)

    def read_settings(self, org_id):
        """The security settings, read with the PUT that carries only orgId (the server writes nothing for it)."""
        answer = self.client.request('PUT', body={'orgId': org_id},
                                     action='reading the security settings of organization %s' % org_id)
        settings = settings_view(answer.get('data') if isinstance(answer, dict) else None)
        if settings is None:
            raise OrganizationError('the server did not return the security settings of organization %s, so they '
                                    'cannot be compared; this server does not support managing them' % org_id)
        return settings

    def list_all(self):
        return [organization_view(row) for row in self.client.paginate()]

    def find_by_name(self, name, organizations=None):
        wanted = normalize_name(name)
        if organizations is None:
            organizations = self.list_all()
        return [org for org in organizations if normalize_name(org.get('name') or '') == wanted]

    def find_one_by_name(self, name):
        matches = self.find_by_name(name)
        if len(matches) > 1:
            raise OrganizationError(
                'more than one organization is named %r (ids: %s); organization names are not unique '
                'in Capgo, so set org_id to choose one' % (normalize_name(name), ', '.join(sorted(m['id'] for m in matches))))
        return matches[0] if matches else None

    def id_by_name(self, name):
        """The id of the one organization named name (every page read afresh), None when there is none."""
        found = self.find_one_by_name(name)
        return found['id'] if found else None

    # -- writes --------------------------------------------------------------

    def create(self, desired):
        """POST what POST carries, PUT the rest, and return the full organization."""
        body = dict((POST_FIELDS[key], value) for key, value in desired.items()
                    if key in POST_FIELDS and value is not None)
        org_id = self._post_once(body, desired['name'])
        rest = dict((key, value) for key, value in desired.items() if key not in POST_FIELDS)
        if rest:
            return self.update(org_id, rest, current=None, with_settings=manages_settings(desired))
        created = self.get(org_id)
        if created is None:
            raise OrganizationError('organization %s was created but cannot be read back with this key' % org_id)
        return created

    def _post_once(self, body, name):
        """Create exactly one organization even when an answer is lost.

        POST is not idempotent (names are not unique), so after a dropped
        connection or a 5xx the module looks the name up again before any retry.
        """
        attempts = max(1, self.client.retries + 1)
        last_error = None
        for attempt in range(1, attempts + 1):
            try:
                answer = self.client.request('POST', body=body, action='creating organization %r' % name)
            except CapgoTransportError as exc:
                if not exc.maybe_processed:
                    raise
                last_error = exc
            except CapgoApiError as exc:
                if exc.status not in AMBIGUOUS_POST_STATUSES:
                    raise
                last_error = exc
            else:
                org_id = answer.get('id') if isinstance(answer, dict) else None
                if not org_id:
                    raise OrganizationError('the server did not return the new organization id (answer: %r)' % (answer,))
                return org_id
            try:
                matches = self.find_by_name(name)
            except CapgoError as lookup_error:
                raise OrganizationError(
                    'the answer to creating organization %r was lost (%s), and looking the name up failed too (%s): '
                    'the create may have happened; list organizations named %r before retrying'
                    % (name, last_error, lookup_error, normalize_name(name)))
            if len(matches) == 1:
                self.warn('the answer to creating organization %r was lost (%s); the organization exists '
                          'now as %s, so it was not created a second time' % (name, last_error, matches[0]['id']))
                return matches[0]['id']
            if len(matches) > 1:
                raise OrganizationError(
                    'the answer to creating organization %r was lost (%s) and %d organizations with that name '
                    'exist now (ids: %s); check them and set org_id' % (
                        name, last_error, len(matches), ', '.join(sorted(m['id'] for m in matches))))
            if attempt < attempts:
                self.warn('creating organization %r failed without a usable answer (%s); it does not exist, '
                          'so the request was sent again' % (name, last_error))
        raise OrganizationError('creating organization %r failed after %d attempts: %s' % (name, attempts, last_error))

    def update(self, org_id, delta, current, with_settings=False):
        """One PUT with exactly the fields that differ; returns the organization after it."""
        body = {'orgId': org_id}
        body.update(delta)
        try:
            answer = self.client.request('PUT', body=body, action='updating organization %s' % org_id)
        except CapgoApiError as exc:
            if exc.code == 'cannot_update_org' and (current or {}).get('enforcing_2fa'):
                raise OrganizationError('%s. This organization enforces two-factor authentication, and the server '
                                        'refuses updates made with an API key to such organizations; change it in '
                                        'the Capgo console, or turn enforcing_2fa off there first' % exc)
            raise
        row = answer.get('data') if isinstance(answer, dict) and isinstance(answer.get('data'), dict) else answer
        settings = settings_view(row) if with_settings else {}
        if isinstance(row, dict) and all(field in row for field in ORG_FIELDS) and settings is not None:
            fresh = organization_view(row)
            fresh.update(settings)
            if current:
                # GET and PUT format timestamps differently; these never change anyway.
                for field in ('created_at', 'updated_at'):
                    fresh[field] = current[field]
            return fresh
        # The docs' PUT answer carries only a few fields: read the organization back.
        fresh = self.get(org_id)
        if fresh is None:
            raise OrganizationError('organization %s was updated but cannot be read back with this key' % org_id)
        if with_settings:
            fresh.update(self.read_settings(org_id))
        return fresh

    def delete(self, org_id):
        try:
            self.client.request('DELETE', params={'orgId': org_id}, action='deleting organization %s' % org_id)
        except CapgoApiError as exc:
            # A retried DELETE whose first attempt went through is answered "not yours".
            if exc.attempts > 1 and is_not_visible(exc) and self.get(org_id) is None:
                return
            raise


def ensure_organization(service, params, check_mode):
    """Bring one organization to the wanted state.

    Returns (changed, diff, organization); organization is {} when none exists after the task.
    """
    state = params.get('state') or 'present'
    org_id = validate_org_id(params.get('org_id'))
    desired = desired_state(params)

    if org_id:
        current = service.get(org_id)
    else:
        current = service.find_one_by_name(params['name'])

    if state == 'absent':
        if current is None:
            return False, build_diff({}, {}), {}
        if not check_mode:
            service.delete(current['id'])
        return True, build_diff(current, {}), {}

    if current is None:
        if org_id:
            raise OrganizationError(
                'organization %s does not exist or is not visible to this API key; it cannot be created '
                'with a chosen id (the server assigns ids): remove org_id to create one by name' % org_id)
        check_lockout(SETTINGS_DEFAULTS, desired, params)
        if desired.get('enforcing_2fa'):
            # The server refuses to let an API key enable it; sent after the POST, the refusal would leave the
            # organization created without any of its settings.
            raise OrganizationError('enforcing_2fa=true cannot be set with an API key: the Capgo server refuses it, so '
                                    'organization %r is not created. Create it without enforcing_2fa, then enable '
                                    'two-factor enforcement in the Capgo console' % desired['name'])
        if check_mode:
            return True, build_diff({}, desired), predict_created(desired)
        created = service.create(desired)
        warn_unsigned_logo(service, desired, created)
        return True, build_diff({}, desired), created

    if manages_settings(desired):
        current = dict(current)
        current.update(service.read_settings(current['id']))

    delta = compute_delta(current, desired)
    if not delta:
        return False, build_diff(current, current), current
    check_lockout(current, delta, params)
    if check_mode:
        after = predict_updated(current, delta)
    else:
        after = service.update(current['id'], delta, current, with_settings=manages_settings(desired))
        warn_unsigned_logo(service, desired, after)
    return True, build_diff(current, after), after


def warn_unsigned_logo(service, desired, after):
    """Say why the next run will write the logo again when the server answers it with null.

    The server answers null when it cannot sign the stored path (the object is missing from
    the images bucket); such a logo never compares equal.
    """
    if desired.get('logo') and after.get('logo') is None:
        service.warn('organization %s reports no logo after it was set to %r: the server could not sign that '
                     'storage object (is it missing from the images bucket?), so every run writes it again'
                     % (after.get('id'), desired['logo']))


def check_lockout(current, desired, params):
    """Refuse to switch on a setting that can cut off the calling key unless the user acknowledged it."""
    risks = lockout_risks(current, desired)
    if risks and not params.get('acknowledge_lockout'):
        raise OrganizationError('refusing to change the security settings without acknowledge_lockout=true: %s. '
                                'Check that the API keys you rely on still qualify, then set acknowledge_lockout=true.'
                                % '; '.join(risks))


def list_organizations(service, org_id=None, name=None, include_settings=False):
    """Organizations visible to the key, optionally one id and/or an exact name.

    include_settings adds the security settings to each, as capgo_organization returns them
    (one more read per organization: the server has no list of them).
    """
    org_id = validate_org_id(org_id)
    if org_id:
        found = service.get(org_id)
        organizations = [found] if found else []
    else:
        organizations = service.list_all()
    if name is not None:
        organizations = service.find_by_name(name, organizations)
    if include_settings:
        organizations = [dict(org, **service.read_settings(org['id'])) for org in organizations]
    return organizations


# -- the two organization modules ---------------------------------------------------

def organization_options():
    options = dict(
        org_id=dict(type='str'),
        name=dict(type='str'),
        management_email=dict(type='str'),
        website=dict(type='str'),
        logo=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )
    options.update(settings_argument_spec())
    return options


def check_organization_input(params):
    validate_org_id(params['org_id'])
    desired_state(params)


def run_organization(client, params, check_mode, warn):
    changed, diff, organization = ensure_organization(OrganizationService(client, warn=warn), params, check_mode)
    return dict(changed=changed, organization=organization, diff=diff)


ORGANIZATION_TASK = CapgoTask(organization_options, check_organization_input, run_organization,
                              required_one_of=[('org_id', 'name')])


def organization_info_options():
    return dict(org_id=dict(type='str'), name=dict(type='str'), include_settings=dict(type='bool', default=False))


def check_organization_info_input(params):
    validate_org_id(params['org_id'])
    if params['name'] is not None and not normalize_name(params['name']):
        raise OrganizationError('name must not be empty')


def run_organization_info(client, params, check_mode, warn):
    organizations = list_organizations(OrganizationService(client, warn=warn), params['org_id'], params['name'],
                                       params['include_settings'])
    return dict(changed=False, organizations=organizations)


ORGANIZATION_INFO_TASK = CapgoTask(organization_info_options, check_organization_info_input, run_organization_info)
