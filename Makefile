# Two commands that work on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
OUT ?= out

.PHONY: demo test lint bench docs templates screenshots clean

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[pdf,server,test,bench]'
	touch $@

demo: $(VENV)/.installed
	$(PY) -m xl_tools demo -o $(OUT)

test: $(VENV)/.installed lint
	$(PY) -m pytest -q -n 2 --dist loadfile

# ruff (pyflakes, pycodestyle, import order) and the import layers of docs/ARCHITECTURE.md
lint: $(VENV)/.installed
	$(PY) -m ruff check xl_tools tests benchmarks tools
	$(VENV)/bin/lint-imports

bench: $(VENV)/.installed
	$(PY) -m benchmarks.run

docs: $(VENV)/.installed
	$(PY) -m xl_tools.rules.docs

# the committed templates (ASCII names: the .xlsm button imports the module of the same name,
# workbook_templates/performance_targets.py); a test fails when they drift from the generator
templates: $(VENV)/.installed
	$(PY) -m xl_tools template -o workbook_templates/performance_targets.xlsx
	$(PY) -m xl_tools template -o workbook_templates/performance_targets.xlsm

# docs/*.png from the current code: the sample (make demo) and a typed filing, rendered by LibreOffice
screenshots: $(VENV)/.installed
	$(PY) tools/screenshots.py docs

clean:
	rm -rf $(VENV) $(OUT) build *.egg-info
