# C4F Tracker: the short list of things people run. `make run` and `make test` work on a fresh clone.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install run test lint format bench

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(INSTALLED)

install: $(INSTALLED)

BENCH_INSTALLED := $(VENV)/.bench-installed

$(BENCH_INSTALLED): $(INSTALLED) pyproject.toml
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	touch $(BENCH_INSTALLED)

# `make run PORT=8123` serves there; every link the app makes (feeds, emails, invitations)
# starts with SITE_URL, which follows the port unless set. The app's own error pages, not
# Django's debug pages (DEBUG_PAGES=False; c4f_tracker/settings.py says why).
PORT ?= 8000
SITE_URL ?= http://127.0.0.1:$(PORT)
RUN_ENV := SITE_URL=$(SITE_URL) DEBUG_PAGES=$${DEBUG_PAGES:-False}

run: $(INSTALLED)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo "Serving on $(SITE_URL) (log in at $(SITE_URL)/accounts/login/)"
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The single sign-on tests' OpenID Provider (npm oidc-provider); without npm they are skipped
# (and fail under CI=true).
OIDC_PROVIDER := tests/oidc_provider/node_modules/.package-lock.json

$(OIDC_PROVIDER): tests/oidc_provider/package-lock.json
	@if command -v npm >/dev/null; then cd tests/oidc_provider && npm ci --no-audit --no-fund; \
		else echo "npm is not installed: the single sign-on tests are skipped"; fi

# The SAML tests' identity provider (pysaml2, installed with the test extras) signs with
# Debian's xmlsec1; without it they are skipped (and fail under CI=true).
test: $(INSTALLED) $(OIDC_PROVIDER)
	@command -v xmlsec1 >/dev/null || echo "xmlsec1 is not installed (apt-get install xmlsec1): the SAML tests are skipped"
	$(BIN)/pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The README's performance figures (about 7 minutes on SQLite; BENCH_SIZES=small for the small size
# only). Its own database: benchmarks/bench.sqlite3, or DATABASE_URL naming one ending in
# "bench". The load figures need wrk (Debian's package), installed here when run as root.
bench: $(BENCH_INSTALLED)
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq wrk; } \
		|| echo "wrk is not installed: the load figures are left out"
	$(BIN)/python -m benchmarks.run
