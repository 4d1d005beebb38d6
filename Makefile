# The interface: make site | serve | test | accept | bench. Each sets up the environment if missing.
# Also: make test-all (adds the slow tier), make screenshots (pictures of every page for a person).
SHELL := /bin/bash
VENV  ?= .venv
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MKDOCS := NO_MKDOCS_2_WARNING=1 PYTHONPATH=src $(VENV)/bin/mkdocs

.PHONY: site serve test test-all screenshots accept bench env npm chromium clean unit codeblocks zensical

env: $(STAMP)

# torch/torchvision come from the machine's local wheel store (pip is capped there);
# everything else is pinned in requirements.lock.  TORCH_INDEX (CI: PyTorch's CPU wheel
# index, https://download.pytorch.org/whl/cpu) installs the same pinned versions from that
# index and leaves the CUDA-only packages of the lock out (a CPU runner needs none of them).
TORCH_INDEX ?=
CUDA_ONLY := ^(nvidia-|cuda-|triton==)
$(STAMP): requirements.lock pyproject.toml
	@if [ -L $(VENV) ]; then echo "$(VENV) is a symbolic link (to $$(readlink $(VENV))): set-up never installs into another checkout's environment; remove the link (rm $(VENV)) and run make again to create this checkout's own"; exit 1; fi
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX)) torch==2.14.1 torchvision==0.29.1
	$(if $(TORCH_INDEX),grep -vE '$(CUDA_ONLY)',cat) requirements.lock > $(VENV)/requirements.txt
	$(PY) -m pip install -q --disable-pip-version-check -r $(VENV)/requirements.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-build-isolation -e '.[test,lint]'  # pyproject's dependencies, already satisfied by the lock: pip checks them, downloads nothing
	touch $(STAMP)

# Browser-side packages (onnxruntime-web for the explorer, axe-core for the audit), exact
# versions from package-lock.json; the build copies onnxruntime-web's files into site/.
NPM_STAMP := node_modules/.installed
npm: $(NPM_STAMP)

$(NPM_STAMP): package.json package-lock.json
	@if [ -L node_modules ]; then echo "node_modules is a symbolic link (to $$(readlink node_modules)): npm ci would empty another checkout's folder; remove the link (rm node_modules) and run make again"; exit 1; fi
	npm ci --no-audit --no-fund
	touch $(NPM_STAMP)

# Zensical (tests/test_zensical.py builds the rendered folder with it), in its own venv:
# pinned with its dependencies in requirements-zensical.lock.
ZENSICAL_STAMP := .venv-zensical/.installed
zensical: $(ZENSICAL_STAMP)

$(ZENSICAL_STAMP): requirements-zensical.lock
	test -x .venv-zensical/bin/python || python3 -m venv .venv-zensical
	.venv-zensical/bin/python -m pip install -q --disable-pip-version-check -r requirements-zensical.lock
	touch $@

# Debian's chromium here; where EXECDOCS_CHROMIUM names another browser (CI: Playwright's own
# Chromium, since Ubuntu's chromium package is a snap shim), that one must exist instead.
chromium:
	@if [ -n "$$EXECDOCS_CHROMIUM" ]; then test -x "$$EXECDOCS_CHROMIUM" || { echo "EXECDOCS_CHROMIUM=$$EXECDOCS_CHROMIUM is not executable"; exit 1; }; \
	else command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }; fi

# SHARD=k/N executes only shard k's chains (of N) into the cache ($$EXECDOCS_CACHE) and renders
# nothing (so it needs no npm packages); copy the shards' cache folders together and a plain
# `make site` executes 0 blocks.  A strict build that passes leaves $(SITE_STAMP), so `make test`
# after `make site` builds nothing again; any newer input file makes `make test` build first.
SHARD ?=
SITE_STAMP := site/.execdocs-built
SITE_INPUTS := mkdocs.yml $(shell find docs snippets src hooks records -type f \
	-not -path 'docs/notebooks/*' -not -path '*/__pycache__/*' -not -path '*.egg-info/*' 2>/dev/null)
site: $(STAMP) $(if $(SHARD),,$(NPM_STAMP))
	$(if $(SHARD),PYTHONPATH=src $(PY) -m execdocs shard run $(SHARD),$(MKDOCS) build --strict && touch $(SITE_STAMP))

$(SITE_STAMP): $(STAMP) $(NPM_STAMP) $(SITE_INPUTS)
	$(MKDOCS) build --strict
	touch $@

serve: $(STAMP) $(NPM_STAMP)
	$(MKDOCS) serve -a 127.0.0.1:8000 --livereload --dirty

# PAGES="docs/a.md snippets/b.py" re-records only those pages; every other record stays as it is.
# Strict: a block that fails (or a claim checked in a block) is not recorded and fails the command.
PAGES ?=
ACCEPT_PAGES = $(patsubst snippets/%,../snippets/%,$(patsubst docs/%,%,$(PAGES)))
accept: $(STAMP) $(NPM_STAMP)
	EXECDOCS_ACCEPT=1 EXECDOCS_ACCEPT_PAGES="$(ACCEPT_PAGES)" $(MKDOCS) build --strict
	@echo "Recorded. Review with: git status records/ (new record files are untracked: git add them) && git diff records/"

# `make test`: one pytest run over the built site.  The strict build above has executed every
# chain; the tests that need outputs read its cache ($$EXECDOCS_CACHE, as the build does), so no
# chain of the site runs twice.  pytest-codeblocks runs one representative page (every marker
# kind); the parity test (tests/test_guard.py) proves it sees the same blocks as the engine on
# every page.  The slow tier (`-m slow`: cold rebuilds in fresh processes, the snippets as
# scripts, pytest-codeblocks over all of docs/) runs in `make test-all` and the weekly workflow.
# pytest-xdist: one worker per core; every Chromium test goes to one worker (the scheduler in
# tests/conftest.py) so each page is still visited once.  TEST_WORKERS=0: one process.
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
PYTEST := PYTHONPATH=src MPLBACKEND=Agg $(PY) -m pytest -q --durations=15 -n $(TEST_WORKERS)
CODEBLOCKS_PAGE ?= docs/authoring.md
TEST_REQS := $(STAMP) $(NPM_STAMP) $(ZENSICAL_STAMP) chromium lint $(SITE_STAMP)

test: $(TEST_REQS)
	$(PYTEST) -m "not slow and not screenshots" --codeblocks tests $(CODEBLOCKS_PAGE)

test-all: $(TEST_REQS)
	$(PYTEST) -m "not screenshots" --codeblocks tests docs

# Light, dark and phone screenshots of every page, for a person to look at (test-artifacts/screenshots/).
screenshots: $(STAMP) $(NPM_STAMP) chromium $(SITE_STAMP)
	$(PYTEST) -m screenshots tests/browser

unit: $(STAMP)
	PYTHONPATH=src $(PY) -m pytest -q -m "not browser and not slow and not screenshots"

codeblocks: $(STAMP)
	PYTHONPATH=src MPLBACKEND=Agg $(PY) -m pytest -q --codeblocks docs

# ruff and mypy (pinned in requirements.lock, configured in pyproject.toml) on the engine, its
# MkDocs adapter and cnnlab (the library the pages import).
.PHONY: lint
lint: $(STAMP)
	$(VENV)/bin/ruff check src/execdocs src/cnnlab hooks
	$(VENV)/bin/mypy

bench: $(STAMP) $(SITE_STAMP)
	PYTHONPATH=src $(PY) benchmarks/bench.py --with-tests

clean:
	rm -rf site .cache docs/notebooks node_modules
