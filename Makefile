# One toolchain; CI (.ci/run) and developers call the same targets.
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: install test lint format train eval bench i18n
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
# After adding or changing an English phrase (or to refresh a new language): rewrite the .pot
# templates from the English catalogues, then let pybabel carry the keys and the English
# wording (as comments) into every other language. See docs/translating.md.
i18n:
	$(PY) -m bot.i18n.template
	for pot in $$(find bot -name '*.pot'); do \
	  $(VENV)/bin/pybabel update -i $$pot -d $$(dirname $$pot) -D $$(basename $$pot .pot) -w 100 --ignore-obsolete; \
	done
