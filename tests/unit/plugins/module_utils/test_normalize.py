# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.capgo.cloud.plugins.module_utils.normalize import (
    logo_as_read,
    normalize_logo,
    normalize_name,
    normalize_website,
    validate_email,
    validate_name,
)

# The server's website rewrites (supabase/functions/_backend/public/organization/website.ts and
# its unit test tests/organization-website.unit.test.ts), row by row.
WEBSITES = [
    ('HTTPS://capgo.app', 'https://capgo.app/'),
    ('https://created-by-apikey.example', 'https://created-by-apikey.example/'),
    ('https://www.capgo.app/docs', 'https://www.capgo.app/docs'),
    ('example.com', 'https://example.com/'),
    ('example.com:3000', 'https://example.com:3000/'),
    ('http://example.com', 'http://example.com/'),
    ('Example.COM', 'https://example.com/'),
    ('https://example.com:443/', 'https://example.com/'),
    ('http://example.com:80/x', 'http://example.com/x'),
    ('https://example.com:80/', 'https://example.com:80/'),
    ('HTTP://CAPGO.APP/Docs/', 'http://capgo.app/Docs/'),
    (u'münchen.de', 'https://xn--mnchen-3ya.de/'),
    ('  capgo.app  ', 'https://capgo.app/'),
    ('//capgo.app', 'https://capgo.app/'),
    ('https://capgo.app/a/../b', 'https://capgo.app/b'),
    ('https://capgo.app/a/./b/', 'https://capgo.app/a/b/'),
    ('https://capgo.app/a b', 'https://capgo.app/a%20b'),
    ('https://capgo.app/?q=1#top', 'https://capgo.app/?q=1#top'),
    ('', None),
    ('   ', None),
    (None, None),
]

REJECTED_WEBSITES = [
    'ftp://capgo.app',
    'https://user:pass@capgo.app',
    'user:pass@example.com',
    'mailto:a@b.com',
    'javascript://x',
    'https://exa mple.com/',
    'https://example.com:99999/',
    'https://',
]


@pytest.mark.parametrize('value, expected', WEBSITES)
def test_website_is_normalised_like_the_server(value, expected):
    assert normalize_website(value) == expected


@pytest.mark.parametrize('value', REJECTED_WEBSITES)
def test_website_rejections(value):
    with pytest.raises(ValueError):
        normalize_website(value)


@pytest.mark.parametrize('value, expected', [
    ('  Acme  ', 'Acme'),
    ('<b>Acme</b> Inc', 'Acme Inc'),
    ('<script>x</script>Acme', 'xAcme'),
    ('\tAcme\n', 'Acme'),
    (u'\u00a0Acme\u3000', 'Acme'),
    ('ACME', 'ACME'),
    ('<br>', ''),
])
def test_name_normalised_like_put(value, expected):
    assert normalize_name(value) == expected


@pytest.mark.parametrize('value', ['ab', '  ab  ', '<b></b>', '<i>a</i>b', ''])
def test_short_names_are_refused(value):
    with pytest.raises(ValueError, match='at least 3'):
        validate_name(value)


def test_validate_name_returns_the_stored_form():
    assert validate_name(' <b>Acme</b> ') == 'Acme'


@pytest.mark.parametrize('value', ['a@b.co', 'first.last+tag@sub.example.org', "o'neil@example.com", 'A_B-c@Example.COM'])
def test_emails_accepted(value):
    assert validate_email(value) == value


@pytest.mark.parametrize('value', ['plain', ' a@b.co', 'a@b.co ', '.a@b.co', 'a..b@b.co', 'a.@b.co', 'a@b', 'a@b.c',
                                   'a@-b.co', u'é@b.co', 'a b@c.co', 'a@b.co<script>'])
def test_emails_rejected(value):
    with pytest.raises(ValueError):
        validate_email(value)


@pytest.mark.parametrize('value, expected', [
    ('https://sb.capgo.app/storage/v1/object/sign/images/org/1/logo/a.png?token=abc', 'org/1/logo/a.png'),
    ('https://sb.capgo.app/storage/v1/object/public/images/org/1/logo/a%20b.png', 'org/1/logo/a b.png'),
    ('https://sb.capgo.app/storage/v1/object/images/org/x.png', 'org/x.png'),
    ('https://cdn.example.com/logo.png', 'https://cdn.example.com/logo.png'),
    ('images/org/1/logo.png', 'org/1/logo.png'),
    ('/org/1/logo.png', 'org/1/logo.png'),
    ('/images/x.png', 'images/x.png'),
    ('  org/1/logo.png ', 'org/1/logo.png'),
    ('', ''),
    ('   ', ''),
    ('<b>org/x.png</b>', 'org/x.png'),
    (None, None),
])
def test_logo_becomes_a_storage_path(value, expected):
    assert normalize_logo(value) == expected


def test_signed_urls_with_different_tokens_compare_equal():
    first = 'https://sb.capgo.app/storage/v1/object/sign/images/org/1/l.png?token=one'
    second = 'https://sb.capgo.app/storage/v1/object/sign/images/org/1/l.png?token=two'
    assert normalize_logo(first) == normalize_logo(second) == normalize_logo('org/1/l.png')


# What the server stores (write normalisation) and answers with (normalised again when signed),
# supabase/functions/_backend/utils/storage.ts.
@pytest.mark.parametrize('value, stored, read', [
    ('/images/org/a/logo.png', 'images/org/a/logo.png', 'org/a/logo.png'),
    ('images/images/b.png', 'images/b.png', 'b.png'),
    ('org/a/logo.png', 'org/a/logo.png', 'org/a/logo.png'),
    ('/org/a/logo.png', 'org/a/logo.png', 'org/a/logo.png'),
    ('https://sb.capgo.app/storage/v1/object/sign/images/images/c.png?token=x', 'images/c.png', 'c.png'),
    ('https://cdn.example.com/images/logo.png', 'https://cdn.example.com/images/logo.png',
     'https://cdn.example.com/images/logo.png'),
    ('', '', ''),
    ('   ', '', ''),
])
def test_logo_is_compared_as_the_server_reads_it_back(value, stored, read):
    assert normalize_logo(value) == stored
    assert logo_as_read(value) == read
    # Reading what was read back changes nothing more: a second run compares equal.
    assert logo_as_read(read) == read
