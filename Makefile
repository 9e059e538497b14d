# The README's commands. `make run` serves the demo site; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint setup dev-setup migrate-check clean

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

setup: $(VENV)/.installed instance/secret_key
	$(FLASK) db upgrade
	$(FLASK) plc demo --if-empty

run: setup
	@echo "PLC is at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	$(FLASK) run --host $(HOST) --port $(PORT)

dev-setup: $(VENV)/.installed-dev

test: dev-setup
	$(BIN)/pytest $(PYTEST_ARGS)

lint: dev-setup
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
