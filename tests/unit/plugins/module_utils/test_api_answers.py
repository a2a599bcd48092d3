# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""api_answers: how error bodies become the facts of an error message, and when to wait before a retry."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from requests.structures import CaseInsensitiveDict

from ansible_collections.capgo.cloud.plugins.module_utils.api import CapgoApiError
from ansible_collections.capgo.cloud.plugins.module_utils.api_answers import (
    describe_more_info,
    parse_error_body,
    retry_after_seconds,
    unwrap,
)


# -- moreInfo in error messages -------------------------------------------------------

@pytest.mark.parametrize('more_info', [None, {}, [], ['org_id'], 'org_id', 42])
def test_more_info_that_is_not_an_object_adds_nothing(more_info):
    assert describe_more_info(more_info) == ''


def test_error_without_more_info_has_no_detail_in_parentheses():
    assert str(CapgoApiError(404, 'not_found', 'Not found')) == 'Capgo API error: HTTP 404 not_found: Not found'


def test_more_info_is_listed_key_by_key_in_sorted_order():
    more_info = {'org_id': 'o-1', 'app_id': 'com.example.app', 'count': 3, 'flag': None}
    assert describe_more_info(more_info) == 'app_id=com.example.app, count=3, flag=None, org_id=o-1'


def test_nested_more_info_values_are_compact_sorted_json():
    more_info = {'limits': {'b': 1, 'a': [2, {'d': 4, 'c': 3}]}, 'ids': ['y', 'x']}
    assert describe_more_info(more_info) == 'ids=["y", "x"], limits={"a": [2, {"c": 3, "d": 4}], "b": 1}'


@pytest.mark.parametrize('error, expected', [
    ('boom', 'error=boom'),
    (42, 'error=42'),
    (['issues'], 'error=["issues"]'),
    ({'name': 'SchemaError'}, 'error={"name": "SchemaError"}'),
    ({'issues': 'many'}, 'error={"issues": "many"}'),
])
def test_an_error_entry_without_an_issue_list_is_shown_as_it_is(error, expected):
    # Only {"error": {"issues": [...]}} (a zod validation error) is summarised issue by issue.
    assert describe_more_info({'error': error}) == expected


def test_issue_list_names_each_field_path_and_message():
    error = {'name': 'SchemaError', 'issues': [
        {'path': ['name'], 'message': 'Too small'},
        {'path': ['settings', 0, 'limit'], 'message': 'Expected number', 'code': 'invalid_type'},
        {'path': [], 'message': 'Unrecognized key(s) in object'},
        {'message': 'Required'},
        {'path': ['website'], 'code': 'invalid_string'},
        {'path': ['logo']},
    ]}
    assert describe_more_info({'error': error}) == (
        'error=name: Too small; settings.0.limit: Expected number; (body): Unrecognized key(s) in object; '
        '(body): Required; website: invalid_string')


def test_issue_without_message_or_code_is_a_question_mark_and_non_objects_are_skipped():
    error = {'issues': ['not an issue', {'path': ['logo']}, None]}
    assert describe_more_info({'error': error}) == 'error=logo: ?'


def test_only_the_first_five_issues_are_shown():
    error = {'issues': [{'path': ['f%d' % n], 'message': 'bad'} for n in range(7)]}
    text = describe_more_info({'error': error})
    assert text == 'error=' + '; '.join('f%d: bad' % n for n in range(5))


def test_more_info_rendering_is_cut_at_500_characters():
    text = describe_more_info({'detail': 'x' * 600})
    assert text == 'detail=' + 'x' * 493 and len(text) == 500
    assert describe_more_info({'detail': 'x' * 493}) == 'detail=' + 'x' * 493


# -- error bodies ---------------------------------------------------------------------

@pytest.mark.parametrize('body, reason, expected', [
    # The server's shape, with and without a message.
    ({'error': 'not_found'}, 'Not Found', ('not_found', None, {})),
    ({'error': 'not_found', 'message': None}, 'Not Found', ('not_found', None, {})),
    ({'error': 'invalid_body', 'message': 42, 'moreInfo': {'field': 'name'}}, None, ('invalid_body', None, {'field': 'name'})),
    ({'error': 'invalid_body', 'moreInfo': ['name']}, None, ('invalid_body', None, {})),
    # The documented shape: a human text in "error", no code.
    ({'error': 'Cannot find app', 'status': 'KO', 'moreInfo': {'app_id': 'a'}}, None, (None, 'Cannot find app', {'app_id': 'a'})),
    ({'status': 'KO'}, 'Unauthorized', (None, 'Unauthorized', {})),
    ({'error': {'text': 'x'}, 'status': 'KO'}, 'Bad Request', (None, 'Bad Request', {})),
    # A message without a code.
    ({'message': 'Unexpected server error'}, 'Internal Server Error', (None, 'Unexpected server error', {})),
    # Nothing usable in the body: the HTTP reason phrase, or nothing at all.
    ({'status': 'ok'}, 'Bad Gateway', (None, 'Bad Gateway', {})),
    ([], 'Bad Gateway', (None, 'Bad Gateway', {})),
    (None, None, (None, None, {})),
    ('', '', (None, None, {})),
    ('   \n', None, (None, None, {})),
    ('  upstream timed out \n', 'Gateway Timeout', (None, 'upstream timed out', {})),
])
def test_error_bodies(body, reason, expected):
    assert parse_error_body(500, body, reason) == expected


def test_a_text_error_body_is_cut_at_300_characters():
    assert parse_error_body(502, ' ' + 'y' * 400, 'Bad Gateway') == (None, 'y' * 300, {})
    assert parse_error_body(502, 'y' * 300, 'Bad Gateway') == (None, 'y' * 300, {})


# -- success bodies ---------------------------------------------------------------------

@pytest.mark.parametrize('body', [
    {'name': 'Acme', 'data': {'id': 'a'}},
    {'id': 'a', 'data': {'id': 'a'}},
])
def test_an_object_with_its_own_id_or_name_is_not_unwrapped(body):
    assert unwrap(body) == body


# -- waiting before a retry ---------------------------------------------------------------

class _Response:
    """What retry_after_seconds reads of a requests response: headers, looked up without regard to case."""

    def __init__(self, headers):
        self.headers = CaseInsensitiveDict(headers)


@pytest.mark.parametrize('headers, body, expected', [
    ({'Retry-After': '0'}, None, 0.0),
    ({'Retry-After': '0.5'}, None, 0.5),
    ({'Retry-After': '-3'}, None, 0.0),
    ({'retry-after': '4'}, None, 4.0),
    ({}, {'moreInfo': {'retryAfterSeconds': 0}}, 0.0),
    ({}, {'moreInfo': {'retryAfterSeconds': 0.25}}, 0.25),
    ({}, {'moreInfo': {'retryAfterSeconds': -1}}, 0.0),
    ({}, {'moreInfo': {'retryAfterSeconds': True}}, None),
    ({}, {'moreInfo': {'retryAfterSeconds': '5'}}, None),
    ({}, {'moreInfo': 'retry later'}, None),
    ({}, ['retryAfterSeconds'], None),
    ({'Retry-After': '2'}, {'moreInfo': {'retryAfterSeconds': 9}}, 2.0),
])
def test_retry_after_values(headers, body, expected):
    assert retry_after_seconds(_Response(headers), body) == expected


def test_retry_after_without_a_response_reads_the_body():
    assert retry_after_seconds(None, {'moreInfo': {'retryAfterSeconds': 3}}) == 3.0
    assert retry_after_seconds(None, None) is None
