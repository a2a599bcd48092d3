# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Rules shared by every resource: ids, diffs, visibility, ambiguous writes."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.capgo.cloud.plugins.module_utils import member, organization, resource
from ansible_collections.capgo.cloud.plugins.module_utils.api import CapgoApiError, CapgoTransportError
from ansible_collections.capgo.cloud.plugins.module_utils.resource import (
    CapgoService,
    InputError,
    build_diff,
    is_ambiguous,
    is_not_visible,
    validate_org_id,
)


def test_org_ids_are_trimmed_and_blank_ones_refused():
    assert validate_org_id(' 1f0e7b52 ') == '1f0e7b52'
    assert validate_org_id(None) is None
    with pytest.raises(InputError, match='org_id must not be empty'):
        validate_org_id('  ')


def test_build_diff_keeps_the_given_fields_present_on_each_side():
    before = {'name': 'A', 'website': None, 'id': 'x'}
    assert build_diff(before, {'name': 'B'}, ('name', 'website')) == {
        'before': {'name': 'A', 'website': None}, 'after': {'name': 'B'}}
    assert build_diff(None, {}, ('name',)) == {'before': {}, 'after': {}}


@pytest.mark.parametrize('error, expected', [
    (CapgoApiError(400, 'invalid_org_id', "You can't access this organization"), True),
    (CapgoApiError(400, 'cannot_access_organization', "You can't access this organization"), True),
    (CapgoApiError(403, None, 'Forbidden'), True),
    (CapgoApiError(400, 'invalid_body', 'Invalid body'), False),
    (CapgoApiError(500, None, 'boom'), False),
    (CapgoTransportError('connection refused'), False),
])
def test_not_visible_errors(error, expected):
    assert is_not_visible(error) is expected


@pytest.mark.parametrize('error, expected', [
    (CapgoApiError(500, 'internal', 'boom'), True),
    (CapgoApiError(503, None, 'unavailable'), True),
    (CapgoApiError(400, 'invalid_body', 'Invalid body'), False),
    (CapgoTransportError('read timed out', maybe_processed=True), True),
    (CapgoTransportError('connection refused', maybe_processed=False), False),
])
def test_ambiguous_writes(error, expected):
    assert is_ambiguous(error) is expected


def test_services_pass_warnings_on_as_they_occur():
    seen = []
    service = CapgoService(client=None, warn=seen.append)
    service.warn('careful')
    assert seen == ['careful'] and service.warnings == ['careful']


def test_resources_share_one_definition_of_each_rule():
    for module in (organization, member):
        assert module.validate_org_id is validate_org_id
        assert module.is_not_visible is is_not_visible
    assert organization.AMBIGUOUS_POST_STATUSES is resource.AMBIGUOUS_POST_STATUSES
    assert member.is_ambiguous is resource.is_ambiguous
