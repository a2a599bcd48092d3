# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Local emulator of the Capgo public organization API, standard library only.

Layout, one job per module:

- ``urls.py``: WHATWG URL parsing (http/https);
- ``normalize.py``: the server's text rules (trim, strip_html, email, website, logo);
- ``schemas.py``: zod v4 style validation and its ``invalid_body`` issues;
- ``errors.py``: error codes, messages, the error envelope;
- ``timestamps.py``: PostgREST and JavaScript timestamp formats;
- ``state.py``: seed format, users, keys, orgs, members, audit rows, ids;
- ``permissions.py``: roles, the permission matrix, the expiring-key policy;
- ``auth.py``: ``middlewareKey``/``middlewareAuth``, JWTs, subkeys, auth rate limits;
- ``request.py``: request/response objects and ``getBodyOrQuery``;
- ``storage.py``: signed storage URLs (logos, avatars);
- ``routes_*.py``: one module per public route prefix (handlers and their schemas);
- ``app.py``: the route table, dispatch, CORS preflight, error envelope;
- ``server.py``: HTTP server, TLS, fault injection, request log;
- ``control.py``: the ``/_emulator/`` control API;
- ``cli.py``: the command line.
"""

__version__ = "1.0.0"
