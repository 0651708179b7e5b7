# The two set-up commands of the README: `make run` and `make test`.
PYTHON ?= python3.13
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
RECORDS ?= 1000

.PHONY: run up test lint typecheck pytest docs client lock bench synth deploy node-version clean

# The Lambda runtime's Python (infra/syncline_infra/functions.py): the suite runs on what deploys.
# A pyenv shim runs only when its version is selected: then the newest installed 3.13 is used.
# FIND_PY prints the path of a Python 3.13 (or fails saying how to get one).
FIND_PY = py=$$($(PYTHON) -c 'import sys; print(sys.executable)' 2>/dev/null || \
	       PYENV_VERSION=$$(pyenv versions --bare 2>/dev/null | grep '^3\.13' | tail -1) \
	       $(PYTHON) -c 'import sys; print(sys.executable)' 2>/dev/null) && \
	  "$$py" -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null || \
	  { echo "$(PYTHON) is not a Python 3.13: install it (pyenv install 3.13) or run make PYTHON=/path/to/python3.13" >&2; exit 1; }

$(PY):
	@$(FIND_PY); echo "$$py -m venv $(VENV)"; "$$py" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# The Lambda dependencies at the versions the bundles ship (requirements/lambda.lock, without its
# hashes: the editable install has none), so tests and the local stack run what is deployed.
$(VENV)/lambda-constraints.txt: requirements/lambda.lock
	mkdir -p $(VENV)
	sed -e '/--hash/d' -e 's/ *\\$$//' $< > $@

$(VENV)/.local-installed: pyproject.toml $(VENV)/lambda-constraints.txt | $(PY)
	$(PY) -m pip install --quiet -c $(VENV)/lambda-constraints.txt -e '.[local]'
	touch $@

$(VENV)/.dev-installed: pyproject.toml clients/python/pyproject.toml $(VENV)/lambda-constraints.txt | $(PY)
	$(PY) -m pip install --quiet -c $(VENV)/lambda-constraints.txt -e '.[dev]' -e clients/python
	touch $@ $(VENV)/.local-installed

# make deploy's own virtualenv: the project with its `infra` extra only (aws-cdk-lib, cdk-nag and
# boto3 for the CLI steps of the deploy guide), none of the dev tools.
DEPLOY_VENV ?= .venv-deploy
$(DEPLOY_VENV)/.infra-installed: pyproject.toml $(VENV)/lambda-constraints.txt
	@$(FIND_PY); echo "$$py -m venv $(DEPLOY_VENV)"; "$$py" -m venv $(DEPLOY_VENV)
	$(DEPLOY_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(DEPLOY_VENV)/bin/python -m pip install --quiet -c $(VENV)/lambda-constraints.txt -e '.[infra]'
	touch $@

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
	$(BIN)/mypy shared functions infra tests bench clients/python/generate.py

pytest:
	$(BIN)/pytest -n 2 --dist loadfile

## make docs: regenerate the transform reference in docs/mappings.md from the transform catalog and
## docs/config.schema.json from the API's models and the error tables of docs/errors.md from the
## error catalog (tests/docs/test_docs.py fails while any differs)
docs: $(VENV)/.local-installed
	$(PY) -m syncline.mapping.reference docs/mappings.md
	$(PY) -m syncline.api.configfiles.schema docs/config.schema.json
	$(PY) -m syncline.error_catalog docs/errors.md

## make client: regenerate the typed Python client in clients/python from the report API's OpenAPI
## document (run after changing the API; tests/clients fails while it differs)
client: $(VENV)/.dev-installed
	$(PY) clients/python/generate.py

## make lock: pin the Lambda dependencies (pyproject's dependencies and the sftp and config extras,
## the layers) with their hashes in requirements/lambda.lock; run after changing them (UPGRADE=1
## moves every pin up)
lock: | $(PY)
	$(PY) -m pip install --quiet 'pip-tools==7.*'
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --extra sftp --extra config \
		$(if $(UPGRADE),--upgrade) --no-emit-index-url --no-emit-find-links \
		--output-file requirements/lambda.lock pyproject.toml

bench: $(VENV)/.local-installed
	$(PY) bench/pipeline.py

synth: $(VENV)/.dev-installed node_modules/.installed
	cd infra && ../node_modules/.bin/cdk synth --quiet

## make deploy STAGE=prod [ALARM_EMAIL=...] [ALERT_SENDER=...] [CONTEXT='-c key=value ...']:
## synthesize with that context, print the account's Lambda concurrency against the stack's maxima
## (a warning when they do not fit), bootstrap the account and region of your credentials (a no-op
## when they are bootstrapped already), deploy the synthesized stack. AWS credentials and region:
## your shell's.
STAGE ?= dev
ALARM_EMAIL ?=
ALERT_SENDER ?=
CONTEXT ?=
DEPLOY_FLAGS ?=
CDK := ../node_modules/.bin/cdk
DEPLOY_CONTEXT := -c stage=$(STAGE) $(if $(ALARM_EMAIL),-c alarmEmail=$(ALARM_EMAIL)) \
	$(if $(ALERT_SENDER),-c alertSender=$(ALERT_SENDER)) $(CONTEXT)
deploy: $(DEPLOY_VENV)/.infra-installed node_modules/.installed node-version
	cd infra && $(CDK) synth --quiet --app '../$(DEPLOY_VENV)/bin/python app.py' $(DEPLOY_CONTEXT)
	$(DEPLOY_VENV)/bin/python -m infra.syncline_infra.limits infra/cdk.out/Syncline-$(STAGE).template.json
	cd infra && $(CDK) bootstrap --app cdk.out
	cd infra && $(CDK) deploy --app cdk.out $(DEPLOY_FLAGS) Syncline-$(STAGE)

## The CDK CLI needs Node 20 or later (22 LTS recommended: the CLI warns about Node 20 from 2027).
node-version:
	@node -e 'const [major] = process.versions.node.split("."); if (+major < 20) { \
		console.error("make deploy: Node " + process.versions.node + " is too old, the CDK CLI needs 20 or later (22 LTS recommended)"); \
		process.exit(1) }'

clean:
	rm -rf $(VENV) $(DEPLOY_VENV) node_modules infra/cdk.out infra/.bundle-cache .mypy_cache .ruff_cache .pytest_cache
