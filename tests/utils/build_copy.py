#!/usr/bin/env python
"""Make the ansible_collections/capgo/cloud copy that ansible-test runs on.

ansible-test needs the collection at a *physical* path ending in
ansible_collections/<namespace>/<name> (a symlink is refused), and lists content
through git. So this copies every file git knows about or would add
(``git ls-files --cached --others --exclude-standard``: uncommitted new files count,
ignored files do not) into DEST, and makes DEST a git repository of its own (no
commit is needed: ansible-test also lists untracked, non-ignored files).

DEST/tests/output (ansible-test's results and caches) is kept between runs; everything
else is rebuilt each time.

Usage: build_copy.py [DEST]   (default: .build/ansible_collections/capgo/cloud)
"""
import os
import shutil
import subprocess
import sys

KEEP = {os.path.join("tests", "output")}


def main():
    root = subprocess.check_output(["git", "rev-parse", "--show-toplevel"], text=True).strip()
    dest = sys.argv[1] if len(sys.argv) > 1 else os.path.join(".build", "ansible_collections", "capgo", "cloud")
    dest = os.path.abspath(os.path.join(root, dest) if not os.path.isabs(dest) else dest)
    if not dest.endswith(os.path.join("ansible_collections", "capgo", "cloud")):
        sys.exit("build_copy.py: DEST must end in ansible_collections/capgo/cloud: %s" % dest)

    out = subprocess.check_output(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=root
    )
    files = sorted({f for f in out.decode("utf-8", "surrogateescape").split("\0") if f})

    # Clear the previous copy, but keep tests/output (ansible-test caches).
    if os.path.isdir(dest):
        for dirpath, dirnames, filenames in os.walk(dest, topdown=True):
            rel = os.path.relpath(dirpath, dest)
            keep = []
            for d in dirnames:
                if os.path.normpath(os.path.join(rel, d)) in KEEP:
                    continue
                full = os.path.join(dirpath, d)
                if os.path.islink(full):
                    os.unlink(full)
                else:
                    keep.append(d)
            dirnames[:] = keep
            for f in filenames:
                os.unlink(os.path.join(dirpath, f))
        # remove now-empty directories (bottom-up), except kept ones
        for dirpath, _dirnames, _filenames in os.walk(dest, topdown=False):
            rel = os.path.normpath(os.path.relpath(dirpath, dest))
            if rel == "." or any(rel == k or rel.startswith(k + os.sep) or k.startswith(rel + os.sep) for k in KEEP):
                continue
            if not os.listdir(dirpath):
                os.rmdir(dirpath)
    os.makedirs(dest, exist_ok=True)

    copied = 0
    for rel in files:
        src = os.path.join(root, rel)
        if not os.path.lexists(src):  # tracked but deleted in the work tree
            continue
        if os.path.isdir(src) and not os.path.islink(src):  # e.g. a nested repository
            continue
        target = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.islink(src):
            os.symlink(os.readlink(src), target)
        else:
            shutil.copy2(src, target)
        copied += 1

    if not os.path.isdir(os.path.join(dest, ".git")):
        subprocess.check_call(["git", "init", "-q", dest])
    print("build_copy.py: %d files -> %s" % (copied, os.path.relpath(dest, root)))


if __name__ == "__main__":
    main()
