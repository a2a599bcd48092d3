# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A minimal zod v4 style validator: the issues and the ``400 invalid_body`` the server answers.

Real server: every handler validates with a zod v4 schema (unknown keys are stripped);
a failure is ``invalid_body`` with ``moreInfo.error = {"name": "SchemaError", "issues": [...]}``.
Route modules declare their schemas with ``field()``.
"""

from __future__ import annotations

import re

from .errors import HttpError
from .normalize import EMAIL_PATTERN, is_valid_email, utf16_length


class _Missing:
    """Marker of an absent JSON property (JS undefined)."""

    def __repr__(self):
        return "undefined"


MISSING = _Missing()


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


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_int(value):
    return is_number(value) and float(value).is_integer() and abs(value) <= 9007199254740991


def _num(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def field(kind, optional=True, nullable=False, **opts):
    spec = {"kind": kind, "optional": optional, "nullable": nullable}
    spec.update(opts)
    return spec


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
        if not is_number(value):
            issues.append(_type_issue("number", value, path))
            return MISSING
        if kind == "int" and not is_int(value):
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
        if not is_number(value):
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
