# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Timestamps as the server renders them: PostgREST rows and JavaScript ``Date`` values."""

from __future__ import annotations

import datetime


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def parse_ts(value):
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
