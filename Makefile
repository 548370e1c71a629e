# A new user needs two commands: `make start` (set up and start the tutor) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# torch is pinned where this machine installs it (the local CPU build); the package admits a range.
TORCH_PIN ?= torch==2.13.0

.PHONY: start test test-fast lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH_PIN)"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

start: $(VENV)/.installed
	$(BIN)/dlpath start

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy

# Everything, the slow evidence too (every reference solution on three seeds): about 3 minutes
# on an idle 2-core machine.
test: $(VENV)/.installed lint
	$(BIN)/pytest -n 2 --dist loadgroup -m "slow or not slow"

# What plain `pytest` runs: the slow evidence left out.
test-fast: $(VENV)/.installed
	$(BIN)/pytest -n 2 --dist loadgroup

bench: $(VENV)/.installed
	$(BIN)/python bench/bench_cli.py
	$(BIN)/python bench/bench_checks.py
	$(BIN)/python bench/bench_tui.py
	$(BIN)/python bench/bench_new.py

clean:
	rm -rf $(VENV) dist build .pytest_cache .mypy_cache .ruff_cache
