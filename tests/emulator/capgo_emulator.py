# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Local emulator of the Capgo public organization API.

A single-file, standard-library-only HTTP server that answers like the real
Capgo backend does on ``/organization``, ``/organization/members`` and
``/organization/audit`` (see the project's fact sheet ``capgo-api.md``):
authentication per route, ``getBodyOrQuery`` parameter reading, the permission
matrix, the exact status codes, error codes and messages, website / name /
logo / email normalisation, security-settings validation and their lock-out
effects, members and invites, rate limiting, and the
``{"error", "message", "moreInfo"}`` error envelope. ``--docs-shapes`` answers
in the shapes of the public documentation instead.

Command line::

    python3 capgo_emulator.py [--host 127.0.0.1] [--port 0] [--seed SEED.json]
        [--docs-shapes] [--control] [--request-log FILE]
        [--tls-cert PEM --tls-key PEM] [--fault-429-every N] [--retry-after S]
        [--fault-503-every N] [--drop-after-post-every N] [--latency-ms MS]
        [--hang] [--rate-limit-per-key N] [--failed-auth-limit N]
        [--base-url URL] [--admin-key UUID]

When ready it prints ``CAPGO_EMULATOR_URL=<url>`` and, without ``--seed``,
``CAPGO_EMULATOR_KEY=<admin key>`` on stdout, then serves until SIGTERM or
SIGINT (exit status 0).

Seed format (JSON object, every list optional)::

    {
      "users": [{"id"?: uuid, "email": str, "has_2fa"?: bool,
                 "jwt"?: str, "image_url"?: str}],
      "keys": [{"name": str, "key"?: uuid, "owner": email, "org_create"?: bool,
                "expires_at"?: ISO-8601 or null, "hashed"?: bool,
                "subkey_of"?: key name, "id"?: int,
                "roles": {"<org id or org name>": "<role>"}}],
      "orgs": [{"id"?: uuid, "name": str, "management_email"?: str,
                "website"?: str, "logo"?: str, "created_by"?: email,
                "<any other orgs column>"?: value,
                "members"?: [{"email": str, "role": str, "is_tmp"?: bool}]}],
      "bulk_orgs": [{"count": int, "name_prefix": str, "created_by"?: email,
                     "key_roles": {"<key name>": "<role>"}}],
      "missing_storage_objects": ["org/x/logo.png", ...]
    }

Roles: org_super_admin, org_admin, org_billing_admin, apikey_manager,
org_member, apikey_org_reader. Users referenced by a key owner, an org creator
or an active member but not listed are created. A member with ``is_tmp`` whose
email is not a user is an invitation of an unregistered email (tmp_users).
Without ``members`` an org gets its creator as active ``org_super_admin``.
Seed org values are stored raw (no normalisation), so a seed can hold data that
the real server would fail to parse. ``jwt`` declares a token accepted as that
user's JWT on JWT-capable routes; any other non-UUID ``authorization`` is an
invalid JWT there. ``subkey_of`` declares a limited subkey usable through the
``x-limited-key-id: <id>`` header together with its parent key.

Python use::

    from capgo_emulator import CapgoEmulator
    with CapgoEmulator(seed=None, control=True) as emu:
        emu.url, emu.admin_key, emu.request_log, emu.reset(seed)
"""

from __future__ import annotations

import argparse
import base64
import copy
import datetime
import hashlib
import ipaddress
import json
import math
import os
import re
import secrets
import signal
import socket
import socketserver
import ssl
import sys
import threading
import time
import unicodedata
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, unquote, urlsplit

__version__ = "1.0.0"

WORKER_SOURCE = "capgo_api-emulator-%s" % __version__
PAGE_SIZE = 50
FAILED_AUTH_BLOCK_SECONDS = 15 * 60
KEY_WINDOW_SECONDS = 60
SIGNED_URL_TTL = 604800

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
SUBKEY_RE = re.compile(r"^[1-9][0-9]*$")
# zod v4 `z.email()` default pattern (v4/core/regexes.ts)
EMAIL_PATTERN = r"^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$"
EMAIL_RE = re.compile(EMAIL_PATTERN)
SCHEME_RE = re.compile(r"^([a-z][a-z\d+\-.]*):\/\/", re.IGNORECASE)
ABS_URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+\-.]*:")
STORAGE_PATH_RE = re.compile(r"^/storage/v1/object(?:/public|/sign)?/images/(.+)$")
HTML_TAG_RE = re.compile(r"<[^>]*>")

ROLE_RANK = {
    "org_super_admin": 95,
    "org_admin": 90,
    "org_billing_admin": 80,
    "apikey_manager": 78,
    "org_member": 75,
    "apikey_org_reader": 10,
}
_ALL_ROLES = frozenset(ROLE_RANK)
PERMISSIONS = {
    "org.read": _ALL_ROLES,
    "org.update_settings": frozenset({"org_super_admin", "org_admin"}),
    "org.delete": frozenset({"org_super_admin"}),
    "org.read_members": frozenset({"org_super_admin", "org_admin", "org_member"}),
    "org.invite_user": frozenset({"org_super_admin", "org_admin"}),
    "org.update_user_roles": frozenset({"org_super_admin", "org_admin"}),
    "org.read_audit": frozenset({"org_super_admin", "org_admin"}),
}
INVITE_TYPES = {
    "org_member": "org_member", "read": "org_member", "upload": "org_member", "write": "org_member",
    "invite_read": "org_member", "invite_upload": "org_member", "invite_write": "org_member",
    "org_billing_admin": "org_billing_admin",
    "org_admin": "org_admin", "admin": "org_admin", "invite_admin": "org_admin",
    "org_super_admin": "org_super_admin", "super_admin": "org_super_admin", "invite_super_admin": "org_super_admin",
}
INTENTS = ["ota", "builder", "both", "exploring", "unknown"]
EMAIL_PREFERENCES = [
    "onboarding", "usage_limit", "credit_usage", "device_error", "weekly_stats", "monthly_stats",
    "bundle_created", "bundle_deployed", "deploy_stats_24h", "billing_period_stats", "channel_self_rejected",
]
ORG_COLUMNS = [
    "id", "created_by", "created_at", "updated_at", "logo", "name", "management_email", "customer_id",
    "stats_updated_at", "last_stats_updated_at", "enforcing_2fa", "email_preferences", "password_policy_config",
    "enforce_hashed_api_keys", "require_apikey_expiration", "max_apikey_expiration_days", "enforce_encrypted_bundles",
    "required_encryption_key", "has_usage_credits", "website", "stats_refresh_requested_at", "onboarding",
]
TIMESTAMP_COLUMNS = ("created_at", "updated_at", "stats_updated_at", "last_stats_updated_at", "stats_refresh_requested_at")
GET_FIELDS = ["id", "created_by", "created_at", "updated_at", "logo", "name", "management_email", "customer_id", "website"]

MESSAGES = {
    "invalid_body": "Invalid body",
    "invalid_json_parse_body": "Invalid JSON body",
    "invalid_org_id": "You can't access this organization",
    "cannot_access_organization": "You can't access this organization",
    "cannot_get_organizations": "Cannot get organizations",
    "cannot_parse_organization": "Cannot parse organization",
    "cannot_parse_organizations": "Cannot parse organizations",
    "permission_denied": "Permission denied: org.create",
    "missing_org_id": "Missing orgId",
    "requires_2fa_to_enforce_2fa": "You must enable 2FA before enforcing it for your organization",
    "invalid_max_expiration_days": "Maximum expiration days must be between 1 and 365",
    "invalid_required_encryption_key": "Encryption key fingerprint must be 20 or 21 characters",
    "cannot_update_org": "Cannot update organization",
    "cannot_create_org": "Cannot create organization",
    "cannot_parse_members": "Cannot parse members",
    "error_inviting_user_to_organization": "Error inviting user to organization",
    "user_not_found": "User not found",
    "organization_member_not_found": "User is not a member of this organization",
    "cannot_delete_higher_priority_role": "Cannot delete a member with a role higher than your own",
    "CANNOT_REMOVE_LAST_SUPER_ADMIN": "Cannot remove the last super admin from the organization",
    "cannot_get_audit_logs": "Cannot get audit logs",
    "too_many_requests": "Too many requests",
    "no_key_provided": "No key provided",
    "no_jwt_apikey_or_subkey": "No JWT, apikey or subkey provided",
    "invalid_apikey": "Invalid apikey",
    "invalid_jwt": "Invalid JWT",
    "invalid_subkey": "Invalid subkey",
    "org_requires_expiring_key": (
        "This organization requires API keys with an expiration date. "
        "Please use a different key or update this key with an expiration date."
    ),
    "unknown_error": "Unknown error",
    "service_unavailable": "Service unavailable",
}
# Human texts used by --docs-shapes error bodies ({"error": <text>, "status": "KO"}).
DOCS_ERROR_TEXT = {
    "invalid_apikey": "Invalid API key",
    "no_key_provided": "Invalid API key",
    "no_jwt_apikey_or_subkey": "Invalid API key",
    "invalid_jwt": "Invalid API key",
    "cannot_access_organization": "Admin role required",
    "not_found": "Not found",
}


class HttpError(Exception):
    """An error answered with the Capgo error envelope."""

    def __init__(self, status, code, message=None, more_info=None, headers=None):
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message if message is not None else MESSAGES.get(code, code)
        self.more_info = more_info if more_info is not None else {}
        self.headers = headers or {}


class _Missing:
    """Marker of an absent JSON property (JS undefined)."""

    def __repr__(self):
        return "undefined"


MISSING = _Missing()


# ---------------------------------------------------------------------------
# Time helpers
# ---------------------------------------------------------------------------

def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def _parse_ts(value):
    if value is None or isinstance(value, datetime.datetime):
        return value
    text = str(value).strip().replace(" ", "T")
    if text.endswith("Z") or text.endswith("z"):
        text = text[:-1] + "+00:00"
    parsed = datetime.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed.astimezone(datetime.timezone.utc)


def pgrst_timestamp(value):
    """Render a timestamptz as PostgREST does: ``2026-07-24T19:50:56.12345+00:00``."""
    if value is None:
        return None
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += (".%06d" % value.microsecond).rstrip("0")
    return text + "+00:00"


def js_iso_timestamp(value):
    """Render a timestamp as JavaScript's ``Date.toISOString()``."""
    if value is None:
        return None
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (value.microsecond // 1000)


# ---------------------------------------------------------------------------
# Text normalisation
# ---------------------------------------------------------------------------

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
    return isinstance(value, str) and EMAIL_RE.match(value) is not None


# --- WHATWG URL parsing (special schemes http/https only) -------------------

_C0_SPACE = "".join(chr(c) for c in range(0x21))
_FORBIDDEN_HOST = set("\x00\t\n\r #/:<>?@[\\]^|")
_QUERY_SET = set(' "#<>')
_SPECIAL_QUERY_SET = _QUERY_SET | {"'"}
_PATH_SET = _QUERY_SET | set("?`{}")
_FRAGMENT_SET = set(' "<>`')
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _pct_encode(text, encode_set):
    out = []
    for char in text:
        code = ord(char)
        if code < 0x20 or code > 0x7E or char in encode_set:
            out.append("".join("%%%02X" % b for b in char.encode("utf-8", "surrogatepass")))
        else:
            out.append(char)
    return "".join(out)


def _ipv4_number(part):
    if part == "":
        return None
    radix = 10
    if len(part) >= 2 and part[:2] in ("0x", "0X"):
        part, radix = part[2:], 16
    elif len(part) >= 2 and part[0] == "0":
        part, radix = part[1:], 8
    if part == "":
        return 0
    digits = {10: "0123456789", 16: "0123456789abcdefABCDEF", 8: "01234567"}[radix]
    if any(c not in digits for c in part):
        return None
    return int(part, radix)


def _ends_in_number(host):
    parts = host.split(".")
    if parts[-1] == "":
        if len(parts) == 1:
            return False
        parts.pop()
    last = parts[-1]
    if last and all(c in "0123456789" for c in last):
        return True
    if last[:2] in ("0x", "0X") and all(c in "0123456789abcdefABCDEF" for c in last[2:]):
        return True
    return False


def _parse_ipv4(host):
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if len(parts) > 4:
        return None
    numbers = []
    for part in parts:
        number = _ipv4_number(part)
        if number is None:
            return None
        numbers.append(number)
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        return None
    value = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        value += number * 256 ** (3 - index)
    return ".".join(str((value >> shift) & 255) for shift in (24, 16, 8, 0))


def _serialize_ipv6(text):
    if "%" in text:
        return None
    try:
        address = ipaddress.IPv6Address(text)
    except ValueError:
        return None
    pieces = [int(p, 16) for p in address.exploded.split(":")]
    best_start, best_len, index = -1, 1, 0
    while index < 8:
        if pieces[index] == 0:
            end = index
            while end < 8 and pieces[end] == 0:
                end += 1
            if end - index > best_len:
                best_start, best_len = index, end - index
            index = end
        else:
            index += 1
    if best_start < 0:
        return ":".join("%x" % p for p in pieces)
    head = ":".join("%x" % p for p in pieces[:best_start])
    tail = ":".join("%x" % p for p in pieces[best_start + best_len:])
    return head + "::" + tail


def _domain_to_ascii(domain):
    domain = domain.translate({0x3002: ".", 0xFF0E: ".", 0xFF61: "."})
    if not domain.isascii():
        domain = unicodedata.normalize("NFKC", domain)
        for ignored in ("\u00ad", "\u200b", "\u2060", "\ufeff", "\u034f"):
            domain = domain.replace(ignored, "")
        domain = domain.translate({0x3002: ".", 0xFF0E: ".", 0xFF61: "."})
    domain = domain.lower()
    labels = []
    for label in domain.split("."):
        if label.isascii():
            labels.append(label)
        else:
            try:
                labels.append("xn--" + label.encode("punycode").decode("ascii"))
            except UnicodeError:
                return None
    result = ".".join(labels)
    return result or None


def _parse_host(text):
    if text.startswith("["):
        if not text.endswith("]"):
            return None
        inner = _serialize_ipv6(text[1:-1])
        return None if inner is None else "[" + inner + "]"
    domain = unquote(text, encoding="utf-8", errors="replace")
    ascii_domain = _domain_to_ascii(domain) or ""
    if not ascii_domain:
        return None
    for char in str(ascii_domain):
        if char in _FORBIDDEN_HOST or ord(char) < 0x20 or char in "%\x7f":
            return None
    if _ends_in_number(ascii_domain):
        return _parse_ipv4(ascii_domain)
    return ascii_domain


def _parse_path(text):
    segments = []
    if text:
        text = text[1:]
        raw_segments = re.split(r"[/\\]", text)
    else:
        raw_segments = [""]
    last = len(raw_segments) - 1
    for index, raw in enumerate(raw_segments):
        lowered = raw.lower()
        if lowered in ("..", ".%2e", "%2e.", "%2e%2e"):
            if segments:
                segments.pop()
            if index == last:
                segments.append("")
        elif lowered in (".", "%2e"):
            if index == last:
                segments.append("")
        else:
            segments.append(_pct_encode(raw, _PATH_SET))
    return "".join("/" + s for s in segments)


def whatwg_parse_http(url):
    """Parse an http(s) URL like the WHATWG URL parser. Returns a dict or None."""
    url = url.strip(_C0_SPACE)
    url = re.sub(r"[\t\n\r]", "", url)
    match = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", url)
    if not match:
        return None
    scheme = match.group(1).lower()
    if scheme not in _DEFAULT_PORTS:
        return None
    rest = url[match.end():].lstrip("/\\")
    end = len(rest)
    for index, char in enumerate(rest):
        if char in "/\\?#":
            end = index
            break
    authority, rest = rest[:end], rest[end:]
    username = password = ""
    if "@" in authority:
        userinfo, _sep, authority = authority.rpartition("@")
        username, _sep, password = userinfo.partition(":")
        if authority == "":
            return None
    if authority.startswith("["):
        close = authority.find("]")
        if close < 0:
            return None
        host_text, after = authority[:close + 1], authority[close + 1:]
        if after and not after.startswith(":"):
            return None
        port_text = after[1:] if after else ""
    else:
        host_text, _sep, port_text = authority.partition(":")
    if host_text == "":
        return None
    port = None
    if port_text:
        if not all(c in "0123456789" for c in port_text):
            return None
        port = int(port_text)
        if port > 65535:
            return None
        if port == _DEFAULT_PORTS[scheme]:
            port = None
    host = _parse_host(host_text)
    if host is None:
        return None
    fragment = query = None
    if "#" in rest:
        rest, fragment = rest.split("#", 1)
    if "?" in rest:
        rest, query = rest.split("?", 1)
    path = _parse_path(rest)
    href = scheme + "://"
    if username or password:
        href += _pct_encode(username, set(' "#<>?`{}/:;=@[\\]^|'))
        if password:
            href += ":" + _pct_encode(password, set(' "#<>?`{}/:;=@[\\]^|'))
        href += "@"
    href += host + (":%d" % port if port is not None else "") + path
    if query is not None:
        href += "?" + _pct_encode(query, _SPECIAL_QUERY_SET)
    if fragment is not None:
        href += "#" + _pct_encode(fragment, _FRAGMENT_SET)
    return {"scheme": scheme, "username": username, "password": password, "host": host,
            "port": port, "path": path, "query": query, "fragment": fragment, "href": href}


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


# ---------------------------------------------------------------------------
# Minimal zod v4 style validation
# ---------------------------------------------------------------------------

def _received(value):
    if value is MISSING:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _type_issue(expected, value, path):
    return {"expected": expected, "code": "invalid_type", "path": path,
            "message": "Invalid input: expected %s, received %s" % (expected, _received(value))}


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_int(value):
    return _is_number(value) and float(value).is_integer() and abs(value) <= 9007199254740991


def _num(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _field(kind, optional=True, nullable=False, **opts):
    spec = {"kind": kind, "optional": optional, "nullable": nullable}
    spec.update(opts)
    return spec


POLICY_SCHEMA = {
    "enabled": _field("boolean", optional=False),
    "min_length": _field("int", optional=False, min=6, max=72),
    "require_uppercase": _field("boolean", optional=False),
    "require_number": _field("boolean", optional=False),
    "require_special": _field("boolean", optional=False),
}


def _check(value, spec, path, issues):
    if value is MISSING and spec["optional"]:
        return MISSING
    if value is None and spec["nullable"]:
        return None
    kind = spec["kind"]
    if kind in ("string", "email"):
        if not isinstance(value, str):
            issues.append(_type_issue("string", value, path))
            return MISSING
        if "min" in spec and utf16_length(value) < spec["min"]:
            issues.append({"origin": "string", "code": "too_small", "minimum": spec["min"], "inclusive": True, "path": path,
                           "message": "Too small: expected string to have >=%d characters" % spec["min"]})
        if kind == "email" and not is_valid_email(value):
            issues.append({"origin": "string", "code": "invalid_format", "format": "email", "pattern": EMAIL_PATTERN,
                           "path": path, "message": "Invalid email address"})
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            issues.append(_type_issue("boolean", value, path))
        return value
    if kind in ("number", "int"):
        if not _is_number(value):
            issues.append(_type_issue("number", value, path))
            return MISSING
        if kind == "int" and not _is_int(value):
            issue = _type_issue("int", value, path)
            issue["format"] = "safeint"
            issues.append(issue)
            return MISSING
        if "min" in spec and value < spec["min"]:
            issues.append({"origin": "number", "code": "too_small", "minimum": spec["min"], "inclusive": True, "path": path,
                           "message": "Too small: expected number to be >=%s" % spec["min"]})
        if "max" in spec and value > spec["max"]:
            issues.append({"origin": "number", "code": "too_big", "maximum": spec["max"], "inclusive": True, "path": path,
                           "message": "Too big: expected number to be <=%s" % spec["max"]})
        return _num(value)
    if kind == "numeric":
        if isinstance(value, str) and re.match(r"^\s*-?\d+(\.\d+)?\s*$", value):
            return _num(float(value))
        if not _is_number(value):
            issues.append(_type_issue("number", value, path))
            return MISSING
        return _num(value)
    if kind == "enum":
        if value not in spec["values"] or not isinstance(value, str):
            issues.append({"code": "invalid_value", "values": list(spec["values"]), "path": path,
                           "message": "Invalid option: expected one of %s" % "|".join('"%s"' % v for v in spec["values"])})
        return value
    if kind == "object":
        if not isinstance(value, dict):
            issues.append(_type_issue("object", value, path))
            return MISSING
        return _validate_object(value, spec["schema"], path, issues)
    raise ValueError(kind)


def _validate_object(value, schema, path, issues):
    result = {}
    for name, spec in schema.items():
        checked = _check(value.get(name, MISSING), spec, path + [name], issues)
        if checked is not MISSING and name in value:
            result[name] = checked
    return result


def validate(body, schema):
    """Validate a parsed body; raise 400 invalid_body with a SchemaError on failure."""
    issues = []
    if not isinstance(body, dict):
        issues.append(_type_issue("object", body, []))
        result = {}
    else:
        result = _validate_object(body, schema, [], issues)
    if issues:
        raise HttpError(400, "invalid_body", more_info={"error": {"name": "SchemaError", "issues": issues}})
    return result


GET_ORG_SCHEMA = {"orgId": _field("string"), "page": _field("number")}
POST_ORG_SCHEMA = {
    "name": _field("string", optional=False, min=3),
    "email": _field("email"),
    "estimatedMau": _field("int", min=0, max=1000000),
    "website": _field("string"),
    "intent": _field("enum", values=INTENTS),
}
PUT_ORG_SCHEMA = {
    "orgId": _field("string", optional=False),
    "logo": _field("string"),
    "name": _field("string"),
    "management_email": _field("email"),
    "website": _field("string", nullable=True),
    "require_apikey_expiration": _field("boolean"),
    "max_apikey_expiration_days": _field("number", nullable=True),
    "enforce_hashed_api_keys": _field("boolean"),
    "enforce_encrypted_bundles": _field("boolean"),
    "required_encryption_key": _field("string", nullable=True),
    "enforcing_2fa": _field("boolean"),
    "password_policy_config": _field("object", nullable=True, schema=POLICY_SCHEMA),
}
MEMBERS_GET_SCHEMA = {"orgId": _field("string", optional=False)}
MEMBERS_POST_SCHEMA = {
    "orgId": _field("string", optional=False),
    "email": _field("email", optional=False),
    "invite_type": _field("enum", optional=False, values=list(INVITE_TYPES)),
}
MEMBERS_DELETE_SCHEMA = {"orgId": _field("string", optional=False), "email": _field("email", optional=False)}
AUDIT_SCHEMA = {
    "orgId": _field("string", optional=False),
    "tableName": _field("string"),
    "operation": _field("string"),
    "page": _field("numeric"),
    "limit": _field("numeric"),
}


# ---------------------------------------------------------------------------
# State
# ---------------------------------------------------------------------------

class _Key:
    """An API key (plain, hashed or limited subkey)."""

    def __init__(self, key_id, name, value, owner_id, org_create=False, expires_at=None, hashed=False, parent=None):
        self.id = key_id
        self.name = name
        self.value = value
        self.owner_id = owner_id
        self.org_create = org_create
        self.expires_at = expires_at
        self.hashed = hashed
        self.parent = parent
        self.roles = {}

    def describe(self):
        return {
            "id": self.id, "name": self.name, "owner_id": self.owner_id, "org_create": self.org_create,
            "expires_at": js_iso_timestamp(self.expires_at), "hashed": self.hashed, "subkey_of": self.parent,
            "roles": dict(self.roles),
        }


class _Principal:
    """Who is calling: an API key (possibly a subkey) or a JWT user."""

    def __init__(self, kind, user, key=None, label=None):
        self.kind = kind
        self.user = user
        self.key = key
        self.label = label


class SeedError(ValueError):
    """The seed document is invalid."""


def _default_seed(admin_key):
    return {
        "users": [{"email": "admin@example.com"}],
        "orgs": [{"name": "Default organization", "created_by": "admin@example.com"}],
        "keys": [{"name": "admin", "key": admin_key, "owner": "admin@example.com", "org_create": True,
                  "roles": {"Default organization": "org_super_admin"}}],
    }


class _State:
    """All mutable data of the emulated backend."""

    def __init__(self):
        self.users = {}
        self.users_by_email = {}
        self.jwts = {}
        self.keys = {}
        self.keys_by_value = {}
        self.keys_by_name = {}
        self.orgs = {}
        self.org_seq = {}
        self.members = {}
        self.tmp_invites = {}
        self.tombstones = set()
        self.enforcing_hashed = set()
        self.missing_objects = set()
        self.audit = []
        self.next_seq = 0
        self.next_key_id = 0
        self.next_audit_id = 0

    # --- users ----------------------------------------------------------
    def add_user(self, email, user_id=None, has_2fa=False, image_url=""):
        if email in self.users_by_email:
            return self.users_by_email[email]
        user = {"id": user_id or str(uuid.uuid4()), "email": email, "has_2fa": bool(has_2fa), "image_url": image_url or ""}
        self.users[user["id"]] = user
        self.users_by_email[email] = user
        return user

    def user_for(self, email):
        if not isinstance(email, str) or not email:
            raise SeedError("expected a user email, got %r" % (email,))
        return self.add_user(email)

    # --- orgs -----------------------------------------------------------
    def new_org_id(self):
        while True:
            org_id = str(uuid.uuid4())
            if org_id not in self.orgs and org_id not in self.tombstones:
                return org_id

    def insert_org(self, row, members=None):
        org_id = row["id"]
        if org_id in self.orgs or org_id in self.tombstones:
            raise SeedError("organization id %s already used" % org_id)
        self.orgs[org_id] = row
        self.next_seq += 1
        self.org_seq[org_id] = self.next_seq
        self.members[org_id] = members if members is not None else {}
        if row.get("enforce_hashed_api_keys"):
            self.enforcing_hashed.add(org_id)

    def delete_org(self, org_id):
        self.orgs.pop(org_id, None)
        self.org_seq.pop(org_id, None)
        self.members.pop(org_id, None)
        self.tmp_invites.pop(org_id, None)
        self.enforcing_hashed.discard(org_id)
        self.tombstones.add(org_id)
        for key in self.keys.values():
            key.roles.pop(org_id, None)

    def add_audit(self, org_id, table, operation, record_id, user_id, old=None, new=None):
        self.next_audit_id += 1
        changed = []
        if old is not None and new is not None:
            changed = [k for k in new if old.get(k) != new.get(k)]
        self.audit.append({
            "id": self.next_audit_id, "created_at": _now(), "org_id": org_id, "table_name": table,
            "operation": operation, "record_id": record_id, "user_id": user_id,
            "changed_fields": changed, "old_record": old, "new_record": new,
        })

    # --- keys -----------------------------------------------------------
    def add_key(self, name, value, owner, org_create=False, expires_at=None, hashed=False, parent=None, key_id=None):
        if name in self.keys_by_name:
            raise SeedError("duplicate key name %r" % name)
        if value in self.keys_by_value:
            raise SeedError("duplicate key value for %r" % name)
        if key_id is None:
            self.next_key_id += 1
            key_id = self.next_key_id
        else:
            key_id = int(key_id)
            if key_id in self.keys:
                raise SeedError("duplicate key id %r" % key_id)
            self.next_key_id = max(self.next_key_id, key_id)
        key = _Key(key_id, name, value, owner["id"], org_create, expires_at, hashed, parent)
        self.keys[key_id] = key
        self.keys_by_value[value] = key
        self.keys_by_name[name] = key
        return key


def _new_org_row(org_id, creator, name, email, now):
    row = {column: None for column in ORG_COLUMNS}
    row.update({
        "id": org_id, "created_by": creator["id"], "created_at": now, "updated_at": now, "name": name,
        "management_email": email, "customer_id": "pending_%s" % org_id, "enforcing_2fa": False,
        "email_preferences": {k: True for k in EMAIL_PREFERENCES}, "enforce_hashed_api_keys": False,
        "require_apikey_expiration": False, "enforce_encrypted_bundles": False, "has_usage_credits": False,
        "onboarding": {"intent": "unknown"},
    })
    return row


def build_state(seed):
    """Build a _State from a seed document (see the module docstring)."""
    if not isinstance(seed, dict):
        raise SeedError("the seed must be a JSON object")
    state = _State()
    for user in seed.get("users") or []:
        if not isinstance(user, dict) or not isinstance(user.get("email"), str):
            raise SeedError("each user needs an email")
        record = state.add_user(user["email"], user.get("id"), user.get("has_2fa", False), user.get("image_url", ""))
        if user.get("jwt"):
            state.jwts[user["jwt"]] = record
    default_creator = next(iter(state.users.values()), None)
    now = _now()
    by_name = {}
    for org in seed.get("orgs") or []:
        if not isinstance(org, dict) or not isinstance(org.get("name"), str):
            raise SeedError("each org needs a name")
        org_id = org.get("id") or state.new_org_id()
        if org.get("created_by"):
            creator = state.user_for(org["created_by"])
        else:
            creator = default_creator or state.add_user("admin@example.com")
            default_creator = creator
        row = _new_org_row(org_id, creator, org["name"], org.get("management_email", creator["email"]), now)
        for column in ORG_COLUMNS:
            if column in org and column not in ("id", "created_by", "name"):
                row[column] = _parse_ts(org[column]) if column in TIMESTAMP_COLUMNS else copy.deepcopy(org[column])
        members = {}
        tmp = []
        seed_members = org.get("members")
        if seed_members is None:
            seed_members = [{"email": creator["email"], "role": "org_super_admin"}]
        for member in seed_members:
            role = member.get("role", "org_member")
            if role not in ROLE_RANK:
                raise SeedError("unknown role %r" % role)
            email = member.get("email")
            if member.get("is_tmp") and email not in state.users_by_email:
                tmp.append({"uid": str(uuid.uuid4()), "email": email, "role": role, "is_tmp": True})
                continue
            user = state.user_for(email)
            members[user["id"]] = {"uid": user["id"], "email": user["email"], "role": role, "is_tmp": bool(member.get("is_tmp"))}
        state.insert_org(row, members)
        if tmp:
            state.tmp_invites[org_id] = tmp
        by_name.setdefault(org["name"], org_id)

    def resolve_org(ref):
        if ref in state.orgs:
            return ref
        if ref in by_name:
            return by_name[ref]
        raise SeedError("unknown organization %r in key roles" % ref)

    for spec in seed.get("keys") or []:
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            raise SeedError("each key needs a name")
        owner = state.user_for(spec.get("owner") or (default_creator or state.add_user("admin@example.com"))["email"])
        expires = _parse_ts(spec.get("expires_at"))
        key = state.add_key(spec["name"], spec.get("key") or str(uuid.uuid4()), owner, bool(spec.get("org_create")),
                            expires, bool(spec.get("hashed")), spec.get("subkey_of"), spec.get("id"))
        for ref, role in (spec.get("roles") or {}).items():
            if role not in ROLE_RANK:
                raise SeedError("unknown role %r" % role)
            key.roles[resolve_org(ref)] = role
    for key in state.keys.values():
        if key.parent is not None and key.parent not in state.keys_by_name:
            raise SeedError("subkey_of names an unknown key %r" % key.parent)
    for bulk in seed.get("bulk_orgs") or []:
        count = int(bulk.get("count", 0))
        prefix = bulk.get("name_prefix", "org-")
        creator = state.user_for(bulk["created_by"]) if bulk.get("created_by") else (default_creator or state.add_user("admin@example.com"))
        bindings = []
        for key_name, role in (bulk.get("key_roles") or {}).items():
            if key_name not in state.keys_by_name or role not in ROLE_RANK:
                raise SeedError("bulk_orgs: unknown key %r or role %r" % (key_name, role))
            bindings.append((state.keys_by_name[key_name], role))
        for index in range(1, count + 1):
            org_id = state.new_org_id()
            row = _new_org_row(org_id, creator, "%s%d" % (prefix, index), creator["email"], now)
            state.insert_org(row, {creator["id"]: {"uid": creator["id"], "email": creator["email"], "role": "org_super_admin", "is_tmp": False}})
            for key, role in bindings:
                key.roles[org_id] = role
    state.missing_objects = set(seed.get("missing_storage_objects") or [])
    return state


# ---------------------------------------------------------------------------
# The application (routing, auth, handlers)
# ---------------------------------------------------------------------------

class _Response:
    """What the HTTP layer writes back."""

    def __init__(self, status, payload, headers=None, error=None, key_label=None):
        self.status = status
        self.payload = payload
        self.headers = headers or {}
        self.error = error
        self.key_label = key_label
        self.drop = False
        self.fault = None


class _Request:
    """A parsed HTTP request."""

    def __init__(self, method, path, query, headers, body):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.principal = None

    def header(self, name):
        value = self.headers.get(name)
        return value if value else None


ROUTES = {
    "/organization": ("org", {"GET", "PUT", "POST", "DELETE"}),
    "/organization/members": ("members", {"GET", "POST", "DELETE"}),
    "/organization/audit": ("audit", {"GET"}),
}


class CapgoApp:
    """Request handling of the emulator; thread-safe (one lock for all state)."""

    def __init__(self, seed, docs_shapes=False, rate_limit_per_key=2000, failed_auth_limit=20, base_url=None):
        self.initial_seed = seed
        self.docs_shapes = docs_shapes
        self.rate_limit_per_key = rate_limit_per_key
        self.failed_auth_limit = failed_auth_limit
        self.base_url = base_url
        self.lock = threading.RLock()
        self.state = build_state(seed)
        self.failed_auth = {}
        self.key_usage = {}

    # --- control --------------------------------------------------------
    def reset(self, seed=None):
        seed = self.initial_seed if seed is None else seed
        state = build_state(seed)
        with self.lock:
            self.state = state
            self.failed_auth = {}
            self.key_usage = {}
            return self.summary()

    def summary(self):
        return {"keys": {k.name: k.value for k in self.state.keys.values()}, "orgs": list(self.state.orgs)}

    def dump_state(self):
        with self.lock:
            state = self.state
            orgs = []
            for org_id, row in state.orgs.items():
                item = {c: (pgrst_timestamp(row[c]) if c in TIMESTAMP_COLUMNS else row[c]) for c in ORG_COLUMNS}
                item["members"] = list(state.members[org_id].values()) + list(state.tmp_invites.get(org_id, []))
                orgs.append(item)
            return copy.deepcopy({
                "orgs": orgs,
                "keys": [k.describe() for k in state.keys.values()],
                "users": [{"id": u["id"], "email": u["email"], "has_2fa": u["has_2fa"], "image_url": u["image_url"]}
                          for u in state.users.values()],
                "tombstones": sorted(state.tombstones),
                "missing_storage_objects": sorted(state.missing_objects),
                "audit_rows": len(state.audit),
            })

    # --- entry point ----------------------------------------------------
    def handle(self, req):
        """Answer one API request (never raises)."""
        route = ROUTES.get(req.path[:-1] if req.path.endswith("/") and len(req.path) > 1 else req.path)
        method = "GET" if req.method == "HEAD" else req.method
        if route is None or (method not in route[1] and method != "OPTIONS"):
            payload = {"error": "not_found", "message": "Not found"}
            if self.docs_shapes:
                payload = {"error": "Not found", "status": "KO"}
            return _Response(404, payload, error="not_found")
        if method == "OPTIONS":
            return _Response(204, None, headers={
                "Access-Control-Allow-Methods": "POST,GET,PUT,PATCH,DELETE,OPTIONS",
                "Access-Control-Allow-Headers": "Content-Type,Authorization,X-Capgo-Spoof-Admin-Authorization,capgkey,"
                                                "capgo_api,x-api-key,x-limited-key-id,apisecret,apikey,x-client-info",
            })
        handler = getattr(self, "_%s_%s" % (route[0], method.lower()))
        try:
            with self.lock:
                status, payload = handler(req)
            response = _Response(status, self._docs_success(route[0], method, payload) if self.docs_shapes else payload)
        except HttpError as err:
            response = self._error_response(err)
        except Exception:  # pylint: disable=broad-except
            response = self._error_response(HttpError(500, "unknown_error"))
        if req.principal is not None:
            response.key_label = req.principal.label
        return response

    def _error_response(self, err):
        if self.docs_shapes:
            payload = {"error": DOCS_ERROR_TEXT.get(err.code, err.message), "status": "KO"}
        else:
            payload = {"error": err.code, "message": err.message, "moreInfo": err.more_info}
        return _Response(err.status, payload, headers=dict(err.headers), error=err.code)

    def fault_429(self, retry_after):
        now = time.time()
        reset = now + retry_after
        err = HttpError(429, "too_many_requests", more_info={
            "reason": "api_key_rate_limit_exceeded", "rateLimitResetAt": int(reset * 1000), "retryAfterSeconds": int(retry_after)},
            headers={"Retry-After": str(int(retry_after)), "X-RateLimit-Reset": str(int(math.ceil(reset)))})
        return self._error_response(err)

    def fault_503(self):
        return self._error_response(HttpError(503, "service_unavailable"))

    @staticmethod
    def _docs_success(route, method, payload):
        if route == "org":
            if method == "GET":
                return {"data": payload}
            if method == "POST":
                return {"status": "Organization created", "id": payload["id"]}
            if method == "PUT":
                data = payload["data"]
                return {"status": "Organization updated", "data": {k: data.get(k) for k in ("id", "name", "management_email")}}
            return {"status": "ok"}
        if route == "members":
            if method == "GET":
                return {"data": payload}
            return {"status": "OK"}
        return payload

    # --- auth -----------------------------------------------------------
    @staticmethod
    def _client_ip(req):
        for name in ("cf-connecting-ip", "x-forwarded-for", "x-real-ip"):
            value = req.header(name)
            if value:
                return value.split(",")[0].strip()
        return None

    def _check_failed_auth(self, ip):
        if ip is None or not self.failed_auth_limit:
            return
        entry = self.failed_auth.get(ip)
        now = time.time()
        if entry and entry[0] >= self.failed_auth_limit and entry[1] > now:
            retry = int(math.ceil(entry[1] - now))
            raise HttpError(429, "too_many_requests", more_info={
                "reason": "too_many_failed_auth_attempts", "rateLimitResetAt": int(entry[1] * 1000), "retryAfterSeconds": retry},
                headers={"Retry-After": str(retry), "X-RateLimit-Reset": str(int(math.ceil(entry[1])))})

    def _fail(self, ip, status, code, message=None):
        if ip is not None:
            now = time.time()
            count, until = self.failed_auth.get(ip, (0, 0.0))
            if until <= now:
                count = 0
            self.failed_auth[ip] = (count + 1, now + FAILED_AUTH_BLOCK_SECONDS)
        raise HttpError(status, code, message)

    def _find_key(self, value):
        key = self.state.keys_by_value.get(value)
        if key is None:
            return None
        if key.expires_at is not None and key.expires_at <= _now():
            return None
        if not key.hashed and not self.state.enforcing_hashed.isdisjoint(key.roles.keys()):
            return None
        return key

    def _authenticate(self, req, mode):
        ip = self._client_ip(req)
        self._check_failed_auth(ip)
        sub = req.header("x-limited-key-id")

        def check_sub_format():
            if sub is not None and (not SUBKEY_RE.match(sub) or int(sub) > 9007199254740991):
                self._fail(ip, 401, "invalid_subkey", "Invalid x-limited-key-id")

        if mode == "key":
            check_sub_format()
            value = req.header("capgkey") or req.header("authorization")
            if not value:
                self._fail(ip, 401, "no_key_provided")
        else:
            authorization = req.header("authorization")
            if authorization and UUID_RE.match(authorization):
                value = authorization
            elif authorization:
                token = authorization[7:] if authorization[:7].lower() == "bearer " else authorization
                user = self.state.jwts.get(token.strip())
                if user is None:
                    self._fail(ip, 401, "invalid_jwt")
                req.principal = _Principal("jwt", user, label="jwt:%s" % user["email"])
                return req.principal
            else:
                value = req.header("capgkey") or req.header("x-api-key")
                if not value:
                    self._fail(ip, 401, "no_jwt_apikey_or_subkey")
            check_sub_format()
        key = self._find_key(value)
        if key is None:
            self._fail(ip, 401, "invalid_apikey")
        principal_key = key
        if sub is not None:
            subkey = self.state.keys.get(int(sub))
            if (subkey is None or subkey.parent != key.name or subkey.owner_id != key.owner_id
                    or (subkey.expires_at is not None and subkey.expires_at <= _now())):
                raise HttpError(401, "invalid_subkey", "Invalid subkey")
            if not subkey.roles:
                raise HttpError(401, "invalid_subkey", "Invalid subkey, no limited apps or orgs")
            principal_key = subkey
        self._count_key(key)
        user = self.state.users.get(key.owner_id)
        req.principal = _Principal("apikey", user, principal_key, label=principal_key.name)
        return req.principal

    def _count_key(self, key):
        if not self.rate_limit_per_key:
            return
        now = time.time()
        count, last = self.key_usage.get(key.id, (0, 0.0))
        if now - last > KEY_WINDOW_SECONDS:
            count = 0
        count += 1
        self.key_usage[key.id] = (count, now)
        if count >= self.rate_limit_per_key:
            reset = now + KEY_WINDOW_SECONDS
            raise HttpError(429, "too_many_requests", more_info={
                "reason": "api_key_rate_limit_exceeded", "apikey_id": key.id, "rateLimitResetAt": int(reset * 1000),
                "retryAfterSeconds": KEY_WINDOW_SECONDS},
                headers={"Retry-After": str(KEY_WINDOW_SECONDS), "X-RateLimit-Reset": str(int(math.ceil(reset)))})

    # --- permissions ----------------------------------------------------
    def _role(self, principal, org_id):
        if org_id not in self.state.orgs:
            return None
        if principal.kind == "apikey":
            return principal.key.roles.get(org_id)
        member = self.state.members[org_id].get(principal.user["id"])
        if member is None or member["is_tmp"]:
            return None
        return member["role"]

    def _rank(self, principal, org_id):
        return ROLE_RANK.get(self._role(principal, org_id), 0)

    def _can(self, principal, org_id, permission):
        if not isinstance(org_id, str):
            return False
        role = self._role(principal, org_id)
        if role is None:
            return False
        if principal.kind == "jwt" and self.state.orgs[org_id].get("enforcing_2fa") and not principal.user["has_2fa"]:
            return False
        return role in PERMISSIONS[permission]

    def _check_policy(self, principal, org_id):
        if principal.kind != "apikey":
            return
        org = self.state.orgs.get(org_id)
        if org and org.get("require_apikey_expiration") and principal.key.expires_at is None:
            raise HttpError(401, "org_requires_expiring_key")

    # --- parameters -----------------------------------------------------
    @staticmethod
    def _params(req):
        """``getBodyOrQuery``."""
        body = MISSING
        if req.body:
            try:
                text = req.body.decode("utf-8")
                if text.startswith("\ufeff"):
                    text = text[1:]
                body = json.loads(text, parse_constant=_reject_constant)
            except (ValueError, UnicodeDecodeError):
                body = MISSING
        if body is MISSING:
            query = {}
            for name, value in parse_qsl(req.query, keep_blank_values=True):
                query.setdefault(name, value)
            body = query
        if req.method not in ("GET", "HEAD") and (
                body is None or isinstance(body, bool) or _is_number(body) or
                (isinstance(body, (dict, list, str)) and len(body) == 0)):
            raise HttpError(400, "invalid_json_parse_body")
        return body

    # --- rendering ------------------------------------------------------
    def _sign(self, path):
        if path in self.state.missing_objects:
            return None
        now = int(time.time())
        header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=").decode()
        claims = json.dumps({"url": "images/" + path, "iat": now, "exp": now + SIGNED_URL_TTL, "jti": secrets.token_hex(8)})
        body = base64.urlsafe_b64encode(claims.encode()).rstrip(b"=").decode()
        signature = base64.urlsafe_b64encode(hashlib.sha256((header + body + secrets.token_hex(16)).encode()).digest()).rstrip(b"=").decode()
        return "%s/storage/v1/object/sign/images/%s?token=%s.%s.%s" % (
            (self.base_url or "").rstrip("/"), quote(path, safe="/;,?:@&=+$-_.!~*'()#"), header, body, signature)

    def _read_logo(self, value):
        if value is None or value == "" or "://" in value:
            return value
        return self._sign(value)

    def _public_row(self, row):
        if not is_valid_email(row.get("management_email")) or row.get("created_at") is None or row.get("updated_at") is None:
            return None
        return self._render_row(row, GET_FIELDS, pgrst_timestamp)

    def _full_row(self, row):
        return self._render_row(row, ORG_COLUMNS, js_iso_timestamp)

    def _render_row(self, row, columns, format_timestamp):
        """The row as an answer shows it: these columns, timestamps in the route's format, logo signed."""
        out = {}
        for column in columns:
            value = row.get(column)
            if column in TIMESTAMP_COLUMNS:
                value = format_timestamp(value)
            elif column == "logo":
                value = self._read_logo(value)
            out[column] = copy.deepcopy(value)
        return out

    # --- /organization --------------------------------------------------
    def _org_get(self, req):
        principal = self._authenticate(req, "key")
        data = validate(self._params(req), GET_ORG_SCHEMA)
        org_id = data.get("orgId")
        if org_id:
            if not self._can(principal, org_id, "org.read"):
                raise HttpError(400, "invalid_org_id", more_info={"org_id": org_id})
            self._check_policy(principal, org_id)
            out = self._public_row(self.state.orgs[org_id])
            if out is None:
                raise HttpError(400, "cannot_parse_organization", more_info={"error": "invalid organization row"})
            return 200, out
        page = data.get("page", 0)
        start = page * PAGE_SIZE
        if page < 0 or not float(start).is_integer():
            raise HttpError(400, "cannot_get_organizations", more_info={"error": {
                "code": "PGRST103", "details": None, "hint": None, "message": "Requested range not satisfiable"}})
        start = int(start)
        seq = self.state.org_seq
        readable = sorted((o for o in principal.key.roles if o in seq), key=seq.__getitem__)
        rows = []
        for org_id in readable[start:start + PAGE_SIZE]:
            out = self._public_row(self.state.orgs[org_id])
            if out is None:
                raise HttpError(400, "cannot_parse_organizations", more_info={"error": "invalid organization row"})
            rows.append(out)
        return 200, rows

    def _org_post(self, req):
        principal = self._authenticate(req, "auth")
        data = validate(self._params(req), POST_ORG_SCHEMA)
        try:
            website = normalize_website(data.get("website"))
        except InvalidWebsite:
            raise HttpError(400, "invalid_body", more_info={"error": "website_must_be_a_valid_url"}) from None
        if principal.kind == "apikey":
            key = principal.key
            admin_somewhere = any(role in ("org_admin", "org_super_admin") and org_id in self.state.orgs
                                  for org_id, role in key.roles.items())
            if not key.org_create or not admin_somewhere:
                raise HttpError(403, "permission_denied")
        user = principal.user
        org_id = self.state.new_org_id()
        row = _new_org_row(org_id, user, strip_html(data["name"]), strip_html(data.get("email", user["email"])), _now())
        row["website"] = website
        row["onboarding"] = {"intent": data.get("intent", "unknown")}
        members = {user["id"]: {"uid": user["id"], "email": user["email"], "role": "org_super_admin", "is_tmp": False}}
        self.state.insert_org(row, members)
        if principal.kind == "apikey":
            principal.key.roles[org_id] = "org_super_admin"
        self.state.add_audit(org_id, "orgs", "INSERT", org_id, user["id"], new=self._full_row(row))
        return 200, {"id": org_id}

    def _org_put(self, req):
        principal = self._authenticate(req, "auth")
        data = validate(self._params(req), PUT_ORG_SCHEMA)
        org_id = data["orgId"]
        if not self._can(principal, org_id, "org.update_settings"):
            raise HttpError(400, "cannot_access_organization", more_info={"orgId": org_id})
        self._check_policy(principal, org_id)
        if data.get("enforcing_2fa") is True and not principal.user.get("has_2fa"):
            raise HttpError(400, "requires_2fa_to_enforce_2fa")
        days = data.get("max_apikey_expiration_days")
        if days is not None and (not _is_int(days) or not 1 <= days <= 365):
            raise HttpError(400, "invalid_max_expiration_days")
        if "required_encryption_key" in data and data["required_encryption_key"] is not None:
            fingerprint = js_trim(data["required_encryption_key"]) or None
            if fingerprint is not None and utf16_length(fingerprint) not in (20, 21):
                raise HttpError(400, "invalid_required_encryption_key")
            data["required_encryption_key"] = fingerprint
        if "name" in data:
            name = js_trim(strip_html(data["name"]))
            if not name:
                raise HttpError(400, "invalid_body", more_info={"error": "sanitized_name_empty"})
            data["name"] = name
        if "website" in data:
            try:
                data["website"] = normalize_website(data["website"])
            except InvalidWebsite:
                raise HttpError(400, "invalid_body", more_info={"error": "website_must_be_a_valid_url"}) from None
        if "logo" in data:
            data["logo"] = normalize_logo(data["logo"])
        row = self.state.orgs[org_id]
        updates = {k: v for k, v in data.items() if k != "orgId"}
        if updates:
            for column in ("name", "management_email", "logo"):
                if column in updates:
                    updates[column] = strip_html(updates[column])
            new_row = dict(row)
            new_row.update(copy.deepcopy(updates))
            if new_row.get("enforcing_2fa") and (principal.kind == "apikey" or not principal.user.get("has_2fa")):
                raise HttpError(400, "cannot_update_org", more_info={
                    "error": 'new row violates row-level security policy for table "orgs"'})
            old = self._full_row(row)
            row.update(copy.deepcopy(updates))
            if row.get("enforce_hashed_api_keys"):
                self.state.enforcing_hashed.add(org_id)
            else:
                self.state.enforcing_hashed.discard(org_id)
            self.state.add_audit(org_id, "orgs", "UPDATE", org_id, principal.user["id"], old=old, new=self._full_row(row))
        return 200, {"status": "Organization updated", "id": org_id, "data": self._full_row(row)}

    def _org_delete(self, req):
        principal = self._authenticate(req, "key")
        body = self._params(req)
        org_id = body.get("orgId") if isinstance(body, dict) else None
        if not org_id:
            raise HttpError(400, "missing_org_id")
        if not self._can(principal, org_id, "org.delete"):
            raise HttpError(403, "invalid_org_id", "You can't delete this organization", {"org_id": org_id})
        old = self._full_row(self.state.orgs[org_id])
        self.state.add_audit(org_id, "orgs", "DELETE", org_id, principal.user["id"], old=old)
        self.state.delete_org(org_id)
        return 200, {"status": "ok"}

    # --- /organization/members ------------------------------------------
    def _members_get(self, req):
        principal = self._authenticate(req, "key")
        data = validate(self._params(req), MEMBERS_GET_SCHEMA)
        org_id = data["orgId"]
        if not self._can(principal, org_id, "org.read_members"):
            raise HttpError(400, "cannot_access_organization", more_info={"orgId": org_id})
        self._check_policy(principal, org_id)
        rows = []
        for member in list(self.state.members[org_id].values()) + self.state.tmp_invites.get(org_id, []):
            if not is_valid_email(member["email"]):
                raise HttpError(400, "cannot_parse_members", more_info={"error": "invalid member row"})
            user = self.state.users.get(member["uid"])
            image = (user or {}).get("image_url") or ""
            if image and "://" not in image:
                image = self._sign(image) or ""
            rows.append({"uid": member["uid"], "email": member["email"], "image_url": image,
                         "role": member["role"] or "org_member", "is_tmp": member["is_tmp"]})
        return 200, rows

    def _members_post(self, req):
        principal = self._authenticate(req, "key")
        body = self._params(req)
        if self.docs_shapes and isinstance(body, dict) and "invite_type" not in body and "role" in body:
            body = dict(body, invite_type=body["role"])
        data = validate(body, MEMBERS_POST_SCHEMA)
        org_id = data["orgId"]
        if not self._can(principal, org_id, "org.invite_user"):
            raise HttpError(400, "cannot_access_organization", more_info={"orgId": org_id})
        role = INVITE_TYPES[data["invite_type"]]
        result = "OK"
        if role == "org_super_admin" and not self._can(principal, org_id, "org.update_user_roles"):
            result = "NO_RIGHTS"
        elif ROLE_RANK[role] > self._rank(principal, org_id):
            result = "NO_RIGHTS"
        else:
            user = self.state.users_by_email.get(data["email"])
            if user is None:
                pending = any(t["email"] == data["email"] for t in self.state.tmp_invites.get(org_id, []))
                result = "ALREADY_INVITED" if pending else "NO_EMAIL"
            elif user["id"] in self.state.members[org_id]:
                result = "ALREADY_INVITED"
            else:
                self.state.members[org_id][user["id"]] = {"uid": user["id"], "email": user["email"], "role": role, "is_tmp": True}
                self.state.add_audit(org_id, "org_users", "INSERT", user["id"], principal.user["id"],
                                     new={"user_id": user["id"], "rbac_role_name": role, "is_invite": True})
        if result != "OK":
            raise HttpError(400, "error_inviting_user_to_organization", more_info={"data": result})
        return 200, {"status": "ok"}

    def _members_delete(self, req):
        principal = self._authenticate(req, "auth")
        data = validate(self._params(req), MEMBERS_DELETE_SCHEMA)
        org_id, email = data["orgId"], data["email"]
        if self._can(principal, org_id, "org.update_user_roles"):
            user = self.state.users_by_email.get(email)
            if user is None:
                raise HttpError(404, "user_not_found", more_info={"error": {
                    "code": "PGRST116", "details": "The result contains 0 rows", "hint": None,
                    "message": "JSON object requested, multiple (or no) rows returned"}})
        elif principal.kind == "jwt" and email.lower() == principal.user["email"].lower() and org_id in self.state.orgs:
            user = principal.user
        else:
            raise HttpError(400, "cannot_access_organization", more_info={"orgId": org_id})
        members = self.state.members[org_id]
        target = members.get(user["id"])
        if target is None:
            raise HttpError(404, "organization_member_not_found", more_info={"orgId": org_id, "email": email})
        target_rank = 0 if target["is_tmp"] else ROLE_RANK.get(target["role"], 0)
        if target_rank > self._rank(principal, org_id):
            raise HttpError(403, "cannot_delete_higher_priority_role")
        if not target["is_tmp"] and target["role"] == "org_super_admin":
            others = [m for m in members.values() if m is not target and not m["is_tmp"] and m["role"] == "org_super_admin"]
            if not others:
                raise HttpError(400, "CANNOT_REMOVE_LAST_SUPER_ADMIN")
        del members[user["id"]]
        self.state.add_audit(org_id, "org_users", "DELETE", user["id"], principal.user["id"],
                             old={"user_id": user["id"], "rbac_role_name": target["role"], "is_invite": target["is_tmp"]})
        return 200, {"status": "ok"}

    # --- /organization/audit --------------------------------------------
    def _audit_get(self, req):
        principal = self._authenticate(req, "auth")
        data = validate(self._params(req), AUDIT_SCHEMA)
        org_id = data["orgId"]
        if principal.kind == "apikey":
            if not self._can(principal, org_id, "org.read"):
                raise HttpError(400, "invalid_org_id", more_info={"org_id": org_id})
            self._check_policy(principal, org_id)
        if not self._can(principal, org_id, "org.read_audit"):
            raise HttpError(400, "invalid_org_id", more_info={"org_id": org_id})
        page = int(data.get("page", 0) or 0)
        limit = min(int(data.get("limit", 50) or 50), 100)
        rows = [a for a in reversed(self.state.audit) if a["org_id"] == org_id
                and data.get("tableName") in (None, a["table_name"]) and data.get("operation") in (None, a["operation"])]
        page_rows = rows[page * limit:(page + 1) * limit] if page >= 0 and limit > 0 else []
        out = [dict(a, created_at=pgrst_timestamp(a["created_at"])) for a in page_rows]
        return 200, {"data": copy.deepcopy(out), "total": len(rows), "page": page, "limit": limit}


def _reject_constant(name):
    raise ValueError("invalid JSON constant %s" % name)


# ---------------------------------------------------------------------------
# HTTP layer
# ---------------------------------------------------------------------------

FAULT_NAMES = ("fault_429_every", "retry_after", "fault_503_every", "drop_after_post_every", "latency_ms", "hang")


class _Handler(BaseHTTPRequestHandler):
    """One TCP connection; serves many requests with HTTP/1.1 keep-alive."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in two sends: without this, Nagle's algorithm delays every
    # keep-alive answer after the first by the peer's delayed-ACK timer (about 40 ms).
    disable_nagle_algorithm = True
    server_version = "capgo-emulator/" + __version__
    sys_version = ""
    timeout = 300

    def setup(self):
        emulator = self.server.emulator
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(10)
            self.request.do_handshake()
        super().setup()
        self.conn_id = emulator.register_connection(self.request)
        self.request_count = 0

    def finish(self):
        try:
            super().finish()
        finally:
            self.server.emulator.unregister_connection(self.request)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass

    def handle_one_request(self):
        try:
            self.raw_requestline = self.rfile.readline(65537)  # pylint: disable=attribute-defined-outside-init
            if len(self.raw_requestline) > 65536:
                self.send_error(414)
                return
            if not self.raw_requestline:
                self.close_connection = True
                return
            if not self.parse_request():
                return
            self._serve()
            self.wfile.flush()
        except (TimeoutError, ConnectionError, ssl.SSLError, OSError):
            self.close_connection = True

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                line = self.rfile.readline(65537).strip()
                size = int(line.split(b";")[0] or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537).strip():
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self):
        emulator = self.server.emulator
        body = self._read_body()
        split = urlsplit(self.path)
        path = split.path or "/"
        req = _Request(self.command.upper(), path, split.query, self.headers, body)
        if path == "/_emulator" or path.startswith("/_emulator/"):
            if emulator.control:
                status, payload = emulator.control_request(req)
                self._write(_Response(status, payload), req)
                return
        response = emulator.api_request(req, self.conn_id)
        if response is None or response.drop:
            self.close_connection = True
            try:
                self.request.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self._write(response, req)

    def _write(self, response, req):
        payload = b""
        if response.payload is not None:
            payload = json.dumps(response.payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        request_id = self.headers.get("X-Request-Id")
        if not request_id or not REQUEST_ID_RE.match(request_id):
            request_id = str(uuid.uuid4())
        self.send_response(response.status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("X-Request-Id", request_id)
        self.send_header("X-Worker-Source", WORKER_SOURCE)
        self.send_header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
        for name, value in response.headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if req.method != "HEAD":
            self.wfile.write(payload)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, emulator, ssl_context=None):
        self.emulator = emulator
        self.ssl_context = ssl_context
        super().__init__(address, _Handler)

    def server_bind(self):
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = host
        self.server_port = port

    def get_request(self):
        sock, address = super().get_request()
        if self.ssl_context is not None:
            sock = self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, address

    def handle_error(self, request, client_address):
        pass


class CapgoEmulator:
    """The emulator as an object: ``start()``, ``url``, ``admin_key``, ``request_log``, ``reset()``, ``stop()``."""

    def __init__(self, seed=None, docs_shapes=False, control=True, host="127.0.0.1", port=0, request_log_path=None,
                 tls_cert=None, tls_key=None, base_url=None, admin_key=None, rate_limit_per_key=2000, failed_auth_limit=20,
                 fault_429_every=0, retry_after=1, fault_503_every=0, drop_after_post_every=0, latency_ms=0, hang=False):
        self.seeded = seed is not None
        if seed is None:
            seed = _default_seed(admin_key or str(uuid.uuid4()))
        self.app = CapgoApp(seed, docs_shapes, rate_limit_per_key, failed_auth_limit, base_url)
        self.control = control
        self.host = host
        self.port = port
        self.request_log_path = request_log_path
        self.tls_cert = tls_cert
        self.tls_key = tls_key
        self._log = []
        self._log_lock = threading.Lock()
        self._hang_release = threading.Condition(self._log_lock)
        self._counter = 0
        self._post_counter = 0
        self._conn_ids = 0
        self._connections = 0
        self._sockets = set()
        self._stopping = threading.Event()
        self.faults = {"fault_429_every": 0, "retry_after": 1, "fault_503_every": 0, "drop_after_post_every": 0,
                       "latency_ms": 0, "hang": False}
        self.set_faults(fault_429_every=fault_429_every, retry_after=retry_after, fault_503_every=fault_503_every,
                        drop_after_post_every=drop_after_post_every, latency_ms=latency_ms, hang=hang)
        self._server = None
        self._thread = None
        self.url = None

    # --- convenience ----------------------------------------------------
    @property
    def keys(self):
        with self.app.lock:
            return {k.name: k.value for k in self.app.state.keys.values()}

    @property
    def admin_key(self):
        keys = self.app.state.keys_by_name
        if "admin" in keys:
            return keys["admin"].value
        for key in keys.values():
            if key.org_create:
                return key.value
        return next(iter(keys.values())).value if keys else None

    @property
    def request_log(self):
        with self._log_lock:
            return [dict(entry) for entry in self._log]

    @property
    def connections(self):
        with self._log_lock:
            return self._connections

    def clear_log(self):
        with self._log_lock:
            self._log = []
            self._counter = 0
            self._post_counter = 0
            self._connections = 0

    def reset(self, seed=None):
        return self.app.reset(seed)

    def state(self):
        return self.app.dump_state()

    def configure(self, docs_shapes=None):
        """Switch between the real server's response shapes and the public docs' ones at run time."""
        if docs_shapes is not None:
            if not isinstance(docs_shapes, bool):
                raise ValueError("docs_shapes must be a boolean")
            self.app.docs_shapes = docs_shapes
        return {"docs_shapes": self.app.docs_shapes}

    def set_faults(self, **faults):
        with self._log_lock:
            for name, value in faults.items():
                if name not in FAULT_NAMES:
                    raise ValueError("unknown fault %r" % name)
                if name == "hang":
                    self.faults[name] = bool(value)
                elif value is None or value is False:
                    self.faults[name] = 0
                elif isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                    raise ValueError("%s must be a number >= 0" % name)
                else:
                    self.faults[name] = value
            self._hang_release.notify_all()
            return dict(self.faults)

    # --- lifecycle ------------------------------------------------------
    def start(self):
        context = None
        if self.tls_cert:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self.tls_cert, self.tls_key)
        self._server = _Server((self.host, self.port), self, context)
        host, port = self._server.server_address[:2]
        shown = "[%s]" % host if ":" in host else host
        self.url = "%s://%s:%d" % ("https" if context else "http", shown, port)
        if not self.app.base_url:
            self.app.base_url = self.url
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="capgo-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._stopping.set()
        with self._log_lock:
            self._hang_release.notify_all()
            sockets = list(self._sockets)
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(5)
        self._server = None

    def __enter__(self):
        if self._server is None:
            self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    # --- called by the HTTP layer ---------------------------------------
    def register_connection(self, sock):
        with self._log_lock:
            self._conn_ids += 1
            self._connections += 1
            self._sockets.add(sock)
            return self._conn_ids

    def unregister_connection(self, sock):
        with self._log_lock:
            self._sockets.discard(sock)

    def api_request(self, req, conn_id):
        """Apply faults, then the app. Returns None when the request must never be answered."""
        with self._log_lock:
            if self.faults["hang"]:
                while self.faults["hang"] and not self._stopping.is_set():
                    self._hang_release.wait(0.5)
                return None
            self._counter += 1
            number = self._counter
            faults = dict(self.faults)
        if faults["latency_ms"]:
            time.sleep(faults["latency_ms"] / 1000.0)
        fault = None
        if faults["fault_429_every"] and number % int(faults["fault_429_every"]) == 0:
            response, fault = self.app.fault_429(faults["retry_after"]), "429"
        elif faults["fault_503_every"] and number % int(faults["fault_503_every"]) == 0:
            response, fault = self.app.fault_503(), "503"
        else:
            response = self.app.handle(req)
            if req.method == "POST" and req.path.rstrip("/") == "/organization" and faults["drop_after_post_every"]:
                with self._log_lock:
                    self._post_counter += 1
                    if self._post_counter % int(faults["drop_after_post_every"]) == 0:
                        response.drop, fault = True, "drop"
        response.fault = fault
        self._record(req, response, conn_id)
        return response

    def _record(self, req, response, conn_id):
        with self._log_lock:
            entry = {
                "seq": len(self._log) + 1 if not self._log else self._log[-1]["seq"] + 1,
                "time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds"),
                "method": req.method, "path": req.path, "status": response.status, "error": response.error,
                "conn": conn_id, "key": response.key_label, "fault": response.fault,
            }
            self._log.append(entry)
            if self.request_log_path:
                with open(self.request_log_path, "a", encoding="utf-8") as handle:
                    handle.write(json.dumps(entry) + "\n")

    def control_request(self, req):
        """The ``/_emulator/`` test-control API."""
        path = req.path.rstrip("/")
        method = req.method
        body = None
        if req.body:
            try:
                body = json.loads(req.body.decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                return 400, {"error": "invalid_json", "message": "Body is not JSON"}
        try:
            if path == "/_emulator/log" and method == "GET":
                return 200, {"requests": self.request_log}
            if path == "/_emulator/log" and method == "DELETE":
                self.clear_log()
                return 200, {"status": "ok"}
            if path == "/_emulator/state" and method == "GET":
                return 200, self.state()
            if path == "/_emulator/reset" and method == "POST":
                return 200, self.reset(body if body else None)
            if path == "/_emulator/faults" and method == "PUT":
                return 200, self.set_faults(**(body or {}))
            if path == "/_emulator/faults" and method == "GET":
                return 200, dict(self.faults)
            if path == "/_emulator/connections" and method == "GET":
                return 200, {"connections": self.connections}
            if path == "/_emulator/config" and method == "PUT":
                return 200, self.configure(**(body or {}))
            if path == "/_emulator/config" and method == "GET":
                return 200, self.configure()
        except (SeedError, ValueError, TypeError, KeyError) as err:
            return 400, {"error": "invalid_request", "message": str(err)}
        return 404, {"error": "not_found", "message": "Not found"}


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------

def _parse_args(argv):
    parser = argparse.ArgumentParser(description="Local emulator of the Capgo organization API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--seed", help="JSON seed file (see the module docstring)")
    parser.add_argument("--docs-shapes", action="store_true", help="answer in the public docs' shapes")
    parser.add_argument("--control", action="store_true", help="enable the /_emulator/ test-control API")
    parser.add_argument("--request-log", help="append every API request as a JSON line to this file")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--fault-429-every", type=int, default=0)
    parser.add_argument("--retry-after", type=int, default=1)
    parser.add_argument("--fault-503-every", type=int, default=0)
    parser.add_argument("--drop-after-post-every", type=int, default=0)
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--hang", action="store_true")
    parser.add_argument("--rate-limit-per-key", type=int, default=int(os.environ.get("RATE_LIMIT_API_KEY", "2000")))
    parser.add_argument("--failed-auth-limit", type=int, default=int(os.environ.get("RATE_LIMIT_FAILED_AUTH", "20")))
    parser.add_argument("--base-url", help="base of signed storage URLs (default: the emulator URL)")
    parser.add_argument("--admin-key", help="fixed value of the default admin key (without --seed)")
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    if args.admin_key and not UUID_RE.match(args.admin_key):
        parser.error("--admin-key must be a UUID")
    return args


def main(argv=None):
    args = _parse_args(sys.argv[1:] if argv is None else argv)
    seed = None
    if args.seed:
        with open(args.seed, encoding="utf-8") as handle:
            seed = json.load(handle)
    emulator = CapgoEmulator(
        seed=seed, docs_shapes=args.docs_shapes, control=args.control, host=args.host, port=args.port,
        request_log_path=args.request_log, tls_cert=args.tls_cert, tls_key=args.tls_key, base_url=args.base_url,
        admin_key=args.admin_key, rate_limit_per_key=args.rate_limit_per_key, failed_auth_limit=args.failed_auth_limit,
        fault_429_every=args.fault_429_every, retry_after=args.retry_after, fault_503_every=args.fault_503_every,
        drop_after_post_every=args.drop_after_post_every, latency_ms=args.latency_ms, hang=args.hang)
    stop = threading.Event()

    def _on_signal(_signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    emulator.start()
    sys.stdout.write("CAPGO_EMULATOR_URL=%s\n" % emulator.url)
    if seed is None:
        sys.stdout.write("CAPGO_EMULATOR_KEY=%s\n" % emulator.admin_key)
    sys.stdout.flush()
    while not stop.wait(0.5):
        pass
    emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
