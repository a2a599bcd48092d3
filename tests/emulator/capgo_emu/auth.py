# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Authentication: which header carries the key, JWTs, subkeys, key validity, auth rate limits.

Real server: ``supabase/functions/_backend/utils/hono_middleware.ts`` (``middlewareKey``,
``middlewareAuth``, ``resolveKeyHeaders``, ``resolveAuthHeaders``), ``utils/supabase.ts``
(``checkKey``, ``checkKeyById``), ``utils/rate_limit.ts`` (failed-auth and per-key limits).

``authenticate(app, req, "key")`` is ``middlewareKey``; ``"auth"`` is ``middlewareAuth``.
"""

from __future__ import annotations

import math
import re
import time

from .errors import HttpError
from .timestamps import now

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
SUBKEY_RE = re.compile(r"^[1-9][0-9]*$")
FAILED_AUTH_BLOCK_SECONDS = 15 * 60
KEY_WINDOW_SECONDS = 60
MAX_SAFE_INTEGER = 9007199254740991


class Principal:
    """Who is calling: an API key (possibly a subkey) or a JWT user."""

    def __init__(self, kind, user, key=None, label=None):
        self.kind = kind
        self.user = user
        self.key = key
        self.label = label


def _client_ip(req):
    for name in ("cf-connecting-ip", "x-forwarded-for", "x-real-ip"):
        value = req.header(name)
        if value:
            return value.split(",")[0].strip()
    return None


def _check_failed_auth(app, ip):
    if ip is None or not app.failed_auth_limit:
        return
    entry = app.failed_auth.get(ip)
    current = time.time()
    if entry and entry[0] >= app.failed_auth_limit and entry[1] > current:
        retry = int(math.ceil(entry[1] - current))
        raise HttpError(429, "too_many_requests", more_info={
            "reason": "too_many_failed_auth_attempts", "rateLimitResetAt": int(entry[1] * 1000), "retryAfterSeconds": retry},
            headers={"Retry-After": str(retry), "X-RateLimit-Reset": str(int(math.ceil(entry[1])))})


def _fail(app, ip, status, code, message=None):
    """Record a failed auth attempt for the client IP, then refuse."""
    if ip is not None:
        current = time.time()
        count, until = app.failed_auth.get(ip, (0, 0.0))
        if until <= current:
            count = 0
        app.failed_auth[ip] = (count + 1, current + FAILED_AUTH_BLOCK_SECONDS)
    raise HttpError(status, code, message)


def find_key(state, value):
    """``find_apikey_by_value``: unknown, expired and hashed-enforcement-rejected keys are None."""
    key = state.keys_by_value.get(value)
    if key is None:
        return None
    if key.expires_at is not None and key.expires_at <= now():
        return None
    if not key.hashed and not state.enforcing_hashed.isdisjoint(key.roles.keys()):
        return None
    return key


def authenticate(app, req, mode):
    """Return the request's Principal (also set as ``req.principal``) or raise HttpError."""
    state = app.state
    ip = _client_ip(req)
    _check_failed_auth(app, ip)
    sub = req.header("x-limited-key-id")

    def check_sub_format():
        if sub is not None and (not SUBKEY_RE.match(sub) or int(sub) > MAX_SAFE_INTEGER):
            _fail(app, ip, 401, "invalid_subkey", "Invalid x-limited-key-id")

    if mode == "key":
        check_sub_format()
        # `capgkey ?? authorization`: an empty capgkey is present, so it wins and is no key.
        value = req.raw_header("capgkey")
        if value is None:
            value = req.header("authorization")
        if not value:
            _fail(app, ip, 401, "no_key_provided")
    else:
        authorization = req.header("authorization")
        if authorization and UUID_RE.match(authorization):
            value = authorization
        elif authorization:
            token = authorization[7:] if authorization[:7].lower() == "bearer " else authorization
            user = state.jwts.get(token.strip())
            if user is None:
                _fail(app, ip, 401, "invalid_jwt")
            req.principal = Principal("jwt", user, label="jwt:%s" % user["email"])
            return req.principal
        else:
            value = req.header("capgkey") or req.header("x-api-key")
            if not value:
                _fail(app, ip, 401, "no_jwt_apikey_or_subkey")
        check_sub_format()
    key = find_key(state, value)
    if key is None:
        _fail(app, ip, 401, "invalid_apikey")
    principal_key = key
    if sub is not None:
        subkey = state.keys.get(int(sub))
        if (subkey is None or subkey.parent != key.name or subkey.owner_id != key.owner_id
                or (subkey.expires_at is not None and subkey.expires_at <= now())):
            raise HttpError(401, "invalid_subkey", "Invalid subkey")
        if not (subkey.roles or subkey.app_roles or subkey.channel_roles):
            raise HttpError(401, "invalid_subkey", "Invalid subkey, no limited apps or orgs")
        principal_key = subkey
    _count_key(app, key)
    user = state.users.get(key.owner_id)
    req.principal = Principal("apikey", user, principal_key, label=principal_key.name)
    return req.principal


def _count_key(app, key):
    """The per-key request rate limit (``RATE_LIMIT_API_KEY`` per minute)."""
    if not app.rate_limit_per_key:
        return
    current = time.time()
    count, last = app.key_usage.get(key.id, (0, 0.0))
    if current - last > KEY_WINDOW_SECONDS:
        count = 0
    count += 1
    app.key_usage[key.id] = (count, current)
    if count >= app.rate_limit_per_key:
        reset = current + KEY_WINDOW_SECONDS
        raise HttpError(429, "too_many_requests", more_info={
            "reason": "api_key_rate_limit_exceeded", "apikey_id": key.id, "rateLimitResetAt": int(reset * 1000),
            "retryAfterSeconds": KEY_WINDOW_SECONDS},
            headers={"Retry-After": str(KEY_WINDOW_SECONDS), "X-RateLimit-Reset": str(int(math.ceil(reset)))})
