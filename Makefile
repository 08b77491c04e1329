# Kokoc: `make run` runs the pipeline on the embedded synthetic shop, `make test` runs every test.
# Both create the virtual environment (.venv) on first use.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SCALE  ?= small
# PyTorch's CPU wheels: with this extra index pip prefers `2.13.0+cpu` over the multi-GB CUDA build on PyPI
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu

.PHONY: install run test test-notebooks sync lab docs-check

$(STAMP): settings.ini setup.py
	python3 -m venv $(VENV)
	$(PY) -m pip install -q torch==2.13.0 --extra-index-url $(TORCH_INDEX)
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install            ## the main job: the whole pipeline on the synthetic shop
	$(VENV)/bin/kokoc_run --scale $(SCALE)

test: install           ## every notebook (as nbdev_test runs it) + package, CLI and pipeline tests
	$(PY) -m pytest tests -v -rA --durations=15

test-notebooks: install ## the notebooks alone, the nbdev way
	cd nbs && ../$(VENV)/bin/nbdev_test --n_workers 1 --timing

sync: install           ## export notebooks to the package and clean them (run before committing)
	$(VENV)/bin/nbdev_export && $(VENV)/bin/nbdev_clean

lab: install            ## JupyterLab on the notebooks, in the project's environment
	$(VENV)/bin/jupyter lab nbs/

docs-check: install     ## nbdev's notebook processing, the step of the docs build that needs no Quarto
	$(VENV)/bin/nbdev_proc_nbs
