# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The server's text rules: trimming, HTML stripping, email pattern, website and logo normalisation.

Real server: ``supabase/functions/_backend/utils/website.ts`` (website),
``utils/storage.ts`` (logo paths), the database trigger ``strip_html`` (name,
management_email, logo), zod v4 ``z.email()`` (``v4/core/regexes.ts``).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from .urls import whatwg_parse_http

# zod v4 `z.email()` default pattern (v4/core/regexes.ts)
EMAIL_PATTERN = r"^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$"
EMAIL_RE = re.compile(EMAIL_PATTERN)
SCHEME_RE = re.compile(r"^([a-z][a-z\d+\-.]*):\/\/", re.IGNORECASE)
ABS_URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+\-.]*:")
STORAGE_PATH_RE = re.compile(r"^/storage/v1/object(?:/public|/sign)?/images/(.+)$")
HTML_TAG_RE = re.compile(r"<[^>]*>")

JS_WHITESPACE = (
    "\t\n\x0b\x0c\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)


def js_trim(value):
    """JavaScript ``String.prototype.trim``."""
    return value.strip(JS_WHITESPACE)


def strip_html(value):
    """The database ``strip_html``: drop ``<...>`` runs, then btrim ASCII spaces."""
    if value is None:
        return None
    return HTML_TAG_RE.sub("", value).strip(" ")


def utf16_length(value):
    return len(value.encode("utf-16-le")) // 2


def is_valid_email(value):
    """zod's email check. JavaScript's ``$`` (no ``m`` flag) never matches before a final
    newline, Python's does: fullmatch gives the JavaScript result (``"a@b.com\\n"`` fails)."""
    return isinstance(value, str) and EMAIL_RE.fullmatch(value) is not None


class InvalidWebsite(ValueError):
    """The website value cannot be normalised."""


def normalize_website(value):
    """``website.ts``: returns the stored value or raises InvalidWebsite."""
    if value is None:
        return None
    text = js_trim(value)
    if not text:
        return None
    match = SCHEME_RE.match(text)
    if match:
        if match.group(1).lower() not in ("http", "https"):
            raise InvalidWebsite(value)
    else:
        text = "https://" + text
    parsed = whatwg_parse_http(text)
    if parsed is None or parsed["username"] or parsed["password"]:
        raise InvalidWebsite(value)
    return parsed["href"]


def normalize_logo(value):
    """``storage.ts`` write normalisation: storage path, external URL, or raw value."""
    text = js_trim(value)
    result = None
    if ABS_URL_RE.match(text):
        parsed = whatwg_parse_http(text)
        match = STORAGE_PATH_RE.match(parsed["path"]) if parsed else None
        if match:
            result = unquote(match.group(1))
        else:
            result = text
    else:
        result = text
        if result.startswith("images/"):
            result = result[len("images/"):]
        result = result.lstrip("/")
    return result if result else value
