# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Capgo server's own rewrites of organization fields, replayed on the client.

Comparing what the user asked for with what the server holds only works after
both went through the same rules; the rules are the server's
(supabase/functions/_backend/public/organization/website.ts for websites, the zod schemas
of post.ts and put.ts for emails, the database trigger sanitize_orgs_text_fields in
supabase/migrations for names, utils/storage.ts for logos). Each function raises ValueError with a user-facing
reason when the server would reject the value.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from urllib.parse import quote, unquote, urlsplit

# JavaScript's String.prototype.trim() whitespace and line terminators.
JS_WHITESPACE = u'\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009' \
                u'\u200a\u2028\u2029\u202f\u205f\u3000\ufeff'

TAG_RE = re.compile(r'<[^>]*>')
SCHEME_PREFIX_RE = re.compile(r'^([A-Za-z][A-Za-z0-9+\-.]*)://')
HAS_SCHEME_RE = re.compile(r'^[A-Za-z][A-Za-z0-9+\-.]*:')
STORAGE_PATH_RE = re.compile(r'^/storage/v1/object(?:/public|/sign)?/images/(.+)$')
# zod v4 z.email(), the pattern the server validates every email with.
EMAIL_RE = re.compile(r"^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$")
FORBIDDEN_HOST_CHARS = set(u'\x00\t\n\r #/:<>?@[\\]^|%')
DEFAULT_PORTS = {'http': '80', 'https': '443'}

NAME_MIN_LENGTH = 3


def js_trim(value):
    return value.strip(JS_WHITESPACE)


def strip_html(value):
    """The database trigger's strip_html: drop <...> runs, then trim ASCII spaces only."""
    return TAG_RE.sub('', value).strip(' ')


def normalize_name(value):
    """A name as PUT stores it: tags stripped, then trimmed of all whitespace."""
    return js_trim(strip_html(value))


def validate_name(value):
    """The name the module sends; refuses what the server would store as (nearly) empty."""
    normalized = normalize_name(value)
    if len(normalized) < NAME_MIN_LENGTH:
        if normalized != value:
            raise ValueError('name %r is %r once HTML tags and surrounding whitespace are removed, as the server '
                             'does; it must keep at least %d characters' % (value, normalized, NAME_MIN_LENGTH))
        raise ValueError('name must be at least %d characters long, got %r' % (NAME_MIN_LENGTH, value))
    return normalized


def validate_email(value, option='management_email'):
    """The server neither trims nor lower-cases emails; it only accepts this pattern."""
    if not EMAIL_RE.match(value):
        hint = ''
        if value != value.strip():
            hint = ' (remove the surrounding whitespace)'
        raise ValueError('%s %r is not an email address the Capgo API accepts%s' % (option, value, hint))
    return value


def _percent_encode(text, safe):
    return quote(text, safe=safe + '%')


def _remove_dot_segments(path):
    segments = path.split('/')
    output = []
    for index, segment in enumerate(segments[1:], start=1):
        last = index == len(segments) - 1
        lowered = segment.lower()
        if lowered in ('.', '%2e'):
            if last:
                output.append('')
            continue
        if lowered in ('..', '.%2e', '%2e.', '%2e%2e'):
            if output:
                output.pop()
            if last:
                output.append('')
            continue
        output.append(segment)
    return '/' + '/'.join(output)


def _normalize_host(host):
    if host.startswith('['):
        if not host.endswith(']'):
            raise ValueError('bad IPv6 host')
        return host.lower()
    host = unquote(host)
    if not host or any(c in FORBIDDEN_HOST_CHARS for c in host):
        raise ValueError('bad host')
    # '.' alone, and leading or inner dots, leave an empty label; trailing dots are left to the idna
    # codec below, which allows one ('example.com.').
    labels = host.rstrip('.').split('.')
    if any(label == '' for label in labels):
        raise ValueError('empty host label')
    try:
        ascii_host = host.encode('idna').decode('ascii')
    except UnicodeError:
        raise ValueError('host is not a valid domain name')
    return ascii_host.lower()


