# Front door of the reproduction. `make help` lists the targets.
# A fresh machine needs only Python 3.11+, pip, make and git: the targets below create
# their own virtual environment (.venv) from the pinned requirements*.txt.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check
# uv installs the pinned requirements (pip installs uv itself): the same pins, several times
# faster than pip on a fresh clone (reports/benchmark.md). Bytecode is compiled at install,
# as pip does: with PYTHONDONTWRITEBYTECODE set, nothing would cache it later.
UV_VERSION := 0.13.9
INSTALL := $(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python
STAMP  := $(VENV)/.installed
TESTS  := $(VENV)/.installed-test
LAB    := $(VENV)/.installed-lab
BOOK   := $(VENV)/.installed-book

.DEFAULT_GOAL := help
.PHONY: help reproduce test test-fast lint lab book book-student primers benchmark setup clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

reproduce: $(STAMP) ## set up .venv, run every notebook, write figures/, data/reconstructed/, reports/
	$(BIN)/python -m analysis.run

test: $(TESTS) ## run the whole test suite (unit tests, registry checks, nbval on every notebook)
	$(BIN)/python -m pytest -n auto --dist worksteal

test-fast: $(TESTS) ## the unit tests alone (no notebook, command or browser), for the edit loop
	$(BIN)/python -m pytest -n 2 -m "not slow and not integration"

lint: $(TESTS) ## ruff on the package, tests and notebooks (complexity rules included)
	$(BIN)/ruff check analysis tests notebooks scripts

lab: $(LAB) ## open the notebooks in JupyterLab
	$(BIN)/jupyter lab notebooks/

book: $(BOOK) ## build the course (chapters and executed notebooks) into build/book/html/
	$(BIN)/python scripts/book.py

book-student: $(BOOK) ## the course without the exercises' answers, into build/book-student/html/
	$(BIN)/python scripts/book.py --edition student

primers: $(LAB) ## the primers and the exercises (no answers) as notebooks in build/primers/, opened in JupyterLab
	$(BIN)/python scripts/primers.py
	$(BIN)/jupyter lab build/primers/

benchmark: $(TESTS) ## time reproduce, test and a fresh clone against bare kernels (writes reports/benchmark.md)
	$(BIN)/python scripts/benchmark.py

setup: $(STAMP) ## only create the virtual environment for `make reproduce`

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) uv==$(UV_VERSION)
	$(INSTALL) -r requirements.txt
	$(INSTALL) --no-deps --no-build-isolation -e .
	touch $(STAMP)

$(TESTS): $(STAMP) requirements-test.txt requirements-book.txt
	$(INSTALL) -r requirements-test.txt
	touch $(TESTS)

$(BOOK): $(STAMP) requirements-book.txt
	$(INSTALL) -r requirements-book.txt
	touch $(BOOK)

$(LAB): $(STAMP) requirements-lab.txt
	$(INSTALL) -r requirements-lab.txt
	touch $(LAB)

clean: ## remove the virtual environment (outputs are kept: they are committed)
	rm -rf $(VENV)
