# Vidnova: `make run` sets everything up and serves the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export TRACKER_ENV ?= development

.PHONY: run test install browser-tools vendor-assets extract-messages check-rules lint bench clean

run: install
	$(BIN)/vidnova init
	$(BIN)/vidnova demo
	@echo ""
	@echo "Vidnova is being served at http://$(HOST):$(PORT) with a job worker beside it  (Ctrl+C stops both)"
	@echo ""
	@# One shell line: the worker's pid must survive to the trap that stops it with the server.
	$(BIN)/vidnova worker --threads 2 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(BIN)/vidnova run --host $(HOST) --port $(PORT)

test: install browser-tools
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Reinstall when the dependencies or the catalogues change; the install compiles the catalogues.
install: $(VENV)/.installed

# axe-core for the browser tests' accessibility check (package.json / package-lock.json); tests only.
browser-tools: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# Leaflet (a dependency pinned in package-lock.json) copied into the package's static files, where the map pages
# load it from (never a CDN). The copy is committed, so installing the Python package needs no npm; run this after
# changing Leaflet's version, and tests/core/test_vendored_assets.py checks the copy matches the lock.
LEAFLET_STATIC := tracker/static/vendor/leaflet
vendor-assets: browser-tools
	rm -rf $(LEAFLET_STATIC) && mkdir -p $(LEAFLET_STATIC)/images
	cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/LICENSE \
		$(LEAFLET_STATIC)/
	cp node_modules/leaflet/dist/images/*.png $(LEAFLET_STATIC)/images/

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

# Benchmarks print figures and ratios; they are not part of the test suite (docs/PERFORMANCE.md says what each prints).
# `make bench` generates 20,000 projects into a SQLite file under bench-results/ (kept, and reused by the next run),
# then measures the portal under gunicorn, a 60 s mixed load, reports, rules and the CSV import. PostgreSQL:
#   make bench DB=postgresql+psycopg://postgres:postgres@127.0.0.1:5432/vidnova_bench
# (a database whose name contains "bench": it is created when missing and emptied when it holds another size).
BENCH_PROJECTS ?= 20000
BENCH_REQUESTS ?= 200
BENCH_CONCURRENCY ?= 1
BENCH_SECONDS ?= 60
BENCH_DIR ?= bench-results
DB ?= sqlite:///$(CURDIR)/$(BENCH_DIR)/portfolio-$(BENCH_PROJECTS).sqlite3
BENCH_SIZES ?= 2000,20000,50000
SCALING_DB ?= $(if $(filter postgresql%,$(DB)),$(DB)_{n},sqlite:///$(CURDIR)/$(BENCH_DIR)/portfolio-{n}.sqlite3)
SMOKE_DB ?= $(if $(filter postgresql%,$(DB)),$(DB),sqlite:///$(CURDIR)/$(BENCH_DIR)/portfolio-2000.sqlite3)

.PHONY: bench-data bench-portal bench-load bench-reports bench-scaling bench-smoke bench-import bench-map bench-orders

# The CSV import of IMPORT_ROWS rows into a fresh database (SQLite, or IMPORT_DB: a PostgreSQL database whose
# name contains "bench", emptied first), with a planner saving meanwhile.
IMPORT_ROWS ?= 20000
IMPORT_DB ?=
bench-import: install
	$(BIN)/python -m benchmarks.bench_csv_import --rows $(IMPORT_ROWS) $(if $(IMPORT_DB),--database-url '$(IMPORT_DB)')

bench: bench-data
	$(BIN)/python -m benchmarks.bench_portal --database-url '$(DB)' --requests $(BENCH_REQUESTS) \
		--concurrency $(BENCH_CONCURRENCY)
	$(BIN)/python -m benchmarks.bench_load --database-url '$(DB)' --seconds $(BENCH_SECONDS)
	$(BIN)/python -m benchmarks.bench_reports --database-url '$(DB)'
	$(BIN)/python -m benchmarks.bench_rules --projects 10000
	$(BIN)/python -m benchmarks.bench_csv_import --rows $(IMPORT_ROWS) $(if $(IMPORT_DB),--database-url '$(IMPORT_DB)')

# The portfolio alone (reused when the database already holds BENCH_PROJECTS projects).
bench-data: install
	$(BIN)/python -m benchmarks.portfolio_generator --database-url '$(DB)' --projects $(BENCH_PROJECTS) --reuse --reset

bench-portal: bench-data
	$(BIN)/python -m benchmarks.bench_portal --database-url '$(DB)' --requests $(BENCH_REQUESTS) \
		--concurrency $(BENCH_CONCURRENCY)

bench-load: bench-data
	$(BIN)/python -m benchmarks.bench_load --database-url '$(DB)' --seconds $(BENCH_SECONDS)

bench-reports: bench-data
	$(BIN)/python -m benchmarks.bench_reports --database-url '$(DB)'

# The public map: its first data response's size, its speed against /healthz, and Chromium drawing it.
bench-map: bench-data browser-tools
	$(BIN)/python -m benchmarks.bench_map --database-url '$(DB)'

# The project list in each of its orders (newest, name, budget, progress, compliance, best match), page 1 and deep.
bench-orders: bench-data
	$(BIN)/python -m benchmarks.bench_list_orders --database-url '$(DB)'

# 2,000, 20,000 and 50,000 projects in one table (each size keeps its database; see SCALING_DB).
bench-scaling: install
	$(BIN)/python -m benchmarks.bench_scaling --sizes $(BENCH_SIZES) --database-url '$(SCALING_DB)' --requests 50

# A quick check that everything runs: 2,000 projects, 30 requests a page, a 20 s mixed load.
bench-smoke: install
	$(BIN)/python -m benchmarks.portfolio_generator --database-url '$(SMOKE_DB)' --projects 2000 --reuse --reset
	$(BIN)/python -m benchmarks.bench_portal --database-url '$(SMOKE_DB)' --requests 30 --memory-requests 20
	$(BIN)/python -m benchmarks.bench_load --database-url '$(SMOKE_DB)' --seconds 20 --healthz-seconds 10

clean:
	rm -rf $(VENV) build *.egg-info
