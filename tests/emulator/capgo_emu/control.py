# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``/_emulator/`` test-control API (``--control``): log, state, reset, faults, config."""

from __future__ import annotations

import json

from .state import SeedError


def handle(emulator, req):
    """Answer one control request: returns ``(status, payload)``."""
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
