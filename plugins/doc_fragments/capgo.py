# -*- coding: utf-8 -*-
# Copyright (c) capgo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # Connection options shared by every module (plugins/module_utils/api.py capgo_argument_spec()).
    DOCUMENTATION = r'''
options:
  api_key:
    description:
      - Capgo API key (a UUID), sent in the C(capgkey) header.
      - If not set, the value of the E(CAPGO_API_KEY) environment variable is used. One of the two is required; without
        either the task fails before any request and says so.
      - The key is only ever sent to O(api_url)'s scheme, host and port; redirects are not followed.
      - Create keys in the Capgo console under API keys. Creating organizations needs a key that holds the
        C(org.create) permission; updating needs C(org_admin) and deleting C(org_super_admin) on the organization.
    type: str
  api_url:
    description:
      - Base URL of the Capgo API. The modules add the route (C(/organization), C(/app), C(/channel)) themselves;
        a URL that already ends in C(/organization) is used without it.
      - The server must answer at this address; an HTTP redirect (3xx) fails the task, naming where it pointed.
      - If not set, the value of the E(CAPGO_API_URL) environment variable is used, else V(https://api.capgo.app).
      - Point it at a self-hosted Capgo (C(<SUPABASE_URL>/functions/v1)) or at the collection's local emulator.
    type: str
    default: https://api.capgo.app
  api_timeout:
    description:
      - Seconds each attempt of a request may take, from connecting to the last byte of the answer; a server that
        answers slower fails the attempt. A task ends within about O(api_timeout) times (O(api_retries) + 1), plus
        backoff, per request it sends.
      - If not set, the value of the E(CAPGO_API_TIMEOUT) environment variable is used.
    type: int
    default: 30
  api_retries:
    description:
      - How many times a request is repeated after HTTP 429 (honouring C(Retry-After)), HTTP 502, 503, 504
        or a connection error, with capped exponential backoff and jitter.
      - A create (C(POST)) is only repeated when the server certainly did not process it; after a lost answer
        M(capgo.cloud.capgo_organization) looks the organization up by name, and M(capgo.cloud.capgo_app) the app by
        its id, so neither is created twice.
      - Authentication failures (HTTP 401 and 403) are never repeated, because the server blocks an address
        after 20 failed authentications.
      - If not set, the value of the E(CAPGO_API_RETRIES) environment variable is used.
    type: int
    default: 5
  validate_certs:
    description:
      - Whether to verify the server's TLS certificate. Only set V(false) for a test server.
    type: bool
    default: true
  ca_path:
    description:
      - A CA bundle (PEM file) to verify the server's certificate with, instead of the system's.
      - If not set, the value of the E(CAPGO_CA_PATH) environment variable is used.
    type: path
requirements:
  - requests
notes:
  - >-
    The modules talk to the Capgo API from the host they run on, usually the controller (C(delegate_to: localhost)
    or C(hosts: localhost)); that Python needs the C(requests) library.
  - >-
    B(How a task runs.) The collection's action plugin runs the module's code inside the Ansible worker on the
    controller, instead of starting a Python process for it, when the module process could not behave differently:
    the connection is C(local); the task has no C(become), no C(async) and no C(environment); the Python interpreter
    of the host (or of the host delegated to), C(ansible_python_interpreter) or C(interpreter_python), is unset, an
    C(auto) mode, or the Python that runs Ansible (same file in the same directory, so the same C(requests) and CA
    bundle); the controller has C(requests); and the controller is not macOS (where HTTP from a forked worker can
    crash). Otherwise the module runs as a process, as any module does. Options, results, diffs,
    errors, warnings, C(no_log) masking and C(invocation) are the same on both paths; only the speed differs.
  - >-
    The variable C(capgo_in_process) (inventory, C(group_vars), play or extra vars) or else the environment variable
    E(CAPGO_IN_PROCESS) on the controller chooses: V(auto) (default) as above; V(false) always runs the module as a
    process; V(true) also runs in-process on macOS, still under the other conditions. C(-vvv) shows which path each
    task took and why.
seealso:
  - name: Capgo public API
    description: The Capgo REST API these modules use.
    link: https://capgo.app/docs/public-api/
'''

    ACTIONGROUP_CAPGO = r'''
options: {}
attributes:
  action_group:
    description: Use C(group/capgo.cloud.capgo) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - capgo.cloud.capgo
'''
