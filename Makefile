# Foleni: `make demo` runs the demo centre, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench system-deps

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

system-deps:
	scripts/install-system-deps

demo: $(STAMP)
	$(BIN)/foleni demo

test: $(STAMP) system-deps
	scripts/run-tests

lint: $(STAMP)
	scripts/lint

bench: $(STAMP)
	$(BIN)/python -m bench
