# flashdl: `make study` sets everything up and opens the app; `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# pytest workers: the CI machine has 2 cores
JOBS   ?= 2

.PHONY: study test bench lint clean setup setup-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@# the real-terminal tests drive flashdl through tmux
	@command -v tmux >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && apt-get install -y -qq tmux) >/dev/null; \
	  else echo "note: tmux is missing; the real-terminal tests will be skipped (CI=true: the run fails)"; fi; }
	@# the store tests also run against a throwaway PostgreSQL cluster (initdb, pg_ctl)
	@command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null; \
	  else echo "note: PostgreSQL is missing; the PostgreSQL store tests will be skipped (CI=true: the run fails)"; fi; }
	touch $@ $(VENV)/.installed-app

setup: $(VENV)/.installed-app
setup-test: $(VENV)/.installed-test

study: $(VENV)/.installed-app
	$(BIN)/flashdl study

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -n $(JOBS) --dist loadgroup

bench: $(VENV)/.installed-test
	$(BIN)/python bench/run_all.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check flashdl tests migrations bench

clean:
	rm -rf $(VENV) build dist .pytest_cache
