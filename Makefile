# The interface: make site | serve | test | accept | bench. Each sets up the environment if missing.
SHELL := /bin/bash
VENV  ?= .venv
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MKDOCS := NO_MKDOCS_2_WARNING=1 PYTHONPATH=src $(VENV)/bin/mkdocs

.PHONY: site serve test accept bench env npm chromium clean unit codeblocks

env: $(STAMP)

# torch/torchvision come from the machine's local wheel store (pip is capped there);
# everything else is pinned in requirements.lock.  TORCH_INDEX (CI: PyTorch's CPU wheel
# index, https://download.pytorch.org/whl/cpu) installs the same pinned versions from that
# index and leaves the CUDA-only packages of the lock out (a CPU runner needs none of them).
TORCH_INDEX ?=
CUDA_ONLY := ^(nvidia-|cuda-|triton==)
$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX)) torch==2.14.1 torchvision==0.29.1
	$(if $(TORCH_INDEX),grep -vE '$(CUDA_ONLY)',cat) requirements.lock > $(VENV)/requirements.txt
	$(PY) -m pip install -q --disable-pip-version-check -r $(VENV)/requirements.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Browser-side packages (onnxruntime-web for the explorer, axe-core for the audit), exact
# versions from package-lock.json; the build copies onnxruntime-web's files into site/.
NPM_STAMP := node_modules/.installed
npm: $(NPM_STAMP)

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NPM_STAMP)

# Debian's chromium here; where EXECDOCS_CHROMIUM names another browser (CI: Playwright's own
# Chromium, since Ubuntu's chromium package is a snap shim), that one must exist instead.
chromium:
	@if [ -n "$$EXECDOCS_CHROMIUM" ]; then test -x "$$EXECDOCS_CHROMIUM" || { echo "EXECDOCS_CHROMIUM=$$EXECDOCS_CHROMIUM is not executable"; exit 1; }; \
	else command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }; fi

# SHARD=k/N executes only shard k's chains (of N) into the cache ($$EXECDOCS_CACHE) and renders
# nothing; copy the shards' cache folders together and a plain `make site` executes 0 blocks.
SHARD ?=
site: $(STAMP) $(NPM_STAMP)
	$(if $(SHARD),PYTHONPATH=src $(PY) -m execdocs shard run $(SHARD),$(MKDOCS) build --strict)

serve: $(STAMP) $(NPM_STAMP)
	$(MKDOCS) serve -a 127.0.0.1:8000 --livereload --dirty

# PAGES="docs/a.md snippets/b.py" re-records only those pages; every other record stays as it is.
# Strict: a block that fails (or a claim checked in a block) is not recorded and fails the command.
PAGES ?=
ACCEPT_PAGES = $(patsubst snippets/%,../snippets/%,$(patsubst docs/%,%,$(PAGES)))
accept: $(STAMP) $(NPM_STAMP)
	EXECDOCS_ACCEPT=1 EXECDOCS_ACCEPT_PAGES="$(ACCEPT_PAGES)" $(MKDOCS) build --strict
	@echo "Recorded. Review with: git diff --stat records/ && git diff records/"

unit: $(STAMP)
	PYTHONPATH=src $(PY) -m pytest -q -m "not browser"

codeblocks: $(STAMP)
	PYTHONPATH=src MPLBACKEND=Agg $(PY) -m pytest -q --codeblocks docs

# ruff and mypy (pinned in requirements.lock, configured in pyproject.toml) on the engine and
# its MkDocs adapter; src/cnnlab joins once its owners have cleared its findings.
.PHONY: lint
lint: $(STAMP)
	$(VENV)/bin/ruff check src/execdocs hooks
	$(VENV)/bin/mypy

test: $(STAMP) $(NPM_STAMP) chromium lint site
	PYTHONPATH=src MPLBACKEND=Agg $(PY) -m pytest -q tests
	PYTHONPATH=src MPLBACKEND=Agg $(PY) -m pytest -q --codeblocks docs

bench: $(STAMP) site
	PYTHONPATH=src $(PY) benchmarks/bench.py --with-tests

clean:
	rm -rf site .cache docs/notebooks node_modules
