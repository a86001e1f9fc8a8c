# newsdesk — the two README commands are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export NEWSDESK_DATA_DIR ?= $(CURDIR)/var

.PHONY: default check install demo test test-postgres test-fast bench lint fmt migrate system-deps

default: check
check: lint test

$(STAMP): pyproject.toml world/pyproject.toml eval/pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]' -e ./world -e ./eval
	touch $(STAMP)

# The data dir and its secret key are created here, explicitly: settings only read them.
install: $(STAMP)
	@$(VENV)/bin/newsdesk init

migrate: install
	$(VENV)/bin/newsdesk migrate --noinput

demo: install
	$(VENV)/bin/newsdesk demo

# Debian packages the tests need: chromium for the browser tests.
system-deps:
	@command -v chromium >/dev/null || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The whole suite on SQLite, then the database-dependent tests again on PostgreSQL. Both always run;
# the target fails if either failed.
test: install system-deps
	@status=0; \
	$(PY) -m pytest -q || status=$$?; \
	$(MAKE) --no-print-directory test-postgres || status=$$?; \
	exit $$status

# Database-dependent tests (leases and claims, the kill -9 worker test, search, migrations, end-to-end ingest,
# site, API) on a throwaway PostgreSQL server on loopback, stopped and deleted afterwards even on failure.
PG_TESTS ?= tests/ingest tests/site tests/api tests/sources tests/articles tests/websub tests/test_migrations.py tests/postgres

test-postgres: install
	@export NEWSDESK_PG_DIR="$$(mktemp -d /tmp/newsdesk-pg.XXXXXX)"; \
	trap 'scripts/postgres-test-server.sh stop' EXIT; \
	url="$$(scripts/postgres-test-server.sh start)" || exit $$?; \
	echo "PostgreSQL test run against $$url"; \
	NEWSDESK_DATABASE_URL="$$url" $(PY) -m pytest -q -m "not browser" $(PG_TESTS)

test-fast: install
	$(PY) -m pytest -q -m "not slow and not browser"

bench: install
	$(VENV)/bin/newsdesk bench all

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
