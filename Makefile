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

templates: $(VENV)/.installed
	$(PY) -m xl_tools template -o workbook_templates/项目支出绩效目标表_模板.xlsx
	$(PY) -m xl_tools template -o workbook_templates/项目支出绩效目标表_模板.xlsm

screenshots: $(VENV)/.installed
	$(PY) tools/screenshots.py --reports docs/

clean:
	rm -rf $(VENV) $(OUT) build *.egg-info
