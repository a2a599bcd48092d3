# Build, venv and test entry points for the capgo.cloud collection.
#
#   make demo   run examples/demo.yml against the bundled local Capgo API emulator
#   make test   every test (what .ci/run runs)
#
# Both create what they need: .venv (Python 3.12, newest ansible-core, requirements-dev.txt)
# and, for tests, .venv-oldest (Python 3.11, oldest supported ansible-core,
# requirements-oldest.txt). pip runs again only when a requirements file changes.
# ansible-test runs on a copy of the checkout at .build/ansible_collections/capgo/cloud
# (ansible-test needs that physical path), rebuilt from the work tree on every run.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

ROOT      := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
VENV      := .venv
VENV_OLD  := .venv-oldest
PY_NEW    := 3.12
PY_OLD    := 3.11
COPY      := .build/ansible_collections/capgo/cloud
COLL_PATH := $(ROOT)/.build
# Found lazily (only when a venv must be made): newest pyenv build, else pythonX.Y on PATH.
PYTHON_NEW = $(shell tests/utils/find-python.sh $(PY_NEW))
PYTHON_OLD = $(shell tests/utils/find-python.sh $(PY_OLD))
PIP_FLAGS := --disable-pip-version-check --progress-bar off -q
# This machine's pip config names local index folders that do not all exist: drop pip's
# harmless one-line warning about each of them from the output.
PIP_QUIET := 2>&1 | { grep --line-buffered -v 'is ignored: it is neither a file nor a directory' || true; }
# Extra ansible-test arguments, e.g. make test-sanity ANSIBLE_TEST_ARGS="--test pep8"
ANSIBLE_TEST_ARGS ?=
# Where ruff looks (Python outside plugins/ and tests/unit/, which sanity covers).
RUFF_PATHS := $(wildcard tests/emulator tests/utils tests/reliability tests/examples benchmarks hacking)
# ansible-lint targets (skipped while they do not exist yet).
LINT_PATHS := $(wildcard examples roles tests/integration/targets)

# The parts of `make test`, run in this order; the first failure stops the run.
# test-docs (hacking/check-docs.sh) and test-build (hacking/test-build.sh) run when their
# scripts exist, and then must pass.
TEST_HOOKS := $(if $(wildcard hacking/check-docs.sh),test-docs) $(if $(wildcard hacking/test-build.sh),test-build)
TEST_PARTS := test-lint test-unit test-emulator test-sanity test-integration test-reliability test-examples $(strip $(TEST_HOOKS))

.PHONY: help venv venv-oldest copy get-pip demo bench docs test $(TEST_PARTS) \
        test-unit-new test-unit-old test-sanity-new test-sanity-old \
        test-integration-new test-integration-old test-reliability test-examples test-docs test-build clean

help:
	@echo "make demo              run examples/demo.yml against the local emulator"
	@echo "make test              every test, in order: $(TEST_PARTS)"
	@echo "make test-lint         yamllint, ruff, ansible-lint"
	@echo "make test-unit         ansible-test units (ansible-core newest and oldest)"
	@echo "make test-emulator     pytest tests/emulator"
	@echo "make test-sanity       ansible-test sanity (newest and oldest core), no ignore files"
	@echo "make test-integration  ansible-test integration against the emulator (both cores)"
	@echo "make test-reliability  faults, load, secrets, TLS, bad input, property-based (real playbooks)"
	@echo "make test-examples     every example of the docs and the modules, run against the emulator"
	@echo "make bench | docs | venv | venv-oldest | copy | clean"

# ---------------------------------------------------------------- virtual environments
venv: $(VENV)/.installed
venv-oldest: $(VENV_OLD)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@py="$(PYTHON_NEW)"; test -n "$$py" || { echo "no Python $(PY_NEW) found" >&2; exit 1; }; \
	  test -x $(VENV)/bin/python || { echo "creating $(VENV) with $$py"; "$$py" -m venv $(VENV); }
	$(VENV)/bin/python -m pip install $(PIP_FLAGS) -r requirements-dev.txt $(PIP_QUIET)
	@touch $@

