# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Storage reads: signed URLs for logos and member avatars in the bucket ``images``.

Real server: ``supabase/functions/_backend/utils/storage.ts`` (``createSignedImageUrl``):
a 7-day signed URL ``<SUPABASE_URL>/storage/v1/object/sign/images/<path>?token=<JWT>``,
``null`` when the object does not exist.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from urllib.parse import quote

from .normalize import normalize_logo

SIGNED_URL_TTL = 604800


def sign(state, base_url, path):
    """A signed URL for the stored path, or None when the object is missing."""
    if path in state.missing_objects:
        return None
    now = int(time.time())
    header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=").decode()
    claims = json.dumps({"url": "images/" + path, "iat": now, "exp": now + SIGNED_URL_TTL, "jti": secrets.token_hex(8)})
    body = base64.urlsafe_b64encode(claims.encode()).rstrip(b"=").decode()
    signature = base64.urlsafe_b64encode(hashlib.sha256((header + body + secrets.token_hex(16)).encode()).digest()).rstrip(b"=").decode()
    return "%s/storage/v1/object/sign/images/%s?token=%s.%s.%s" % (
        (base_url or "").rstrip("/"), quote(path, safe="/;,?:@&=+$-_.!~*'()#"), header, body, signature)


def sign_stored_path(state, base_url, value):
    """``createSignedImageUrl``: it runs the write normalisation (``normalizeImagePath``)
    on the stored path again before signing, so a stored ``images/x.png`` is signed as
    ``x.png``. The stored value itself is not changed."""
    return sign(state, base_url, normalize_logo(value))


def read_logo(state, base_url, value):
    """A stored logo as GET shows it: null and "" as is, external URLs as is, paths signed."""
    if value is None or value == "" or "://" in value:
        return value
    return sign_stored_path(state, base_url, value)


def read_image_url(state, base_url, value):
    """A member's ``image_url``: never null; external URLs as is, paths signed ("" if that fails)."""
    image = value or ""
    if image and "://" not in image:
        image = sign_stored_path(state, base_url, image) or ""
    return image


def read_icon(state, base_url, value):
    """An app's ``icon_url`` as the /app routes show it: URLs as is, paths signed, "" when signing fails."""
    if not value:
        return ""
    if "://" in value:
        return value
    return sign_stored_path(state, base_url, value) or ""
