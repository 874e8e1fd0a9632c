# Two entry points: `make demo` (set up + main job) and `make test` (set up + full check).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,mcp]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/graph-sitter demo

test: $(STAMP)
	bash scripts/system_deps.sh
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy src
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python bench/graph_build.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
