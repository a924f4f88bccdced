# Vidnova: `make run` sets everything up and serves the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export TRACKER_ENV ?= development

.PHONY: run test install browser-tools extract-messages check-rules lint bench clean

run: install
	$(BIN)/vidnova init
	$(BIN)/vidnova demo
	@echo ""
	@echo "Vidnova is being served at http://$(HOST):$(PORT)  (Ctrl+C stops it)"
	@echo ""
	$(BIN)/vidnova run --host $(HOST) --port $(PORT)

test: install browser-tools
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Reinstall when the dependencies or the catalogues change; the install compiles the catalogues.
install: $(VENV)/.installed

# axe-core for the browser tests' accessibility check (package.json / package-lock.json); tests only.
browser-tools: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

$(VENV)/.installed: pyproject.toml setup.py $(wildcard tracker/translations/*/LC_MESSAGES/messages.po)
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Re-extract the messages after changing translatable text, then translate the new entries.
extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -o tracker/translations/messages.pot .
	$(BIN)/pybabel update -i tracker/translations/messages.pot -d tracker/translations --no-fuzzy-matching

check-rules: install
	$(BIN)/vidnova rules check

# ruff (style, bugbear, bandit, complexity, docstrings), the import contracts in pyproject.toml, mypy on rules and core.
lint: install
	$(BIN)/ruff check tracker tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy

# Benchmarks print figures and ratios; they are not part of the test suite.
bench: install
	$(BIN)/python -m benchmarks.bench_rules --projects 10000
	$(BIN)/python -m benchmarks.bench_csv_import
	$(BIN)/python -m benchmarks.bench_portal

clean:
	rm -rf $(VENV) build *.egg-info
