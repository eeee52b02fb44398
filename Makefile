# Two commands: `make run` (first run on the embedded SQLite) and `make test` (everything).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never

TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tongren_fupin
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
HOST ?= 127.0.0.1
PORT ?= 8000
RUN_ENV := DEBUG=1 DEMO_ENABLED=1
DEMO_PERIOD := 2020-12
DEMO_QUARTER := 2020-Q4
# Apps that keep their own translations in <app>/locale (the others share locale/).
APP_LOCALES := assistance relocation supervision fieldsync
MO_FILES = $(wildcard locale/*/LC_MESSAGES/django.mo $(foreach app,$(APP_LOCALES),$(app)/locale/*/LC_MESSAGES/django.mo))

.PHONY: run setup venv assets demo test check lint-imports runtime-check format messages services \
	system-deps clean

run: setup demo
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

setup: venv assets
	mkdir -p var
	$(RUN_ENV) $(BIN)/python manage.py migrate --no-input
	$(RUN_ENV) $(BIN)/python manage.py loaddata fixtures/tongren_regions/tongren_regions.json
	$(RUN_ENV) $(BIN)/python manage.py loaddata fixtures/tongren_assistance/tongren_assistance.json
	$(RUN_ENV) $(BIN)/python manage.py loaddata fixtures/tongren_relocation/tongren_relocation.json

demo: setup
	$(RUN_ENV) $(BIN)/python manage.py load_demo
	$(RUN_ENV) $(BIN)/python manage.py load_demo_register --scale 0.01
	$(RUN_ENV) $(BIN)/python manage.py load_demo_relocation
	@# The bulletin of December 2020: the demo register's evidence is of 2014–2020 (decision 0018).
	$(RUN_ENV) $(BIN)/python manage.py run_monthly_dispatch --period $(DEMO_PERIOD)
	@# The analysis of the demo's latest quarter (more are asked for on the reports page).
	$(RUN_ENV) $(BIN)/python manage.py run_quarterly_analysis --period $(DEMO_QUARTER)

venv: $(VENV)/.synced

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: pyproject.toml uv.lock | $(BIN)/uv
	$(BIN)/uv sync --locked --python $(BIN)/python
	touch $@

assets: static/vendor/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# The same script fills static/vendor in the Dockerfile.
static/vendor/.installed: node_modules/.installed scripts/vendor-assets.sh
	bash scripts/vendor-assets.sh node_modules static/vendor
	touch $@

services:
	bash scripts/services.sh

system-deps:
	bash scripts/system-deps.sh

check: venv lint-imports runtime-check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/mypy .
	DEBUG=1 $(BIN)/python manage.py check --fail-level WARNING
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	@# Compiled messages are current when compiling changes nothing (works before a commit too).
	@before="$$(md5sum $(MO_FILES))"; \
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules >/dev/null; \
	[ "$$before" = "$$(md5sum $(MO_FILES))" ] \
	  || (echo "a django.mo was stale: it is compiled now, commit it"; exit 1)

# The import contracts of [tool.importlinter] in pyproject.toml (no cache: it takes a second).
lint-imports: venv
	$(BIN)/lint-imports --no-cache --no-logo

# The Dockerfile installs uv.lock without the dev group, so a runtime module importing a
# dev-only package passes the tests and fails in production. This builds that environment
# (kept inside .venv, which every tool already skips) and, with production settings, loads the
# URLconf, runs the deploy checks, migrates a throwaway database on the tests' server and serves
# the login page.
runtime-check: venv assets services
	UV=$(BIN)/uv RUNTIME_PYTHON=$(BIN)/python RUNTIME_VENV=$(VENV)/runtime \
	  POSTGRES_SERVER=$(dir $(TEST_DATABASE_URL)) REDIS_URL=$(TEST_REDIS_URL) bash scripts/runtime-check.sh

# Production settings (DEBUG=0) except that the test client and the browser tests speak plain
# http, so the HTTPS redirect is off, and that tasks run inline (a real worker where they matter,
# tests/worker.py), e-mail goes nowhere and the second run is on SQLite: each fallback by name, as
# production refuses them silently (decision 0022).
TEST_ENV := DEBUG=0 SECRET_KEY=test-only-secret-key-never-used-in-production-7f3a9c2e5b1d \
	ALLOWED_HOSTS=testserver,localhost,127.0.0.1 DATABASE_URL=$(TEST_DATABASE_URL) \
	TEST_REDIS_URL=$(TEST_REDIS_URL) CELERY_BROKER_URL= SECURE_SSL_REDIRECT=0 \
	ALLOW_EAGER_CELERY=1 ALLOW_CONSOLE_EMAIL=1 ALLOW_SQLITE=1

test: system-deps venv assets services check
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)
	@# The tests marked sqlite again, on the embedded default of `make run`.
	mkdir -p var && rm -f var/test-sqlite.sqlite3
	$(TEST_ENV) DATABASE_URL=sqlite:///var/test-sqlite.sqlite3 $(BIN)/pytest -m sqlite $(PYTEST_ARGS)

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: venv
	DEBUG=1 $(BIN)/python manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=node_modules \
	  --ignore=staticfiles $(foreach app,$(APP_LOCALES),--ignore=$(app)) --no-obsolete
	for app in $(APP_LOCALES); do \
	  (cd $$app && DEBUG=1 ../$(BIN)/python ../manage.py makemessages -l zh_Hans -l en --no-obsolete) || exit 1; \
	done
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles var test-artifacts
