# Test toolchain of the hwcloud.mrs collection. `make test` runs every check on a fresh machine that has
# only Python 3.11 and make: it builds .venv/, stages the collection, then runs ansible-test sanity,
# ansible-lint, antsibull-changelog lint and ONE pytest run (whose summary line is printed last).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON       ?= python3
# resolved before .venv/bin goes first on PATH (and passed on to sub-makes), so it names the Python that
# makes the venv, not the venv's own
ifndef HOST_PYTHON
HOST_PYTHON  := $(shell command -v $(PYTHON) 2>/dev/null || echo $(PYTHON))
endif
export HOST_PYTHON
VENV         := $(CURDIR)/.venv
BIN          := $(VENV)/bin
REQUIREMENTS := tests/requirements.txt
VENV_STAMP   := $(VENV)/.requirements.sha256

# ansible-test runs from a copy of the git-visible files under .tmp/ (it needs .../ansible_collections/NS/NAME).
COLLECTIONS  := $(CURDIR)/.tmp/collections
STAGE        := $(COLLECTIONS)/ansible_collections/hwcloud/mrs
TEST_HOME    := $(CURDIR)/.tmp/home

# pytest: worker processes (pytest-xdist), extra arguments (e.g. make units PYTEST_ARGS='-k signer -x')
PYTEST_WORKERS ?= 2
PYTEST_ARGS    ?=
UNIT_DIRS      := tests/unit tests/emulator
ALL_TEST_DIRS  := $(UNIT_DIRS) tests/integration

export PATH := $(BIN):$(PATH)
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)

# environment of every pytest run: imports resolve through the staged copy, side effects land in a throwaway
# HOME, and playbooks use the venv's Python (interpreter discovery finds broken pyenv shims otherwise).
PYTEST_ENV = HOME=$(TEST_HOME) PYTHONPATH=$(COLLECTIONS) ANSIBLE_PYTHON_INTERPRETER=$(BIN)/python

.PHONY: help venv stage seed-ansible-test sanity lint changelog-lint units integration pytest test demo clean distclean
.PHONY: _sanity _lint _changelog-lint _pytest

help: ## show the targets
	@echo "hwcloud.mrs - make targets:"
	@grep -E '^[a-z][a-zA-Z_-]*:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([^:]*):.*## (.*)/  \1\t\2/' | expand -t 22

# --- set-up ------------------------------------------------------------------------------------------------

venv: ## create .venv/ with the pinned tests/requirements.txt (again when they or python3 change)
	@want="$$( { cat $(REQUIREMENTS); $(HOST_PYTHON) --version; } | sha256sum | cut -d' ' -f1)"; \
	if [ -x "$(BIN)/python" ] && [ "$$(cat $(VENV_STAMP) 2>/dev/null)" = "$$want" ]; then exit 0; fi; \
	echo "venv: creating .venv/ with $$($(HOST_PYTHON) --version) ($(HOST_PYTHON)) and installing $(REQUIREMENTS)"; \
	rm -rf "$(VENV)"; \
	$(HOST_PYTHON) -m venv "$(VENV)"; \
	$(BIN)/python -m pip install --disable-pip-version-check -q -r $(REQUIREMENTS); \
	echo "$$want" > $(VENV_STAMP); \
	echo "venv: ready in $$SECONDS s"

stage: ## copy the git-visible files to .tmp/collections/ansible_collections/hwcloud/mrs
	@$(HOST_PYTHON) tests/utils/stage_collection.py $(COLLECTIONS)

seed-ansible-test: venv ## put the pinned pip wheel and an offline get_pip script into ~/.ansible/test/cache
	@$(BIN)/python tests/utils/seed_ansible_test_cache.py

# --- checks ------------------------------------------------------------------------------------------------

sanity: venv stage _sanity ## ansible-test sanity (every test this machine can run; no ignore files)
_sanity: seed-ansible-test
	@py="$$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')"; \
	cd $(STAGE) && $(BIN)/ansible-test sanity --venv --python "$$py" --color no

lint: venv stage _lint ## ansible-lint (production profile, offline; config: .ansible-lint), shellcheck .ci/run
_lint:
	@XDG_CACHE_HOME=$(CURDIR)/.tmp/cache $(BIN)/ansible-lint $(if $(CI),--nocolor)
	@$(BIN)/shellcheck .ci/run && echo "shellcheck .ci/run: ok"

changelog-lint: venv _changelog-lint ## antsibull-changelog lint of changelogs/fragments
_changelog-lint:
	@$(BIN)/antsibull-changelog lint && echo "changelog lint: ok"

units: venv stage ## pytest of tests/unit and tests/emulator
	@$(MAKE) _pytest PYTEST_DIRS="$(UNIT_DIRS)"

integration: venv stage ## pytest of tests/integration (runs real ansible-playbook processes)
	@$(MAKE) _pytest PYTEST_DIRS="tests/integration"

pytest: venv stage ## ONE pytest run over tests/unit, tests/emulator and tests/integration
	@$(MAKE) _pytest PYTEST_DIRS="$(ALL_TEST_DIRS)"

_pytest:
	@rm -rf $(TEST_HOME) && mkdir -p $(TEST_HOME)
	@cd $(STAGE) && $(PYTEST_ENV) $(BIN)/python $(CURDIR)/tests/utils/run_pytest.py \
		--workers $(PYTEST_WORKERS) $(PYTEST_DIRS) -- $(PYTEST_ARGS)

# Runs every check even when an earlier one fails, so one run reports all problems, and prints how long each
# took; pytest comes last so its summary line is the last test-runner output. Non-zero exit if anything failed.
test: venv stage ## every check: sanity, lint, changelog lint, then one pytest run
	@failed=""; \
	check() { local start=$$SECONDS; $(MAKE) "_$$1" || failed="$$failed $$1"; echo "make test: $$1 took $$((SECONDS - start)) s"; }; \
	check sanity; \
	check lint; \
	check changelog-lint; \
	if [ -n "$$failed" ]; then echo "make test: FAILED:$$failed (pytest runs anyway)"; \
	else echo "make test: sanity, lint and changelog lint passed"; fi; \
	$(MAKE) _pytest PYTEST_DIRS="$(ALL_TEST_DIRS)" || failed="$$failed pytest"; \
	[ -z "$$failed" ]

demo: venv stage ## a playbook scales two clusters on the emulator, shows the result, then re-runs and changes nothing
	@$(BIN)/python demo/run_demo.py $(COLLECTIONS)

# --- housekeeping ------------------------------------------------------------------------------------------

clean: ## remove .tmp/, tests/output/, .ansible/ and caches (keeps .venv/)
	rm -rf .tmp tests/output .ansible .pytest_cache .hypothesis
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean ## clean, and remove .venv/ too
	rm -rf $(VENV)
