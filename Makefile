# Two commands on a fresh machine: `make demo` builds the sample edition into dist/,
# `make test` runs the whole suite. Both are idempotent.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export SOURCE_DATE_EPOCH ?= 1700000000

.PHONY: demo test lint golden bench bench-fidelity bench-justify docs install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/make-html articles -o dist/sample-edition.html
	$(BIN)/make-pdf articles -o dist/sample-edition.pdf --impose booklet
	$(BIN)/make-epub articles -o dist/sample-edition.epub
	@echo "The commands are in $(BIN)/: run $(BIN)/make-pdf articles -o dist/pamphlet.pdf, or . $(BIN)/activate first"

test: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

clean:
	rm -rf dist build .pytest_cache .ruff_cache

# The style gallery: the sample edition in each built-in style, pictured in docs/gallery/ (checked in;
# docs/styles.md and the README show them). Needs poppler's pdftoppm.
docs: $(STAMP)
	$(BIN)/python docs/gallery.py

golden: $(STAMP)
	$(BIN)/python -m pytest --regen-golden -q

bench: $(STAMP)
	$(BIN)/python bench/run.py

# The reading benchmark on a labelled corpus of copied pages: make bench-fidelity CORPUS=path/to/corpus
bench-fidelity: $(STAMP)
	@test -n "$(CORPUS)" || { echo "usage: make bench-fidelity CORPUS=path/to/corpus (NAME.txt + NAME.json, score.py)"; exit 2; }
	$(BIN)/python bench/fidelity.py "$(CORPUS)" --editions "$(BIN)/editions"

# Justification and hyphenation of the PDF (loose lines, hyphens, ladders, bad breaks) of the sample
# edition, the 100-article anthology and any editions given: make bench-justify EDITIONS="path/to/edition ..."
bench-justify: $(STAMP)
	$(BIN)/python bench/justify.py articles $(EDITIONS) --anthology 100 --make-pdf $(BIN)/make-pdf
