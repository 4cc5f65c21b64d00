# The two commands a newcomer needs, on a fresh Debian machine:
#   make demo   — set everything up, then run the full demo on the built-in device lab
#   make test   — set everything up, then run the test suite (what CI runs)
VENV ?= .venv
STAMP := $(VENV)/.govnet-installed

.PHONY: demo test lint bench setup

$(STAMP): pyproject.toml debian-packages.txt scripts/setup
	VENV=$(VENV) scripts/setup
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/govnet demo

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	VENV=$(VENV) scripts/typecheck
	# two workers, each test file on one of them (its module fixtures built once)
	$(VENV)/bin/pytest -n 2 --dist loadfile

lint: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	VENV=$(VENV) scripts/typecheck

bench: $(STAMP)
	for b in bench/bench_*.py; do $(VENV)/bin/python $$b || exit 1; done
