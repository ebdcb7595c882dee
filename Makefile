# Test toolchain of the hwcloud.mrs collection (a source checkout: this file is not in the Galaxy tarball).
# `make test` runs every check on a fresh machine that has only Python 3.11 and make: it builds .venv/,
# stages the collection, then runs ansible-test sanity, ansible-lint, antsibull-changelog lint, the
# antsibull-docs site build, the ansible-core 2.16/2.21 subset and ONE pytest run (whose summary line is
# printed last).

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
DEMO_VENV    := $(CURDIR)/.venv-demo
DEMO_REQUIREMENTS := demo/requirements.txt

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

.PHONY: help venv demo-venv _venv-at stage seed-ansible-test sanity lint changelog-lint docs units integration pytest test demo bench clean distclean
.PHONY: _sanity _lint _changelog-lint _docs _pytest java _java

help: ## show the targets
	@echo "hwcloud.mrs - make targets:"
	@grep -E '^[a-z][a-zA-Z_-]*:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([^:]*):.*## (.*)/  \1\t\2/' | expand -t 22

# --- set-up ------------------------------------------------------------------------------------------------

venv: ## create .venv/ with the pinned tests/requirements.txt (again when they or python3 change)
	@$(MAKE) _venv-at VENV_DIR=$(VENV) VENV_REQUIREMENTS=$(REQUIREMENTS)

# The demo's own venv: only ansible-core and requests (demo/requirements.txt), never the test toolchain of .venv/.
demo-venv: ## create .venv-demo/ with only what `make demo` needs (demo/requirements.txt: ansible-core, requests)
	@$(MAKE) _venv-at VENV_DIR=$(DEMO_VENV) VENV_REQUIREMENTS=$(DEMO_REQUIREMENTS)

# (Re)creates VENV_DIR with HOST_PYTHON and VENV_REQUIREMENTS, unless its stamp says it holds exactly them.
_venv-at:
	@want="$$( { cat $(VENV_REQUIREMENTS); $(HOST_PYTHON) --version; } | sha256sum | cut -d' ' -f1)"; \
	if [ -x "$(VENV_DIR)/bin/python" ] && [ "$$(cat $(VENV_DIR)/.requirements.sha256 2>/dev/null)" = "$$want" ]; then exit 0; fi; \
	echo "venv: creating $(notdir $(VENV_DIR))/ with $$($(HOST_PYTHON) --version) ($(HOST_PYTHON)) and installing $(VENV_REQUIREMENTS)"; \
	rm -rf "$(VENV_DIR)"; \
	$(HOST_PYTHON) -m venv "$(VENV_DIR)"; \
	$(VENV_DIR)/bin/python -m pip install --disable-pip-version-check -q -r $(VENV_REQUIREMENTS); \
	echo "$$want" > $(VENV_DIR)/.requirements.sha256; \
	echo "venv: ready in $$SECONDS s"

stage: ## copy the git-visible files to .tmp/collections/ansible_collections/hwcloud/mrs
	@$(HOST_PYTHON) tests/utils/stage_collection.py $(COLLECTIONS)

seed-ansible-test: venv ## put the pinned pip wheel and an offline get_pip script into ~/.ansible/test/cache
	@$(BIN)/python tests/utils/seed_ansible_test_cache.py

# Java for ansible-rulebook: the EDA tests (tests/integration/test_events.py) run the real ansible-rulebook, whose rule
# engine (drools_jpy) needs Java 17+. tests/utils/java_home.py finds one (JAVA_HOME, java on PATH, /usr/lib/jvm: the
# tests set JAVA_HOME from it themselves) and, where none is found and apt-get can (root), installs
# openjdk-17-jre-headless. With CI=true a missing Java fails `make test`; without CI the rulebook tests are skipped,
# loudly. `make demo` needs none of this.
java: ## find Java 17+ for the ansible-rulebook tests, installing openjdk-17-jre-headless where apt-get can
	@$(MAKE) _java
_java:
	@if home="$$($(HOST_PYTHON) tests/utils/java_home.py --install)"; then \
		echo "java: $$home (the JAVA_HOME the ansible-rulebook tests use)"; \
	elif [ "$${CI:-}" = true ]; then \
		echo "make test: FAILED java: no Java 17+ could be found or installed, and CI=true: the ansible-rulebook tests must run"; \
		exit 1; \
	else \
		echo "make test: ******** no Java 17+: the ansible-rulebook tests (tests/integration/test_events.py) will be SKIPPED. Install openjdk-17-jre-headless or set JAVA_HOME. ********"; \
	fi

# --- checks ------------------------------------------------------------------------------------------------

sanity: venv stage _sanity ## ansible-test sanity (every test this machine can run; no ignore files)
_sanity: seed-ansible-test
	@py="$$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')"; \
	cd $(STAGE) && $(BIN)/ansible-test sanity --venv --python "$$py" --color no

