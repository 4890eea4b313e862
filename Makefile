# Two commands do everything on a fresh machine with Python 3.11 and make:
#   make run   — install, migrate, load demo data, start web + worker + beat
#   make test  — install the dev extra and run the whole suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
PIP    := $(BIN)/python -m pip
# The exact versions the suite passed with, so a fresh install next year gets them.
CONSTRAINTS := -c constraints.txt

.PHONY: run test lint install install-dev migrate seed bench clean client client-check messages messages-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet $(CONSTRAINTS) --upgrade setuptools

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) install --quiet $(CONSTRAINTS) -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) install --quiet $(CONSTRAINTS) -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

# The demo logins are printed once, last, when the app is up (run_embedded).
run: migrate
	$(BIN)/python manage.py seed_demo --no-logins --webhook-base http://127.0.0.1:$(PORT)
	$(BIN)/python manage.py run_embedded --port $(PORT)

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=takedown.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	# No medium or high finding without a justified inline "# nosec" exemption.
	$(BIN)/bandit -q -r takedown liaison cases evidence deadlines demo --severity-level medium

# The translation catalogues (locale/<code>/LC_MESSAGES/django.po, compiled .mo beside
# them, both committed): extract the code's strings, then compile. messages-check fails
# on any untranslated or fuzzy string and on a stale .mo; CI runs it.
messages: install
	$(BIN)/python manage.py makemessages --all --ignore=.venv --ignore=tests --ignore=bench --ignore=clients --ignore=staticfiles --ignore=var
	$(BIN)/python manage.py compilemessages --ignore=.venv

messages-check: install
	$(BIN)/python manage.py check_translations

bench: install-dev
	$(BIN)/python -m bench

# The typed Python client for platforms (clients/python/), generated from the OpenAPI
# document the app serves; byte-identical for the same document (clients/generate.py).
# client-check fails when the committed client is stale (tests/clients/ checks it too).
client: install-dev
	$(BIN)/python clients/generate.py

client-check: install-dev
	$(BIN)/python clients/generate.py --check

clean:
	rm -rf $(VENV) var staticfiles
