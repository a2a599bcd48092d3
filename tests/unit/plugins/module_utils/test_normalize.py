# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.capgo.cloud.plugins.module_utils.normalize import (
    js_trim,
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

# More of the WHATWG URL serialisation that website.ts stores (URL.toString()), one rule a row.
WEBSITES += [
    ('example.com/a/%2e%2E/b', 'https://example.com/b'),          # percent-encoded dot segments, any case
    ('example.com/a/.%2E/b', 'https://example.com/b'),
    ('example.com/a/%2e./b', 'https://example.com/b'),
    ('example.com/a/%2E', 'https://example.com/a/'),              # a final dot segment leaves a trailing slash
    ('example.com/a/b/.', 'https://example.com/a/b/'),
    ('example.com/a/b/..', 'https://example.com/a/'),
    ('example.com/a/..', 'https://example.com/'),
    ('[::1]:8080', 'https://[::1]:8080/'),                        # IPv6 hosts keep their brackets and port
    ('[::1]:443', 'https://[::1]/'),
    ('HTTPS://[::ABC]/', 'https://[::abc]/'),
    ('EXAMPLE.com.', 'https://example.com./'),                    # a final dot stays
    ('example.com:65535', 'https://example.com:65535/'),
    ('https://example.com:0080/', 'https://example.com:80/'),
    ('example.com:', 'https://example.com/'),
    ('exa\tmple.com/a\nb\rc', 'https://example.com/abc'),        # tabs and newlines are dropped anywhere
    ('example.com/a#b#c', 'https://example.com/a#b#c'),           # the fragment keeps a second #
    ('example.com/a?b?c', 'https://example.com/a?b?c'),           # the query keeps a second ?
    ('example.com/?a b', 'https://example.com/?a%20b'),
    ('example.com/#a b', 'https://example.com/#a%20b'),
    ("example.com/a'b`c{d}", "https://example.com/a'b%60c%7Bd%7D"),  # path, query and fragment encode differently
    ("example.com/?a'b`c{d}", 'https://example.com/?a%27b`c{d}'),
    ("example.com/#a'b`c{d}", "https://example.com/#a'b%60c{d}"),
    ('example.com/%7e', 'https://example.com/%7e'),               # existing escapes are kept as written
    ('example.com\\a\\b', 'https://example.com/a/b'),               # backslashes are slashes in http(s) URLs
    ('XKCD.com', 'https://xkcd.com/'),
]

REJECTED_WEBSITES = [
    ('ftp://capgo.app', "website must be an http:// or https:// URL, got scheme 'ftp'"),
    ('javascript://x', "website must be an http:// or https:// URL, got scheme 'javascript'"),
    ('https://user:pass@capgo.app', 'website must not contain credentials (user:password@)'),
    ('user:pass@example.com', 'website must not contain credentials (user:password@)'),
    ('mailto:a@b.com', 'website must not contain credentials (user:password@)'),
    ('https://exa mple.com/', 'bad host'),
    ('exa%20mple.com', 'bad host'),
    ('https://example.com:99999/', "website has an invalid port '99999'"),
    ('example.com:65536', "website has an invalid port '65536'"),
    ('example.com:8o', "website has an invalid port '8o'"),
    ('https://', 'website has no host'),
    ('example.com:80:90', 'bad host'),
    ('[::1', 'bad IPv6 host'),
    ('https://[::1/', 'bad IPv6 host'),
    ('a..b.example', 'empty host label'),                        # Python's idna codec cannot encode an empty label
    ('.', 'empty host label'),
    ('..', 'empty host label'),
    ('.example.com', 'empty host label'),
    ('a..X', 'empty host label'),
    (u'exa\ufffdmple.com', 'host is not a valid domain name'),
]


@pytest.mark.parametrize('value, expected', WEBSITES)
def test_website_is_normalised_like_the_server(value, expected):
    assert normalize_website(value) == expected


@pytest.mark.parametrize('value, message', REJECTED_WEBSITES)
def test_website_rejections(value, message):
    with pytest.raises(ValueError) as info:
        normalize_website(value)
    assert str(info.value) == message


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


# -- edges of the text rules ----------------------------------------------------------

def test_js_trim_is_javascripts_trim_not_pythons_strip():
    # U+FEFF is JavaScript whitespace and not Python's; U+001C and U+0085 are the other way round.
    assert js_trim(u'\ufeff\u3000Acme\x1c\x85') == u'Acme\x1c\x85'


def test_names_lose_tags_then_every_javascript_whitespace_but_nothing_else():
    assert normalize_name(u'<b>Acme</b>\x1c') == u'Acme\x1c'
    assert normalize_name(u'\u00a0 <i>Acme</i> \t') == 'Acme'


def test_a_name_of_exactly_the_minimum_length_is_accepted():
    assert validate_name('abc') == 'abc'
    assert validate_name(' <b>abc</b> ') == 'abc'


def test_short_name_messages_say_why():
    with pytest.raises(ValueError) as plain:
        validate_name('ab')
    assert str(plain.value) == "name must be at least 3 characters long, got 'ab'"
    with pytest.raises(ValueError) as stripped:
        validate_name('<b>ab</b>')
    assert str(stripped.value).startswith("name '<b>ab</b>' is 'ab' once HTML tags")


def test_email_messages_name_the_option_and_hint_only_at_whitespace():
    with pytest.raises(ValueError) as plain:
        validate_email('nope')
    assert str(plain.value) == "management_email 'nope' is not an email address the Capgo API accepts"
    with pytest.raises(ValueError) as spaced:
        validate_email(' a@b.co', option='email')
    assert str(spaced.value) == ("email ' a@b.co' is not an email address the Capgo API accepts"
                                 " (remove the surrounding whitespace)")


@pytest.mark.parametrize('value, expected', [
    (u'\thttps://cdn.example/a.png\n', 'https://cdn.example/a.png'),
    (u'\ufeff/images/org/a.png ', 'images/org/a.png'),       # images/ is dropped before the leading /
    ('https://sb.example/storage/v1/object/public/images/org/a%20b.png', 'org/a b.png'),
    ('https://sb.example/storage/v1/object/images/org/a.png', 'org/a.png'),
    ('https://sb.example/other/org/a.png', 'https://sb.example/other/org/a.png'),
    ('/Xmas/logo.png', 'Xmas/logo.png'),
    (None, None),
])
def test_logo_edges(value, expected):
    assert normalize_logo(value) == expected


def test_logo_as_read_of_nothing_is_nothing():
    assert logo_as_read(None) is None and logo_as_read('') == ''
