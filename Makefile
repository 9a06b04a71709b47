# Fridsam: `make run` starts the application with the demo county; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench load load-pages install migrate lint format messages vendor clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

migrate: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable

run: migrate
	$(BIN)/python manage.py load_demo
	@echo "Fridsam: http://$(HOST):$(PORT)/  (stop with Ctrl+C)"
	$(BIN)/python manage.py runserver --noreload $(HOST):$(PORT)

node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the browser tests will be skipped (they need axe-core from npm)"; fi

# Two processes (one per core), each with its own test database; a test file runs whole in one
# of them, so the browser tests share one server and run in their order.
WORKERS ?= auto
test: install node_modules/.package-lock.json
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadfile $(PYTEST_ARGS)

# Benchmarks: bounded, on 127.0.0.1 / the test database only; they print their figures.
bench: install
	$(BIN)/python -m pytest -m benchmark -s -q tests/benchmarks

# Load: the production stack (gunicorn over TLS, PostgreSQL) under the five roles' mixed load on
# 127.0.0.1, bounded in time; prints throughput and latency (tests/load/run.py --help).
load: install
	$(BIN)/python tests/load/run.py $(LOAD_ARGS)

# Each role's load-test pages one by one, in-process: CPU ms and queries (after make load LOAD_ARGS=--keep).
load-pages: install
	$(BIN)/python tests/load/pages.py $(LOAD_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install
	cd fridsam && ../$(BIN)/python ../manage.py makemessages -l sv -l en --no-obsolete --no-location
	cd fridsam && ../$(BIN)/python ../manage.py compilemessages

# Refresh the vendored front-end assets from the npm registry (versions pinned in package.json).
vendor: node_modules/.package-lock.json
	cp node_modules/@digdir/designsystemet-css/dist/src/index.css fridsam/core/static/vendor/designsystemet/designsystemet.css
	cp node_modules/@digdir/designsystemet-css/dist/theme/designsystemet.css fridsam/core/static/vendor/designsystemet/theme.css
	cp node_modules/@digdir/designsystemet-css/LICENSE fridsam/core/static/vendor/designsystemet/LICENSE
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/LICENSE fridsam/core/static/vendor/htmx/

clean:
	rm -rf $(VENV) node_modules var
