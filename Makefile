# Two commands set everything up on a fresh machine: `make site` and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: site test lint serve clean

$(BIN)/digest: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.test-deps: $(BIN)/digest
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

site: $(BIN)/digest
	$(BIN)/digest build
	@echo "Preview it: $(BIN)/digest serve   (then open http://127.0.0.1:8000/)"

lint: $(VENV)/.test-deps
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench
	$(BIN)/mypy generator

test: lint
	$(BIN)/pytest -q

serve: $(BIN)/digest
	$(BIN)/digest serve

clean:
	rm -rf site .site.new .site.old .digest-cache
