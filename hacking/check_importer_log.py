#!/usr/bin/env python
"""Fail on any warning or error of the Galaxy importer in a `make test-nox` log.

antsibull-nox's build-import-check session builds the collection and runs the Galaxy
importer on the tarball, but only warns about the importer's ERROR lines and ignores
its warnings (for instance ansible-lint's schema[playbook] on a module's EXAMPLES).
Galaxy and Automation Hub show those to every user, so here any of them fails.

Usage: check_importer_log.py NOX_LOG   (antsibull-nox.toml sets
galaxy_importer_always_show_logs, so the importer's log is inside the nox log)
"""
import re
import sys

START = "nox > Running session build-import-check"
DONE = "nox > Session build-import-check was successful"
# The importer's log levels (its lint section passes ansible-lint's findings on as
# WARNING lines) and antsibull-nox's own summary of the importer's errors.
BAD = re.compile(r"^\s*(WARNING|ERROR|CRITICAL)\b|Galaxy importer emitted")


def main(path):
    with open(path, encoding="utf-8", errors="replace") as handle:
        lines = handle.read().splitlines()
    try:
        first = next(i for i, line in enumerate(lines) if line.startswith(START))
    except StopIteration:
        sys.exit("check_importer_log.py: the build-import-check session did not run (%s)" % path)
    section = lines[first:]
    end = next((i for i, line in enumerate(section) if line.startswith("nox > Session build-import-check")), len(section))
    bad = [line.strip() for line in section[:end] if BAD.search(line)]
    if not any(line.startswith(DONE) for line in section):
        sys.exit("check_importer_log.py: the build-import-check session failed")
    if not any("galaxy_importer" in line or "Importing with galaxy-importer" in line for line in section[:end]):
        sys.exit("check_importer_log.py: no Galaxy importer log in the build-import-check session")
    if bad:
        print("check_importer_log.py: the Galaxy importer reported %d problem(s):" % len(bad))
        for line in bad:
            print("  " + line)
        return 1
    print("check_importer_log.py: the Galaxy importer reported no warning and no error")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: check_importer_log.py NOX_LOG")
    sys.exit(main(sys.argv[1]))
