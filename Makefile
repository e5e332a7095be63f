# priorscope: `make lab` sets everything up and opens the course in JupyterLab; `make test` sets everything up and
# runs the whole test suite. Both start from a fresh clone with nothing but Python >= 3.12 and network access to PyPI.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
UV_VERSION := 0.13.9
PY := $(VENV)/bin/python
STAMP := $(VENV)/.priorscope-installed
OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
export UV_COMPILE_BYTECODE := 1
export UV_LINK_MODE := copy
export PRIORSCOPE_JAX_CACHE ?= $(CURDIR)/build/jax-cache
PYTEST_ARGS ?=
WORKERS ?= 2

.PHONY: help setup lab test test-unit test-notebooks lint format readme benchmark mutation site clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

.tools/bin/uv:
	@python=$$(tools/find-python) || exit 1; \
	  echo "using $$python"; \
	  "$$python" -m venv .tools && .tools/bin/python -m pip install -q --disable-pip-version-check "uv==$(UV_VERSION)"

$(STAMP): pyproject.toml constraints.txt .tools/bin/uv
	@python=$$(tools/find-python) || exit 1; \
	  [ -x $(PY) ] || .tools/bin/uv venv -q --python "$$python" $(VENV)
	.tools/bin/uv pip install -q --python $(PY) -c constraints.txt -e '.[dev,site]'
	@touch $@

$(OVERRIDES): .binder/overrides.json
	@mkdir -p $(dir $@) && cp $< $@

setup: $(STAMP) $(OVERRIDES)  ## create .venv with the package, its dev tools, and JupyterLab opening .md as notebooks

ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

# The server starts here (jupytext then reads ./jupytext.toml, which keeps saves lossless) and lands on the course
# index: the browser opens, and the server prints, http://localhost:<port>/lab/tree/index.md?token=...
LAB_URL := /lab/tree/index.md

lab: setup  ## set up, then open the course index in JupyterLab (the printed .../lab/tree/index.md URL opens it)
	@echo "priorscope: the course index opens at the .../lab/tree/index.md URL printed below"
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) --LabApp.default_url=$(LAB_URL)

NOTEBOOKS := tutorials/*.md notebooks/*.md

test: setup  ## set up, then run lint, type check, doctests, unit, notebook, panel-sweep and browser tests (CI runs exactly this)
	$(VENV)/bin/ruff check lib tests tools benchmarks
	$(VENV)/bin/ruff format --check lib tests tools benchmarks
	$(VENV)/bin/basedpyright
	$(PY) tools/curriculum.py --check
	$(VENV)/bin/pytest -n $(WORKERS) --dist load --doctest-modules lib/priorscope tests $(PYTEST_ARGS)

test-unit: setup  ## only the unit tests and doctests of lib/
	$(VENV)/bin/pytest -m "not notebooks and not browser" --doctest-modules lib/priorscope tests $(PYTEST_ARGS)

test-notebooks: setup  ## only execute the notebooks (fast mode) and sweep their panels
	$(VENV)/bin/pytest -n $(WORKERS) --dist load -m notebooks $(PYTEST_ARGS)

mutation: setup  ## benchmark: curated one-line bugs vs the unit tests (MUTANTS=id,id to pick; MUTATION_CLAIMS=1 adds notebooks)
	$(PY) tools/mutation.py $(if $(MUTANTS),--only $(MUTANTS)) $(if $(MUTATION_CLAIMS),--claims)

lint: setup  ## ruff (library, tests, tools and the notebooks' code cells) and basedpyright (basic mode) over lib/
	$(VENV)/bin/ruff check lib tests tools benchmarks && $(VENV)/bin/ruff format --check lib tests tools benchmarks
	$(VENV)/bin/nbqa ruff $(NOTEBOOKS)
	$(VENV)/bin/basedpyright

format: setup  ## ruff format + fixes
	$(VENV)/bin/ruff format lib tests tools benchmarks && $(VENV)/bin/ruff check --fix lib tests tools benchmarks

readme: setup  ## regenerate the curriculum and claims tables (README.md, index.md) from the sources and the last test run
	$(PY) tools/curriculum.py --write

benchmark: setup  ## panel latency and notebook runtimes -> benchmarks/results/
	$(PY) benchmarks/run.py

# Sphinx + MyST-NB + sphinx-book-theme (the `site` extra); MathJax is fetched once from the npm registry (pinned
# version and sha512) into .tools/; every notebook runs in fast mode, a cell error fails the build (tools/site.py).
site: setup  ## build the course as an offline website in build/site/ (open build/site/index.html; SITE_ONLY=t00,25 for a few)
	$(PY) tools/site.py -j $(WORKERS) $(if $(SITE_ONLY),--only $(SITE_ONLY))

clean:  ## remove the environment and build products
	rm -rf $(VENV) .tools build