# ansible-lint runs as a plain `ansible-lint` in a fresh clone would: without the ANSIBLE_COLLECTIONS_PATH that
# this Makefile exports, so it installs this checkout into ./.ansible/collections itself (see .ansible-lint).
lint: venv _lint ## ansible-lint (production profile; config: .ansible-lint), shellcheck .ci/run
_lint:
	@env -u ANSIBLE_COLLECTIONS_PATH XDG_CACHE_HOME=$(CURDIR)/.tmp/cache $(BIN)/ansible-lint $(if $(CI),--nocolor)
	@$(BIN)/shellcheck .ci/run && echo "shellcheck .ci/run: ok"

changelog-lint: venv _changelog-lint ## antsibull-changelog lint of changelogs/fragments
_changelog-lint:
	@$(BIN)/antsibull-changelog lint && echo "changelog lint: ok"

# The reference site: antsibull-docs lint-collection-docs --plugin-docs, sphinx-init --use-current, then
# sphinx-build -W (warnings are errors) with intersphinx pointed at a local inventory, so nothing is downloaded.
docs: venv stage _docs ## lint the plugins' docs and build the HTML reference site with antsibull-docs: .tmp/docs/build/html/index.html
_docs:
	@$(BIN)/python tests/utils/build_docsite.py $(COLLECTIONS) $(CURDIR)/.tmp/docs > $(CURDIR)/.tmp/docs.log 2>&1 \
		|| { grep -v '^\(reading sources\|writing output\|Writing evaluated\)' $(CURDIR)/.tmp/docs.log | tail -40; exit 1; }
	@grep '^docs: \(lint-collection-docs\|intersphinx\|site built\)' $(CURDIR)/.tmp/docs.log

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
test: venv stage ## every check: Java for ansible-rulebook, sanity, lint, changelog lint, docs site, the 2.16/2.21 subset, then one pytest run
	@failed=""; \
	check() { local start=$$SECONDS; $(MAKE) "_$$1" || failed="$$failed $$1"; echo "make test: $$1 took $$((SECONDS - start)) s"; }; \
	check java; \
	check sanity; \
	check lint; \
	check changelog-lint; \
	check docs; \
	check test-versions; \
	skipped="$$(cat $(VERSIONS_SKIPPED) 2>/dev/null || true)"; \
	if [ -n "$$skipped" ]; then echo "make test: SKIPPED ansible-core$$skipped (no suitable Python, see above)"; fi; \
	if [ -n "$$failed" ]; then echo "make test: FAILED:$$failed (pytest runs anyway)"; \
	else echo "make test: java, sanity, lint, changelog lint, docs and the ansible-core version runs passed"; fi; \
	$(MAKE) _pytest PYTEST_DIRS="$(ALL_TEST_DIRS)" || failed="$$failed pytest"; \
	[ -z "$$failed" ]

demo: demo-venv stage ## a playbook scales three clusters (one custom) on the emulator, shows the result, then re-runs and changes nothing
	@$(DEMO_VENV)/bin/python demo/run_demo.py $(COLLECTIONS)

# One section alone: `make bench BENCH_ARGS="--only overhead"` measures the floor (section 2) in about 3 minutes.
bench: venv stage ## API calls, per-task overhead and its floor, time to notice completion, fleet and uri runs on the emulator (table + .tmp/bench/results.json)
	@$(BIN)/python bench/run_bench.py $(BENCH_ARGS)

# --- supported ansible-core range --------------------------------------------------------------------------
# The oldest and the newest supported ansible-core, each in a venv of its own (.venv-VERSION/, pinned in
# tests/requirements-VERSION.txt and recreated when that file or its Python changes). `make pytest` covers
# 2.19 (.venv/). A full pytest run per version would not fit the time budget, so each runs VERSION_TESTS:
# every unit test, and the integration tests that build the tarball, install it and run playbooks through
# ansible-playbook and ansible-runner with both modules, the filter, the role and module_defaults.
# (run_pytest.py takes folders; the test files of VERSION_TESTS are passed on to pytest after its `--`.)
CORE_VERSIONS ?= 2.16 2.21
VERSION_TESTS ?= tests/unit tests/integration/test_release.py tests/integration/test_ansible_runner.py
# The controller Pythons each one supports (oldest newest): 2.16 runs on 3.10-3.12, 2.20+ need 3.12+.
PYTHONS_2.16  := 3.10 3.12
PYTHONS_2.21  := 3.12 3.14
PYTHON_2.16   ?= $(HOST_PYTHON)
PYTHON_2.21   ?= $(firstword $(wildcard $(or $(PYENV_ROOT),/root/.pyenv)/versions/3.12*/bin/python3.12 \
                                       $(or $(PYENV_ROOT),/root/.pyenv)/versions/3.13*/bin/python3.13) \
                             $(shell command -v python3.12 || command -v python3.13) python3.12)
