# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""WHATWG URL parsing, restricted to the special schemes http and https.

The real server normalises websites and logo URLs with JavaScript's ``new URL()``
(``supabase/functions/_backend/utils/website.ts``, ``utils/storage.ts``); this is the
subset of the WHATWG URL Standard those calls reach.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from urllib.parse import unquote

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
