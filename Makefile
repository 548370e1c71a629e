# A new user needs two commands: `make start` (set up and start the tutor) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# torch is pinned where this machine installs it (the local CPU build); the package admits a range.
TORCH_PIN ?= torch==2.13.0

.PHONY: start test test-all lint bench clean

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

test: $(VENV)/.installed lint
	$(BIN)/pytest -n 2 --dist loadgroup

# Also the slow evidence: every reference solution on three seeds.
test-all: $(VENV)/.installed lint
	$(BIN)/pytest -n 2 --dist loadgroup -m "slow or not slow"

bench: $(VENV)/.installed
	$(BIN)/python bench/bench_cli.py
	$(BIN)/python bench/bench_checks.py
	$(BIN)/python bench/bench_tui.py
	$(BIN)/python bench/bench_new.py

clean:
	rm -rf $(VENV) dist build .pytest_cache .mypy_cache .ruff_cache