def normalize_website(value):
    """The stored form of a website (WHATWG URL serialisation), None when it clears it.

    Raises ValueError for what the server rejects with website_must_be_a_valid_url:
    a scheme other than http(s), credentials, or something that is not a URL.
    """
    if value is None:
        return None
    text = js_trim(value)
    if not text:
        return None
    match = SCHEME_PREFIX_RE.match(text)
    if match:
        scheme = match.group(1).lower()
        if scheme not in ('http', 'https'):
            raise ValueError('website must be an http:// or https:// URL, got scheme %r' % match.group(1))
        rest = text[match.end():]
    else:
        scheme = 'https'
        rest = text
    rest = rest.replace('\\', '/').lstrip('/')
    # Tabs and newlines inside a URL are dropped by the WHATWG parser.
    rest = rest.replace('\t', '').replace('\n', '').replace('\r', '')
    end = len(rest)
    for sep in '/?#':
        pos = rest.find(sep)
        if pos != -1:
            end = min(end, pos)
    authority, remainder = rest[:end], rest[end:]
    if '@' in authority:
        raise ValueError('website must not contain credentials (user:password@)')
    host, port = authority, ''
    if not authority.startswith('[') and ':' in authority:
        host, port = authority.rsplit(':', 1)
    elif authority.startswith('[') and ']:' in authority:
        host, port = authority.rsplit(':', 1)
    if port:
        if not port.isdigit() or int(port) > 65535:
            raise ValueError('website has an invalid port %r' % port)
        port = str(int(port))
        if DEFAULT_PORTS.get(scheme) == port:
            port = ''
    if not host:
        raise ValueError('website has no host')
    host = _normalize_host(host)
    fragment = ''
    if '#' in remainder:
        remainder, fragment = remainder.split('#', 1)
        # The fragment percent-encode set has no '#': a second one stays as written.
        fragment = '#' + _percent_encode(fragment, safe="#!$&'()*+,-./:;=?@_~[]\\^{}|")
    query = ''
    if '?' in remainder:
        remainder, query = remainder.split('?', 1)
        query = '?' + _percent_encode(query, safe="!$&()*+,-./:;=?@_~[]\\^`{}|")
    # An empty path comes back from _remove_dot_segments as '/'.
    path = _remove_dot_segments(_percent_encode(remainder, safe="!$&'()*+,-./:;=@_~[]^|"))
    return '%s://%s%s%s%s%s' % (scheme, host, ':' + port if port else '', path, query, fragment)


def normalize_logo(value):
    """The storage path the server keeps for a logo (and reads back as a signed URL).

    Signed and public Storage URLs of the images bucket become their path, so the
    value the server returns compares equal to the value the user wrote.
    """
    if value is None:
        return None
    trimmed = js_trim(value)
    result = None
    if HAS_SCHEME_RE.match(trimmed):
        parts = urlsplit(trimmed)
        match = STORAGE_PATH_RE.match(parts.path or '')
        if match and parts.netloc:
            result = unquote(match.group(1))
        else:
            result = trimmed
    else:
        path = trimmed
        if path.startswith('images/'):
            path = path[len('images/'):]
        result = path.lstrip('/')
    if not result:
        result = value
    return strip_html(result)


def logo_as_read(value):
    """The logo path the server answers with after storing ``value``, as normalize_logo reads it back.

    A read signs the stored path after normalising it once more (createSignedImageUrl calls
    normalizeImagePath in supabase/functions/_backend/utils/storage.ts), so ``/images/a.png``,
    stored as ``images/a.png``, reads back as ``a.png``. External URLs and ``""`` read back as
    stored. Comparisons and check-mode predictions use this value.
    """
    stored = normalize_logo(value)
    if not stored or '://' in stored:
        return stored
    return normalize_logo(stored)
