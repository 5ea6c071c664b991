# One toolchain; CI (.ci/run) and developers call the same targets.
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: install test lint format train eval bench
install:
	python3 -m venv $(VENV) && $(PY) -m pip install -q -e '.[dev]'
test:
	$(PY) -m pytest
lint:
	$(VENV)/bin/ruff check bot tests training bench && $(VENV)/bin/ruff format --check bot tests training bench && $(VENV)/bin/mypy
format:
	$(VENV)/bin/ruff format bot tests training bench && $(VENV)/bin/ruff check --fix bot tests training bench
train:
	$(PY) -m bot.core.train
eval:
	$(VENV)/bin/coach eval
bench:
	$(PY) bench/offline.py
