# The whole set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

demo: $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[examples]'
	$(BIN)/python -m skrnn.demo

test: $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(BIN)/python
	$(BIN)/python -m pip install -q ruff
	$(BIN)/ruff check skrnn tests examples benchmarks
	$(BIN)/ruff format --check skrnn tests examples benchmarks

docs: $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[docs]'
	$(BIN)/python -m sphinx -W --keep-going -b html docs docs/_build/html

clean:
	rm -rf docs/_build docs/auto_examples docs/gen_modules .pytest_cache
