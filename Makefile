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
QUEUES ?= alerts,reports,sms
# Where the SQLite database and generated files live (settings read VAR_DIR too).
VAR := $(or $(VAR_DIR),var)
# make backup / make restore BACKUP=<folder> [FORCE=1] (README "Backups").
BACKUP_DIR ?= $(VAR)/backups
BACKUP_KEEP ?= 14

.DEFAULT_GOAL := help
.PHONY: help install catalogues run test prod-check lint format migrations-check web worker beat kannel fakesms backup restore clean

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

worker: install  ## a Celery worker for QUEUES (default alerts,reports,sms; production runs one per queue)
	@test -n "$$REDIS_URL" || { echo "REDIS_URL is not set: tasks run in-process, no worker is needed" >&2; exit 1; }
	$(BIN)/celery -A config worker -Q $(QUEUES) --loglevel=INFO

beat: install | $(VAR)  ## the Celery beat scheduler (exactly one per installation)
	@test -n "$$REDIS_URL" || { echo "REDIS_URL is not set: beat needs a broker" >&2; exit 1; }
	$(BIN)/celery -A config beat --loglevel=INFO --schedule $(VAR)/celerybeat-schedule

# A local SMS gateway for development (README "SMS through Kannel"): Debian's Kannel on
# 127.0.0.1, with fakesmsc (kannel-extras) standing for the operator. It writes
# $(VAR)/kannel/env, the settings the system needs to use it: `. $(VAR)/kannel/env && make run`
# in a second terminal. Ctrl-C stops Kannel.
KANNEL_DEV_SECRET ?= local-kannel-secret-for-development-only
KANNEL_DEV_PASSWORD ?= local-sendsms-password
KANNEL_DEV_ENV = KANNEL_SECRET=$(KANNEL_DEV_SECRET) \
	KANNEL_SENDSMS_URL=http://127.0.0.1:13013/cgi-bin/sendsms \
	KANNEL_SENDSMS_USERNAME=earlywarning KANNEL_SENDSMS_PASSWORD=$(KANNEL_DEV_PASSWORD) \
	KANNEL_CALLBACK_URL=http://$(HOST):$(PORT)
FAKESMSC := /usr/lib/kannel/test/fakesmsc
FROM ?= +23675000000
TEXT ?= ALERTE ICI MEURTRE IMMEDIAT test depuis fakesmsc

kannel: install | $(VAR)  ## a local Kannel (bearerbox, smsbox, fakesmsc's port) on 127.0.0.1 for the system on HOST:PORT
	@test -x /usr/sbin/bearerbox -a -x $(FAKESMSC) || { echo "Kannel is missing: apt-get install -y kannel kannel-extras" >&2; exit 1; }
	$(KANNEL_DEV_ENV) $(BIN)/python manage.py kannel_config --output $(VAR)/kannel/kannel.conf --web-url http://$(HOST):$(PORT)
	@printf 'export %s\n' $(KANNEL_DEV_ENV) >$(VAR)/kannel/env
	@echo "Kannel on 127.0.0.1 (sendsms 13013, fakesmsc 10000). In another terminal: . $(VAR)/kannel/env && make run"
	@echo "Then send an SMS: make fakesms FROM=<a CLA's number> TEXT='ALERTE ICI MEURTRE IMMEDIAT ...'"
	@/usr/sbin/bearerbox -v 1 $(VAR)/kannel/kannel.conf & bearerbox=$$!; sleep 2; \
	/usr/sbin/smsbox -v 1 $(VAR)/kannel/kannel.conf & smsbox=$$!; \
	trap 'kill $$bearerbox $$smsbox 2>/dev/null' EXIT INT TERM; wait

fakesms:  ## send TEXT from FROM through the local Kannel's fakesmsc, and show the reply (15 s)
	@timeout 15 $(FAKESMSC) -H 127.0.0.1 -r 10000 -m 1 "$(FROM) 1313 text $(TEXT)" 2>&1 \
		| grep --line-buffered -E "Got message|ERROR" || true

# The database named by DATABASE_URL (or the SQLite default) and the files under $(VAR)/media.
backup: install | $(VAR)  ## back up the database and generated files into BACKUP_DIR, keeping the BACKUP_KEEP newest
	$(BIN)/python manage.py backup_data --backup-dir "$(BACKUP_DIR)" --keep "$(BACKUP_KEEP)"

restore: install | $(VAR)  ## restore BACKUP=<folder> into an empty database (FORCE=1 replaces what is there)
	@test -n "$(BACKUP)" || { echo "Name the backup folder: make restore BACKUP=$(BACKUP_DIR)/<time>" >&2; exit 1; }
	$(BIN)/python manage.py restore_data "$(BACKUP)" $(if $(filter 1,$(FORCE)),--force)

clean:  ## remove the virtualenv (the database under var/ is kept)
	rm -rf $(VENV)
