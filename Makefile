# watchfloor: `make run` runs everything on embedded defaults, `make test` runs the tests.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15

.PHONY: install run test test-pg test-redis lint bench faults browser clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium, its driver, a CJK system font and poppler-utils (pdftoppm, pdfinfo:
# looking at the printed reports), for the browser tests (root installs, others need
# sudo). The pages load no web fonts: screens use system fonts.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null \
	  && command -v pdftoppm >/dev/null \
	  && fc-list 2>/dev/null | grep -qi -e wqy -e "noto sans cjk" || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    chromium chromium-driver fonts-wqy-microhei poppler-utils; }

run: install
	$(BIN)/watchfloor run

test: install browser
	$(BIN)/python -m pytest

# The same suite against this machine's PostgreSQL and Redis servers (less the tests that
# start all their servers themselves: `make test` ran those already, and they would do the same).
test-pg: install browser
	TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest -m "not own_servers"

test-redis: install browser
	TEST_REDIS_URL=$(REDIS_TEST_URL) $(BIN)/python -m pytest -m "not own_servers"

lint: install
	$(BIN)/ruff check feeds layers dashboard tests bench
	$(BIN)/mypy

bench: install browser
	$(BIN)/python -m bench.ingest
	$(BIN)/python -m bench.ingest --database-url $(PG_TEST_URL)
	$(BIN)/python -m bench.wall

# The fault suite: worker kills, Redis restart and wipe, a PostgreSQL restart (of a
# throw-away cluster of its own), malformed entries, then the web side; prints one table.
faults: install browser
	$(BIN)/python -m bench.faults

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
