# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``/_emulator/`` test-control API (``--control``): log, state, reset, faults, config.

It has no authentication, so it refuses what a web page in the user's browser could
send to it without a CORS preflight:

- a ``Host`` that is not loopback (``localhost``, ``127.x.x.x``, ``[::1]``, any port),
  unless named with ``--control-allow-host``: 403 (defeats DNS rebinding);
- a POST or PUT without ``Content-Type: application/json``: 415 (a cross-site form or
  ``text/plain`` fetch cannot set that type without a preflight, which is refused).

Its answers carry no key values unless the seed sets ``echo_keys``.
"""

from __future__ import annotations

import ipaddress
import json
import re

from .state import SeedError

JSON_BODY_METHODS = frozenset({"POST", "PUT"})
_PORT_RE = re.compile(r"^[0-9]{1,5}$")


def host_name(host_header):
    """The host part of a ``Host`` header value, lower-cased (IPv6 without brackets), or None."""
    if not host_header:
        return None
    text = host_header.strip().lower()
    if text.startswith("["):
        name, sep, rest = text[1:].partition("]")
        if not sep:
            return None
    else:
        name, sep, rest = text.partition(":")
        rest = sep + rest
    if rest and not (rest.startswith(":") and _PORT_RE.match(rest[1:])):
        return None
    return name or None


def is_loopback_host(name):
    """``localhost``, a dotted-quad ``127.x.x.x`` or ``::1``."""
    if name == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if address.version == 4:
        return name.count(".") == 3 and address.is_loopback
    return address.is_loopback


def refusal(req, allowed_hosts=()):
    """``(status, payload)`` when the request must be refused, else None."""
    name = host_name(req.raw_header("Host"))
    if name is None or not (is_loopback_host(name) or name in allowed_hosts):
        return 403, {"error": "forbidden_host",
                     "message": "The control API answers only requests addressed to localhost, 127.x.x.x or [::1] "
                                "(or a host named with --control-allow-host)"}
    if req.method in JSON_BODY_METHODS:
        media_type = (req.raw_header("Content-Type") or "").split(";", 1)[0].strip().lower()
        if media_type != "application/json":
            return 415, {"error": "unsupported_media_type",
                         "message": "Control %s requests need Content-Type: application/json" % req.method}
    return None


def handle(emulator, req):
    """Answer one control request: returns ``(status, payload)``."""
    refused = refusal(req, emulator.control_hosts)
    if refused is not None:
        return refused
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
            return 200, {"requests": emulator.request_log}
        if path == "/_emulator/log" and method == "DELETE":
            emulator.clear_log()
            return 200, {"status": "ok"}
        if path == "/_emulator/state" and method == "GET":
            return 200, emulator.state()
        if path == "/_emulator/reset" and method == "POST":
            return 200, emulator.reset(body if body else None)
        if path == "/_emulator/faults" and method == "PUT":
            return 200, emulator.set_faults(**(body or {}))
        if path == "/_emulator/faults" and method == "GET":
            return 200, dict(emulator.faults)
        if path == "/_emulator/connections" and method == "GET":
            return 200, {"connections": emulator.connections}
        if path == "/_emulator/config" and method == "PUT":
            return 200, emulator.configure(**(body or {}))
        if path == "/_emulator/config" and method == "GET":
            return 200, emulator.configure()
    except (SeedError, ValueError, TypeError, KeyError) as err:
        return 400, {"error": "invalid_request", "message": str(err)}
    return 404, {"error": "not_found", "message": "Not found"}
