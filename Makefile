# Set-up and everyday commands; see README.md.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format install install-dev migrate seed bench bench-portal i18n clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/eldercredit migrate

seed: migrate
	$(BIN)/eldercredit seed --demo --if-empty
	$(BIN)/eldercredit jobs run rescore
	$(BIN)/eldercredit disclosures publish-first

run: seed
	$(BIN)/eldercredit serve --host $(HOST) --port $(PORT)

# The suite on every core (pytest-xdist, a database per worker); PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= auto
test: install-dev
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# Lint, formatting and types (configured in pyproject.toml); the first gate of .ci/run.
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Apply the formatter and the safe lint fixes.
format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Every benchmark, figures in bench/out/RESULTS.md (needs PostgreSQL and wrk; takes about half an hour).
bench: install-dev
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

# Portal translations: extract the messages of the templates, merge them into the catalogs, compile.
i18n: install-dev
	$(BIN)/pybabel extract -F portal/i18n/babel.cfg --no-location -o portal/i18n/messages.pot portal/templates/_base portal/templates/public
	$(BIN)/pybabel update -i portal/i18n/messages.pot -d portal/i18n -D messages --no-fuzzy-matching
	$(BIN)/pybabel compile -d portal/i18n -D messages --statistics

# Portal pages under wrk (needs `apt-get install -y wrk` and a rescored national database).
bench-portal: install-dev
	$(BIN)/python bench/bench_portal.py --database-url $(BENCH_DATABASE_URL)

clean:
	rm -rf $(VENV) var .pytest_cache
