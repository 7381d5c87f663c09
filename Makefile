# watchfloor: `make run` runs everything on embedded defaults, `make test` runs the tests.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15

.PHONY: install run test test-pg test-redis lint bench browser clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium, its driver and a CJK system font, for the browser tests (root
# installs, others need sudo). The pages load no web fonts: screens use system fonts.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null \
	  && fc-list 2>/dev/null | grep -qi -e wqy -e "noto sans cjk" || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    chromium chromium-driver fonts-wqy-microhei; }

run: install
	$(BIN)/watchfloor run

test: install browser
	$(BIN)/python -m pytest

# The same suite against this machine's PostgreSQL and Redis servers.
test-pg: install browser
	TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest

test-redis: install browser
	TEST_REDIS_URL=$(REDIS_TEST_URL) $(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check feeds layers dashboard tests bench
	$(BIN)/mypy

bench: install browser
	$(BIN)/python -m bench.ingest
	$(BIN)/python -m bench.ingest --database-url $(PG_TEST_URL)
	$(BIN)/python -m bench.wall

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
