# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``/organization/audit``: GET the org's audit rows, newest first.

Real server: ``supabase/functions/_backend/public/organization/audit.ts``.
"""

from __future__ import annotations

import copy

from .auth import authenticate
from .errors import HttpError
from .permissions import can, check_key_policy
from .request import body_or_query
from .schemas import field, validate
from .timestamps import pgrst_timestamp

GET_SCHEMA = {
    "orgId": field("string", optional=False),
    "tableName": field("string"),
    "operation": field("string"),
    "page": field("numeric"),
    "limit": field("numeric"),
}


def get_audit(app, req):
    state = app.state
    principal = authenticate(app, req, "auth")
    data = validate(body_or_query(req), GET_SCHEMA)
    org_id = data["orgId"]
    if principal.kind == "apikey":
        if not can(state, principal, org_id, "org.read"):
            raise HttpError(400, "invalid_org_id", more_info={"org_id": org_id})
        check_key_policy(state, principal, org_id)
    if not can(state, principal, org_id, "org.read_audit"):
        raise HttpError(400, "invalid_org_id", more_info={"org_id": org_id})
    page = int(data.get("page", 0) or 0)
    limit = min(int(data.get("limit", 50) or 50), 100)
    rows = [a for a in reversed(state.audit) if a["org_id"] == org_id
            and data.get("tableName") in (None, a["table_name"]) and data.get("operation") in (None, a["operation"])]
    page_rows = rows[page * limit:(page + 1) * limit] if page >= 0 and limit > 0 else []
    out = [dict(a, created_at=pgrst_timestamp(a["created_at"])) for a in page_rows]
    return 200, {"data": copy.deepcopy(out), "total": len(rows), "page": page, "limit": limit}


ROUTES = {"/organization/audit": {"GET": get_audit}}
DOCS_SHAPES = {}
