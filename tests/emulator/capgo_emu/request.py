# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A request as the handlers see it, their answer, and parameter reading (``getBodyOrQuery``, ``parseBody``).

Real server: ``supabase/functions/_backend/utils/hono.ts`` (``getBodyOrQuery``, ``parseBody``).
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from .errors import HttpError
from .schemas import MISSING, is_number


class Response:
    """What the HTTP layer writes back."""

    def __init__(self, status, payload, headers=None, error=None, key_label=None):
        self.status = status
        self.payload = payload
        self.headers = headers or {}
        self.error = error
        self.key_label = key_label
        self.drop = False
        self.fault = None


class Request:
    """A parsed HTTP request."""

    def __init__(self, method, path, query, headers, body):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.principal = None
        self.path_params = {}

    def header(self, name):
        """The header's value, or None when it is absent or empty."""
        value = self.headers.get(name)
        return value if value else None

    def query_items(self):
        """The query string's parameters, first value of each name (Hono's ``c.req.query(name)``)."""
        items = {}
        for name, value in parse_qsl(self.query, keep_blank_values=True):
            items.setdefault(name, value)
        return items

    def raw_header(self, name):
        """The header's value as sent ("" when empty), or None when it is absent."""
        return self.headers.get(name)


def _reject_constant(name):
    raise ValueError("invalid JSON constant %s" % name)


def body_or_query(req):
    """``getBodyOrQuery``: the JSON body, else the query string as a map of strings."""
    body = MISSING
    parsed_json = False
    if req.body:
        try:
            text = req.body.decode("utf-8")
            if text.startswith("\ufeff"):
                text = text[1:]
            body = json.loads(text, parse_constant=_reject_constant)
            parsed_json = True
        except (ValueError, UnicodeDecodeError):
            body = MISSING
    if body is MISSING:
        query = {}
        for name, value in parse_qsl(req.query, keep_blank_values=True):
            query.setdefault(name, value)
        body = query
    # The emptiness check runs on every parsed JSON body (GET included: `{}`, `null`,
    # `[]`), and on the query map of every method but GET.
    if (parsed_json or req.method not in ("GET", "HEAD")) and (
            body is None or isinstance(body, bool) or is_number(body) or
            (isinstance(body, (dict, list, str)) and len(body) == 0)):
        raise HttpError(400, "invalid_json_parse_body")
    return body


def parse_body(req):
    """``parseBody``: a JSON body only (``{}`` passes); anything else is ``invalid_json_parse_body``."""
    try:
        text = (req.body or b"").decode("utf-8")
        if text.startswith("\ufeff"):
            text = text[1:]
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError):
        raise HttpError(400, "invalid_json_parse_body", more_info={"e": {}}) from None