$(VENV_OLD)/.installed: requirements.txt requirements-oldest.txt
	@py="$(PYTHON_OLD)"; test -n "$$py" || { echo "no Python $(PY_OLD) found" >&2; exit 1; }; \
	  test -x $(VENV_OLD)/bin/python || { echo "creating $(VENV_OLD) with $$py"; "$$py" -m venv $(VENV_OLD); }
	$(VENV_OLD)/bin/python -m pip install $(PIP_FLAGS) -r requirements-oldest.txt $(PIP_QUIET)
	@touch $@

# ------------------------------------------------------- collection copy for ansible-test
# Every file git knows or would add (uncommitted new files count), as a real directory
# with a git repository of its own (ansible-test lists content through git).
copy:
	@python3 tests/utils/build_copy.py $(COPY)

# get-pip for the venvs ansible-test creates: the cached script, else the real one
# downloaded, else a stand-in using ensurepip (see tests/utils/ensure_get_pip.py).
# The pip version comes from each core's own ansible-test.
get-pip: venv venv-oldest
	@$(VENV)/bin/python tests/utils/ensure_get_pip.py
	@$(VENV_OLD)/bin/python tests/utils/ensure_get_pip.py

# ansible-test from VENV ($1) with Python $2, run inside the copy. PATH starts with the
# venv's bin so that ansible-test finds "python3.X" to build its own venvs.
ansible_test = cd $(COPY) && PATH="$(ROOT)/$(1)/bin:$$PATH" "$(ROOT)/$(1)/bin/ansible-test"

# --------------------------------------------------------------------------------- test
test:
	@summary=""; n=0; \
	for t in $(TEST_PARTS); do \
	  start=$$(date +%s); echo "=================== make $$t"; \
	  if ! $(MAKE) $$t; then \
	    echo "=================== make $$t FAILED after $$(( $$(date +%s) - start ))s"; \
	    printf "$$summary"; echo "parts: $$n passed, 1 failed"; exit 1; \
	  fi; \
	  n=$$((n + 1)); summary="$$summary  $$t: $$(( $$(date +%s) - start ))s\n"; \
	done; \
	echo "=================== make test: all parts passed"; printf "$$summary"; \
	echo "parts: $$n passed, 0 failed"

test-lint: venv copy
	$(VENV)/bin/yamllint --strict .
	@if [ -n "$(RUFF_PATHS)" ]; then set -x; $(VENV)/bin/ruff check $(RUFF_PATHS); else echo "ruff: nothing to check yet"; fi
	@if [ -n "$(LINT_PATHS)" ]; then set -x; \
	  PATH="$(ROOT)/$(VENV)/bin:$$PATH" ANSIBLE_COLLECTIONS_PATH="$(COLL_PATH)" ansible-lint --offline $(if $(CI),--nocolor) $(LINT_PATHS); \
	else echo "ansible-lint: no examples/ or integration targets yet"; fi

test-unit: test-unit-new test-unit-old
test-unit-new: venv copy get-pip
	$(call ansible_test,$(VENV)) units --venv --python $(PY_NEW) --color no $(ANSIBLE_TEST_ARGS) $(PIP_QUIET)
test-unit-old: venv-oldest copy get-pip
	$(call ansible_test,$(VENV_OLD)) units --venv --python $(PY_OLD) --color no $(ANSIBLE_TEST_ARGS) $(PIP_QUIET)

test-emulator: venv
	@test -f tests/emulator/capgo_emulator.py || { echo "ERROR: tests/emulator/capgo_emulator.py is missing" >&2; exit 1; }
	timeout 900 $(VENV)/bin/python -m pytest -q -p no:cacheprovider tests/emulator

