# The interface: make site | serve | test | accept | bench. Each sets up the environment if missing.
SHELL := /bin/bash
VENV  ?= .venv
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MKDOCS := NO_MKDOCS_2_WARNING=1 PYTHONPATH=src $(VENV)/bin/mkdocs

.PHONY: site serve test accept bench env npm chromium clean unit codeblocks

env: $(STAMP)

# torch/torchvision come from the machine's local wheel store (pip is capped there);
# everything else is pinned in requirements.lock.
$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check torch==2.14.1 torchvision==0.29.1
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Browser-side packages (onnxruntime-web for the explorer, axe-core for the audit), exact
# versions from package-lock.json; the build copies onnxruntime-web's files into site/.
NPM_STAMP := node_modules/.installed
npm: $(NPM_STAMP)

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NPM_STAMP)

chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

site: $(STAMP) $(NPM_STAMP)
	$(MKDOCS) build --strict

serve: $(STAMP) $(NPM_STAMP)
	$(MKDOCS) serve -a 127.0.0.1:8000 --livereload --dirty

accept: $(STAMP) $(NPM_STAMP)
	EXECDOCS_ACCEPT=1 $(MKDOCS) build
	@echo "Recorded. Review with: git diff --stat records/ && git diff records/"

unit: $(STAMP)
	PYTHONPATH=src $(PY) -m pytest -q -m "not browser"

codeblocks: $(STAMP)
	PYTHONPATH=src MPLBACKEND=Agg $(PY) -m pytest -q --codeblocks docs

test: $(STAMP) $(NPM_STAMP) chromium site
	PYTHONPATH=src MPLBACKEND=Agg $(PY) -m pytest -q tests
	PYTHONPATH=src MPLBACKEND=Agg $(PY) -m pytest -q --codeblocks docs

bench: $(STAMP) site
	PYTHONPATH=src $(PY) benchmarks/bench.py --with-tests

clean:
	rm -rf site .cache docs/notebooks node_modules
