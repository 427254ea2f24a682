# The two commands a new user needs: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: serve test lint install browser postgres nginx clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

browser:
	.ci/install-chromium

postgres:
	.ci/install-postgresql

nginx:
	.ci/install-nginx

test: lint browser postgres nginx
	$(BIN)/motivo data check
	$(BIN)/python -m pytest -q

serve: $(STAMP)
	$(BIN)/motivo serve --bootstrap --bind $(HOST):$(PORT)

clean:
	rm -rf $(VENV) var build *.egg-info
