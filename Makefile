# Pattern Atlas: `make run` serves the site, `make test` runs every test.
# Both set everything up on a fresh machine (python3, make and a C compiler).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format setup install clean browser-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

setup: install
	$(BIN)/python manage.py setup_local

# Pages are served over WSGI (gunicorn) and run streams over ASGI (uvicorn) on
# the next port: bench/pages.py shows why. The embedded Redis starts too when
# REDIS_URL is unset. Ctrl-C stops everything.
run: export WEBSOCKET_PORT ?= 8001
run: setup
	@echo "Pattern Atlas: http://$${WEB_HOST:-127.0.0.1}:$${WEB_PORT:-8000}/  (Ctrl-C stops it)"
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start $$( [ -n "$$REDIS_URL" ] && echo web sockets worker )

browser-deps:
	@./tests/browser/install-chromium.sh

test: install browser-deps
	$(BIN)/python manage.py setup_local --no-admin
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf var/ $(VENV)
