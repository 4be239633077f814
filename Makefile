# Two commands that work on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
OUT ?= out
LOWEST ?= .venv-lowest
LOWEST_XLWINGS ?= 0.37.5

.PHONY: demo test test-deps test-lowest-xlwings lint bench docs rule snapshots templates screenshots dist clean

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[pdf,server,web,test,bench]'
	touch $@

demo: $(VENV)/.installed
	$(PY) -m xl_tools demo -o $(OUT)

test: $(VENV)/.installed lint test-deps
	$(PY) -m pytest -q -n 2 --dist loadfile

# What the tests use besides .venv, so a contributor's run covers what CI covers: the JS packages
# (xlwings' add-in client, npm ci) and, as root where apt can, Chromium for the upload page's browser test.
test-deps:
	@if command -v npm >/dev/null; then \
	  for d in tests/js tests/pyodide; do \
	    [ "$$d/node_modules/.package-lock.json" -nt "$$d/package-lock.json" ] || (cd $$d && npm ci --no-audit --no-fund --loglevel=error); \
	  done; \
	else echo "npm 未安装：JS 客户端测试将跳过（CI 中会失败）"; fi
	@if ! command -v chromium >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	  else echo "chromium 未安装（apt-get install chromium）：网页版的浏览器测试将跳过（CI 中会失败）"; fi; \
	fi

# ruff (pyflakes, pycodestyle, import order) and the import layers of docs/ARCHITECTURE.md
lint: $(VENV)/.installed
	$(PY) -m ruff check xl_tools tests benchmarks tools
	$(VENV)/bin/lint-imports --no-cache

# The live-Excel writer against the lowest xlwings setup.cfg allows (a separate venv: xlwings-server
# needs a newer xlwings, so only the tests that use xlwings alone run here).
test-lowest-xlwings:
	$(PYTHON) -m venv $(LOWEST)
	$(LOWEST)/bin/python -m pip install -q --upgrade pip
	$(LOWEST)/bin/python -m pip install -q -e . "xlwings==$(LOWEST_XLWINGS)" "pytest>=8.0" "pytest-timeout>=2.2"
	$(LOWEST)/bin/python -c "import xlwings; assert xlwings.__version__ == '$(LOWEST_XLWINGS)', xlwings.__version__"
	$(LOWEST)/bin/python -m pytest -q -p no:cacheprovider tests/test_live_writer.py

bench: $(VENV)/.installed
	$(PY) -m benchmarks.run

# what follows from the rule classes: docs/rules.md, the rule part of xl_tools/data/catalogue.toml and
# the README's count of review rules; the layers picture of docs/ARCHITECTURE.md from the import graph
# (a test fails when any is stale)
docs: $(VENV)/.installed
	$(PY) -m xl_tools.rules.docs
	$(PY) tools/layers.py
	$(PY) tools/realworld_figures.py

# a new rule: make rule CODE=VAL022 NAME=values.pseudo_quantified [TITLE=…] [SEVERITY=warning] [BASIS=G-QUANT]
rule: $(VENV)/.installed
	$(PY) tools/newrule.py "$(CODE)" "$(NAME)" --title "$(TITLE)" --severity "$(or $(SEVERITY),warning)" --basis "$(BASIS)"

# rewrite tests/rule_cases/snapshots/ from the rules (every finding of every rule case); commit the diff
snapshots: $(VENV)/.installed
	$(PY) -m tests.support.rulecases --update

# the committed templates, under the names README and the drift test use (a test fails when they drift)
templates: $(VENV)/.installed
	rm -f workbook_templates/performance_targets.xlsx workbook_templates/performance_targets.xlsm
	$(PY) -m xl_tools template -o workbook_templates/performance_targets.xlsx
	$(PY) -m xl_tools template -o workbook_templates/performance_targets.xlsm

# docs/*.png from the current code: the refreshed sample, its published table and the reviewer's
# workbooks, rendered by LibreOffice (look at them before committing)
screenshots: $(VENV)/.installed
	$(PY) tools/screenshots.py docs

# What IT installs from without a public index: the wheel, an offline wheelhouse for 64-bit Windows
# (Python $(DIST_PYTHON)), install.bat and 安装说明.txt, in dist/ (tools/dist.py; docs/使用说明.md 〇、安装)
DIST_PYTHON ?= 3.12
dist: $(VENV)/.installed
	$(PY) tools/dist.py --out dist --python $(DIST_PYTHON)

clean:
	rm -rf $(VENV) $(LOWEST) $(OUT) build *.egg-info
