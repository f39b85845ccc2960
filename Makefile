# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PG_URL := postgres://postgres@127.0.0.1:5432/homestart
# The suite runs on every core (pytest-xdist, one test database per worker); `make test PYTEST_ARGS=...` overrides.
PYTEST_ARGS ?= -n auto -rs

.PHONY: run test install lint format check-deploy code clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

## Set everything up on SQLite with demo data, print the demo sign-ins and serve on http://127.0.0.1:8000
run: install
	DEBUG=true DATABASE_URL=sqlite:///$(CURDIR)/db.sqlite3 $(BIN)/python manage.py migrate --no-input
	DEBUG=true DATABASE_URL=sqlite:///$(CURDIR)/db.sqlite3 $(BIN)/python manage.py seed_demo
	@echo "Open http://127.0.0.1:8000 and sign in with one of the accounts above."
	DEBUG=true DATABASE_URL=sqlite:///$(CURDIR)/db.sqlite3 $(BIN)/python manage.py runserver 127.0.0.1:8000

## Run the whole suite: on DATABASE_URL if set, else the local PostgreSQL if reachable, else SQLite
test: install
	@url="$$DATABASE_URL"; \
	if [ -z "$$url" ] && $(BIN)/python -c "import psycopg2; psycopg2.connect('$(PG_URL)'.replace('/homestart', '/postgres'), connect_timeout=3).close()" 2>/dev/null; then url="$(PG_URL)"; fi; \
	if [ -z "$$url" ]; then url="sqlite:///$(CURDIR)/var/test.sqlite3"; echo "PostgreSQL not reachable: running on SQLite; PostgreSQL-only tests will be skipped."; fi; \
	echo "Test database: $$url"; \
	DATABASE_URL="$$url" $(BIN)/python -m pytest $(PYTEST_ARGS)

## The current two-factor code of a demo account: make code USER=coordinator
code: install
	DEBUG=true DATABASE_URL=sqlite:///$(CURDIR)/db.sqlite3 $(BIN)/python manage.py demo_code $(USER)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-deploy: install
	DEBUG=false SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-key-0123456789abcdefghijklmnop ALLOWED_HOSTS=homestart.example SECURE_COOKIES=true \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var db.sqlite3
