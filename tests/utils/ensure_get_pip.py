#!/usr/bin/env python
"""Make sure ansible-test can bootstrap pip in the venvs it creates.

ansible-test (run with THIS interpreter's ansible-core) bootstraps pip in every venv it
makes by running a get-pip script, cached at
~/.ansible/test/cache/get_pip_<pip version with underscores>.py, and otherwise
downloaded from ci-files.testing.ansible.com (unreachable on offline machines).

For each pip version this ansible-test asks for, this script
  1. does nothing when the cached script exists;
  2. else tries to download the real script (short timeout) into the cache;
  3. else writes a stand-in that uses the interpreter's bundled pip (ensurepip),
     then installs the requested pip version from the machine's package index.

Run it with the python of the venv that holds the ansible-core in question:
    .venv/bin/python tests/utils/ensure_get_pip.py
"""
import os
import sys
import types
import urllib.request

URL = "https://ci-files.testing.ansible.com/ansible-test/get-pip-%s.py"
MARKER = "capgo.cloud get-pip stand-in"

STAND_IN = '''\
# %(marker)s for pip %(version)s.
# Written by tests/utils/ensure_get_pip.py because the real get-pip script could not be
# downloaded. ansible-test runs it as `python get_pip.py [pip options] pip==X ...
# --no-setuptools --no-wheel` with a stripped environment (HOME, PATH, LC_ALL, ...),
# so the machine's pip configuration files (CA bundle, index) must stay visible.
import ensurepip
import os
import subprocess
import sys

# The interpreter's bundled pip, as a start.
ensurepip.bootstrap(upgrade=True)
# ensurepip sets PIP_CONFIG_FILE=/dev/null, which would hide the machine's pip config.
os.environ.pop("PIP_CONFIG_FILE", None)

args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install"] + args))
'''


def wanted_pip_versions():
    from ansible_test._internal import python_requirements as pr
    from ansible_test._internal.constants import SUPPORTED_PYTHON_VERSIONS

    versions = set()
    for v in SUPPORTED_PYTHON_VERSIONS:
        try:
            versions.add(pr.get_venv_packages(types.SimpleNamespace(version=v))["pip"])
        except Exception:  # noqa: BLE001 - older/newer layouts: fall back below
            pass
    if not versions:
        import re

        text = open(pr.__file__).read()
        versions.update(re.findall(r"pip='([0-9][0-9.]*)'", text))
    return sorted(versions)


def main():
    cache_dir = os.path.expanduser("~/.ansible/test/cache")
    os.makedirs(cache_dir, exist_ok=True)
    timeout = float(os.environ.get("GET_PIP_DOWNLOAD_TIMEOUT", "10"))
    for version in wanted_pip_versions():
        path = os.path.join(cache_dir, "get_pip_%s.py" % version.replace(".", "_"))
        if os.path.exists(path):
            kind = "stand-in" if MARKER in open(path, errors="replace").read(200) else "cached"
            print("ensure_get_pip: pip %s: %s script present: %s" % (version, kind, path))
            continue
        try:
            with urllib.request.urlopen(URL % version, timeout=timeout) as resp:
                data = resp.read()
            if b"pip" not in data:
                raise ValueError("unexpected content")
            with open(path + ".download", "wb") as f:
                f.write(data)
            os.replace(path + ".download", path)
            print("ensure_get_pip: pip %s: downloaded the real script: %s" % (version, path))
        except Exception as ex:  # noqa: BLE001 - any failure means: use the stand-in
            with open(path, "w") as f:
                f.write(STAND_IN % {"marker": MARKER, "version": version})
            print("ensure_get_pip: pip %s: download failed (%s); wrote stand-in %s" % (version, ex, path))


if __name__ == "__main__":
    sys.exit(main())
