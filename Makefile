# The two commands a newcomer needs: `make run` and `make test`.
# Each creates .venv in the checkout and installs the project on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint-examples glossary-check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/replydesk

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m benchmarks

lint-examples: $(STAMP)
	-$(BIN)/replydesk lint linting/examples

glossary-check: $(STAMP)
	$(BIN)/replydesk glossary check

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
