# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The application: the route table, dispatch, the error envelope, CORS preflight, state resets.

To add routes, write a ``routes_<name>.py`` module with ``ROUTES = {path: {method:
handler}}`` (handlers take ``(app, req)`` and return ``(status, payload)``) and
``DOCS_SHAPES = {path: fn(method, payload)}``, then list it in ``ROUTE_MODULES``. A path
segment ``:name`` matches one non-empty segment, given to the handler (percent-decoded, as
Hono does) in ``req.path_params[name]``.
"""

from __future__ import annotations

import copy
import math
import threading
import time
from urllib.parse import unquote

from . import routes_app, routes_audit, routes_channel, routes_members, routes_organization
from .errors import DOCS_ERROR_TEXT, HttpError
from .request import Response
from .state import ORG_COLUMNS, TIMESTAMP_COLUMNS, build_state
from .state_apps import APP_COLUMNS, APP_TIMESTAMP_COLUMNS, CHANNEL_TIMESTAMP_COLUMNS
from .timestamps import pgrst_timestamp

ROUTE_MODULES = (routes_organization, routes_members, routes_audit, routes_app, routes_channel)

# hono's cors() middleware on every public route.
CORS_PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "POST,GET,PUT,PATCH,DELETE,OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type,Authorization,X-Capgo-Spoof-Admin-Authorization,capgkey,"
                                    "capgo_api,x-api-key,x-limited-key-id,apisecret,apikey,x-client-info",
}


def build_route_table(modules):
    """Merge the modules' ROUTES and DOCS_SHAPES; a path may belong to one module only."""
    routes, shapes = {}, {}
    for module in modules:
        for path, methods in module.ROUTES.items():
            if path in routes:
                raise ValueError("route %s is declared twice" % path)
            routes[path] = dict(methods)
        shapes.update(module.DOCS_SHAPES)
    return routes, shapes


ROUTES, DOCS_SHAPES = build_route_table(ROUTE_MODULES)
PARAM_ROUTES = [(path, path.split("/")) for path in ROUTES if ":" in path]


def match_route(path):
    """(route path, methods, path params) for a request path, or (None, None, {})."""
    if path in ROUTES and ":" not in path:
        return path, ROUTES[path], {}
    segments = path.split("/")
    for route, pattern in PARAM_ROUTES:
        if len(pattern) != len(segments):
            continue
        params = {}
        for want, got in zip(pattern, segments):
            if want.startswith(":") and got:
                params[want[1:]] = unquote(got)
            elif want != got:
                break
        else:
            return route, ROUTES[route], params
    return None, None, {}


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
        """What a reset answers: key names and org ids; key values only if the seed set ``echo_keys``."""
        keys = list(self.state.keys.values())
        summary = {"key_names": [k.name for k in keys], "orgs": list(self.state.orgs)}
        if self.state.echo_keys:
            summary["keys"] = {k.name: k.value for k in keys}
        return summary

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
                "apps": [self._dump_app(state, row) for row in state.apps.values()],
            })

    @staticmethod
    def _dump_app(state, row):
        """An app with raw stored values, its bundles and its channels (platform flags included)."""
        item = {c: (pgrst_timestamp(row[c]) if c in APP_TIMESTAMP_COLUMNS else row[c]) for c in APP_COLUMNS}
        item["bundles"] = list(state.bundles.get(row["app_id"], {}).values())
        item["channels"] = [{c: (pgrst_timestamp(v) if c in CHANNEL_TIMESTAMP_COLUMNS else v) for c, v in ch.items()}
                            for ch in state.channels_of(row["app_id"])]
        return item

    # --- entry point ----------------------------------------------------
    def handle(self, req):
        """Answer one API request (never raises)."""
        path = req.path[:-1] if req.path.endswith("/") and len(req.path) > 1 else req.path
        path, methods, req.path_params = match_route(path)
        method = "GET" if req.method == "HEAD" else req.method
        if methods is None or (method not in methods and method != "OPTIONS"):
            payload = {"error": "not_found", "message": "Not found"}
            if self.docs_shapes:
                payload = {"error": "Not found", "status": "KO"}
            return Response(404, payload, error="not_found")
        if method == "OPTIONS":
            return Response(204, None, headers=dict(CORS_PREFLIGHT_HEADERS))
        handler = methods[method]
        try:
            with self.lock:
                status, payload = handler(self, req)
            if self.docs_shapes and path in DOCS_SHAPES:
                payload = DOCS_SHAPES[path](method, payload)
            response = Response(status, payload)
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
        return Response(err.status, payload, headers=dict(err.headers), error=err.code)

    def fault_429(self, retry_after):
        current = time.time()
        reset = current + retry_after
        err = HttpError(429, "too_many_requests", more_info={
            "reason": "api_key_rate_limit_exceeded", "rateLimitResetAt": int(reset * 1000), "retryAfterSeconds": int(retry_after)},
            headers={"Retry-After": str(int(retry_after)), "X-RateLimit-Reset": str(int(math.ceil(reset)))})
        return self._error_response(err)

    def fault_503(self):
        return self._error_response(HttpError(503, "service_unavailable"))
