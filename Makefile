# One command runs the system, one runs the tests. See README.md.
#
#   make run    install, compile the catalogues, migrate, seed the demo and serve
#               http://127.0.0.1:8000 on the embedded default (SQLite, tasks in-process)
#   make test   install and run the whole test suite
#
# The virtualenv is .venv, made with the machine's python3 (3.11 or newer). The project and
# its dev extra are installed once per version of pyproject.toml: the stamp file is named
# after its checksum, so a changed pyproject.toml installs again and nothing else does.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(firstword $(shell cksum pyproject.toml))
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
QUEUES ?= alerts,reports
# Where the SQLite database and generated files live (settings read VAR_DIR too).
VAR := $(or $(VAR_DIR),var)

.DEFAULT_GOAL := help
.PHONY: help install catalogues run test prod-check lint format migrations-check web worker beat clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Python 3.11 or newer is needed: set PYTHON=/path/to/python3.11" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)  ## make .venv and install the project with its dev extra (once per pyproject.toml)

$(VAR):
	mkdir -p $@

catalogues: install  ## compile the translation catalogues (no gettext needed)
	$(BIN)/python manage.py compile_catalogues

# The periodic jobs (the sweep of pending alerts, escalation) run in a second process beside
# the web server, stopped with it.
run: catalogues | $(VAR)  ## migrate, seed the demo and serve on http://127.0.0.1:8000
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (demo logins in README.md); Ctrl-C stops."
	@$(BIN)/python manage.py run_scheduler & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: catalogues  ## run the whole test suite (PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# PostgreSQL and Redis must be running (PROD_CHECK_DATABASE_URL, PROD_CHECK_REDIS_URL; see
# .ci/prod-check). Debian's Chromium drives the smoke journey.
prod-check: catalogues  ## the production path: collectstatic, the Dockerfile, gunicorn + worker + beat, a browser journey
	bash .ci/prod-check

lint: install  ## ruff check and ruff format --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install  ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install | $(VAR)  ## fail when a model change has no migration
	$(BIN)/python manage.py makemigrations --check --dry-run

# The production topology, without Docker: one gunicorn web, one Celery worker per queue and
# one beat, all against the same PostgreSQL and Redis (DATABASE_URL, REDIS_URL). In production
# run each with DJANGO_SETTINGS_MODULE=config.settings.production; see README.md.

web: install  ## gunicorn serving config.wsgi on HOST:PORT (production settings by default)
	$(BIN)/gunicorn config.wsgi --config config/gunicorn.py --bind $(HOST):$(PORT)

worker: install  ## a Celery worker for QUEUES (default alerts,reports; production runs one per queue)
	@test -n "$$REDIS_URL" || { echo "REDIS_URL is not set: tasks run in-process, no worker is needed" >&2; exit 1; }
	$(BIN)/celery -A config worker -Q $(QUEUES) --loglevel=INFO

beat: install | $(VAR)  ## the Celery beat scheduler (exactly one per installation)
	@test -n "$$REDIS_URL" || { echo "REDIS_URL is not set: beat needs a broker" >&2; exit 1; }
	$(BIN)/celery -A config beat --loglevel=INFO --schedule $(VAR)/celerybeat-schedule

clean:  ## remove the virtualenv (the database under var/ is kept)
	rm -rf $(VENV)