# Faults, load, secrets, TLS, bad input and property-based runs of real playbooks (tests/reliability).
test-reliability: venv copy
	PATH=$(ROOT)/$(VENV)/bin:$$PATH ANSIBLE_COLLECTIONS_PATH=$(COLL_PATH) \
	  timeout 1200 $(VENV)/bin/python -m pytest -q -p no:cacheprovider tests/reliability

# Every example of the docs and of the modules' EXAMPLES, run against the emulator (tests/examples/manifest.yml).
test-examples: venv copy
	PATH=$(ROOT)/$(VENV)/bin:$$PATH ANSIBLE_COLLECTIONS_PATH=$(COLL_PATH) \
	  timeout 1200 $(VENV)/bin/python -m pytest -q -p no:cacheprovider tests/examples

test-sanity: test-sanity-new test-sanity-old
test-sanity-new: venv copy get-pip
	@if ls $(COPY)/tests/sanity/ignore-*.txt >/dev/null 2>&1; then echo "ERROR: tests/sanity/ignore-*.txt are not allowed" >&2; exit 1; fi
	$(call ansible_test,$(VENV)) sanity --venv --python $(PY_NEW) --color no $(ANSIBLE_TEST_ARGS) $(PIP_QUIET)
test-sanity-old: venv-oldest copy get-pip
	@if ls $(COPY)/tests/sanity/ignore-*.txt >/dev/null 2>&1; then echo "ERROR: tests/sanity/ignore-*.txt are not allowed" >&2; exit 1; fi
	$(call ansible_test,$(VENV_OLD)) sanity --venv --python $(PY_OLD) --color no $(ANSIBLE_TEST_ARGS) $(PIP_QUIET)

test-integration: test-integration-new test-integration-old
test-integration-new: venv copy get-pip
	tests/utils/run-integration.sh $(VENV) $(PY_NEW) $(ANSIBLE_TEST_ARGS)
test-integration-old: venv-oldest copy get-pip
	tests/utils/run-integration.sh $(VENV_OLD) $(PY_OLD) $(ANSIBLE_TEST_ARGS)

# Hooks (see TEST_HOOKS above): run the owners' scripts when they exist.
test-docs: venv
	@if [ -f hacking/check-docs.sh ]; then set -x; VENV=$(VENV) bash hacking/check-docs.sh; \
	else echo "test-docs: hacking/check-docs.sh not written yet (docs work); not part of make test"; fi
test-build: venv
	@if [ -f hacking/test-build.sh ]; then set -x; VENV=$(VENV) bash hacking/test-build.sh; \
	else echo "test-build: hacking/test-build.sh not written yet (release work); not part of make test"; fi

# ------------------------------------------------------------------------ demo, bench, docs
demo: venv copy
	@test -f examples/demo.yml || { echo "ERROR: examples/demo.yml is missing" >&2; exit 1; }
	tests/utils/with-emulator.sh $(VENV)/bin/python -- \
	  env ANSIBLE_COLLECTIONS_PATH="$(COLL_PATH)" ANSIBLE_PYTHON_INTERPRETER="$(ROOT)/$(VENV)/bin/python" \
	  PATH="$(ROOT)/$(VENV)/bin:$$PATH" \
	  ansible-playbook -i localhost, -c local examples/demo.yml

bench: venv
	@test -f benchmarks/run.py || { echo "ERROR: benchmarks/run.py is missing" >&2; exit 1; }
	$(VENV)/bin/python benchmarks/run.py

# Regenerate docs/ from the modules (antsibull-docs); the docs work owns hacking/make-docs.sh.
docs: venv
	@if [ -f hacking/make-docs.sh ]; then set -x; VENV=$(VENV) bash hacking/make-docs.sh; \
	else echo "make docs: hacking/make-docs.sh not written yet (docs work)" >&2; exit 1; fi

clean:
	rm -rf $(VENV) $(VENV_OLD) .build tests/output .pytest_cache .hypothesis .ruff_cache
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
