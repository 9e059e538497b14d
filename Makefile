# The README's commands. `make run` serves the demo site; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

# The suite starts many Python processes (test workers, gunicorn, flask commands): each would
# compile the project and pytest would rewrite every test module again if bytecode were not kept
# (some machines set PYTHONDONTWRITEBYTECODE; it doubles the CPU time of starting a process).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test test-fast lint setup dev-setup catalogs catalogs-update migrate-check clean bench bench-compare tools loadtest screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamp files: reinstall only when the package metadata changes.
$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

instance/secret_key:
	mkdir -p instance
	$(BIN)/python -c "import secrets; print(secrets.token_hex(32))" > $@
	chmod 600 $@

# The message catalogs (Flask-Babel): plc/translations/<lang>/LC_MESSAGES/messages.po in the
# repository, compiled here to the .mo files the app reads.
CATALOGS := $(wildcard plc/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)
plc/translations/%/LC_MESSAGES/messages.mo: plc/translations/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d plc/translations -l $* -i $< -o $@

catalogs: $(COMPILED)

# After changing a text marked N_() or _(): extract, then update the catalogs and translate.
catalogs-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _l --add-location=file --sort-by-file -o plc/translations/messages.pot plc
	$(BIN)/pybabel update -i plc/translations/messages.pot -d plc/translations --no-fuzzy-matching

setup: $(VENV)/.installed instance/secret_key $(COMPILED)
	$(FLASK) db upgrade
	$(FLASK) plc demo --if-empty

run: setup
	@echo "PLC is at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	$(FLASK) run --host $(HOST) --port $(PORT)

# The tests' OpenID Connect provider (tests/oidc/provider: the `oidc-provider` npm package), when
# Node.js is there; without it those tests skip (in CI, CI=true, they fail instead).
OIDC_PROVIDER := tests/oidc/provider
$(OIDC_PROVIDER)/node_modules/.installed: $(OIDC_PROVIDER)/package.json $(OIDC_PROVIDER)/package-lock.json
	cd $(OIDC_PROVIDER) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

dev-setup: $(VENV)/.installed-dev $(COMPILED)
	@if command -v node >/dev/null && command -v npm >/dev/null; then \
	  $(MAKE) --no-print-directory $(OIDC_PROVIDER)/node_modules/.installed; \
	else echo "Node.js not found: the OpenID Connect tests will be skipped (see README)"; fi

# The whole suite, one worker per core (pytest-xdist; each worker has its own database and
# app), then the 15 slowest tests. PYTEST_ARGS adds to it: "-m '...'" (.ci/run's PG_SELECTION
# is what the PostgreSQL leg of CI runs), "-k matrix", "-n 0" (one process, for a debugger).
# --maxschedchunk 1: a worker is handed the next test when it is free. xdist's default hands
# out a quarter of the suite per worker up front, and with the long tests first (conftest.py)
# one worker got most of them: it ran 80 s after the other had finished.
TEST_WORKERS ?= auto
test: dev-setup
	$(BIN)/pytest -n $(TEST_WORKERS) --dist load --maxschedchunk 1 --durations=15 $(PYTEST_ARGS)

# The daily loop: one area in a few seconds, no browsers, no servers, first failure stops it.
#   make test-fast TESTS=tests/plans        make test-fast TESTS=tests/test_permissions.py
TESTS ?= tests
test-fast: dev-setup
	$(BIN)/pytest -q -x -m "not browser and not slow" $(TESTS) $(PYTEST_ARGS)

# ruff, then the import contracts of setup.cfg (the layers of docs/architecture.md; make test
# runs them too, in tests/test_layering.py, with the rules import-linter cannot see).
lint: dev-setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

# Benchmark (not part of `make test`): seed BENCH_SCALE programme years into a fresh SQLite
# file and measure the pages under gunicorn (bench/run.py; results in bench/results/). With
# BENCH_DATABASE_URL (a scratch PostgreSQL database: its data is replaced) also PostgreSQL.
BENCH_SCALE ?= 1
BENCH_TAG := $(if $(filter 1,$(BENCH_SCALE)),,--tag scale$(BENCH_SCALE))
bench_db = $(abspath bench/data/bench$(filter-out 1,$(1)).db)
BENCH_DB := $(call bench_db,$(BENCH_SCALE))
# $(call seed_bench,url,scale,extra seed options)
seed_bench = PLC_DATABASE_URL="$(1)" $(FLASK) db upgrade && \
	PLC_DATABASE_URL="$(1)" $(BIN)/python bench/seed.py --scale $(2) $(3)
