# Front door of the reproduction. `make help` lists the targets.
# A fresh machine needs only Python 3.11+, pip, make and git: the targets below create
# their own virtual environment (.venv) from the pinned requirements.txt.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help reproduce test lint benchmark setup clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

reproduce: $(STAMP) ## set up .venv, run every notebook, write figures/, data/reconstructed/, reports/
	$(BIN)/python -m analysis.run

test: $(STAMP) ## run the whole test suite (unit tests, registry checks, nbval on the notebooks)
	$(BIN)/python -m pytest -n auto --dist worksteal

lint: $(STAMP) ## ruff on the package, tests and notebooks
	$(BIN)/ruff check analysis tests notebooks scripts

benchmark: $(STAMP) ## time the reproduce step and a fresh-clone setup (writes reports/benchmark.md)
	$(BIN)/python scripts/benchmark.py

setup: $(STAMP) ## only create the virtual environment

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

clean: ## remove the virtual environment (outputs are kept: they are committed)
	rm -rf $(VENV)
