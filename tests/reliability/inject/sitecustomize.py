# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault injection for tests/reliability/test_secrets.py, loaded through PYTHONPATH by the module's Python.

RELIABILITY_INJECT=requests_exc: every requests.Session.request raises a requests ConnectionError whose text carries
the full URL (with the key in its query) and the session headers (with the capgkey header), as some proxies and
urllib3 versions produce. RELIABILITY_INJECT=other_exc: the same text in a non-requests exception (a traceback).
"""

import os

_MODE = os.environ.get("RELIABILITY_INJECT")

if _MODE:
    import requests

    def _request(self, method, url, *args, **kwargs):
        key = self.headers.get("capgkey", "")
        text = "%s %s?capgkey=%s failed; request headers: %r" % (method, url, key, dict(self.headers))
        if _MODE == "requests_exc":
            raise requests.exceptions.ConnectionError(text)
        raise RuntimeError(text)

    requests.Session.request = _request