bench: dev-setup tools
	mkdir -p bench/data
	rm -f $(BENCH_DB) $(BENCH_DB)-wal $(BENCH_DB)-shm
	$(call seed_bench,sqlite:///$(BENCH_DB),$(BENCH_SCALE))
	$(BIN)/python bench/run.py --database-url sqlite:///$(BENCH_DB) $(BENCH_TAG) $(BENCH_ARGS)
	if [ -n "$(BENCH_DATABASE_URL)" ]; then \
	  $(call seed_bench,$(BENCH_DATABASE_URL),$(BENCH_SCALE),--force) && \
	  $(BIN)/python bench/run.py --database-url "$(BENCH_DATABASE_URL)" $(BENCH_TAG) $(BENCH_ARGS); \
	fi

# Scale 1 against BENCH_COMPARE_SCALE (5) in one interleaved run (bench/compare.py: the ratios
# within 10% of each other), on the SQLite files `make bench` leaves (seeded when missing,
# migrated when not), and
# with BENCH_DATABASE_URL and BENCH_COMPARE_URL (scratch databases, seeded afresh) PostgreSQL.
BENCH_COMPARE_SCALE ?= 5
BENCH_COMPARE_DB := $(call bench_db,$(BENCH_COMPARE_SCALE))
bench-compare: dev-setup tools
	mkdir -p bench/data
	for pair in "$(call bench_db,1) 1" "$(BENCH_COMPARE_DB) $(BENCH_COMPARE_SCALE)"; do \
	  set -- $$pair; \
	  if [ -f $$1 ]; then PLC_DATABASE_URL=sqlite:///$$1 $(FLASK) db upgrade; \
	  else $(call seed_bench,sqlite:///$$1,$$2); fi || exit 1; \
	done
	$(BIN)/python bench/compare.py --database-url sqlite:///$(call bench_db,1) \
	  --against sqlite:///$(BENCH_COMPARE_DB) $(BENCH_ARGS)
	if [ -n "$(BENCH_DATABASE_URL)" ] && [ -n "$(BENCH_COMPARE_URL)" ]; then \
	  $(call seed_bench,$(BENCH_DATABASE_URL),1,--force) && \
	  $(call seed_bench,$(BENCH_COMPARE_URL),$(BENCH_COMPARE_SCALE),--force) && \
	  $(BIN)/python bench/compare.py --database-url "$(BENCH_DATABASE_URL)" \
	    --against "$(BENCH_COMPARE_URL)" $(BENCH_ARGS); \
	fi

# The load tools from Debian's packages, when missing: wrk (the benchmark's load generator;
# without it bench/run.py measures with Python threads and its report says so) and HAProxy (the
# load balancer of `make loadtest`'s two-host scenario). Without root or sudo nothing is
# installed and the message says what is missing.
AS_ROOT := $(if $(filter 0,$(shell id -u)),,sudo -n)
TOOLS := wrk haproxy
tools:
	@missing="$$(for t in $(TOOLS); do PATH="$$PATH:/usr/sbin" command -v $$t >/dev/null || echo $$t; done)"; \
	if [ -n "$$missing" ]; then \
	  $(AS_ROOT) apt-get install -y -q $$missing \
	  || { $(AS_ROOT) apt-get update -q && $(AS_ROOT) apt-get install -y -q $$missing; } \
	  || echo "Could not install $$missing: the benchmark uses Python threads without wrk;" \
	          "the two-host load scenario needs HAProxy"; \
	fi

# Load and fault suite of issues 7 and 16 (not part of `make test`; a short version is
# tests/test_loadtest_short.py): steady load, a surge with a gunicorn reload, SMTP down, a
# backup under load, each counting what the database holds afterwards (loadtest/run.py;
# results in loadtest/results/). A fresh SQLite file under loadtest/data/; with
# LOADTEST_DATABASE_URL (a scratch PostgreSQL database: it is DROPPED and created again) also
# PostgreSQL, and there also two hosts behind HAProxy, one killed and started again (as root,
# each host in a network namespace; else two ports). LOADTEST_ARGS go to loadtest/run.py
# (e.g. "--duration 20 --scenario steady").
LOADTEST_DB := $(abspath loadtest/data/load.db)
loadtest: dev-setup tools
	mkdir -p loadtest/data
	rm -f $(LOADTEST_DB) $(LOADTEST_DB)-wal $(LOADTEST_DB)-shm
	$(BIN)/python loadtest/run.py --database-url sqlite:///$(LOADTEST_DB) $(LOADTEST_ARGS)
	if [ -n "$(LOADTEST_DATABASE_URL)" ]; then \
	  $(BIN)/python loadtest/run.py --database-url "$(LOADTEST_DATABASE_URL)" $(LOADTEST_ARGS); \
	fi

# Screenshots of home, worksheet, plan, growth and both dashboards, desktop and 390 px phone,
# from the demo data (docs/screenshots/take.py; Debian's chromium). Not part of `make test`.
screenshots: dev-setup
	$(BIN)/python docs/screenshots/take.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
