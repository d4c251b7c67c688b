# Two commands do all the set-up:  make demo  and  make test.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup demo test lint browser bench fuzz clean

$(STAMP): pyproject.toml constraints.txt liens/report/js/package-lock.json liens/report/js/network-entry.js
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "liens needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	bash scripts/build-js.sh
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

## make demo: set up, import the bundled community, analyse it, write the report
demo: setup
	$(VENV)/bin/liens demo --out liens-demo

## make test: set up, lint, then the whole test suite (headless Chromium included)
## Fuzz tests run a short version here (LIENS_FUZZ_EXAMPLES cases each); make fuzz runs 10,000.
LIENS_FUZZ_EXAMPLES ?= 20
test: setup browser lint
	LIENS_FUZZ_EXAMPLES=$(LIENS_FUZZ_EXAMPLES) $(PY) -m pytest -q

lint: setup
	$(VENV)/bin/ruff check liens tests bench scripts
	$(VENV)/bin/ruff format --check liens tests bench scripts

browser:
	bash scripts/ensure-browser.sh

bench: setup
	$(PY) -m bench

## make fuzz: 10,000 cases per importer, each read by its reader; 100 of them (per test) also
## imported into a workspace (LIENS_FUZZ_STORE_CASES). Prints the slowest tests at the end.
fuzz: setup
	LIENS_FUZZ_EXAMPLES=10000 $(PY) -m pytest -q -k fuzz -p no:cacheprovider --durations=30

clean:
	rm -rf $(VENV) liens-demo build *.egg-info .pytest_cache .ruff_cache