# Where no suitable Python exists (e.g. no 3.12 for 2.21), that version's run is SKIPPED, said loudly, and the
# rest passes; `make test` repeats the skip in its summary. With CI=true (as .ci/run runs) a missing Python is
# a failure instead: CI has them (pyenv), so there a skip would only hide a broken set-up.
VERSIONS_SKIPPED := $(CURDIR)/.tmp/test-versions.skipped

.PHONY: test-versions _test-versions _test-version _venv-version

test-versions: stage _test-versions ## pytest subset (VERSION_TESTS) on ansible-core 2.16 (Python 3.10-3.12) and 2.21 (Python 3.12+)
_test-versions:
	@failed=""; mkdir -p $(dir $(VERSIONS_SKIPPED)); : > $(VERSIONS_SKIPPED); \
	suitable() { "$$1" -c 'import sys; low, high = (tuple(map(int, v.split("."))) for v in sys.argv[1:]); sys.exit(not low <= sys.version_info[:2] <= high)' "$$2" "$$3" 2>/dev/null; }; \
	run_version() { \
		local version=$$1 py=$$2 low=$$3 high=$$4 start=$$SECONDS; \
		if ! suitable "$$py" "$$low" "$$high"; then \
			if [ "$${CI:-}" = true ]; then \
				echo "make test-versions: FAILED ansible-core $$version: no Python $$low to $$high (PYTHON_$$version=$$py) and CI=true: CI must run every supported version"; \
				failed="$$failed $$version"; \
			else \
				echo "make test-versions: ******** SKIPPED ansible-core $$version: no Python $$low+ (it needs $$low to $$high; PYTHON_$$version=$$py is missing or outside that). Install one, or pass PYTHON_$$version=/path/to/python. ********"; \
				echo -n " $$version" >> $(VERSIONS_SKIPPED); \
			fi; \
			return 0; \
		fi; \
		$(MAKE) _test-version V=$$version PYTHON_$$version="$$py" || failed="$$failed $$version"; \
		echo "make test-versions: ansible-core $$version took $$((SECONDS - start)) s"; \
	}; \
	$(foreach v,$(CORE_VERSIONS),run_version $(v) "$(PYTHON_$(v))" $(or $(PYTHONS_$(v)),3.0 3.99);) \
	if [ -s $(VERSIONS_SKIPPED) ]; then echo "make test-versions: SKIPPED ansible-core$$(cat $(VERSIONS_SKIPPED)) (no suitable Python)"; fi; \
	if [ -n "$$failed" ]; then echo "make test-versions: FAILED on ansible-core$$failed"; exit 1; fi

_test-version: _venv-version
	@venv=$(CURDIR)/.venv-$(V); home=$(CURDIR)/.tmp/home-$(V); \
	echo "make test-versions: $$($$venv/bin/ansible --version | sed -n 1p), $$($$venv/bin/python --version)"; \
	rm -rf "$$home" && mkdir -p "$$home"; \
	cd $(STAGE) && HOME="$$home" PYTHONPATH=$(COLLECTIONS) ANSIBLE_PYTHON_INTERPRETER="$$venv/bin/python" PATH="$$venv/bin:$$PATH" \
		"$$venv/bin/python" $(CURDIR)/tests/utils/run_pytest.py --workers $(PYTEST_WORKERS) \
		$(filter-out %.py,$(VERSION_TESTS)) -- $(filter %.py,$(VERSION_TESTS)) $(PYTEST_ARGS)

_venv-version:
	@py="$(PYTHON_$(V))"; venv=$(CURDIR)/.venv-$(V); requirements=tests/requirements-$(V).txt; \
	if [ ! -f "$$requirements" ]; then echo "make test-versions: no $$requirements"; exit 1; fi; \
	if ! "$$py" -c 'import sys' 2>/dev/null; then echo "make test-versions: no working Python for ansible-core $(V) (PYTHON_$(V)=$$py)"; exit 1; fi; \
	want="$$( { cat "$$requirements"; "$$py" --version; } | sha256sum | cut -d' ' -f1)"; \
	if [ -x "$$venv/bin/python" ] && [ "$$(cat "$$venv/.requirements.sha256" 2>/dev/null)" = "$$want" ]; then exit 0; fi; \
	echo "venv: creating .venv-$(V)/ with $$("$$py" --version) ($$py) and installing $$requirements"; \
	rm -rf "$$venv"; \
	"$$py" -m venv "$$venv"; \
	"$$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$$requirements"; \
	echo "$$want" > "$$venv/.requirements.sha256"; \
	echo "venv: ready in $$SECONDS s"

# --- housekeeping ------------------------------------------------------------------------------------------

clean: ## remove .tmp/, tests/output/, .ansible/ and caches (keeps .venv/)
	rm -rf .tmp tests/output .ansible .pytest_cache .hypothesis
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean ## clean, and remove .venv/, .venv-demo/ and the .venv-VERSION/ venvs too
	rm -rf $(VENV) $(VENV)-*
