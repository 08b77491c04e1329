# Kokoc: `make run` runs the pipeline on the embedded synthetic shop, `make test` runs every test.
# Both create the virtual environment (.venv) on first use.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SCALE  ?= small

.PHONY: install run test test-notebooks sync clean-nbs docs-check

$(STAMP): settings.ini setup.py
	python3 -m venv $(VENV)
	# the CPU wheel of torch first, so nothing pulls a multi-GB CUDA build
	$(PY) -m pip install -q torch==2.13.0
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
