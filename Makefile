# Kechuang — two commands: `make demo` serves the platform with demo data; `make test` sets up and runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Test processes (pytest-xdist): one per core by default; TEST_WORKERS=0 runs the suite in this process.
TEST_WORKERS ?= auto

.PHONY: install system-deps demo serve test test-fast lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml package.json package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	bash scripts/static-deps.sh
	touch $@

# Debian's chromium + chromedriver for the browser tests (never a browser download by a test tool).
system-deps:
	bash scripts/system-deps.sh

demo: install
	$(BIN)/kechuang demo --port $(PORT)

serve: install
	$(BIN)/kechuang serve --port $(PORT)

test: install system-deps
	$(BIN)/pytest -n $(TEST_WORKERS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy kechuang config
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

bench: install
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) var
