# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Local emulator of the Capgo public organization API: the command-line entry point.

The emulator itself is the package ``capgo_emu`` next to this file (standard library
only; its ``__init__.py`` lists the modules). Keep both together when copying it.

Command line::

    python3 capgo_emulator.py [--host 127.0.0.1] [--port 0] [--seed SEED.json]
        [--docs-shapes] [--control] [--request-log FILE]
        [--tls-cert PEM --tls-key PEM] [--fault-429-every N] [--retry-after S]
        [--fault-503-every N] [--drop-after-post-every N] [--latency-ms MS]
        [--hang] [--rate-limit-per-key N] [--failed-auth-limit N]
        [--base-url URL] [--admin-key UUID]

When ready it prints ``CAPGO_EMULATOR_URL=<url>`` and, without ``--seed``,
``CAPGO_EMULATOR_KEY=<admin key>`` on stdout, then serves until SIGTERM or
SIGINT (exit status 0). The seed format is in ``capgo_emu/state.py`` and README.md.

Python use::

    from capgo_emulator import CapgoEmulator
    with CapgoEmulator(seed=None, control=True) as emu:
        emu.url, emu.admin_key, emu.request_log, emu.reset(seed)
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# pylint: disable=wrong-import-position
from capgo_emu import __version__  # noqa: E402
from capgo_emu.app import CapgoApp  # noqa: E402
from capgo_emu.cli import main  # noqa: E402
from capgo_emu.errors import HttpError  # noqa: E402
from capgo_emu.server import CapgoEmulator  # noqa: E402
from capgo_emu.state import SeedError, build_state  # noqa: E402

__all__ = ["CapgoApp", "CapgoEmulator", "HttpError", "SeedError", "__version__", "build_state", "main"]

if __name__ == "__main__":
    sys.exit(main())
