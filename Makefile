# The two commands: `make run` serves the demo on SQLite, `make test` runs the whole suite.
PORT ?= 8000
VENV ?= .venv
export PORT

.PHONY: run test lint install install-test

run: install
	$(VENV)/bin/twofront run --port $(PORT)

test: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/python -m pytest

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

install:
	scripts/bootstrap.sh run

install-test:
	scripts/bootstrap.sh test
