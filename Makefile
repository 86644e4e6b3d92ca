# RUPA: every target sets up what it needs, idempotently, on a fresh machine.
# The interpreter the virtualenv is made from: the first Python 3.11+ with venv support of the system's
# (/usr/bin/python3: Debian's and most distributions' builds are compiled with profile-guided and
# link-time optimisation) and python3 on the PATH. A default pyenv build is not optimised that way and
# served pages and PDFs 20-30 % slower on the same machine (bench/README.md). PYTHON=... chooses another.
PYTHON ?= $(or $(shell for candidate in /usr/bin/python3 python3; do \
	$$candidate -c 'import sys, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { echo $$candidate; break; }; done),python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 5000
POSTGRES_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
export FLASK_APP := app

.PHONY: install translations run serve worker test test-sqlite test-postgres bench lint extract-messages constraints audit

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## make constraints: the newest releases pyproject.toml allows, in a fresh virtualenv, written to constraints.txt
constraints:
	rm -rf .venv-constraints && $(PYTHON) -m venv .venv-constraints
	.venv-constraints/bin/pip install --quiet --upgrade pip
	.venv-constraints/bin/pip install --quiet -e '.[dev]'
	{ head -n 3 constraints.txt; .venv-constraints/bin/pip freeze --exclude-editable | grep -iv '^pkg.resources'; } > constraints.new
	mv constraints.new constraints.txt && rm -rf .venv-constraints

## make audit: the pinned packages (constraints.txt) checked for known vulnerabilities by pip-audit, in a
## virtualenv of its own; skipped with a message where the vulnerability database cannot be reached
audit:
	[ -x .venv-audit/bin/pip-audit ] || { $(PYTHON) -m venv .venv-audit && .venv-audit/bin/pip install --quiet pip-audit; }
	$(PYTHON) deploy/audit.py .venv-audit/bin/pip-audit constraints.txt

# axe-core and the Nu Html Checker (vnu.jar, run on Java) for the quality-gate browser tests.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# Compiled catalogues are build output (not in git): make them from the .po files every time.
translations: install
	$(BIN)/pybabel compile --statistics -d translations

## make run: install, migrate the SQLite database, load demo data and serve on http://$(HOST):$(PORT)
run: translations
	$(BIN)/flask db upgrade
	RUPA_DEMO_BASE_URL=http://$(HOST):$(PORT) $(BIN)/flask demo load
	$(BIN)/flask run --host $(HOST) --port $(PORT)

## make test: the whole suite on SQLite, then again on PostgreSQL when a server answers
test: lint test-sqlite
	@if $(BIN)/python -m tests.postgres_available "$(POSTGRES_TEST_URL)"; then \
		$(MAKE) --no-print-directory test-postgres; \
	elif [ -n "$$RUPA_REQUIRE_POSTGRES" ]; then \
		echo "PostgreSQL is required (RUPA_REQUIRE_POSTGRES) but does not answer at $(POSTGRES_TEST_URL)"; exit 1; \
	else \
		echo "Skipping the PostgreSQL run: no server answers at $(POSTGRES_TEST_URL) (see README)"; \
	fi

# The SQLite run measures line and branch coverage (pyproject.toml [tool.coverage]): the report is printed,
# written as HTML to test-artifacts/coverage/, and fails the run under 92 %.
test-sqlite: translations $(NODE_STAMP)
	$(BIN)/coverage erase
	$(BIN)/coverage run -m pytest
	$(BIN)/coverage combine --quiet
	$(BIN)/coverage html --quiet -d test-artifacts/coverage
	$(BIN)/coverage report

test-postgres: translations
	RUPA_TEST_DATABASE_URL="$(POSTGRES_TEST_URL)" $(BIN)/pytest -m "not browser and not bench and not deploy"

## make bench: the benchmark suite (a few minutes; needs wrk, and PostgreSQL for the second surge)
bench: translations
	$(BIN)/python -m bench

## make serve: production serving with gunicorn (gunicorn.conf.py) on $(HOST):8000; see README "Deploying"
serve: translations
	$(BIN)/flask check
	$(BIN)/flask db upgrade
	RUPA_BIND=$${RUPA_BIND:-$(HOST):8000} $(BIN)/gunicorn -c gunicorn.conf.py "app:create_app()"

## make worker: the PDF worker (needs RUPA_REDIS_URL)
worker: translations
	$(BIN)/flask worker

## make lint: ruff, then mypy (zero errors; strict on scoring/ and questionnaire/, see pyproject.toml)
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

# Refresh translations/messages.pot and the .po files after changing user-facing strings.
extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot --no-location --sort-output --ignore-dirs='.* tests' -w 100 .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching -w 100
