# bmoredash — every set-up step is a target; `make dashboard` and `make test` do it all.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DATA_DIR ?= $(or $(BMOREDASH_DATA_DIR),data)
PORT   ?= 8866
APT_PACKAGES := chromium poppler-utils nginx-light

.DEFAULT_GOAL := help
.PHONY: help setup system-deps dashboard data lab test reports bench lint format clean translations

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) (Debian: apt-get install python3 python3-venv)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[lab,test]'
	touch $(STAMP)

setup: $(STAMP) ## create .venv and install the project with its extras

system-deps: ## install Debian's chromium, poppler-utils and nginx-light (browser tests, PDF reports, the deployment test)
	@missing=""; \
	  command -v chromium >/dev/null || missing="$$missing chromium"; \
	  command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	  command -v nginx >/dev/null || test -x /usr/sbin/nginx || missing="$$missing nginx-light"; \
	  if [ -n "$$missing" ]; then \
	    echo "installing$$missing with apt-get"; \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get install -y $$missing || { $$SUDO apt-get update && $$SUDO apt-get install -y $$missing; }; \
	  fi

data: $(STAMP) ## create deterministic demo data when the data directory holds no store
	@test -f $(DATA_DIR)/manifest.json || $(BIN)/bmoredash demo --data-dir $(DATA_DIR)

dashboard: data ## serve the dashboard on http://127.0.0.1:$(PORT)
	$(BIN)/bmoredash serve --data-dir $(DATA_DIR) --port $(PORT)

lab: data ## open the notebooks in JupyterLab (analysts)
	BMOREDASH_DATA_DIR=$(abspath $(DATA_DIR)) $(BIN)/jupyter lab notebooks/

test: $(STAMP) system-deps ## install everything and run the whole suite
	$(BIN)/python -m pytest -ra

reports: data system-deps ## render the ten weekly reports for the last complete week
	$(BIN)/bmoredash reports --data-dir $(DATA_DIR) --out reports

bench: data system-deps ## run the benchmarks on the full-size demo store and print their figures
	for b in benchmarks/bench_*.py; do echo "== $$b"; \
	  BMOREDASH_DATA_DIR=$(abspath $(DATA_DIR)) $(BIN)/python $$b || exit 1; done

lint: $(STAMP) ## ruff check and format check, notebooks stripped
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP) ## ruff format and strip notebook outputs
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/nbstripout notebooks/*.ipynb notebooks/*/*.ipynb

translations: $(STAMP) ## extract every message (babel.cfg) and add the new ones to the Spanish catalog
	$(BIN)/python scripts/update_translations.py

clean: ## remove the venv and caches (keeps data/ and reports/)
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
