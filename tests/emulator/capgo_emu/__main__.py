# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``python3 -m capgo_emu`` (from tests/emulator): the same command line as capgo_emulator.py."""

import sys

from .cli import main

sys.exit(main())
