# The two set-up commands of the README: `make run` and `make test`.
PYTHON ?= python3.13
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
RECORDS ?= 1000

.PHONY: run up test lint typecheck pytest docs bench synth clean

# The Lambda runtime's Python (infra/syncline_infra/functions.py): the suite runs on what deploys.
# A pyenv shim runs only when its version is selected: then the newest installed 3.13 is used.
$(PY):
	@py=$$($(PYTHON) -c 'import sys; print(sys.executable)' 2>/dev/null || \
	       PYENV_VERSION=$$(pyenv versions --bare 2>/dev/null | grep '^3\.13' | tail -1) \
	       $(PYTHON) -c 'import sys; print(sys.executable)' 2>/dev/null) && \
	  "$$py" -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null || \
	  { echo "$(PYTHON) is not a Python 3.13: install it (pyenv install 3.13) or run make PYTHON=/path/to/python3.13" >&2; exit 1; }; \
	  echo "$$py -m venv $(VENV)"; "$$py" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# The Lambda dependencies at the versions the bundles ship (requirements/lambda.lock, without its
# hashes: the editable install has none), so tests and the local stack run what is deployed.
$(VENV)/lambda-constraints.txt: requirements/lambda.lock | $(PY)
	sed -e '/--hash/d' -e 's/ *\\$$//' $< > $@

$(VENV)/.local-installed: pyproject.toml $(VENV)/lambda-constraints.txt | $(PY)
	$(PY) -m pip install --quiet -c $(VENV)/lambda-constraints.txt -e '.[local]'
	touch $@

$(VENV)/.dev-installed: pyproject.toml $(VENV)/lambda-constraints.txt | $(PY)
	$(PY) -m pip install --quiet -c $(VENV)/lambda-constraints.txt -e '.[dev]'
	touch $@ $(VENV)/.local-installed

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

## make run: the local stack end to end (moto + demo shop + demo warehouse), then a summary
run: $(VENV)/.local-installed
	$(BIN)/syncline demo --records $(RECORDS)

## make up: the same stack kept running on its schedule until Ctrl-C
up: $(VENV)/.local-installed
	$(BIN)/syncline up

## make test: ruff, mypy and the whole pytest suite
test: $(VENV)/.dev-installed node_modules/.installed lint typecheck pytest

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy shared functions infra tests bench

pytest:
	$(BIN)/pytest -n 2 --dist loadfile

## make docs: regenerate the transform reference in docs/mappings.md from the transform catalog
## (tests/docs/test_docs.py fails while it differs)
docs: $(VENV)/.local-installed
	$(PY) -m syncline.mapping.reference docs/mappings.md

bench: $(VENV)/.local-installed
	$(PY) bench/pipeline.py

synth: $(VENV)/.dev-installed node_modules/.installed
	cd infra && ../node_modules/.bin/cdk synth --quiet

clean:
	rm -rf $(VENV) node_modules infra/cdk.out infra/.bundle-cache .mypy_cache .ruff_cache .pytest_cache
